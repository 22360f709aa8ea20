{{/*
Names, labels and the values every template derives from. The HA wiring (members, server list,
k8s suffix) and all render-time guards live here, so each template shows one view of them.
*/}}

{{- define "arcadedb.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name: fullnameOverride, else the release name when it already contains the chart name,
else "<release>-<chart name>". Not truncated: a name too long for StatefulSet pods is refused in
arcadedb.validate instead, because every Raft peer address is built from it.
*/}}
{{- define "arcadedb.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "arcadedb.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "arcadedb.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "arcadedb.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arcadedb.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "arcadedb.labels" -}}
helm.sh/chart: {{ include "arcadedb.chart" . }}
{{ include "arcadedb.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: arcadedb
{{- end -}}

{{- define "arcadedb.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "arcadedb.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name of the chart's own Secret (generated password and/or cluster token). */}}
{{- define "arcadedb.generatedSecretName" -}}
{{- printf "%s-credentials" (include "arcadedb.fullname" .) -}}
{{- end -}}

{{/* Name of the Secret holding the root password (generated or auth.existingSecret). */}}
{{- define "arcadedb.secretName" -}}
{{- default (include "arcadedb.generatedSecretName" .) .Values.auth.existingSecret -}}
{{- end -}}

{{/* Name of the Secret holding the Raft cluster token (generated or auth.clusterToken.existingSecret). */}}
{{- define "arcadedb.clusterTokenSecretName" -}}
{{- default (include "arcadedb.generatedSecretName" .) .Values.auth.clusterToken.existingSecret -}}
{{- end -}}

{{/*
Where the Secrets are mounted. The server reads each file once at start: the password only while it
has no users file yet, the token on every start.
*/}}
{{- define "arcadedb.rootPasswordDir" -}}/run/secrets/arcadedb/root{{- end -}}
{{- define "arcadedb.rootPasswordFile" -}}{{ include "arcadedb.rootPasswordDir" . }}/password{{- end -}}
{{- define "arcadedb.clusterTokenDir" -}}/run/secrets/arcadedb/cluster{{- end -}}
{{- define "arcadedb.clusterTokenFile" -}}{{ include "arcadedb.clusterTokenDir" . }}/token{{- end -}}

{{- define "arcadedb.image" -}}
{{- $repo := .Values.image.repository -}}
{{- if .Values.image.registry -}}
{{- $repo = printf "%s/%s" .Values.image.registry .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion (toString .Values.image.tag)) -}}
{{- end -}}
{{- end -}}

{{/* Number of Raft members: maxReplicas with an autoscaler (the list is pre-sized), else replicaCount. */}}
{{- define "arcadedb.members" -}}
{{- if .Values.autoscaling.enabled -}}
{{- int .Values.autoscaling.maxReplicas -}}
{{- else -}}
{{- int .Values.replicaCount -}}
{{- end -}}
{{- end -}}

{{/* "true" when Raft HA is on, empty otherwise. */}}
{{- define "arcadedb.haEnabled" -}}
{{- if or .Values.ha.forceEnabled .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) -}}
true
{{- end -}}
{{- end -}}

{{/* Majority of the Raft group. */}}
{{- define "arcadedb.quorum" -}}
{{- add (div (int (include "arcadedb.members" .)) 2) 1 -}}
{{- end -}}

{{/* DNS suffix of every pod behind the headless Service, with its leading dot. */}}
{{- define "arcadedb.k8sSuffix" -}}
{{- printf ".%s.%s.svc.%s" (include "arcadedb.fullname" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{/* Server list in ordinal order: <pod>.<headless>.<ns>.svc.<domain>:<raft>:<http>, one entry per member. */}}
{{- define "arcadedb.serverList" -}}
{{- $fullname := include "arcadedb.fullname" . -}}
{{- $suffix := include "arcadedb.k8sSuffix" . -}}
{{- $entries := list -}}
{{- range $i := until (int (include "arcadedb.members" .)) -}}
{{- $entries = append $entries (printf "%s-%d%s:%d:%d" $fullname $i $suffix (int $.Values.service.raft.port) (int $.Values.service.http.port)) -}}
{{- end -}}
{{- join "," $entries -}}
{{- end -}}

{{/*
An integer setting for a "-D" argument. Values files give numbers as float64, --set gives int64,
--set-string gives strings: all are accepted when they hold a whole number >= 0.
Call with (list "value.path" $value).
*/}}
{{- define "arcadedb.wholeNumber" -}}
{{- $path := index . 0 -}}
{{- $v := index . 1 -}}
{{- if kindIs "string" $v -}}
{{- if not (regexMatch "^[0-9]+$" $v) -}}
{{- fail (printf "%s must be a whole number >= 0, got %q" $path $v) -}}
{{- end -}}
{{- $v -}}
{{- else if or (kindIs "float64" $v) (kindIs "int" $v) (kindIs "int64" $v) -}}
{{- if or (lt (float64 $v) 0.0) (ne (float64 (int64 $v)) (float64 $v)) -}}
{{- fail (printf "%s must be a whole number >= 0, got %v" $path $v) -}}
{{- end -}}
{{- int64 $v -}}
{{- else -}}
{{- fail (printf "%s must be a whole number >= 0, got %v" $path $v) -}}
{{- end -}}
{{- end -}}

{{/* A setting value as text; whole numbers from a values file (float64) print without an exponent. */}}
{{- define "arcadedb.settingValue" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/* Settings the chart sets itself, with the value to use instead of extraSettings. */}}
{{- define "arcadedb.managedSettings" -}}
arcadedb.server.rootPassword: "the Secret named by auth.existingSecret (the password must never be a process argument)"
arcadedb.server.rootPasswordPath: "auth.existingSecret and auth.secretKey: the chart mounts that Secret and passes its file"
arcadedb.ha.clusterToken: "the Secret named by auth.clusterToken.existingSecret (the token must never be a process argument)"
arcadedb.ha.clusterTokenPath: "auth.clusterToken.existingSecret and auth.clusterToken.secretKey: the chart mounts that Secret and passes its file"
arcadedb.server.name: "nothing: it is always the pod name"
arcadedb.server.rootPath: "nothing: the chart fixes the paths the volumes are mounted at"
arcadedb.server.databaseDirectory: "nothing: the chart fixes the paths the volumes are mounted at"
arcadedb.server.logsDirectory: "nothing: the chart fixes the paths the volumes are mounted at"
arcadedb.server.httpIncomingPort: "service.http.port"
arcadedb.server.mode: "server.mode"
arcadedb.server.defaultDatabases: "server.defaultDatabases"
arcadedb.server.plugins: "server.plugins"
arcadedb.dumpConfigAtStartup: "server.dumpConfigAtStartup"
arcadedb.server.readinessRequiresHA: "ha.readinessRequiresHA"
arcadedb.server.readinessHAMaxLag: "ha.readinessHAMaxLag"
arcadedb.serverMetrics: "metrics.enabled"
arcadedb.serverMetrics.prometheus.requireAuthentication: "metrics.requireAuthentication"
arcadedb.ha.enabled: "replicaCount or ha.forceEnabled"
arcadedb.ha.k8s: "nothing: it follows HA"
arcadedb.ha.k8sSuffix: "clusterDomain (the rest is the release's own DNS)"
arcadedb.ha.serverList: "replicaCount (or autoscaling.maxReplicas) and clusterDomain"
arcadedb.ha.raftPort: "service.raft.port"
arcadedb.ha.clusterName: "ha.clusterName"
arcadedb.ha.raftStorageDirectory: "nothing: the chart mounts the raft volume there"
arcadedb.ha.snapshotThreshold: "ha.snapshotThreshold"
arcadedb.ha.logPurgeGap: "ha.logPurgeGap"
arcadedb.ha.logSegmentSize: "ha.logSegmentSize"
arcadedb.ha.replicationLagWarning: "ha.replicationLagWarning"
{{- end -}}

{{/*
Every render-time guard. Included by the StatefulSet and by NOTES.txt, so any install, upgrade,
template or lint stops here with a message that says why and which value to change.
*/}}
{{/*
Refuses the values with a one-line reason. helm template and helm install stop at `fail`; helm lint only logs
fail's message (at INFO) and renders on, so a refusal would pass lint. The line printed after it is valid YAML
that cannot become JSON (a sequence as a map key), so lint reports an [ERROR] that quotes the reason too.
*/}}
{{- define "arcadedb.refuse" -}}
{{- fail . -}}
{{ printf "? [%q]\n: refused by the chart\n" . }}
{{- end -}}

{{- define "arcadedb.validate" -}}
{{- $fullname := include "arcadedb.fullname" . -}}
{{- if gt (len $fullname) 52 -}}
{{- include "arcadedb.refuse" (printf "the full name %q is %d characters long; StatefulSet pod names allow at most 52 (the controller-revision-hash label adds 11). Use a shorter release name or set fullnameOverride." $fullname (len $fullname)) -}}
{{- end -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $fullname) -}}
{{- include "arcadedb.refuse" (printf "the full name %q is not a valid DNS label (lower-case letters, digits and '-', starting with a letter); it names the headless Service every Raft peer address uses." $fullname) -}}
{{- end -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" (toString .Values.clusterDomain)) -}}
{{- include "arcadedb.refuse" (printf "clusterDomain %q is not a DNS domain (e.g. cluster.local, no leading or trailing dot); it ends every Raft peer address." (toString .Values.clusterDomain)) -}}
{{- end -}}
{{- if not .Values.ha.clusterName -}}
{{- include "arcadedb.refuse" "ha.clusterName must not be empty: every member derives the Raft group id from it." -}}
{{- end -}}
{{- $http := int .Values.service.http.port -}}
{{- $raft := int .Values.service.raft.port -}}
{{- if or (lt $http 1) (gt $http 65535) (lt $raft 1) (gt $raft 65535) -}}
{{- include "arcadedb.refuse" (printf "service.http.port (%v) and service.raft.port (%v) must be ports between 1 and 65535." .Values.service.http.port .Values.service.raft.port) -}}
{{- end -}}
{{- if eq $http $raft -}}
{{- include "arcadedb.refuse" (printf "service.http.port and service.raft.port are both %d; HTTP and Raft need different ports." $http) -}}
{{- end -}}
{{- if .Values.autoscaling.enabled -}}
{{- $min := int .Values.autoscaling.minReplicas -}}
{{- $max := int .Values.autoscaling.maxReplicas -}}
{{- $quorum := add (div $max 2) 1 -}}
{{- if lt $min 1 -}}
{{- include "arcadedb.refuse" (printf "autoscaling.minReplicas must be at least 1, got %v." .Values.autoscaling.minReplicas) -}}
{{- end -}}
{{- if lt $max $min -}}
{{- include "arcadedb.refuse" (printf "autoscaling.maxReplicas (%d) must not be below autoscaling.minReplicas (%d)." $max $min) -}}
{{- end -}}
{{- if lt $min $quorum -}}
{{- include "arcadedb.refuse" (printf "autoscaling would break the Raft quorum: the server list holds all maxReplicas=%d members, so a majority is %d pods, but the autoscaler may scale down to minReplicas=%d and the cluster would then stop electing a leader and accepting writes. minReplicas must be at least floor(maxReplicas/2)+1 = %d." $max $quorum $min $quorum) -}}
{{- end -}}
{{- if and (eq $max 2) (not .Values.ha.allowTwoReplicas) -}}
{{- include "arcadedb.refuse" "autoscaling.maxReplicas=2 gives a two-member Raft group, which has no fault tolerance: a majority of 2 is 2, so losing either pod loses quorum and writes stop. Use maxReplicas of 3 or more, or set ha.allowTwoReplicas=true to accept this." -}}
{{- end -}}
{{- else -}}
{{- $n := int .Values.replicaCount -}}
{{- if lt $n 1 -}}
{{- include "arcadedb.refuse" (printf "replicaCount must be at least 1, got %v." .Values.replicaCount) -}}
{{- end -}}
{{- if and (eq $n 2) (not .Values.ha.allowTwoReplicas) -}}
{{- include "arcadedb.refuse" "replicaCount=2 gives no fault tolerance: a two-member Raft group needs both members for a quorum (a majority of 2 is 2), so losing either pod (crash, node drain, rolling update) loses quorum and writes stop. Use 3 replicas (or another odd number), or set ha.allowTwoReplicas=true to accept this." -}}
{{- end -}}
{{- end -}}
{{- $_ := include "arcadedb.wholeNumber" (list "ha.readinessHAMaxLag" .Values.ha.readinessHAMaxLag) -}}
{{- range $name := list "snapshotThreshold" "logPurgeGap" "replicationLagWarning" -}}
{{- $v := index $.Values.ha $name -}}
{{- if not (kindIs "invalid" $v) -}}
{{- if ne (toString $v) "" -}}
{{- $_ := include "arcadedb.wholeNumber" (list (printf "ha.%s" $name) $v) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.ha.logSegmentSize (not (regexMatch "^[0-9]+([kKmMgG][bB]?)?$" (toString .Values.ha.logSegmentSize))) -}}
{{- include "arcadedb.refuse" (printf "ha.logSegmentSize must be a size such as 1MB, 512KB or 1048576, got %q." (toString .Values.ha.logSegmentSize)) -}}
{{- end -}}
{{- if not (regexMatch "^[-._a-zA-Z0-9]+$" (toString .Values.auth.secretKey)) -}}
{{- include "arcadedb.refuse" (printf "auth.secretKey %q is not a valid Secret key (letters, digits, '-', '_' and '.')." (toString .Values.auth.secretKey)) -}}
{{- end -}}
{{- if not (regexMatch "^[-._a-zA-Z0-9]+$" (toString .Values.auth.clusterToken.secretKey)) -}}
{{- include "arcadedb.refuse" (printf "auth.clusterToken.secretKey %q is not a valid Secret key (letters, digits, '-', '_' and '.')." (toString .Values.auth.clusterToken.secretKey)) -}}
{{- end -}}
{{- if eq (include "arcadedb.secretName" .) (include "arcadedb.clusterTokenSecretName" .) -}}
{{- $tokenKey := toString .Values.auth.clusterToken.secretKey -}}
{{- if eq $tokenKey (toString .Values.auth.secretKey) -}}
{{- include "arcadedb.refuse" (printf "auth.clusterToken.secretKey and auth.secretKey are both %q in Secret %s: the cluster token must not be the root password; use another key." $tokenKey (include "arcadedb.secretName" .)) -}}
{{- end -}}
{{- if and (not .Values.auth.existingSecret) (eq $tokenKey "username") -}}
{{- include "arcadedb.refuse" "auth.clusterToken.secretKey must not be \"username\": the generated Secret holds the root user name under that key." -}}
{{- end -}}
{{- end -}}
{{- if not .Values.podSecurityContext.fsGroup -}}
{{- include "arcadedb.refuse" "podSecurityContext.fsGroup must be set: the password and token files are mounted with mode 0440 (owner root, group fsGroup), so only the server's group can read them." -}}
{{- end -}}
{{- if not (has (toString .Values.podAntiAffinityPreset) (list "soft" "hard" "none")) -}}
{{- include "arcadedb.refuse" (printf "podAntiAffinityPreset must be soft, hard or none, got %q." (toString .Values.podAntiAffinityPreset)) -}}
{{- end -}}
{{- $managed := include "arcadedb.managedSettings" . | fromYaml -}}
{{- range $key, $_ := .Values.extraSettings -}}
{{- if hasKey $managed $key -}}
{{- include "arcadedb.refuse" (printf "extraSettings must not set %s: the chart sets it; use %s." $key (get $managed $key)) -}}
{{- end -}}
{{- if not (regexMatch "^[A-Za-z0-9][-._A-Za-z0-9]*$" $key) -}}
{{- include "arcadedb.refuse" (printf "extraSettings key %q is not a setting name (letters, digits, '.', '_' and '-')." $key) -}}
{{- end -}}
{{- end -}}
{{- range .Values.extraEnv -}}
{{- if has (toString .name) (list "arcadedb.server.rootPassword" "arcadedb.ha.clusterToken") -}}
{{- include "arcadedb.refuse" (printf "extraEnv must not set %s: the chart passes it to the server as a file from a Secret (a dotted variable never reaches the server through bin/server.sh); to choose the value, create a Secret and name it in auth.existingSecret or auth.clusterToken.existingSecret." (toString .name)) -}}
{{- end -}}
{{- if not (regexMatch "^[A-Za-z_][A-Za-z0-9_]*$" (toString .name)) -}}
{{- include "arcadedb.refuse" (printf "extraEnv name %q is not a shell variable name: the image starts the server through bin/server.sh under sh, which drops such variables before java starts. Pass ArcadeDB settings in extraSettings instead." (toString .name)) -}}
{{- end -}}
{{- if eq (toString .name) "HOSTNAME" -}}
{{- include "arcadedb.refuse" "extraEnv must not set HOSTNAME: the chart sets it to the pod name, which is the ArcadeDB server name and selects the pod's own entry in the Raft server list." -}}
{{- end -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.enabled) -}}
{{- include "arcadedb.refuse" "metrics.serviceMonitor.enabled needs metrics.enabled=true: the /prometheus endpoint exists only when the Prometheus plugin is loaded." -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled .Values.metrics.requireAuthentication .Values.auth.existingSecret (not .Values.metrics.serviceMonitor.basicAuth) -}}
{{- include "arcadedb.refuse" "metrics.serviceMonitor.basicAuth must be set when auth.existingSecret is used and metrics.requireAuthentication=true: the chart only knows the password key of that Secret, not a user name key." -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled .Values.metrics.requireAuthentication (not .Values.metrics.serviceMonitor.basicAuth) .Values.metrics.serviceMonitor.namespace (ne .Values.metrics.serviceMonitor.namespace .Release.Namespace) -}}
{{- include "arcadedb.refuse" "metrics.serviceMonitor.basicAuth must be set when metrics.serviceMonitor.namespace differs from the release namespace: Prometheus reads basicAuth Secrets from the ServiceMonitor's namespace, and the chart's Secret lives in the release namespace." -}}
{{- end -}}
{{- $portNames := list "http" "raft" -}}
{{- range .Values.service.extraPorts -}}
{{- $name := toString .name -}}
{{- if or (not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $name)) (gt (len $name) 15) -}}
{{- include "arcadedb.refuse" (printf "service.extraPorts name %q must be a port name: at most 15 lower-case letters, digits and '-', starting with a letter." $name) -}}
{{- end -}}
{{- if has $name $portNames -}}
{{- include "arcadedb.refuse" (printf "service.extraPorts name %q is used twice (http and raft are the chart's own ports)." $name) -}}
{{- end -}}
{{- $portNames = append $portNames $name -}}
{{- if or (lt (int .port) 1) (gt (int .port) 65535) -}}
{{- include "arcadedb.refuse" (printf "service.extraPorts %q needs a port between 1 and 65535." $name) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.persistence.enabled (not .Values.persistence.accessModes) -}}
{{- include "arcadedb.refuse" "persistence.accessModes must list at least one access mode (e.g. ReadWriteOnce)." -}}
{{- end -}}
{{- end -}}

{{/* The container arguments: every ArcadeDB setting as one -D<key>=<value> item, in a fixed order. */}}
{{- define "arcadedb.args" -}}
{{- $args := list -}}
{{- $args = append $args "-Darcadedb.server.name=$(HOSTNAME)" -}}
{{- $args = append $args "-Darcadedb.server.rootPath=/home/arcadedb" -}}
{{- $args = append $args "-Darcadedb.server.databaseDirectory=/home/arcadedb/databases" -}}
{{- $args = append $args "-Darcadedb.server.logsDirectory=/home/arcadedb/log" -}}
{{- $args = append $args (printf "-Darcadedb.server.rootPasswordPath=%s" (include "arcadedb.rootPasswordFile" .)) -}}
{{- $args = append $args (printf "-Darcadedb.server.httpIncomingPort=%d" (int .Values.service.http.port)) -}}
{{- $args = append $args (printf "-Darcadedb.server.mode=%s" .Values.server.mode) -}}
{{- if .Values.server.dumpConfigAtStartup -}}
{{- $args = append $args "-Darcadedb.dumpConfigAtStartup=true" -}}
{{- end -}}
{{- if .Values.server.defaultDatabases -}}
{{- $args = append $args (printf "-Darcadedb.server.defaultDatabases=%s" .Values.server.defaultDatabases) -}}
{{- end -}}
{{- $plugins := list -}}
{{- range .Values.server.plugins -}}
{{- $plugins = append $plugins (toString .) -}}
{{- end -}}
{{- if .Values.metrics.enabled -}}
{{- $plugins = append $plugins "Prometheus:com.arcadedb.metrics.prometheus.PrometheusMetricsPlugin" -}}
{{- $args = append $args "-Darcadedb.serverMetrics=true" -}}
{{- $args = append $args (printf "-Darcadedb.serverMetrics.prometheus.requireAuthentication=%t" (.Values.metrics.requireAuthentication | default false)) -}}
{{- end -}}
{{- if $plugins -}}
{{- $args = append $args (printf "-Darcadedb.server.plugins=%s" (join "," $plugins)) -}}
{{- end -}}
{{- if include "arcadedb.haEnabled" . -}}
{{- $args = append $args "-Darcadedb.ha.enabled=true" -}}
{{- $args = append $args "-Darcadedb.ha.k8s=true" -}}
{{- $args = append $args (printf "-Darcadedb.ha.k8sSuffix=%s" (include "arcadedb.k8sSuffix" .)) -}}
{{- $args = append $args (printf "-Darcadedb.ha.serverList=%s" (include "arcadedb.serverList" .)) -}}
{{- $args = append $args (printf "-Darcadedb.ha.raftPort=%d" (int .Values.service.raft.port)) -}}
{{- $args = append $args (printf "-Darcadedb.ha.clusterName=%s" .Values.ha.clusterName) -}}
{{- $args = append $args "-Darcadedb.ha.raftStorageDirectory=/home/arcadedb/raft" -}}
{{- $args = append $args (printf "-Darcadedb.ha.clusterTokenPath=%s" (include "arcadedb.clusterTokenFile" .)) -}}
{{- range $name := list "snapshotThreshold" "logPurgeGap" "replicationLagWarning" -}}
{{- $v := index $.Values.ha $name -}}
{{- if and (not (kindIs "invalid" $v)) (ne (toString $v) "") -}}
{{- $args = append $args (printf "-Darcadedb.ha.%s=%s" $name (include "arcadedb.wholeNumber" (list (printf "ha.%s" $name) $v))) -}}
{{- end -}}
{{- end -}}
{{- if .Values.ha.logSegmentSize -}}
{{- $args = append $args (printf "-Darcadedb.ha.logSegmentSize=%s" (toString .Values.ha.logSegmentSize)) -}}
{{- end -}}
{{- if .Values.ha.readinessRequiresHA -}}
{{- $args = append $args "-Darcadedb.server.readinessRequiresHA=true" -}}
{{- $args = append $args (printf "-Darcadedb.server.readinessHAMaxLag=%s" (include "arcadedb.wholeNumber" (list "ha.readinessHAMaxLag" .Values.ha.readinessHAMaxLag))) -}}
{{- end -}}
{{- end -}}
{{- range $key := keys .Values.extraSettings | sortAlpha -}}
{{- $args = append $args (printf "-D%s=%s" $key (include "arcadedb.settingValue" (get $.Values.extraSettings $key))) -}}
{{- end -}}
{{- toYaml $args -}}
{{- end -}}
