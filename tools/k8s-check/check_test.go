package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func checkFile(t *testing.T, name string, opts Options) ([]*Object, []string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Check(f, opts)
}

func TestGoodManifestsPass(t *testing.T) {
	for _, opts := range []Options{{}, {Restricted: true}} {
		objects, problems := checkFile(t, "good.yaml", opts)
		if len(problems) > 0 {
			t.Fatalf("restricted=%v: want no problems, got:\n%s", opts.Restricted, strings.Join(problems, "\n"))
		}
		if got := summary(objects); got != "Deployment 1, HorizontalPodAutoscaler 1, Ingress 1, Job 1, NetworkPolicy 1, PodDisruptionBudget 1, PrometheusRule 1, Secret 1, Service 1" {
			t.Fatalf("decoded %s", got)
		}
	}
}

// Each broken manifest is refused with exactly the problem it was written for (and nothing else, without
// -restricted: a checker that complains about everything proves nothing).
func TestBrokenManifestsAreRefused(t *testing.T) {
	cases := []struct {
		file string
		want string
	}{
		{"unknown-field.yaml", `document 1 (Deployment app): strict decoding into Deployment: unknown field "spec.replica"`},
		{"wrong-type.yaml", `document 1 (Deployment app): does not decode into Deployment: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32`},
		{"missing-image.yaml", `document 1 (Deployment app): spec.template.spec.containers[0].image: required`},
		{"service-no-pods.yaml", `document 2 (Service app): spec.selector: map[app:api] selects no pod template rendered here`},
		{"hpa-missing-deployment.yaml", `document 2 (HorizontalPodAutoscaler app): spec.scaleTargetRef: no Deployment "ap" rendered here`},
		{"ingress-wrong-port.yaml", `document 3 (Ingress app): spec.rules[0].http.paths[0].backend.service.port: Service "app" has no port web`},
		{"target-port-protocol.yaml", `document 2 (Service app): spec.ports[0].targetPort: Deployment of app declares no UDP port named "coaps"`},
		{"duplicate-key.yaml", "document 1: invalid YAML: yaml: unmarshal errors:\n  line 10: key \"image\" already set in map"},
		{"unknown-kind.yaml", `document 1 (Ingress app): unknown kind extensions/v1beta1 Ingress: not one of the types this checker decodes`},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, problems := checkFile(t, c.file, Options{})
			if len(problems) != 1 || !strings.HasPrefix(problems[0], c.want) {
				t.Fatalf("want exactly one problem starting with\n  %s\ngot %d:\n  %s", c.want, len(problems), strings.Join(problems, "\n  "))
			}
		})
	}
}

func TestRestrictedRefusesPrivilegedRootPods(t *testing.T) {
	if _, problems := checkFile(t, "privileged-root.yaml", Options{}); len(problems) != 0 {
		t.Fatalf("without -restricted the manifest is valid, got %v", problems)
	}
	_, problems := checkFile(t, "privileged-root.yaml", Options{Restricted: true})
	prefix := "document 1 (Deployment app): spec.template.spec.containers[0].securityContext."
	want := []string{
		prefix + "runAsNonRoot: must be true (in the container or the pod)",
		prefix + "runAsUser: must not be 0",
		prefix + "allowPrivilegeEscalation: must be false",
		prefix + "privileged: must not be true",
		prefix + "readOnlyRootFilesystem: must be true",
		prefix + "capabilities.drop: must contain ALL",
		prefix + "seccompProfile.type: must be RuntimeDefault or Localhost (in the container or the pod)",
	}
	if !reflect.DeepEqual(problems, want) {
		t.Fatalf("want\n  %s\ngot\n  %s", strings.Join(want, "\n  "), strings.Join(problems, "\n  "))
	}
}

// The inline cases check one rule each on a copy of a valid object.
func TestRules(t *testing.T) {
	deployment := func(extra string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  selector: { matchLabels: { app: app } }
  template:
    metadata: { labels: { app: app } }
    spec:
      containers:
        - name: app
          image: example.org/app:1
          ports: [{ name: http, containerPort: 8080 }]
` + extra
	}
	cases := []struct {
		name, doc, want string
	}{
		{"selector does not match the template", strings.Replace(deployment(""), "labels: { app: app }", "labels: { app: other }", 1),
			`document 1 (Deployment app): spec.selector: app=app does not match the template labels map[app:other]`},
		{"probe on an undeclared port", deployment("          readinessProbe: { httpGet: { path: /readyz, port: ops } }\n"),
			`document 1 (Deployment app): spec.template.spec.containers[0].readinessProbe.httpGet.port: no container port named "ops"`},
		{"port out of range", strings.Replace(deployment(""), "8080", "70000", 1),
			`document 1 (Deployment app): spec.template.spec.containers[0].ports[0].containerPort: 70000 is not a port number (1-65535)`},
		{"env var set twice", deployment("          env: [{ name: A, value: '1' }, { name: A, value: '2' }]\n"),
			`document 1 (Deployment app): spec.template.spec.containers[0].env[1].name: A is set twice`},
		{"mount of a missing volume", deployment("          volumeMounts: [{ name: tmp, mountPath: /tmp }]\n"),
			`document 1 (Deployment app): spec.template.spec.containers[0].volumeMounts[0].name: no volume "tmp" in the pod`},
		{"request above limit", deployment("          resources: { requests: { memory: 2Gi }, limits: { memory: 1Gi } }\n"),
			`document 1 (Deployment app): spec.template.spec.containers[0].resources.requests[memory]: 2Gi is more than the limit 1Gi`},
		{"externalTrafficPolicy on a ClusterIP Service", deployment("") + `---
apiVersion: v1
kind: Service
metadata: { name: app }
spec:
  externalTrafficPolicy: Local
  selector: { app: app }
  ports: [{ port: 80, targetPort: http }]
`, `document 2 (Service app): spec.externalTrafficPolicy: only for type NodePort or LoadBalancer, not ""`},
		{"Pods metric without AverageValue", deployment("") + `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: app }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: app }
  maxReplicas: 3
  metrics:
    - type: Pods
      pods: { metric: { name: x }, target: { type: Utilization, averageUtilization: 50 } }
`, `document 2 (HorizontalPodAutoscaler app): spec.metrics[0].pods.target.type: must be AverageValue for a Pods metric`},
		{"PDB with both bounds", deployment("") + `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: app }
spec: { minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: { app: app } } }
`, `document 2 (PodDisruptionBudget app): spec: exactly one of minAvailable and maxUnavailable is required`},
		{"Job restartPolicy Always", `apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec:
  template:
    spec:
      restartPolicy: Always
      containers: [{ name: migrate, image: example.org/app:1 }]
`, `document 1 (Job migrate): spec.template.spec.restartPolicy: "Always": a Job's pods need OnFailure or Never`},
		{"alert rule with a bad duration", `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: { name: rules }
spec:
  groups: [{ name: g, rules: [{ alert: A, expr: up == 0, for: 5 minutes }] }]
`, `document 1 (PrometheusRule rules): spec.groups[0].rules[0].for: "5 minutes" is not a duration`},
		{"two objects of one kind and name", deployment("") + "---\n" + deployment(""),
			`document 2 (Deployment app): the same Deployment name as document 1 (Deployment app)`},
		{"Service name not a DNS-1035 label", deployment("") + `---
apiVersion: v1
kind: Service
metadata: { name: 1app }
spec:
  selector: { app: app }
  ports: [{ port: 80, targetPort: http }]
`, `document 2 (Service 1app): metadata.name: a DNS-1035 label must consist of lower case alphanumeric characters or '-'`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems := Check(strings.NewReader(c.doc), Options{})
			if len(problems) != 1 || !strings.HasPrefix(problems[0], c.want) {
				t.Fatalf("want exactly one problem starting with\n  %s\ngot %d:\n  %s", c.want, len(problems), strings.Join(problems, "\n  "))
			}
		})
	}
	if _, problems := Check(strings.NewReader(deployment("")), Options{}); len(problems) != 0 {
		t.Fatalf("the base deployment must be valid, got %v", problems)
	}
}

// Every registered kind decodes an object of its own apiVersion and kind: a typo in kinds.go would refuse real
// manifests of that kind as "unknown field" or decode them into the wrong type.
func TestEveryKindDecodesItsOwnType(t *testing.T) {
	for k, newValue := range kinds {
		i := strings.LastIndex(k, "/")
		doc := "apiVersion: " + k[:i] + "\nkind: " + k[i+1:] + "\nmetadata: { name: x }\n"
		var obj Object
		if p := decode([]byte(doc), &obj); p != nil {
			t.Errorf("%s: %v", k, p)
		}
		if reflect.TypeOf(obj.Value) != reflect.TypeOf(newValue()) {
			t.Errorf("%s: decoded into %T", k, obj.Value)
		}
		if !strings.HasSuffix(reflect.TypeOf(obj.Value).Elem().Name(), k[i+1:]) {
			t.Errorf("%s maps to %T", k, obj.Value)
		}
	}
}
