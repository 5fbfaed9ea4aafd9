{{- /*
Named templates of the harness chart. The deploy_utils.* names and their
arguments are CloudHarness's, so per-app templates written for CloudHarness
keep working; harness.* names are harness's own.
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
harness.appLabels (dict root app name component [labels]): labels of one app's
objects; labels, when given, is deploy_utils.labels of root already rendered
(the same for every app).
*/ -}}
{{- define "harness.appLabels" }}
app: {{ .name | quote }}
app.kubernetes.io/name: {{ .name | quote }}
app.kubernetes.io/component: {{ .component | default "server" | quote }}
{{- with .root.Values.tag }}
app.kubernetes.io/version: {{ . | toString | trunc 63 | trimSuffix "-" | quote }}
{{- end }}
{{- if hasKey . "labels" }}{{ .labels }}{{ else }}{{ include "deploy_utils.labels" .root }}{{ end }}
{{- end }}

{{- /* harness.selector (dict root name): the immutable part of the labels. */ -}}
{{- define "harness.selector" }}
app: {{ .name | quote }}
app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
{{- end }}

{{- /*
harness.envData ROOT: the solution-wide environment variables (.Values.env
and, with accounts, its client settings but not the client secret, see
harness.privenvData) as a YAML map of strings. It is the
data of the cloudharness-env ConfigMap, which harness's own containers load
with envFrom: written once rather than inline in every container, the chart
grows linearly with the applications instead of quadratically.
*/ -}}
{{- define "harness.envData" -}}
{{- $vars := dict }}
{{- range $pair := .Values.env }}
{{- $_ := set $vars (toString $pair.name) ($pair.value | toString) }}
{{- end }}
{{- $accounts := .Values.apps.accounts }}
{{- if and $accounts (hasKey $accounts "client") }}
{{- $_ := set $vars "CH_ACCOUNTS_REALM" (.Values.namespace | toString) }}
{{- $_ := set $vars "CH_ACCOUNTS_AUTH_DOMAIN" (printf "%s.%s" $accounts.harness.subdomain .Values.domain) }}
{{- $_ := set $vars "CH_ACCOUNTS_CLIENT_ID" (($accounts.client | default dict).id | default "" | toString) }}
{{- $_ := set $vars "DOMAIN" (.Values.domain | toString) }}
{{- end }}
{{- toYaml $vars }}
{{- end -}}

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
harness.privenvData ROOT: the private variables as a YAML map of strings, the
data of the deployment-secrets Secret: .Values.privenv and, when the accounts
app has a client, CH_ACCOUNTS_CLIENT_SECRET (a privenv entry of that name wins).
*/ -}}
{{- define "harness.privenvData" -}}
{{- $vars := dict }}
{{- $accounts := .Values.apps.accounts }}
{{- if and $accounts (hasKey $accounts "client") }}
{{- $_ := set $vars "CH_ACCOUNTS_CLIENT_SECRET" (($accounts.client | default dict).secret | default "" | toString) }}
{{- end }}
{{- range $env := .Values.privenv }}
{{- $_ := set $vars (toString $env.name) ($env.value | toString) }}
{{- end }}
{{- toYaml $vars }}
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

{{- /*
harness.envChecksum ROOT: the checksum of the solution-wide and private
variables, in the pod template so pods restart when either changes.
*/ -}}
{{- define "harness.envChecksum" -}}
{{- list (include "harness.envData" .) (include "harness.privenvData" .) | toJson | sha256sum }}
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

{{- /* harness.podSecurity (dict uid): the pod securityContext of the "restricted" Pod Security Standard. */ -}}
{{- define "harness.podSecurity" }}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid }}
  runAsGroup: {{ .uid }}
  fsGroup: {{ .uid }}
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{- /* harness.containerSecurity: the container securityContext of the "restricted" standard. */ -}}
{{- define "harness.containerSecurity" }}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
{{- end }}

{{- /* harness.dbCredentials (dict root app): name of an app's database credentials Secret. */ -}}
{{- define "harness.dbCredentials" -}}
{{- printf "%s-credentials" .app.harness.database.name -}}
{{- end -}}

{{- /* harness.appKey NAME: the key of an application under .Values.apps. */ -}}
{{- define "harness.appKey" -}}
{{- . | replace "-" "_" -}}
{{- end -}}

{{- /* harness.image (dict root app): the app's image; tags and registry are already in it. */ -}}
{{- define "harness.image" -}}
{{- .app.harness.deployment.image -}}
{{- end -}}
