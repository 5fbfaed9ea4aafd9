package kubetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// ProvisionVolumes gives every PersistentVolumeClaim of the cluster that
// names no volume a hostPath PersistentVolume of its size, access modes and
// storage class, bound to it in advance, in a folder of its own under the
// node's folder: the dynamic provisioning a bare node lacks, for a chart's
// database. The folders are writable by any user (a hostPath volume gets no
// fsGroup), so a non-root database can initialize its data there. It
// provisions until the test ends; the volumes' data goes with the node's
// folder when the node stops.
func (c *Cluster) ProvisionVolumes(t testing.TB) {
	t.Helper()
	if c.dir == "" {
		t.Fatal("provision volumes: the cluster has no node (StartNode starts one)")
	}
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		t.Fatalf("provision volumes: %v", err)
	}
	p := &provisioner{cs: cs, dir: filepath.Join(c.dir, "volumes"), log: t.Logf}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if err := errors.Join(p.errs...); err != nil {
			t.Errorf("provision volumes: %v", err)
		}
	})
}

// provisioner is ProvisionVolumes's loop: list the claims, provision the
// unbound ones, watch for more; list again when the watch ends.
type provisioner struct {
	cs   kubernetes.Interface
	dir  string
	log  func(string, ...any)
	errs []error // read after run returns
}

func (p *provisioner) run(ctx context.Context) {
	for ctx.Err() == nil {
		list, err := p.cs.CoreV1().PersistentVolumeClaims("").List(ctx, metav1.ListOptions{})
		if err != nil {
			p.fail(ctx, fmt.Errorf("list claims: %w", err))
			continue
		}
		for i := range list.Items {
			p.provision(ctx, &list.Items[i])
		}
		w, err := p.cs.CoreV1().PersistentVolumeClaims("").Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
		if err != nil {
			p.fail(ctx, fmt.Errorf("watch claims: %w", err))
			continue
		}
		for ev := range w.ResultChan() {
			if claim, ok := ev.Object.(*corev1.PersistentVolumeClaim); ok && (ev.Type == watch.Added || ev.Type == watch.Modified) {
				p.provision(ctx, claim)
			}
		}
		w.Stop()
	}
}

// fail keeps err unless the test is over, when errors are the API server
// going away.
func (p *provisioner) fail(ctx context.Context, err error) {
	if ctx.Err() == nil {
		p.errs = append(p.errs, err)
		<-ctx.Done() // one error is enough; stop asking
	}
}

// provision makes claim's volume unless it has one.
func (p *provisioner) provision(ctx context.Context, claim *corev1.PersistentVolumeClaim) {
	if claim.Spec.VolumeName != "" || claim.DeletionTimestamp != nil || claim.Status.Phase != corev1.ClaimPending {
		return
	}
	size, ok := claim.Spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		p.errs = append(p.errs, fmt.Errorf("claim %s/%s requests no storage", claim.Namespace, claim.Name))
		return
	}
	name := "kubetest-" + string(claim.UID)
	dir := filepath.Join(p.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.errs = append(p.errs, err)
		return
	}
	// MkdirAll's mode passes through the umask.
	if err := os.Chmod(dir, 0o777); err != nil {
		p.errs = append(p.errs, err)
		return
	}
	class := ""
	if claim.Spec.StorageClassName != nil {
		class = *claim.Spec.StorageClassName
	}
	dirType := corev1.HostPathDirectory
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubetest/provisioned": "true"}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   claim.Spec.AccessModes,
			StorageClassName:              class,
			VolumeMode:                    claim.Spec.VolumeMode,
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				HostPath: &corev1.HostPathVolumeSource{Path: dir, Type: &dirType},
			},
			ClaimRef: &corev1.ObjectReference{
				Kind: "PersistentVolumeClaim", APIVersion: "v1",
				Namespace: claim.Namespace, Name: claim.Name, UID: claim.UID,
			},
		},
	}
	_, err := p.cs.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{})
	switch {
	case apierrors.IsAlreadyExists(err):
	case err != nil:
		if ctx.Err() == nil {
			p.errs = append(p.errs, fmt.Errorf("create volume for %s/%s: %w", claim.Namespace, claim.Name, err))
		}
	default:
		p.log("kubetest: volume %s (%s, hostPath %s) for claim %s/%s", name, size.String(), dir, claim.Namespace, claim.Name)
	}
}
