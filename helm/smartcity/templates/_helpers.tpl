{{- define "smartcity.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "smartcity.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "smartcity.labels" -}}
app.kubernetes.io/part-of: smartcity
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "smartcity.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .app }}
{{- end -}}

{{/* Secret names: the release's own, or the operator's existingSecret (same keys). */}}
{{- define "smartcity.dbSecret" -}}
{{- default (printf "%s-database" (include "smartcity.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}
{{- define "smartcity.redisSecret" -}}
{{- default (printf "%s-redis" (include "smartcity.fullname" .)) .Values.redis.existingSecret -}}
{{- end -}}
{{- define "smartcity.keysSecret" -}}
{{- default (printf "%s-keys" (include "smartcity.fullname" .)) .Values.keys.existingSecret -}}
{{- end -}}
{{- define "smartcity.keycloakSecret" -}}
{{- default (printf "%s-keycloak-admin" (include "smartcity.fullname" .)) .Values.keycloakAdmin.existingSecret -}}
{{- end -}}

{{- define "smartcity.secretEnv" -}}
- name: {{ .name }}
  valueFrom: { secretKeyRef: { name: {{ .secret }}, key: {{ .name }} } }
{{- end -}}

{{/* Environment shared by every app: the external services and logging. */}}
{{- define "smartcity.commonEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
{{ include "smartcity.secretEnv" (dict "name" "REDIS_URL" "secret" (include "smartcity.redisSecret" .)) }}
{{ include "smartcity.secretEnv" (dict "name" "DATABASE_URL" "secret" (include "smartcity.dbSecret" .)) }}
{{- end -}}

{{/*
OpenTelemetry tracing of one app (values `tracing`, read by every app's config: libs/platform/observability
tracing.config.ts). The export headers may hold a credential: from an existing Secret only. Call with
(dict "root" . "app" $app).
*/}}
{{- define "smartcity.tracingEnv" -}}
{{- $t := .root.Values.tracing -}}
- name: TRACING_ENABLED
  value: {{ $t.enabled | toString | quote }}
- name: TRACING_SAMPLE_RATIO
  value: {{ $t.sampleRatio | toString | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ .app | quote }}
{{- with $t.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $t.headersSecret }}
{{ include "smartcity.secretEnv" (dict "name" "OTEL_EXPORTER_OTLP_HEADERS" "secret" .) }}
{{- end }}
{{- end -}}

{{/* The owner role: only for apps with platform-admin operations (tenant management, retention, rollups). */}}
{{- define "smartcity.ownerDbEnv" -}}
{{ include "smartcity.secretEnv" (dict "name" "DATABASE_OWNER_URL" "secret" (include "smartcity.dbSecret" .)) }}
{{- end -}}

{{/* The keys sealing device secrets at rest (ingest, bootstrap, gateway, CLI). */}}
{{- define "smartcity.credentialKeysEnv" -}}
{{ include "smartcity.secretEnv" (dict "name" "CREDENTIAL_KEYS" "secret" (include "smartcity.keysSecret" .)) }}
{{- end -}}

{{/* Operator-supplied variables of one app (names must be ones its config reads: test/deployment checks). */}}
{{- define "smartcity.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Each app runs from the same image: `node -r ./tools/register.js apps/<app>/src/main.ts`. */}}
{{- define "smartcity.command" -}}
command: ["node", "-r", "./tools/register.js", "apps/{{ . }}/src/main.ts"]
{{- end -}}

{{/* Pod Security "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */}}
{{- define "smartcity.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  runAsGroup: 1000
  fsGroup: 1000
  seccompProfile: { type: RuntimeDefault }
{{- end -}}
{{- define "smartcity.containerSecurityContext" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: { drop: [ALL] }
{{- end -}}

{{- define "smartcity.podSpecCommon" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{ end -}}
automountServiceAccountToken: false
enableServiceLinks: false
{{ include "smartcity.podSecurityContext" . }}
{{- end -}}

{{/* The root filesystem is read-only: Node.js and its libraries write temporary files to /tmp only. */}}
{{- define "smartcity.tmpVolume" -}}
- name: tmp
  emptyDir: { sizeLimit: 64Mi }
{{- end -}}
{{- define "smartcity.tmpMount" -}}
- { name: tmp, mountPath: /tmp }
{{- end -}}

{{/* The coaps server key and certificate chain (a kubernetes.io/tls Secret), when one is configured. */}}
{{- define "smartcity.coapsKeyEnv" -}}
- name: COAPS_PRIVATE_KEY_FILE
  value: /etc/smartcity/coaps/tls.key
- name: COAPS_CERTIFICATE_FILE
  value: /etc/smartcity/coaps/tls.crt
{{- end -}}
{{- define "smartcity.coapsKeyVolume" -}}
- name: coaps-key
  secret: { secretName: {{ . }}, defaultMode: 0440 }
{{- end -}}
{{- define "smartcity.coapsKeyMount" -}}
- { name: coaps-key, mountPath: /etc/smartcity/coaps, readOnly: true }
{{- end -}}

{{- define "smartcity.probes" -}}
readinessProbe:
  httpGet: { path: /readyz, port: {{ .port }} }
  periodSeconds: 5
livenessProbe:
  httpGet: { path: /healthz, port: {{ .port }} }
  periodSeconds: 10
  failureThreshold: 6
{{- end -}}

{{- define "smartcity.hpa" -}}
{{- if .values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "smartcity.fullname" .root }}-{{ .app }}
  labels:
    {{- include "smartcity.labels" .root | nindent 4 }}
    app.kubernetes.io/name: {{ .app }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "smartcity.fullname" .root }}-{{ .app }}
  minReplicas: {{ .values.autoscaling.minReplicas }}
  maxReplicas: {{ .maxReplicas | default .values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: { type: Utilization, averageUtilization: {{ .values.autoscaling.targetCPUUtilizationPercentage }} }
    {{- with .podsMetric }}
    # A per-pod custom metric (served by prometheus-adapter or an equivalent custom.metrics.k8s.io provider).
    - type: Pods
      pods:
        metric: { name: {{ .name }} }
        target: { type: AverageValue, averageValue: {{ .averageValue | quote }} }
    {{- end }}
  {{- with .values.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "smartcity.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "smartcity.fullname" .root }}-{{ .app }}
  labels:
    {{- include "smartcity.labels" .root | nindent 4 }}
    app.kubernetes.io/name: {{ .app }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "smartcity.selector" (dict "root" .root "app" .app) | nindent 6 }}
{{- end -}}
