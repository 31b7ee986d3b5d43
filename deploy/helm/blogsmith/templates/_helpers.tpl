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
