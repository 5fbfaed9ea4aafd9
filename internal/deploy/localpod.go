package deploy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// workloads translates a pod template: its first container is the
// workload itself, its init and further containers are workloads of their
// own (NAME-CONTAINER) that share its volumes.
func (m *manifests) workloads(p podOf, namespace string) ([]*Workload, error) {
	if len(p.spec.Containers) == 0 {
		return nil, fmt.Errorf("no container")
	}
	vols := map[string]corev1.Volume{}
	for _, v := range p.spec.Volumes {
		vols[v.Name] = v
	}
	var out []*Workload
	add := func(c corev1.Container, name string, init bool) error {
		w := &Workload{Name: name, Kind: p.kind, Init: init, Image: c.Image, Command: c.Command, Args: c.Args, WorkingDir: c.WorkingDir, labels: p.labels}
		if name != p.name {
			w.Pod = p.name
		}
		env, err := m.env(c, p.name, namespace)
		if err != nil {
			return fmt.Errorf("container %s: %w", c.Name, err)
		}
		w.Env = env
		// Kubernetes expands $(VAR) in the command and arguments too.
		index := map[string]int{}
		for i, e := range env {
			index[e.Name] = i
		}
		expandAll := func(list []string) []string {
			if list == nil {
				return nil
			}
			out := make([]string, len(list))
			for i, s := range list {
				out[i], _ = expand(s, env, index)
			}
			return out
		}
		w.Command, w.Args = expandAll(c.Command), expandAll(c.Args)
		for _, port := range c.Ports {
			w.Ports = append(w.Ports, int(port.ContainerPort))
		}
		for _, vm := range c.VolumeMounts {
			v, ok := vols[vm.Name]
			if !ok {
				return fmt.Errorf("container %s: volumeMount %s: no such volume", c.Name, vm.Name)
			}
			mnt, err := m.mount(p, vm, v)
			if err != nil {
				return fmt.Errorf("container %s: volume %s: %w", c.Name, vm.Name, err)
			}
			if mnt != nil {
				w.Mounts = append(w.Mounts, *mnt)
			}
		}
		if sc := p.spec.SecurityContext; sc != nil {
			w.User, w.Group = sc.RunAsUser, sc.RunAsGroup
		}
		if sc := c.SecurityContext; sc != nil {
			if sc.RunAsUser != nil {
				w.User = sc.RunAsUser
			}
			if sc.RunAsGroup != nil {
				w.Group = sc.RunAsGroup
			}
			w.ReadOnlyRoot = sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem
			w.NoNewPrivileges = sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation
			if sc.Capabilities != nil {
				w.DropAll = slices.Contains(sc.Capabilities.Drop, "ALL")
			}
		}
		if pr := c.ReadinessProbe; pr != nil && pr.Exec != nil {
			w.Probe = pr.Exec.Command
		}
		out = append(out, w)
		return nil
	}
	for i, c := range p.spec.Containers {
		name := p.name
		if i > 0 {
			name = p.name + "-" + c.Name
		}
		if err := add(c, name, false); err != nil {
			return nil, err
		}
	}
	for _, c := range p.spec.InitContainers {
		if err := add(c, p.name+"-"+c.Name, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// env resolves a container's environment as the kubelet does: envFrom
// first, then env, a later variable replacing an earlier one of the same
// name; $(VAR) names a variable defined before.
func (m *manifests) env(c corev1.Container, pod, namespace string) ([]EnvVar, error) {
	var out []EnvVar
	index := map[string]int{}
	set := func(v EnvVar) {
		if i, ok := index[v.Name]; ok {
			out[i] = v
			return
		}
		index[v.Name] = len(out)
		out = append(out, v)
	}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			data, ok := m.configMaps[from.ConfigMapRef.Name]
			if !ok && !optional(from.ConfigMapRef.Optional) {
				return nil, fmt.Errorf("envFrom: no ConfigMap %s in the chart", from.ConfigMapRef.Name)
			}
			for _, k := range slices.Sorted(maps.Keys(data)) {
				set(EnvVar{Name: from.Prefix + k, Value: string(data[k])})
			}
		case from.SecretRef != nil:
			data, ok := m.secrets[from.SecretRef.Name]
			if !ok && !optional(from.SecretRef.Optional) {
				return nil, fmt.Errorf("envFrom: no Secret %s in the chart", from.SecretRef.Name)
			}
			for _, k := range slices.Sorted(maps.Keys(data)) {
				set(EnvVar{Name: from.Prefix + k, Value: string(data[k]), Secret: true})
			}
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			v, secret := expand(e.Value, out, index)
			set(EnvVar{Name: e.Name, Value: v, Secret: secret})
			continue
		}
		switch f := e.ValueFrom; {
		case f.SecretKeyRef != nil:
			v, ok := m.secrets[f.SecretKeyRef.Name][f.SecretKeyRef.Key]
			if !ok {
				if optional(f.SecretKeyRef.Optional) {
					continue
				}
				return nil, fmt.Errorf("env %s: no key %s in Secret %s of the chart", e.Name, f.SecretKeyRef.Key, f.SecretKeyRef.Name)
			}
			set(EnvVar{Name: e.Name, Value: string(v), Secret: true})
		case f.ConfigMapKeyRef != nil:
			v, ok := m.configMaps[f.ConfigMapKeyRef.Name][f.ConfigMapKeyRef.Key]
			if !ok {
				if optional(f.ConfigMapKeyRef.Optional) {
					continue
				}
				return nil, fmt.Errorf("env %s: no key %s in ConfigMap %s of the chart", e.Name, f.ConfigMapKeyRef.Key, f.ConfigMapKeyRef.Name)
			}
			set(EnvVar{Name: e.Name, Value: string(v)})
		case f.FieldRef != nil:
			switch f.FieldRef.FieldPath {
			case "metadata.name":
				set(EnvVar{Name: e.Name, Value: pod})
			case "metadata.namespace":
				set(EnvVar{Name: e.Name, Value: namespace})
			default:
				m.note(fmt.Sprintf("env %s of %s: the pod field %s has no local value", e.Name, pod, f.FieldRef.FieldPath))
			}
		default:
			m.note(fmt.Sprintf("env %s of %s: resource fields have no local value", e.Name, pod))
		}
	}
	return out, nil
}

func optional(b *bool) bool { return b != nil && *b }

// expand replaces $(NAME) with the value of a variable defined before, as
// Kubernetes does: $$ is a literal $, and a reference to no variable is
// left as it is. secret tells whether a Secret's value went in.
func expand(s string, vars []EnvVar, index map[string]int) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, false
	}
	var b strings.Builder
	secret := false
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte('$')
				continue
			}
			name := s[i+2 : i+2+end]
			if j, ok := index[name]; ok {
				b.WriteString(vars[j].Value)
				secret = secret || vars[j].Secret
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), secret
}

// mount translates a volume mount; nil for a volume with no local
// counterpart (noted).
func (m *manifests) mount(p podOf, vm corev1.VolumeMount, v corev1.Volume) (*Mount, error) {
	mnt := &Mount{Path: vm.MountPath, SubPath: vm.SubPath, ReadOnly: vm.ReadOnly}
	src := v.VolumeSource
	switch {
	case src.EmptyDir != nil:
		mnt.Tmpfs = true
	case src.PersistentVolumeClaim != nil:
		mnt.Volume = src.PersistentVolumeClaim.ClaimName
		mnt.ReadOnly = mnt.ReadOnly || src.PersistentVolumeClaim.ReadOnly
	case src.ConfigMap != nil:
		fs, err := m.files(src.ConfigMap.Name, false, src.ConfigMap.Items, src.ConfigMap.Optional)
		if err != nil {
			return nil, err
		}
		mnt.Files = fs
		if len(src.ConfigMap.Items) > 0 {
			fs.Name = p.name + "/" + v.Name
		}
		mnt.ReadOnly = true
	case src.Secret != nil:
		fs, err := m.files(src.Secret.SecretName, true, src.Secret.Items, src.Secret.Optional)
		if err != nil {
			return nil, err
		}
		mnt.Files = fs
		if len(src.Secret.Items) > 0 {
			fs.Name = p.name + "/" + v.Name
		}
		mnt.ReadOnly = true
	case src.Projected != nil:
		set := &FileSet{Name: p.name + "/" + v.Name, Files: map[string][]byte{}}
		for _, s := range src.Projected.Sources {
			var part *FileSet
			var err error
			switch {
			case s.Secret != nil:
				part, err = m.files(s.Secret.Name, true, s.Secret.Items, s.Secret.Optional)
			case s.ConfigMap != nil:
				part, err = m.files(s.ConfigMap.Name, false, s.ConfigMap.Items, s.ConfigMap.Optional)
			default:
				m.note(fmt.Sprintf("volume %s of %s: only its ConfigMaps and Secrets are projected locally", v.Name, p.name))
				continue
			}
			if err != nil {
				return nil, err
			}
			set.Secret = set.Secret || part.Secret
			maps.Copy(set.Files, part.Files)
		}
		mnt.Files = set
		mnt.ReadOnly = true
	default:
		m.note(fmt.Sprintf("volume %s of %s: left out, only emptyDir, persistentVolumeClaim, configMap, secret and projected volumes have a local counterpart", v.Name, p.name))
		return nil, nil
	}
	return mnt, nil
}

// files is the content of a ConfigMap or Secret as a volume shows it:
// every key, or the items given at their paths.
func (m *manifests) files(name string, secret bool, items []corev1.KeyToPath, opt *bool) (*FileSet, error) {
	kind, data := "configmap", m.configMaps[name]
	if secret {
		kind, data = "secret", m.secrets[name]
	}
	if data == nil {
		_, ok := m.configMaps[name]
		if secret {
			_, ok = m.secrets[name]
		}
		if !ok && !optional(opt) {
			return nil, fmt.Errorf("no %s %s in the chart", map[bool]string{false: "ConfigMap", true: "Secret"}[secret], name)
		}
	}
	fs := &FileSet{Name: kind + "/" + name, Secret: secret, Files: map[string][]byte{}}
	if len(items) == 0 {
		maps.Copy(fs.Files, data)
		return fs, nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			if optional(opt) {
				continue
			}
			return nil, fmt.Errorf("no key %s in %s %s", it.Key, kind, name)
		}
		fs.Files[it.Path] = v
	}
	return fs, nil
}

func (m *manifests) note(n string) {
	if !slices.Contains(m.notes, n) {
		m.notes = append(m.notes, n)
	}
}

// addService gives the workloads a Service selects its name, and its
// ports when it is exposed outside the cluster.
func (l *Local) addService(s corev1.Service) {
	if len(s.Spec.Selector) == 0 {
		return
	}
	for _, w := range l.Workloads {
		if w.Pod != "" || !selects(s.Spec.Selector, w.labels) {
			continue
		}
		if !slices.Contains(w.Aliases, s.Name) {
			w.Aliases = append(w.Aliases, s.Name)
		}
		if s.Spec.Type != corev1.ServiceTypeLoadBalancer && s.Spec.Type != corev1.ServiceTypeNodePort {
			continue
		}
		for _, p := range s.Spec.Ports {
			target := p.TargetPort.IntValue()
			if target == 0 {
				target = int(p.Port)
			}
			if w.Publish == nil {
				w.Publish = map[int]int{}
			}
			w.Publish[int(p.Port)] = target
		}
	}
}

func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
