{{/* Chart name, overridable. */}}
{{- define "hetero.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release name, plus the chart name unless the release name contains it. */}}
{{- define "hetero.fullname" -}}
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

{{- define "hetero.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hetero.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hetero.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hetero.labels" -}}
helm.sh/chart: {{ include "hetero.chart" . }}
{{ include "hetero.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: hetero-training
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "hetero.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hetero.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hetero.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* GPU capacity map rendered as PRODUCT=capacity,... in key order. */}}
{{- define "hetero.gpuCapacity" -}}
{{- $pairs := list }}
{{- range $product, $capacity := .Values.gpuCapacity }}
{{- $pairs = append $pairs (printf "%s=%v" $product $capacity) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/*
Rules of docs/operator-contract.md on namespaced resources: a ClusterRole in all-namespaces mode,
a Role per watched namespace otherwise. Keep in sync with the contract (RbacContractTest checks).
*/}}
{{- define "hetero.namespacedRules" -}}
# Watch jobs; delete finished jobs after ttlSecondsAfterFinished.
- apiGroups: ["training.hetero.dev"]
  resources: ["heterotrainingjobs"]
  verbs: ["get", "list", "watch", "delete"]
# Write status (server-side apply); get+patch also lets it grant the same to each job's trainer Role.
- apiGroups: ["training.hetero.dev"]
  resources: ["heterotrainingjobs/status"]
  verbs: ["get", "patch", "update"]
# Worker pods; patch for jobs queued by Kueue (its finalizer on stopped pods, the group's retriable annotation) and for the rank label of a worker a re-plan renumbered.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "delete", "patch"]
# Kueue's Workloads, read-only (admission and evictions of queued jobs; used when Kueue is installed).
- apiGroups: ["kueue.x-k8s.io"]
  resources: ["workloads"]
  verbs: ["get", "list", "watch"]
# Per-job children.
- apiGroups: [""]
  resources: ["services", "configmaps", "secrets", "serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
# Checkpoint claims: created from spec.checkpoint.claimTemplate (never updated; deleted with the job by the garbage
# collector, or kept with whenDeleted: Retain); watched for their phase (also claims jobs name as their own).
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create"]
# Per-job trainer Role and RoleBinding.
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
# Kubernetes events: create, and get + patch to fold a repeat into the existing Event (count, lastTimestamp).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "create", "patch"]
# DRA: a ResourceClaimTemplate per GPU pool with a deviceClaim (replaced when the pool asks for other devices); claims
# read for the devices other pods hold (used when the API server serves resource.k8s.io/v1).
- apiGroups: ["resource.k8s.io"]
  resources: ["resourceclaimtemplates"]
  verbs: ["get", "create", "delete"]
- apiGroups: ["resource.k8s.io"]
  resources: ["resourceclaims"]
  verbs: ["get", "list", "watch"]
{{- end }}

{{/* Node inventory for the planner: always cluster-wide. */}}
{{- define "hetero.nodeRules" -}}
# Node inventory for the planner (always cluster-wide).
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["get", "list", "watch"]
# GPUs that DRA drivers publish, a second capacity source (cluster-scoped like nodes).
- apiGroups: ["resource.k8s.io"]
  resources: ["resourceslices"]
  verbs: ["get", "list", "watch"]
{{- end }}

{{/* Cross-field checks the JSON schema cannot express; fail with the values' names. */}}
{{- define "hetero.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicaCount=%d needs leaderElection.enabled=true: without a Lease every replica would reconcile the same jobs" (int .Values.replicaCount)) }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (ge (int .Values.podDisruptionBudget.minAvailable) (int .Values.replicaCount)) }}
{{- fail (printf "podDisruptionBudget.minAvailable=%d must be lower than replicaCount=%d, or node drains can never evict the operator" (int .Values.podDisruptionBudget.minAvailable) (int .Values.replicaCount)) }}
{{- end }}
{{- end }}
