package kubetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The host state a node changes outside its own directory and network
// namespace: what hostState saves before the node starts and puts back after.
var (
	// nodeSysctls are the kernel settings kubelet and kube-proxy set and that
	// belong to the whole machine, not to the node's network namespace.
	nodeSysctls = []string{
		"kernel/panic",
		"kernel/panic_on_oops",
		"kernel/keys/root_maxkeys",
		"kernel/keys/root_maxbytes",
		"vm/overcommit_memory",
		"vm/panic_on_oom",
		"net/ipv4/ip_forward",
		"net/bridge/bridge-nf-call-iptables",
		"net/bridge/bridge-nf-call-ip6tables",
	}
	// nodeFixedPaths are written by kubelet, containerd and the CNI plugins
	// whatever their configuration says (constants in their code). The node
	// owns those that did not exist before it and removes them whole.
	nodeFixedPaths = []string{
		"/var/lib/kubelet",    // device-plugins/kubelet.sock
		"/var/log/containers", // kubelet's links to the containers' logs
		"/run/containerd",     // the shims' sockets (/run/containerd/s)
		"/run/mount",          // util-linux's lock of the mount table (kubelet runs mount)
	}
	// nodeSharedPaths hold, among what other programs (buildah, podman) put
	// there, entries of the node: it removes those (restore) and, if it made
	// the directories, the directories once empty.
	nodeSharedPaths = []string{
		"/run/netns",   // network namespaces: the Pods' are cni-UUID
		"/var/lib/cni", // libcni's cache: results/kubetest-ID-eth0, results/cni-loopback-ID-lo
	}
)

// cgroupRoot holds the cgroup v1 hierarchies (or the v2 unified one).
const cgroupRoot = "/sys/fs/cgroup"

// hostState is what the machine looked like before a node started.
// It is also written into the node's directory (hostStateFile), so that the
// next StartNode can put back what a killed test binary could not.
type hostState struct {
	Sysctls map[string]string `json:"sysctls"` // path under /proc/sys → value
	Absent  []string          `json:"absent"`  // fixed paths that did not exist
	Netns   map[string]bool   `json:"netns"`   // entries of /run/netns
}

// hostStateFile, in a node's directory, holds its hostState.
const hostStateFile = "host-state.json"

// saveHostState records the host's state into dir, or fails when a kubelet
// already runs.
func saveHostState(dir string) (*hostState, error) {
	h := &hostState{Sysctls: map[string]string{}, Netns: map[string]bool{}}
	for _, key := range nodeSysctls {
		b, err := os.ReadFile(filepath.Join("/proc/sys", key))
		if errors.Is(err, fs.ErrNotExist) {
			continue // no such setting on this kernel (br_netfilter not loaded)
		}
		if err != nil {
			return nil, fmt.Errorf("read sysctl %s: %w", key, err)
		}
		h.Sysctls[key] = strings.TrimSpace(string(b))
	}
	for _, p := range slices.Concat(nodeFixedPaths, nodeSharedPaths) {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			h.Absent = append(h.Absent, p)
		}
	}
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		h.Netns[e.Name()] = true
	}
	if dirs := kubepodsCgroups(); len(dirs) > 0 {
		return nil, fmt.Errorf("cgroups %s exist: another kubelet runs on this machine (see docs/testing.md)", strings.Join(dirs, ", "))
	}
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, hostStateFile), b, 0o600); err != nil {
		return nil, err
	}
	return h, nil
}

// sweepLeftovers undoes what earlier nodes left when their test binary was
// killed (Ctrl-C, go test -timeout) before its cleanup: their Pods' shims and
// containers, mounts, cgroups, files, and the host state their directories
// recorded. The caller holds the node lock, so no node is running.
func sweepLeftovers() error {
	dirs, err := filepath.Glob(filepath.Join(os.TempDir(), "kubetest-node-*"))
	if err != nil || len(dirs) == 0 {
		return err
	}
	var errs []error
	for _, dir := range dirs {
		errs = append(errs, killShims(filepath.Join(dir, "containerd.sock")))
	}
	errs = append(errs, killPods())
	for _, dir := range dirs {
		errs = append(errs, unmountUnder(dir))
	}
	errs = append(errs, removeCgroups())
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, hostStateFile))
		if err == nil {
			var h hostState
			if err := json.Unmarshal(b, &h); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", dir, err))
			} else {
				errs = append(errs, h.restore())
			}
		}
		errs = append(errs, removeUnmounted(dir))
	}
	return errors.Join(errs...)
}

// kubepodsCgroups lists the cgroups kubelet makes (cgroupfs driver) in every
// hierarchy.
func kubepodsCgroups() []string {
	dirs, _ := filepath.Glob(filepath.Join(cgroupRoot, "*", "kubepods"))
	if d := filepath.Join(cgroupRoot, "kubepods"); isDir(d) {
		dirs = append(dirs, d) // cgroup v2
	}
	return dirs
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// killPods kills every process left in kubelet's cgroups, the containers of
// Pods that kubelet did not stop, and waits until they are gone.
func killPods() error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids := cgroupPIDs(kubepodsCgroups())
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes %v outlive SIGKILL in kubepods", pids)
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cgroupPIDs returns the processes in the cgroups dirs and their descendants.
func cgroupPIDs(dirs []string) []int {
	seen := map[int]bool{}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "cgroup.procs" {
				return nil
			}
			b, _ := os.ReadFile(p)
			for _, f := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(f); err == nil {
					seen[pid] = true
				}
			}
			return nil
		})
	}
	pids := make([]int, 0, len(seen))
	for pid := range seen {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	return pids
}

// killShims kills the containerd shims started for the containerd listening
// on address: they outlive containerd by design, each holding a Pod.
func killShims(address string) error {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return err
	}
	var killed []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
		if !bytes.Contains(args[0], []byte("containerd-shim")) || !slices.ContainsFunc(args, func(a []byte) bool {
			return string(a) == address
		}) {
			continue
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
			killed = append(killed, pid)
		}
	}
	// Their parent is init, which reaps them; wait until they are gone.
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range killed {
		for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// unmountUnder unmounts every mount at or below the given paths, deepest
// first: kubelet's bind mount of its root directory, Pod volumes, container
// root file systems, the Pods' network namespaces.
func unmountUnder(paths ...string) error {
	var errs []error
	for range 5 { // a lazy unmount can reveal one mounted below it
		points, err := mountPoints()
		if err != nil {
			return err
		}
		var todo []string
		for _, p := range points {
			for _, root := range paths {
				if p == root || strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/") {
					todo = append(todo, p)
					break
				}
			}
		}
		if len(todo) == 0 {
			return nil
		}
		// Deepest first; reverse mount order among equals.
		slices.SortStableFunc(todo, func(a, b string) int {
			return strings.Count(b, "/") - strings.Count(a, "/")
		})
		errs = errs[:0]
		for _, p := range todo {
			if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
				errs = append(errs, fmt.Errorf("unmount %s: %w", p, err))
			}
		}
	}
	return errors.Join(errs...)
}

// mountPoints lists the mount points of the test's mount namespace, in
// mount order.
func mountPoints() ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 {
			points = append(points, unescapeMount(fields[4]))
		}
	}
	return points, sc.Err()
}

// unescapeMount decodes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// removeCgroups removes kubelet's cgroups, children first. The processes in
// them must be gone (killPods).
func removeCgroups() error {
	var errs []error
	for _, top := range kubepodsCgroups() {
		var dirs []string
		_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		slices.Reverse(dirs) // a parent is listed before its children
		for _, d := range dirs {
			if err := removeCgroup(d); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// removeCgroup removes one cgroup; an exiting process may still hold it for a
// moment after it has left cgroup.procs.
func removeCgroup(dir string) error {
	var err error
	for range 50 {
		if err = syscall.Rmdir(dir); err == nil || errors.Is(err, syscall.ENOENT) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("remove cgroup %s: %w", dir, err)
}

// restore puts back the kernel settings, and removes the Pods' network
// namespaces and the fixed paths the node created.
func (h *hostState) restore() error {
	var errs []error
	for key, want := range h.Sysctls {
		p := filepath.Join("/proc/sys", key)
		b, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("read sysctl %s: %w", key, err))
			continue
		}
		if strings.TrimSpace(string(b)) == want {
			continue
		}
		if err := os.WriteFile(p, []byte(want+"\n"), 0o644); err != nil {
			errs = append(errs, fmt.Errorf("restore sysctl %s=%s: %w", key, want, err))
		}
	}
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		// containerd names the Pods' namespaces cni-UUID.
		if h.Netns[e.Name()] || !strings.HasPrefix(e.Name(), "cni-") {
			continue
		}
		p := filepath.Join("/run/netns", e.Name())
		_ = unix.Unmount(p, unix.MNT_DETACH)
		if err := os.Remove(p); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	errs = append(errs, removeCNICache())
	for _, p := range h.Absent {
		if !slices.Contains(nodeFixedPaths, p) {
			errs = append(errs, removeEmptyDirs(p))
			continue
		}
		if err := unmountUnder(p); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}

// removeCNICache removes libcni's cached results of the node's Pods: those of
// its network (kubetest, nodeConfig.cni) and the loopbacks of the same
// sandboxes.
func removeCNICache() error {
	const dir = "/var/lib/cni/results"
	mine, _ := filepath.Glob(filepath.Join(dir, "kubetest-*-eth0"))
	var errs []error
	for _, p := range mine {
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "kubetest-"), "-eth0")
		for _, q := range []string{p, filepath.Join(dir, "cni-loopback-"+id+"-lo")} {
			if err := os.Remove(q); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// removeEmptyDirs removes dir and the directories below it that are empty,
// deepest first, and leaves the rest.
func removeEmptyDirs(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.Reverse(dirs)
	for _, d := range dirs {
		_ = os.Remove(d) // fails on a directory that is not empty
	}
	return nil
}
