{{/*
The text of NOTES.txt. It is a named template so that the chart tests can render exactly what
`helm install` prints (helm template never renders NOTES.txt).
*/}}
{{- define "arcadedb.notes" -}}
{{- $fullname := include "arcadedb.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- $members := int (include "arcadedb.members" .) -}}
{{- $http := int .Values.service.http.port -}}
{{- $ha := include "arcadedb.haEnabled" . -}}
{{- $studio := or (ne (toString .Values.server.mode) "production") (eq (toString (index .Values.extraSettings "arcadedb.studio.enabled")) "true") -}}
{{- $inCluster := printf "http://%s-http.%s.svc.%s:%d" $fullname $ns .Values.clusterDomain $http -}}
ArcadeDB {{ .Chart.AppVersion }} is deployed as release "{{ .Release.Name }}" in namespace "{{ $ns }}".
{{- if $ha }}
Raft HA is on: {{ $members }} members (cluster "{{ .Values.ha.clusterName }}"), quorum {{ include "arcadedb.quorum" . }}, so the cluster survives the loss of {{ sub $members (include "arcadedb.quorum" . | int) }} pod(s).
{{- else }}
Raft HA is off: a single server (set replicaCount to 3 or more, or ha.forceEnabled=true, for HA).
{{- end }}
{{- if and $ha (eq (mod $members 2) 0) }}

WARNING: {{ $members }} is an even number of Raft members. It tolerates no more failures than {{ sub $members 1 }} members
would ({{ sub $members (include "arcadedb.quorum" . | int) }}), while every write must reach one more pod. Prefer an odd count.
{{- end }}
{{- if and $ha (eq $members 2) }}

WARNING: ha.allowTwoReplicas=true: a two-member group has no fault tolerance. Losing either pod stops all writes.
{{- end }}
{{- if and $ha (not .Values.persistence.enabled) }}

NOTE: persistence is disabled. A recreated pod starts empty and re-syncs from the leader; if every pod
is recreated at once, all databases are lost. Set persistence.enabled=true to keep them.
{{- else if not .Values.persistence.enabled }}

WARNING: persistence is disabled. The single server keeps its databases and users in an emptyDir, so they are
lost whenever its pod is recreated (upgrade, eviction, node drain); there is no other member to re-sync from.
Set persistence.enabled=true to keep them.
{{- end }}

1. The root password (user "root"):

  kubectl get secret --namespace {{ $ns }} {{ include "arcadedb.secretName" . }} -o jsonpath='{.data.{{ .Values.auth.secretKey }}}' | base64 -d; echo

2. Reach the cluster (HTTP API) through the client Service, which balances over every ready pod:

  kubectl port-forward --namespace {{ $ns }} svc/{{ $fullname }}-http {{ $http }}:{{ $http }}
  curl -u root:<password> http://localhost:{{ $http }}/api/v1/server?mode=basic
{{- if .Values.ingress.enabled }}
{{- range .Values.ingress.hosts }}
  Ingress: http{{ if $.Values.ingress.tls }}s{{ end }}://{{ .host }}
{{- end }}
{{- end }}
  Inside the cluster: {{ $inCluster }}
{{- if $ha }}
  Each pod: <pod>{{ include "arcadedb.k8sSuffix" . }}:{{ $http }}, pods {{ $fullname }}-0 .. {{ $fullname }}-{{ sub $members 1 }}
{{- end }}
{{- if $studio }}
  Studio (the web UI): http://localhost:{{ $http }}/ after the port-forward.
{{- else }}
  Studio (the web UI) is disabled: the server runs in production mode (server.mode), where ArcadeDB serves no
  Studio. To turn it on, upgrade with --set-string 'extraSettings.arcadedb\.studio\.enabled=true'.
{{- end }}

3. Applications connect through the client Service, {{ $inCluster }}, not to a pod:
  the Service only routes to ready pods, and a follower forwards writes to the leader. A pod that is still starting
  acknowledges writes before its HA plugin runs and never replicates them (docs/upstream-findings.md in the suite's
  repository).
  Give each application a user of its own instead of root (names of 4 characters or more; see "Security" in
  ArcadeDB's documentation, https://docs.arcadedb.com):

  curl -u root:<password> -X POST http://localhost:{{ $http }}/api/v1/server \
    -d '{"command":"create user {\"name\":\"my-app\",\"password\":\"<app password>\",\"databases\":{\"<database>\":[\"admin\"]}}"}'
{{- if $ha }}

4. Find the leader: every member reports the leader it sees.

  curl -s -u root:<password> http://localhost:{{ $http }}/api/v1/cluster | jq '{leaderId, leaderHttpAddress, isLeader}'

  The pod ordinal is the number after "{{ $fullname }}-" in leaderId. To ask one pod in particular:

  kubectl port-forward --namespace {{ $ns }} pod/{{ $fullname }}-0 {{ $http }}:{{ $http }}
{{- end }}

{{ if $ha }}5{{ else }}4{{ end }}. Prove the deployment works with the HA suite (from a checkout of the suite's repository, with this
  cluster as the kubeconfig's current context, or add --context NAME):

  ci/integration-test.sh --release {{ .Release.Name }} --namespace {{ $ns }}
  jbang arcadedb-ha@. --release {{ .Release.Name }} --namespace {{ $ns }}
{{- end -}}
