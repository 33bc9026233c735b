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
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "smartcity.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .app }}
{{- end -}}

{{- define "smartcity.dbSecret" -}}
{{- default (printf "%s-database" (include "smartcity.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{/* Environment shared by every app: the external services and logging. */}}
{{- define "smartcity.commonEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: REDIS_URL
  value: {{ .Values.redis.url | quote }}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ include "smartcity.dbSecret" . }}, key: DATABASE_URL } }
{{- end -}}

{{/* The owner role: only for apps with platform-admin operations (tenant management, retention, rollups). */}}
{{- define "smartcity.ownerDbEnv" -}}
- name: DATABASE_OWNER_URL
  valueFrom: { secretKeyRef: { name: {{ include "smartcity.dbSecret" . }}, key: DATABASE_OWNER_URL } }
{{- end -}}

{{/* Each app runs from the same image: `node -r ./tools/register.js apps/<app>/src/main.ts`. */}}
{{- define "smartcity.command" -}}
command: ["node", "-r", "./tools/register.js", "apps/{{ . }}/src/main.ts"]
{{- end -}}

{{- define "smartcity.hpa" -}}
{{- if .values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "smartcity.fullname" .root }}-{{ .app }}
  labels:
    {{- include "smartcity.labels" .root | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "smartcity.fullname" .root }}-{{ .app }}
  minReplicas: {{ .values.autoscaling.minReplicas }}
  maxReplicas: {{ .values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: { type: Utilization, averageUtilization: {{ .values.autoscaling.targetCPUUtilizationPercentage }} }
{{- end }}
{{- end -}}
