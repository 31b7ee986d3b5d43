{{- define "blogsmith.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "blogsmith.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "blogsmith.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "blogsmith.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/*
Rolls the pods when a setting changes: the ConfigMap's and the chart's Secret's values (an existing
Secret's contents are not known here: restart the deployments after changing it).
*/}}
{{- define "blogsmith.settingsChecksum" -}}
{{ list .Values.config .Values.secret .Values.existingSecret | toJson | sha256sum }}
{{- end -}}

{{/* With METRICS_TOKEN set, /metrics answers 401 without it: the ServiceMonitors send it from the Secret. */}}
{{- define "blogsmith.metricsAuthorization" -}}
{{- with .Values.monitoring.serviceMonitor.metricsTokenKey }}
authorization:
  type: Bearer
  credentials:
    name: {{ include "blogsmith.secretName" $ }}
    key: {{ . }}
{{- end }}
{{- end -}}

{{- define "blogsmith.secretName" -}}
{{ .Values.existingSecret | default (include "blogsmith.fullname" .) }}
{{- end -}}

{{/* Environment from the ConfigMap and the Secret, shared by every container. */}}
{{- define "blogsmith.envFrom" -}}
- configMapRef:
    name: {{ include "blogsmith.fullname" . }}
- secretRef:
    name: {{ include "blogsmith.secretName" . }}
{{- end -}}

{{/* /data and /tmp are the only writable paths (read-only root filesystem). */}}
{{- define "blogsmith.volumeMounts" -}}
- name: data
  mountPath: /data
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "blogsmith.volumes" -}}
- name: data
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- end -}}
