package helmcheck

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

type podMeta struct{ *metav1.ObjectMeta }

// podSpec returns the pod template of a workload, or nil for other objects.
func podSpec(obj runtime.Object) (*podMeta, *corev1.PodSpec) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return &podMeta{&o.ObjectMeta}, &o.Spec
	case *appsv1.Deployment:
		return &podMeta{&o.Spec.Template.ObjectMeta}, &o.Spec.Template.Spec
	case *appsv1.StatefulSet:
		return &podMeta{&o.Spec.Template.ObjectMeta}, &o.Spec.Template.Spec
	case *appsv1.DaemonSet:
		return &podMeta{&o.Spec.Template.ObjectMeta}, &o.Spec.Template.Spec
	case *appsv1.ReplicaSet:
		return &podMeta{&o.Spec.Template.ObjectMeta}, &o.Spec.Template.Spec
	case *batchv1.Job:
		return &podMeta{&o.Spec.Template.ObjectMeta}, &o.Spec.Template.Spec
	case *batchv1.CronJob:
		return &podMeta{&o.Spec.JobTemplate.Spec.Template.ObjectMeta}, &o.Spec.JobTemplate.Spec.Template.Spec
	case *corev1.ReplicationController:
		if o.Spec.Template == nil {
			return nil, nil
		}
		return &podMeta{&o.Spec.Template.ObjectMeta}, &o.Spec.Template.Spec
	}
	return nil, nil
}

// objectID is "Kind/name" for messages.
func objectID(obj runtime.Object, kind string) string {
	if m, ok := obj.(metav1.Object); ok && m.GetName() != "" {
		return kind + "/" + m.GetName()
	}
	return kind
}
