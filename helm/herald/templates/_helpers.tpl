{{- define "herald.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "herald.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "herald.operator.fullname" -}}
{{- printf "%s-operator" (include "herald.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "herald.dispatcher.fullname" -}}
{{- printf "%s-dispatcher" (include "herald.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "herald.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: herald
{{- end }}

{{/* Selector labels of one component: call with (dict "root" $ "component" "operator") */}}
{{- define "herald.selectorLabels" -}}
app.kubernetes.io/name: {{ include "herald.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "herald.componentLabels" -}}
{{ include "herald.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "herald.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "herald.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "herald.dispatcher.serviceAccountName" -}}
{{- if .Values.dispatcher.serviceAccount.create }}
{{- default (include "herald.dispatcher.fullname" .) .Values.dispatcher.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.dispatcher.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* image reference of a component's image values: call with (dict "root" $ "image" .Values.operator.image) */}}
{{- define "herald.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* The chart's own Secret: needed when a password or an unsubscribe key is given inline. */}}
{{- define "herald.secretName" -}}
{{- include "herald.fullname" . }}
{{- end }}

{{- define "herald.ownSecretNeeded" -}}
{{- if or (not .Values.database.existingSecret) (and (not .Values.unsubscribe.existingSecret) .Values.unsubscribe.value) }}true{{- end }}
{{- end }}

{{/* Where mounted files live in the containers. */}}
{{- define "herald.natsCredsDir" -}}/etc/herald/nats-credentials{{- end }}
{{- define "herald.natsTlsDir" -}}/etc/herald/nats-tls{{- end }}

{{/*
Environment both components read (core's settings): Postgres, NATS, unsubscribe key, public URL,
metrics port. A list of EnvVar dicts.
*/}}
{{- define "herald.commonEnv" -}}
{{- $v := .Values }}
{{- $env := list }}
{{- $env = append $env (dict "name" "HERALD_DB_URL" "value" $v.database.url) }}
{{- $env = append $env (dict "name" "HERALD_DB_USER" "value" $v.database.user) }}
{{- $pwSecret := default (include "herald.secretName" .) $v.database.existingSecret }}
{{- $pwKey := ternary $v.database.passwordKey "database-password" (not (empty $v.database.existingSecret)) }}
{{- $env = append $env (dict "name" "HERALD_DB_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $pwSecret "key" $pwKey))) }}
{{- $env = append $env (dict "name" "HERALD_DB_POOL" "value" ($v.database.pool | int64 | toString)) }}
{{- $env = append $env (dict "name" "HERALD_DB_CONNECT_TIMEOUT_SECONDS" "value" ($v.database.connectTimeoutSeconds | int64 | toString)) }}
{{- $env = append $env (dict "name" "HERALD_DB_SOCKET_TIMEOUT_SECONDS" "value" ($v.database.socketTimeoutSeconds | int64 | toString)) }}
{{- $env = append $env (dict "name" "HERALD_NATS_URL" "value" $v.nats.url) }}
{{- $env = append $env (dict "name" "HERALD_STREAM_REPLICAS" "value" ($v.nats.streamReplicas | int64 | toString)) }}
{{- $env = append $env (dict "name" "HERALD_ACK_WAIT_SECONDS" "value" ($v.nats.ackWaitSeconds | int64 | toString)) }}
{{- $env = append $env (dict "name" "HERALD_SWEEP_AFTER_SECONDS" "value" ($v.nats.sweepAfterSeconds | int64 | toString)) }}
{{- if $v.nats.credentials.existingSecret }}
{{- $env = append $env (dict "name" "HERALD_NATS_CREDS" "value" (printf "%s/%s" (include "herald.natsCredsDir" .) $v.nats.credentials.key)) }}
{{- end }}
{{- if $v.nats.tls.enabled }}
{{- $env = append $env (dict "name" "HERALD_NATS_TLS_CA" "value" (printf "%s/%s" (include "herald.natsTlsDir" .) $v.nats.tls.caKey)) }}
{{- if $v.nats.tls.certKey }}
{{- $env = append $env (dict "name" "HERALD_NATS_TLS_CERT" "value" (printf "%s/%s" (include "herald.natsTlsDir" .) $v.nats.tls.certKey)) }}
{{- $env = append $env (dict "name" "HERALD_NATS_TLS_KEY" "value" (printf "%s/%s" (include "herald.natsTlsDir" .) $v.nats.tls.keyKey)) }}
{{- end }}
{{- end }}
{{- if $v.unsubscribe.existingSecret }}
{{- $env = append $env (dict "name" "HERALD_UNSUBSCRIBE_KEY" "valueFrom" (dict "secretKeyRef" (dict "name" $v.unsubscribe.existingSecret "key" $v.unsubscribe.key))) }}
{{- else if $v.unsubscribe.value }}
{{- $env = append $env (dict "name" "HERALD_UNSUBSCRIBE_KEY" "valueFrom" (dict "secretKeyRef" (dict "name" (include "herald.secretName" .) "key" "unsubscribe-key"))) }}
{{- end }}
{{- if $v.api.publicUrl }}
{{- $env = append $env (dict "name" "HERALD_API_PUBLIC_URL" "value" $v.api.publicUrl) }}
{{- end }}
{{- if $v.watchNamespaces }}
{{- $env = append $env (dict "name" "HERALD_WATCH_NAMESPACES" "value" (join "," $v.watchNamespaces)) }}
{{- end }}
{{- $env = append $env (dict "name" "HERALD_LOG_FORMAT" "value" $v.logFormat) }}
{{- $env = append $env (dict "name" "HERALD_METRICS_PORT" "value" ($v.metrics.port | int64 | toString)) }}
{{- if $v.metrics.sampleSeconds }}
{{- $env = append $env (dict "name" "HERALD_METRICS_SAMPLE_SECONDS" "value" ($v.metrics.sampleSeconds | int64 | toString)) }}
{{- end }}
{{- toYaml $env }}
{{- end }}

{{/*
The env list of a container: the chart's entries (a YAML list), then the global and the
component's extraEnv; a name given in extraEnv replaces the chart's entry of that name, so that no
name appears twice. Call with (dict "chart" <yaml list> "extra" (list ...)).
*/}}
{{- define "herald.env" -}}
{{- $extraNames := dict }}
{{- range .extra }}
{{- $_ := set $extraNames .name true }}
{{- end }}
{{- $out := list }}
{{- range (fromYamlArray .chart) }}
{{- if not (hasKey $extraNames .name) }}
{{- $out = append $out . }}
{{- end }}
{{- end }}
{{- $seen := dict }}
{{- range .extra }}
{{- if not (hasKey $seen .name) }}
{{- $_ := set $seen .name true }}
{{- $out = append $out . }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* Volumes for /tmp (the root file system is read-only) and the NATS credentials and TLS files. */}}
{{- define "herald.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- if .Values.nats.credentials.existingSecret }}
- name: nats-credentials
  secret:
    secretName: {{ .Values.nats.credentials.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- if .Values.nats.tls.enabled }}
- name: nats-tls
  secret:
    secretName: {{ .Values.nats.tls.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end }}

{{- define "herald.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.nats.credentials.existingSecret }}
- name: nats-credentials
  mountPath: {{ include "herald.natsCredsDir" . }}
  readOnly: true
{{- end }}
{{- if .Values.nats.tls.enabled }}
- name: nats-tls
  mountPath: {{ include "herald.natsTlsDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/* The lanes: one durable pull consumer per priority × channel in stream HERALD (QueueNames.DEFAULT). */}}
{{- define "herald.stream" -}}HERALD{{- end }}
{{- define "herald.laneConsumers" -}}
{{- $consumers := list }}
{{- range $priority := list "high" "normal" "bulk" }}
{{- range $channel := list "email" "sms" "push" }}
{{- $consumers = append $consumers (printf "%s_%s_%s" (include "herald.stream" $) $priority $channel) }}
{{- end }}
{{- end }}
{{- toYaml $consumers }}
{{- end }}
