{{- /*
harness's own named templates (harness.*). They are kept apart from
_helpers.tpl, whose deploy_utils.* names a solution may replace.
*/ -}}

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
harness.envChecksum ROOT: the checksum of the solution-wide and private
variables, in the pod template so pods restart when either changes.
*/ -}}
{{- define "harness.envChecksum" -}}
{{- list (include "harness.envData" .) (include "harness.privenvData" .) | toJson | sha256sum }}
{{- end -}}

{{- /*
harness.podSecurity (dict uid [security]): the pod securityContext of the
"restricted" Pod Security Standard, running as uid. security is an app's
harness.deployment.security: runAsUser and runAsGroup replace uid, and
runAsNonRoot false leaves the user to the image ("baseline" then).
*/ -}}
{{- define "harness.podSecurity" }}
{{- $sec := .security | default dict }}
{{- $user := .uid }}
{{- if not (kindIs "invalid" $sec.runAsUser) }}{{ $user = $sec.runAsUser }}{{ end }}
{{- $group := $user }}
{{- if not (kindIs "invalid" $sec.runAsGroup) }}{{ $group = $sec.runAsGroup }}{{ end }}
securityContext:
  {{- if or (kindIs "invalid" $sec.runAsNonRoot) $sec.runAsNonRoot }}
  runAsNonRoot: true
  runAsUser: {{ $user }}
  {{- end }}
  runAsGroup: {{ $group }}
  fsGroup: {{ $group }}
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{- /*
harness.containerSecurity [(dict security)]: the container securityContext of
the "restricted" standard; an app's harness.deployment.security with
readOnlyRootFilesystem false lets the container write to its image's files.
*/ -}}
{{- define "harness.containerSecurity" }}
{{- $sec := (and (kindIs "map" .) .security) | default dict }}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: {{ ternary true $sec.readOnlyRootFilesystem (kindIs "invalid" $sec.readOnlyRootFilesystem) }}
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

