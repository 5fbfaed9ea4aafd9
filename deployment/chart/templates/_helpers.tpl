{{- /*
Named templates of CloudHarness's deploy_utils.* names, with CloudHarness's
arguments, so per-app templates written for CloudHarness keep working. A
solution may replace this file (deployment-configuration/helm/templates/);
harness's own helpers live in _harness.tpl, so the chart still renders.
*/ -}}

{{- /* deploy_utils.chart ROOT: chart name and version, for the helm.sh/chart label. */ -}}
{{- define "deploy_utils.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- /* deploy_utils.chartref ROOT: the same reference, untruncated. */ -}}
{{- define "deploy_utils.chartref" -}}
{{- printf "%s-%s" $.Chart.Name (replace "+" "_" $.Chart.Version) -}}
{{- end -}}

{{- /* deploy_utils.pullpolicy ROOT: images of a local registry are never pulled. */ -}}
{{- define "deploy_utils.pullpolicy" -}}
{{- if and .Values.local (not .Values.registry.name) }}Never{{ else }}IfNotPresent{{ end -}}
{{- end -}}

{{- /* deploy_utils.registry ROOT: the image registry prefix, empty when none. */ -}}
{{- define "deploy_utils.registry" -}}
{{- .Values.registry.name | default "" -}}
{{- end -}}

{{- /*
deploy_utils.labels ROOT: labels every object carries. The chart labels are
deploy_utils.chart and deploy_utils.chartref written out: every object renders
these labels, and an include costs more than the expression.
*/ -}}
{{- define "deploy_utils.labels" }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: {{ .Values.name | default .Chart.Name | quote }}
chart: {{ printf "%s-%s" .Chart.Name (replace "+" "_" .Chart.Version) | quote }}
release: {{ .Release.Name | quote }}
heritage: {{ .Release.Service | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- /*
deploy_utils.env ROOT: environment variables of every container, inline, for
per-app templates written for CloudHarness; the same variables as
cloudharness-env.
*/ -}}
{{- define "deploy_utils.env" -}}
{{- range $name, $value := include "harness.envData" . | fromYaml }}
- name: {{ $name | quote }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- /*
deploy_utils.privenv ROOT: private variables, read from the deployment-secrets
Secret: privenv in its order, then CH_ACCOUNTS_CLIENT_SECRET with an accounts
client. With deploy_utils.env, the same variables as CloudHarness's env.
*/ -}}
{{- define "deploy_utils.privenv" -}}
{{- $names := list }}
{{- range $env := .Values.privenv }}{{ $names = append $names (toString $env.name) }}{{ end }}
{{- if hasKey (include "harness.privenvData" . | fromYaml) "CH_ACCOUNTS_CLIENT_SECRET" }}
{{- $names = append $names "CH_ACCOUNTS_CLIENT_SECRET" }}
{{- end }}
{{- range $name := $names | uniq }}
- name: {{ $name | quote }}
  valueFrom:
    secretKeyRef:
      name: deployment-secrets
      key: {{ $name | quote }}
{{- end }}
{{- end -}}

{{- /* deploy_utils.etcHosts ROOT: local deployments resolve the solution's hosts to the cluster. */ -}}
{{- define "deploy_utils.etcHosts" }}
{{- if and .Values.local .Values.localIp }}
{{- $domain := .Values.domain }}
hostAliases:
  - ip: {{ .Values.localIp | quote }}
    hostnames:
      - {{ $domain | quote }}
      {{- range $app := .Values.apps }}
      {{- if $app.harness.subdomain }}
      - {{ printf "%s.%s" $app.harness.subdomain $domain | quote }}
      {{- end }}
      {{- end }}
{{- end }}
{{- end }}

