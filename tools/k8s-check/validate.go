package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// problems collects messages prefixed with a field path.
type problems struct{ list []string }

func (p *problems) add(field, format string, args ...any) {
	p.list = append(p.list, field+": "+fmt.Sprintf(format, args...))
}

func (p *problems) errs(field string, errs []string) {
	for _, e := range errs {
		p.add(field, "%s", e)
	}
}

// podTemplate is a workload's pod template, for the checks across objects.
type podTemplate struct {
	obj    *Object
	labels map[string]string
	spec   *corev1.PodSpec
}

type index struct {
	templates []podTemplate
	byKind    map[string]map[string]*Object // kind -> namespace/name -> object
}

func key(namespace, name string) string { return namespace + "/" + name }

func validateAll(objects []*Object, opts Options) []string {
	idx := index{byKind: map[string]map[string]*Object{}}
	var out []string
	for _, o := range objects {
		if idx.byKind[o.Kind] == nil {
			idx.byKind[o.Kind] = map[string]*Object{}
		}
		if prev, dup := idx.byKind[o.Kind][key(o.Namespace, o.Name)]; dup {
			out = append(out, fmt.Sprintf("%s: the same %s name as %s", o.where(), o.Kind, prev.where()))
		}
		idx.byKind[o.Kind][key(o.Namespace, o.Name)] = o
		if t, ok := templateOf(o); ok {
			idx.templates = append(idx.templates, t)
		}
	}
	for _, o := range objects {
		var p problems
		validateObject(o, &idx, opts, &p)
		for _, msg := range p.list {
			out = append(out, o.where()+": "+msg)
		}
	}
	return out
}

func templateOf(o *Object) (podTemplate, bool) {
	switch v := o.Value.(type) {
	case *appsv1.Deployment:
		return podTemplate{o, v.Spec.Template.Labels, &v.Spec.Template.Spec}, true
	case *appsv1.StatefulSet:
		return podTemplate{o, v.Spec.Template.Labels, &v.Spec.Template.Spec}, true
	case *appsv1.DaemonSet:
		return podTemplate{o, v.Spec.Template.Labels, &v.Spec.Template.Spec}, true
	case *batchv1.Job:
		return podTemplate{o, v.Spec.Template.Labels, &v.Spec.Template.Spec}, true
	case *batchv1.CronJob:
		return podTemplate{o, v.Spec.JobTemplate.Spec.Template.Labels, &v.Spec.JobTemplate.Spec.Template.Spec}, true
	case *corev1.Pod:
		return podTemplate{o, v.Labels, &v.Spec}, true
	}
	return podTemplate{}, false
}

// matching returns the pod templates in the object's namespace whose labels the selector selects.
func (idx *index) matching(namespace string, sel labels.Selector) []podTemplate {
	var out []podTemplate
	for _, t := range idx.templates {
		if t.obj.Namespace == namespace && sel.Matches(labels.Set(t.labels)) {
			out = append(out, t)
		}
	}
	return out
}

func validateObject(o *Object, idx *index, opts Options, p *problems) {
	switch v := o.Value.(type) {
	case *corev1.ConfigMap:
		meta(&v.ObjectMeta, false, p)
		for k := range v.Data {
			p.errs("data["+k+"]", validation.IsConfigMapKey(k))
		}
		for k := range v.BinaryData {
			p.errs("binaryData["+k+"]", validation.IsConfigMapKey(k))
		}
	case *corev1.Secret:
		meta(&v.ObjectMeta, false, p)
		for k := range v.Data {
			p.errs("data["+k+"]", validation.IsConfigMapKey(k))
		}
		for k := range v.StringData {
			p.errs("stringData["+k+"]", validation.IsConfigMapKey(k))
		}
	case *corev1.ServiceAccount:
		meta(&v.ObjectMeta, false, p)
	case *corev1.PersistentVolumeClaim:
		meta(&v.ObjectMeta, false, p)
		if len(v.Spec.AccessModes) == 0 {
			p.add("spec.accessModes", "required")
		}
	case *corev1.Pod:
		meta(&v.ObjectMeta, false, p)
		podSpec("spec", &v.Spec, "", opts, p)
	case *corev1.Service:
		meta(&v.ObjectMeta, true, p)
		service(o, v, idx, p)
	case *appsv1.Deployment:
		meta(&v.ObjectMeta, false, p)
		replicas("spec.replicas", v.Spec.Replicas, p)
		workload(v.Spec.Selector, &v.Spec.Template, "Always", opts, p)
		if s := v.Spec.Strategy; s.Type != "" && s.Type != appsv1.RecreateDeploymentStrategyType && s.Type != appsv1.RollingUpdateDeploymentStrategyType {
			p.add("spec.strategy.type", "unsupported value %q", s.Type)
		}
	case *appsv1.StatefulSet:
		meta(&v.ObjectMeta, false, p)
		replicas("spec.replicas", v.Spec.Replicas, p)
		workload(v.Spec.Selector, &v.Spec.Template, "Always", opts, p)
	case *appsv1.DaemonSet:
		meta(&v.ObjectMeta, false, p)
		workload(v.Spec.Selector, &v.Spec.Template, "Always", opts, p)
	case *batchv1.Job:
		meta(&v.ObjectMeta, false, p)
		job("spec", &v.Spec, opts, p)
	case *batchv1.CronJob:
		meta(&v.ObjectMeta, false, p)
		if strings.TrimSpace(v.Spec.Schedule) == "" {
			p.add("spec.schedule", "required")
		}
		job("spec.jobTemplate.spec", &v.Spec.JobTemplate.Spec, opts, p)
	case *policyv1.PodDisruptionBudget:
		meta(&v.ObjectMeta, false, p)
		if (v.Spec.MinAvailable == nil) == (v.Spec.MaxUnavailable == nil) {
			p.add("spec", "exactly one of minAvailable and maxUnavailable is required")
		}
		selects(o, "spec.selector", v.Spec.Selector, idx, p)
	case *autoscalingv2.HorizontalPodAutoscaler:
		meta(&v.ObjectMeta, false, p)
		hpa(o, v, idx, p)
	case *networkingv1.Ingress:
		meta(&v.ObjectMeta, false, p)
		ingress(o, v, idx, p)
	case *networkingv1.NetworkPolicy:
		meta(&v.ObjectMeta, false, p)
		networkPolicy(o, v, idx, p)
	case *monitoringv1.PrometheusRule:
		meta(&v.ObjectMeta, false, p)
		prometheusRule(v, p)
	case *monitoringv1.ServiceMonitor:
		meta(&v.ObjectMeta, false, p)
		if len(v.Spec.Endpoints) == 0 {
			p.add("spec.endpoints", "required")
		}
	case *monitoringv1.PodMonitor:
		meta(&v.ObjectMeta, false, p)
		if len(v.Spec.PodMetricsEndpoints) == 0 {
			p.add("spec.podMetricsEndpoints", "required")
		}
		sel := v.Spec.Selector
		selects(o, "spec.selector", &sel, idx, p)
	default:
		meta(metaOf(o), false, p)
	}
}

func metaOf(o *Object) *metav1.ObjectMeta {
	if m, ok := o.Value.(metav1.ObjectMetaAccessor); ok {
		return m.GetObjectMeta().(*metav1.ObjectMeta)
	}
	return &metav1.ObjectMeta{Name: o.Name}
}

func meta(m *metav1.ObjectMeta, dns1035 bool, p *problems) {
	switch {
	case m.Name == "" && m.GenerateName == "":
		p.add("metadata.name", "required")
	case m.Name != "" && dns1035:
		p.errs("metadata.name", validation.IsDNS1035Label(m.Name))
	case m.Name != "":
		p.errs("metadata.name", validation.IsDNS1123Subdomain(m.Name))
	}
	if m.Namespace != "" {
		p.errs("metadata.namespace", validation.IsDNS1123Label(m.Namespace))
	}
	labelMap("metadata.labels", m.Labels, p)
	size := 0
	for k, v := range m.Annotations {
		p.errs("metadata.annotations", validation.IsQualifiedName(strings.ToLower(k)))
		size += len(k) + len(v)
	}
	if size > 256*1024 {
		p.add("metadata.annotations", "%d bytes, more than 256 KiB", size)
	}
}

func labelMap(field string, m map[string]string, p *problems) {
	for k, v := range m {
		p.errs(field, validation.IsQualifiedName(k))
		p.errs(field+"["+k+"]", validation.IsValidLabelValue(v))
	}
}

func replicas(field string, n *int32, p *problems) {
	if n != nil && *n < 0 {
		p.add(field, "must be >= 0")
	}
}

// workload checks a controller's selector against its pod template and the pod spec.
func workload(sel *metav1.LabelSelector, t *corev1.PodTemplateSpec, restart corev1.RestartPolicy, opts Options, p *problems) {
	labelMap("spec.template.metadata.labels", t.Labels, p)
	if sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0) {
		p.add("spec.selector", "required and must not be empty")
	} else if s, err := metav1.LabelSelectorAsSelector(sel); err != nil {
		p.add("spec.selector", "%v", err)
	} else if !s.Matches(labels.Set(t.Labels)) {
		p.add("spec.selector", "%s does not match the template labels %v", s, t.Labels)
	}
	podSpec("spec.template.spec", &t.Spec, restart, opts, p)
}

func job(field string, spec *batchv1.JobSpec, opts Options, p *problems) {
	if spec.Selector != nil && (spec.ManualSelector == nil || !*spec.ManualSelector) {
		p.add(field+".selector", "set without manualSelector: the Job controller generates it")
	}
	if r := spec.Template.Spec.RestartPolicy; r != corev1.RestartPolicyOnFailure && r != corev1.RestartPolicyNever {
		p.add(field+".template.spec.restartPolicy", "%q: a Job's pods need OnFailure or Never", r)
	}
	labelMap(field+".template.metadata.labels", spec.Template.Labels, p)
	podSpec(field+".template.spec", &spec.Template.Spec, "", opts, p)
}

var protocols = map[corev1.Protocol]bool{"": true, corev1.ProtocolTCP: true, corev1.ProtocolUDP: true, corev1.ProtocolSCTP: true}

func portNumber(field string, n int32, p *problems) {
	if n < 1 || n > 65535 {
		p.add(field, "%d is not a port number (1-65535)", n)
	}
}

func podSpec(field string, spec *corev1.PodSpec, restart corev1.RestartPolicy, opts Options, p *problems) {
	if len(spec.Containers) == 0 {
		p.add(field+".containers", "at least one container is required")
	}
	if restart != "" && spec.RestartPolicy != "" && spec.RestartPolicy != restart {
		p.add(field+".restartPolicy", "%q: only %q is allowed here", spec.RestartPolicy, restart)
	}
	volumes := map[string]bool{}
	for i, v := range spec.Volumes {
		f := fmt.Sprintf("%s.volumes[%d]", field, i)
		p.errs(f+".name", validation.IsDNS1123Label(v.Name))
		if volumes[v.Name] {
			p.add(f+".name", "duplicate volume %q", v.Name)
		}
		volumes[v.Name] = true
		switch {
		case v.Secret != nil && v.Secret.SecretName == "":
			p.add(f+".secret.secretName", "required")
		case v.ConfigMap != nil && v.ConfigMap.Name == "":
			p.add(f+".configMap.name", "required")
		}
	}
	names := map[string]bool{}
	podSC := spec.SecurityContext
	if podSC == nil {
		podSC = &corev1.PodSecurityContext{}
	}
	all := []struct {
		field string
		list  []corev1.Container
	}{{field + ".initContainers", spec.InitContainers}, {field + ".containers", spec.Containers}}
	for _, group := range all {
		for i := range group.list {
			c := &group.list[i]
			f := fmt.Sprintf("%s[%d]", group.field, i)
			if names[c.Name] {
				p.add(f+".name", "duplicate container name %q", c.Name)
			}
			names[c.Name] = true
			container(f, c, volumes, p)
			if opts.Restricted {
				restricted(f, c, podSC, p)
			}
		}
	}
}

func container(f string, c *corev1.Container, volumes map[string]bool, p *problems) {
	p.errs(f+".name", validation.IsDNS1123Label(c.Name))
	if strings.TrimSpace(c.Image) == "" {
		p.add(f+".image", "required")
	} else if strings.HasSuffix(c.Image, ":") || strings.Contains(c.Image, " ") {
		p.add(f+".image", "%q is not an image reference", c.Image)
	}
	ports := map[string]corev1.ContainerPort{}
	for j, port := range c.Ports {
		pf := fmt.Sprintf("%s.ports[%d]", f, j)
		portNumber(pf+".containerPort", port.ContainerPort, p)
		if port.HostPort != 0 {
			portNumber(pf+".hostPort", port.HostPort, p)
		}
		if !protocols[port.Protocol] {
			p.add(pf+".protocol", "unsupported value %q", port.Protocol)
		}
		if port.Name != "" {
			p.errs(pf+".name", validation.IsValidPortName(port.Name))
			if _, dup := ports[port.Name]; dup {
				p.add(pf+".name", "duplicate port name %q", port.Name)
			}
			ports[port.Name] = port
		}
	}
	env := map[string]bool{}
	for j, e := range c.Env {
		ef := fmt.Sprintf("%s.env[%d]", f, j)
		p.errs(ef+".name", validation.IsEnvVarName(e.Name))
		if env[e.Name] {
			p.add(ef+".name", "%s is set twice", e.Name)
		}
		env[e.Name] = true
		if e.ValueFrom == nil {
			continue
		}
		if e.Value != "" {
			p.add(ef, "%s has both value and valueFrom", e.Name)
		}
		vf := e.ValueFrom
		sources := 0
		if r := vf.SecretKeyRef; r != nil {
			sources++
			if r.Name == "" || r.Key == "" {
				p.add(ef+".valueFrom.secretKeyRef", "name and key are required")
			}
		}
		if r := vf.ConfigMapKeyRef; r != nil {
			sources++
			if r.Name == "" || r.Key == "" {
				p.add(ef+".valueFrom.configMapKeyRef", "name and key are required")
			}
		}
		if r := vf.FieldRef; r != nil {
			sources++
			if r.FieldPath == "" {
				p.add(ef+".valueFrom.fieldRef.fieldPath", "required")
			}
		}
		if vf.ResourceFieldRef != nil {
			sources++
		}
		if vf.FileKeyRef != nil {
			sources++
		}
		if sources != 1 {
			p.add(ef+".valueFrom", "exactly one source is required, found %d", sources)
		}
	}
	for j, m := range c.VolumeMounts {
		mf := fmt.Sprintf("%s.volumeMounts[%d]", f, j)
		if !volumes[m.Name] {
			p.add(mf+".name", "no volume %q in the pod", m.Name)
		}
		if !path.IsAbs(m.MountPath) {
			p.add(mf+".mountPath", "%q must be an absolute path", m.MountPath)
		}
	}
	probe(f+".readinessProbe", c.ReadinessProbe, ports, p)
	probe(f+".livenessProbe", c.LivenessProbe, ports, p)
	probe(f+".startupProbe", c.StartupProbe, ports, p)
	if c.Lifecycle != nil {
		handler(f+".lifecycle.preStop", c.Lifecycle.PreStop, ports, p)
		handler(f+".lifecycle.postStart", c.Lifecycle.PostStart, ports, p)
	}
	for name, limit := range c.Resources.Limits {
		if req, ok := c.Resources.Requests[name]; ok && req.Cmp(limit) > 0 {
			p.add(f+".resources.requests["+string(name)+"]", "%s is more than the limit %s", req.String(), limit.String())
		}
	}
}

func namedPort(field string, port intstr.IntOrString, ports map[string]corev1.ContainerPort, p *problems) {
	if port.Type == intstr.String {
		if _, ok := ports[port.StrVal]; !ok {
			p.add(field, "no container port named %q", port.StrVal)
		}
		return
	}
	portNumber(field, port.IntVal, p)
}

func probe(field string, pr *corev1.Probe, ports map[string]corev1.ContainerPort, p *problems) {
	if pr == nil {
		return
	}
	n := 0
	if pr.HTTPGet != nil {
		n++
		namedPort(field+".httpGet.port", pr.HTTPGet.Port, ports, p)
		if pr.HTTPGet.Path != "" && !strings.HasPrefix(pr.HTTPGet.Path, "/") {
			p.add(field+".httpGet.path", "%q must start with /", pr.HTTPGet.Path)
		}
	}
	if pr.TCPSocket != nil {
		n++
		namedPort(field+".tcpSocket.port", pr.TCPSocket.Port, ports, p)
	}
	if pr.Exec != nil {
		n++
		if len(pr.Exec.Command) == 0 {
			p.add(field+".exec.command", "required")
		}
	}
	if pr.GRPC != nil {
		n++
		portNumber(field+".grpc.port", pr.GRPC.Port, p)
	}
	if n != 1 {
		p.add(field, "exactly one handler is required, found %d", n)
	}
	if pr.PeriodSeconds < 0 || pr.TimeoutSeconds < 0 || pr.FailureThreshold < 0 || pr.InitialDelaySeconds < 0 {
		p.add(field, "negative durations or thresholds")
	}
}

func handler(field string, h *corev1.LifecycleHandler, ports map[string]corev1.ContainerPort, p *problems) {
	if h == nil {
		return
	}
	n := 0
	if h.Exec != nil {
		n++
		if len(h.Exec.Command) == 0 {
			p.add(field+".exec.command", "required")
		}
	}
	if h.HTTPGet != nil {
		n++
		namedPort(field+".httpGet.port", h.HTTPGet.Port, ports, p)
	}
	if h.TCPSocket != nil {
		n++
	}
	if h.Sleep != nil {
		n++
		if h.Sleep.Seconds < 0 {
			p.add(field+".sleep.seconds", "must be >= 0")
		}
	}
	if n != 1 {
		p.add(field, "exactly one handler is required, found %d", n)
	}
}

// restricted is the Pod Security Standards "restricted" profile, plus a read-only root filesystem.
func restricted(f string, c *corev1.Container, pod *corev1.PodSecurityContext, p *problems) {
	sc := c.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) || (sc.RunAsNonRoot == nil && pod.RunAsNonRoot != nil && *pod.RunAsNonRoot)
	if !nonRoot {
		p.add(f+".securityContext.runAsNonRoot", "must be true (in the container or the pod)")
	}
	if uid := sc.RunAsUser; uid != nil && *uid == 0 || sc.RunAsUser == nil && pod.RunAsUser != nil && *pod.RunAsUser == 0 {
		p.add(f+".securityContext.runAsUser", "must not be 0")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		p.add(f+".securityContext.allowPrivilegeEscalation", "must be false")
	}
	if sc.Privileged != nil && *sc.Privileged {
		p.add(f+".securityContext.privileged", "must not be true")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		p.add(f+".securityContext.readOnlyRootFilesystem", "must be true")
	}
	dropsAll := false
	if sc.Capabilities != nil {
		for _, d := range sc.Capabilities.Drop {
			dropsAll = dropsAll || d == "ALL"
		}
		for _, a := range sc.Capabilities.Add {
			if a != "NET_BIND_SERVICE" {
				p.add(f+".securityContext.capabilities.add", "%s is not allowed", a)
			}
		}
	}
	if !dropsAll {
		p.add(f+".securityContext.capabilities.drop", "must contain ALL")
	}
	seccomp := sc.SeccompProfile
	if seccomp == nil {
		seccomp = pod.SeccompProfile
	}
	if seccomp == nil || (seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault && seccomp.Type != corev1.SeccompProfileTypeLocalhost) {
		p.add(f+".securityContext.seccompProfile.type", "must be RuntimeDefault or Localhost (in the container or the pod)")
	}
}

func service(o *Object, s *corev1.Service, idx *index, p *problems) {
	spec := &s.Spec
	switch spec.Type {
	case "", corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
	case corev1.ServiceTypeExternalName:
		if spec.ExternalName == "" {
			p.add("spec.externalName", "required for type ExternalName")
		}
		return
	default:
		p.add("spec.type", "unsupported value %q", spec.Type)
	}
	if len(spec.Ports) == 0 {
		p.add("spec.ports", "at least one port is required")
	}
	external := spec.Type == corev1.ServiceTypeNodePort || spec.Type == corev1.ServiceTypeLoadBalancer
	switch spec.ExternalTrafficPolicy {
	case "":
	case corev1.ServiceExternalTrafficPolicyLocal, corev1.ServiceExternalTrafficPolicyCluster:
		if !external {
			p.add("spec.externalTrafficPolicy", "only for type NodePort or LoadBalancer, not %q", spec.Type)
		}
	default:
		p.add("spec.externalTrafficPolicy", "unsupported value %q", spec.ExternalTrafficPolicy)
	}
	switch spec.SessionAffinity {
	case "", corev1.ServiceAffinityNone:
		if spec.SessionAffinityConfig != nil {
			p.add("spec.sessionAffinityConfig", "only with sessionAffinity ClientIP")
		}
	case corev1.ServiceAffinityClientIP:
		if c := spec.SessionAffinityConfig; c != nil && c.ClientIP != nil && c.ClientIP.TimeoutSeconds != nil {
			if t := *c.ClientIP.TimeoutSeconds; t <= 0 || t > 86400 {
				p.add("spec.sessionAffinityConfig.clientIP.timeoutSeconds", "%d not in 1-86400", t)
			}
		}
	default:
		p.add("spec.sessionAffinity", "unsupported value %q", spec.SessionAffinity)
	}
	var targets []podTemplate
	if len(spec.Selector) > 0 {
		targets = idx.matching(o.Namespace, labels.SelectorFromSet(spec.Selector))
		if len(targets) == 0 {
			p.add("spec.selector", "%v selects no pod template rendered here", spec.Selector)
		}
	}
	names := map[string]bool{}
	seen := map[string]bool{}
	for i, port := range spec.Ports {
		f := fmt.Sprintf("spec.ports[%d]", i)
		portNumber(f+".port", port.Port, p)
		if !protocols[port.Protocol] {
			p.add(f+".protocol", "unsupported value %q", port.Protocol)
		}
		if len(spec.Ports) > 1 && port.Name == "" {
			p.add(f+".name", "required when a Service has more than one port")
		}
		if port.Name != "" {
			p.errs(f+".name", validation.IsDNS1123Label(port.Name))
			if names[port.Name] {
				p.add(f+".name", "duplicate port name %q", port.Name)
			}
			names[port.Name] = true
		}
		proto := port.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		k := fmt.Sprintf("%d/%s", port.Port, proto)
		if seen[k] {
			p.add(f, "duplicate port %s", k)
		}
		seen[k] = true
		if port.NodePort != 0 {
			if !external {
				p.add(f+".nodePort", "only for type NodePort or LoadBalancer")
			} else if port.NodePort < 30000 || port.NodePort > 32767 {
				p.add(f+".nodePort", "%d outside the default node port range 30000-32767", port.NodePort)
			}
		}
		switch tp := port.TargetPort; {
		case tp.Type == intstr.String && tp.StrVal != "":
			p.errs(f+".targetPort", validation.IsValidPortName(tp.StrVal))
			for _, t := range targets {
				if !declares(t.spec, tp.StrVal, proto) {
					p.add(f+".targetPort", "%s of %s declares no %s port named %q", t.obj.Kind, t.obj.Name, proto, tp.StrVal)
				}
			}
		case tp.Type == intstr.Int && tp.IntVal != 0:
			portNumber(f+".targetPort", tp.IntVal, p)
		}
	}
}

func declares(spec *corev1.PodSpec, name string, proto corev1.Protocol) bool {
	for _, c := range spec.Containers {
		for _, cp := range c.Ports {
			cproto := cp.Protocol
			if cproto == "" {
				cproto = corev1.ProtocolTCP
			}
			if cp.Name == name && cproto == proto {
				return true
			}
		}
	}
	return false
}

func selects(o *Object, field string, sel *metav1.LabelSelector, idx *index, p *problems) {
	if sel == nil {
		p.add(field, "required")
		return
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		p.add(field, "%v", err)
		return
	}
	if s.Empty() {
		return
	}
	if len(idx.matching(o.Namespace, s)) == 0 {
		p.add(field, "%s selects no pod template rendered here", s)
	}
}

func hpa(o *Object, h *autoscalingv2.HorizontalPodAutoscaler, idx *index, p *problems) {
	ref := h.Spec.ScaleTargetRef
	if ref.Kind == "" || ref.Name == "" {
		p.add("spec.scaleTargetRef", "kind and name are required")
	} else if _, ok := idx.byKind[ref.Kind][key(o.Namespace, ref.Name)]; !ok {
		p.add("spec.scaleTargetRef", "no %s %q rendered here", ref.Kind, ref.Name)
	}
	min := int32(1)
	if h.Spec.MinReplicas != nil {
		min = *h.Spec.MinReplicas
		if min < 1 {
			p.add("spec.minReplicas", "must be >= 1")
		}
	}
	if h.Spec.MaxReplicas < 1 || h.Spec.MaxReplicas < min {
		p.add("spec.maxReplicas", "%d must be >= 1 and >= minReplicas (%d)", h.Spec.MaxReplicas, min)
	}
	for i, m := range h.Spec.Metrics {
		f := fmt.Sprintf("spec.metrics[%d]", i)
		set := map[autoscalingv2.MetricSourceType]bool{
			autoscalingv2.ResourceMetricSourceType:          m.Resource != nil,
			autoscalingv2.PodsMetricSourceType:              m.Pods != nil,
			autoscalingv2.ObjectMetricSourceType:            m.Object != nil,
			autoscalingv2.ExternalMetricSourceType:          m.External != nil,
			autoscalingv2.ContainerResourceMetricSourceType: m.ContainerResource != nil,
		}
		n := 0
		for _, v := range set {
			if v {
				n++
			}
		}
		if _, known := set[m.Type]; !known {
			p.add(f+".type", "unsupported value %q", m.Type)
			continue
		}
		if !set[m.Type] || n != 1 {
			p.add(f, "type %s needs exactly its own source field", m.Type)
			continue
		}
		switch m.Type {
		case autoscalingv2.ResourceMetricSourceType:
			target(f+".resource.target", m.Resource.Target, true, p)
		case autoscalingv2.ContainerResourceMetricSourceType:
			target(f+".containerResource.target", m.ContainerResource.Target, true, p)
		case autoscalingv2.PodsMetricSourceType:
			if m.Pods.Metric.Name == "" {
				p.add(f+".pods.metric.name", "required")
			}
			if m.Pods.Target.Type != autoscalingv2.AverageValueMetricType {
				p.add(f+".pods.target.type", "must be AverageValue for a Pods metric")
			} else {
				target(f+".pods.target", m.Pods.Target, false, p)
			}
		case autoscalingv2.ObjectMetricSourceType:
			if m.Object.Metric.Name == "" || m.Object.DescribedObject.Name == "" {
				p.add(f+".object", "metric.name and describedObject are required")
			}
			target(f+".object.target", m.Object.Target, false, p)
		case autoscalingv2.ExternalMetricSourceType:
			if m.External.Metric.Name == "" {
				p.add(f+".external.metric.name", "required")
			}
			target(f+".external.target", m.External.Target, false, p)
		}
	}
}

func target(f string, t autoscalingv2.MetricTarget, utilization bool, p *problems) {
	switch t.Type {
	case autoscalingv2.UtilizationMetricType:
		if !utilization {
			p.add(f+".type", "Utilization only for resource metrics")
		}
		if t.AverageUtilization == nil || *t.AverageUtilization < 1 {
			p.add(f+".averageUtilization", "required and >= 1 for type Utilization")
		}
	case autoscalingv2.AverageValueMetricType:
		if t.AverageValue == nil || t.AverageValue.Sign() <= 0 {
			p.add(f+".averageValue", "required and > 0 for type AverageValue")
		}
	case autoscalingv2.ValueMetricType:
		if t.Value == nil || t.Value.Sign() <= 0 {
			p.add(f+".value", "required and > 0 for type Value")
		}
	default:
		p.add(f+".type", "unsupported value %q", t.Type)
	}
}

func ingress(o *Object, ing *networkingv1.Ingress, idx *index, p *problems) {
	if len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend == nil {
		p.add("spec", "rules or defaultBackend is required")
	}
	if b := ing.Spec.DefaultBackend; b != nil {
		backend(o, "spec.defaultBackend", b, idx, p)
	}
	for i, r := range ing.Spec.Rules {
		f := fmt.Sprintf("spec.rules[%d]", i)
		if r.Host != "" {
			p.errs(f+".host", validation.IsDNS1123Subdomain(strings.TrimPrefix(r.Host, "*.")))
		}
		if r.HTTP == nil || len(r.HTTP.Paths) == 0 {
			p.add(f+".http.paths", "at least one path is required")
			continue
		}
		for j, hp := range r.HTTP.Paths {
			pf := fmt.Sprintf("%s.http.paths[%d]", f, j)
			if hp.PathType == nil {
				p.add(pf+".pathType", "required")
			} else if t := *hp.PathType; t != networkingv1.PathTypeExact && t != networkingv1.PathTypePrefix && t != networkingv1.PathTypeImplementationSpecific {
				p.add(pf+".pathType", "unsupported value %q", t)
			}
			if !strings.HasPrefix(hp.Path, "/") {
				p.add(pf+".path", "%q must start with /", hp.Path)
			}
			backend(o, pf+".backend", &hp.Backend, idx, p)
		}
	}
	for i, t := range ing.Spec.TLS {
		for _, h := range t.Hosts {
			p.errs(fmt.Sprintf("spec.tls[%d].hosts", i), validation.IsDNS1123Subdomain(strings.TrimPrefix(h, "*.")))
		}
	}
}

func backend(o *Object, f string, b *networkingv1.IngressBackend, idx *index, p *problems) {
	if (b.Service == nil) == (b.Resource == nil) {
		p.add(f, "exactly one of service and resource is required")
		return
	}
	if b.Service == nil {
		return
	}
	s := b.Service
	if s.Name == "" {
		p.add(f+".service.name", "required")
		return
	}
	if (s.Port.Name == "") == (s.Port.Number == 0) {
		p.add(f+".service.port", "exactly one of name and number is required")
		return
	}
	svcObj, ok := idx.byKind["Service"][key(o.Namespace, s.Name)]
	if !ok {
		p.add(f+".service.name", "no Service %q rendered here", s.Name)
		return
	}
	for _, sp := range svcObj.Value.(*corev1.Service).Spec.Ports {
		if (s.Port.Name != "" && sp.Name == s.Port.Name) || (s.Port.Number != 0 && sp.Port == s.Port.Number) {
			return
		}
	}
	p.add(f+".service.port", "Service %q has no port %s", s.Name, portLabel(s.Port))
}

func portLabel(p networkingv1.ServiceBackendPort) string {
	if p.Name != "" {
		return p.Name
	}
	return fmt.Sprint(p.Number)
}

func networkPolicy(o *Object, np *networkingv1.NetworkPolicy, idx *index, p *problems) {
	sel := np.Spec.PodSelector
	selects(o, "spec.podSelector", &sel, idx, p)
	for _, t := range np.Spec.PolicyTypes {
		if t != networkingv1.PolicyTypeIngress && t != networkingv1.PolicyTypeEgress {
			p.add("spec.policyTypes", "unsupported value %q", t)
		}
	}
	npPorts := func(f string, ports []networkingv1.NetworkPolicyPort) {
		for i, port := range ports {
			pf := fmt.Sprintf("%s.ports[%d]", f, i)
			if port.Protocol != nil && !protocols[*port.Protocol] {
				p.add(pf+".protocol", "unsupported value %q", *port.Protocol)
			}
			if port.Port != nil {
				if port.Port.Type == intstr.Int {
					portNumber(pf+".port", port.Port.IntVal, p)
				} else {
					p.errs(pf+".port", validation.IsValidPortName(port.Port.StrVal))
				}
			}
			if port.EndPort != nil && (port.Port == nil || port.Port.Type != intstr.Int || *port.EndPort < port.Port.IntVal) {
				p.add(pf+".endPort", "needs a numeric port <= endPort")
			}
		}
	}
	peers := func(f string, list []networkingv1.NetworkPolicyPeer) {
		for i, peer := range list {
			pf := fmt.Sprintf("%s[%d]", f, i)
			if peer.IPBlock != nil && (peer.PodSelector != nil || peer.NamespaceSelector != nil) {
				p.add(pf, "ipBlock cannot be combined with selectors")
			}
			if peer.IPBlock == nil && peer.PodSelector == nil && peer.NamespaceSelector == nil {
				p.add(pf, "one of ipBlock, podSelector and namespaceSelector is required")
			}
			if peer.IPBlock != nil && peer.IPBlock.CIDR == "" {
				p.add(pf+".ipBlock.cidr", "required")
			}
			for _, s := range []*metav1.LabelSelector{peer.PodSelector, peer.NamespaceSelector} {
				if s != nil {
					if _, err := metav1.LabelSelectorAsSelector(s); err != nil {
						p.add(pf, "%v", err)
					}
				}
			}
		}
	}
	for i, r := range np.Spec.Ingress {
		f := fmt.Sprintf("spec.ingress[%d]", i)
		npPorts(f, r.Ports)
		peers(f+".from", r.From)
	}
	for i, r := range np.Spec.Egress {
		f := fmt.Sprintf("spec.egress[%d]", i)
		npPorts(f, r.Ports)
		peers(f+".to", r.To)
	}
}

var promDuration = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

func prometheusRule(r *monitoringv1.PrometheusRule, p *problems) {
	if len(r.Spec.Groups) == 0 {
		p.add("spec.groups", "at least one group is required")
	}
	groups := map[string]bool{}
	for i, g := range r.Spec.Groups {
		f := fmt.Sprintf("spec.groups[%d]", i)
		if g.Name == "" || groups[g.Name] {
			p.add(f+".name", "required and unique, got %q", g.Name)
		}
		groups[g.Name] = true
		if g.Interval != nil && !promDuration.MatchString(string(*g.Interval)) {
			p.add(f+".interval", "%q is not a duration", *g.Interval)
		}
		for j, rule := range g.Rules {
			rf := fmt.Sprintf("%s.rules[%d]", f, j)
			if (rule.Alert == "") == (rule.Record == "") {
				p.add(rf, "exactly one of alert and record is required")
			}
			if strings.TrimSpace(rule.Expr.String()) == "" {
				p.add(rf+".expr", "required")
			}
			if rule.For != nil && !promDuration.MatchString(string(*rule.For)) {
				p.add(rf+".for", "%q is not a duration", *rule.For)
			}
			if rule.Record != "" && (rule.For != nil || len(rule.Annotations) > 0) {
				p.add(rf, "a recording rule takes neither for nor annotations")
			}
			for k := range rule.Labels {
				p.errs(rf+".labels", validation.IsCIdentifier(k))
			}
		}
	}
}
