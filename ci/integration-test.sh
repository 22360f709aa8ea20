#!/usr/bin/env bash
# The main job: bootstrap the tools, then run the ArcadeDB HA suite against one target, decided in this order:
#   1. --target kube|local, when given;
#   2. Kubernetes when --kind (a new kind cluster), --install or --context NAME is given;
#   3. Kubernetes when the kubeconfig has a current context;
#   4. else: an error that says what to pass.
# ARCADEDB_HOME never picks the target: as for the driver, it is the installation --target local uses when
# --arcadedb-home is not given. The suite's own options (--phases, --timeout, --nodes …) are passed on to its
# driver (jbang scripts/ArcadedbHa.java); any other option is an error (exit 2). Every option also takes the
# --opt=value form, and paths are relative to the folder the script is run from.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<USAGE
Usage: ci/integration-test.sh [--kind] [--install] [options] [suite options]

Runs the ArcadeDB HA suite (scripts/ArcadedbHa.java, through JBang) against the chart's release.

Where the cluster comes from, in this order (the first that applies):
  --target kube|local   as told
  --kind                Kubernetes: create a kind cluster, install the chart, run the suite, delete the cluster
  --install             Kubernetes: install (or upgrade) the chart into the context before the suite
  --context NAME        Kubernetes: the release in this kubeconfig context
  (a current context)   Kubernetes: the release in the kubeconfig's current context
  (none of these)       an error saying what to pass
--target local runs ArcadeDB server processes on this machine from an unpacked distribution: --arcadedb-home DIR,
or ARCADEDB_HOME=DIR when that option is not given (ARCADEDB_HOME alone does not choose the target; see
docs/running-locally.md). Every option takes --opt=value too; paths are relative to the current folder.

Options:
  --cluster-name NAME   kind cluster name (default: arcadedb-ha)
  --release NAME        Helm release (default: test-arcadedb); also passed to the suite
  -n, --namespace NS    namespace (default: default); also passed to the suite
  --nodes N             cluster size: replicaCount for the install, --nodes of the local target (default: 3)
  --image-tag TAG       ArcadeDB image tag (default: the chart's appVersion)
  --pull-policy POLICY  image pull policy (default: IfNotPresent)
  --set KEY=VALUE       extra chart value for the install (repeatable)
  --keep-cluster        with --kind: keep the cluster when the suite failed (to look at it)
  --with-chaos          Kubernetes: install Chaos Mesh (its Helm chart, for containerd as on kind) before the suite,
                        so that the partition phase can cut pods apart (without it that phase is skipped)
  --report-dir DIR      reports and diagnostics (default: build/ha-reports/<run id> in this repository); passed on
  --run-id ID           name of the run in row markers and reports (default: date, time, random suffix); passed on
  -h, --help            this help

Suite options, passed on (see: jbang arcadedb-ha@. --help), for example:
  --phases health,quorum   --from write   --timeout 3m   --no-fail-fast   --arcadedb-home DIR

Exit code: 0 every phase passed, 1 a phase failed or the cluster could not be used, 2 bad usage.
USAGE
}

# The driver's options (scripts/ArcadedbHa.java); IntegrationScriptTest keeps this list equal to them.
SUITE_FLAGS=" --fail-fast --no-fail-fast --list -v --verbose --keep-scaled --allow-small-cluster "
SUITE_VALUE_OPTIONS=" --phases --from --scale-to --chart --timeout --database --collect --work-dir --arcadedb-home "
SUITE_VALUE_OPTIONS+=" --arcadedb-version --server-java --base-port --server-setting --write-via --max-unavailable "
# hidden test hooks of the driver, passed on too
SUITE_VALUE_OPTIONS+=" --server-main-class --server-jvm-option --readiness-period "
SUITE_FLAGS+=" --named-peers "

kind_mode=false install=false keep=false with_chaos=false
CHAOS_MESH_VERSION=2.8.2
cluster=arcadedb-ha release=test-arcadedb namespace=default nodes="" image_tag="" pull_policy=IfNotPresent
run_id="$(date +%Y%m%d-%H%M%S)-$(printf '%04x' $((RANDOM % 0xefff + 0x1000)))" report_dir=""
target="" context="" sets=() suite_args=()
# The script's own options that take a value (for the --opt=value form) and the suite's options that take a path
# (made absolute here, since the suite runs from the repository's folder).
SCRIPT_VALUE_OPTIONS=" --cluster-name --release --namespace --context --nodes --replicas --image-tag --pull-policy --set "
SCRIPT_VALUE_OPTIONS+=" --report-dir --run-id --target "
PATH_OPTIONS=" --report-dir --work-dir --arcadedb-home --chart --server-java "
need_value() { [[ $# -ge 2 && -n "$2" ]] || { echo "error: $1 needs a value" >&2; exit 2; }; }
absolute() { if [[ "$1" == /* ]]; then printf '%s' "$1"; else printf '%s' "$PWD/$1"; fi; }
while [[ $# -gt 0 ]]; do
  if [[ "$1" == --*=* ]]; then
    name=${1%%=*}
    if [[ "$SCRIPT_VALUE_OPTIONS $SUITE_VALUE_OPTIONS" == *" $name "* ]]; then
      value=${1#*=}
      shift
      set -- "$name" "$value" "$@"
    fi
  fi
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --kind) kind_mode=true; install=true ;;
    --install) install=true ;;
    --keep-cluster) keep=true ;;
    --with-chaos) with_chaos=true ;;
    --cluster-name) need_value "$@"; cluster=$2; shift ;;
    --release) need_value "$@"; release=$2; shift ;;
    -n|--namespace) need_value "$@"; namespace=$2; shift ;;
    --context) need_value "$@"; context=$2; shift ;;
    --nodes) need_value "$@"; nodes=$2; shift ;;
    --replicas) need_value "$@"; nodes=$2; shift
      echo "warning: --replicas is deprecated; use --nodes (the same number: the cluster's size)" >&2 ;;
    --image-tag) need_value "$@"; image_tag=$2; shift ;;
    --pull-policy) need_value "$@"; pull_policy=$2; shift ;;
    --set) need_value "$@"; sets+=(--set "$2"); shift ;;
    --report-dir) need_value "$@"; report_dir=$(absolute "$2"); shift ;;
    --run-id) need_value "$@"; run_id=$2; shift ;;
    --target) need_value "$@"; target=$2; shift ;;
    --) shift; suite_args+=("$@"); break ;;
    -*)
      if [[ "$SUITE_FLAGS" == *" $1 "* ]]; then
        suite_args+=("$1")
      elif [[ "$SUITE_VALUE_OPTIONS" == *" $1 "* ]]; then
        need_value "$@"
        if [[ "$PATH_OPTIONS" == *" $1 "* ]]; then suite_args+=("$1" "$(absolute "$2")"); else suite_args+=("$1" "$2"); fi
        shift
      else
        echo "error: unknown option '$1'; see ci/integration-test.sh --help" >&2
        exit 2
      fi ;;
    *) echo "error: unexpected argument '$1'; see ci/integration-test.sh --help" >&2; exit 2 ;;
  esac
  shift
done
report_dir=${report_dir:-$ROOT/build/ha-reports/$run_id}
# the suite runs from the repository's folder: a relative ARCADEDB_HOME means the caller's folder, as the options do
[[ -n "${ARCADEDB_HOME:-}" ]] && { ARCADEDB_HOME=$(absolute "$ARCADEDB_HOME"); export ARCADEDB_HOME; }
suite_args=(--run-id "$run_id" "${suite_args[@]}")
if [[ -n "$nodes" && ! "$nodes" =~ ^[0-9]+$ ]]; then
  echo "error: --nodes must be a number, saw '$nodes'" >&2
  exit 2
fi

# shellcheck source=ci/bootstrap.sh
. "$ROOT/ci/bootstrap.sh"
set -euo pipefail
cd "$ROOT"

has_kube_context() {
  if command -v kubectl >/dev/null; then
    kubectl config current-context >/dev/null 2>&1
  else
    local cfg=${KUBECONFIG:-$HOME/.kube/config}
    [[ -f "${cfg%%:*}" ]] && grep -Eq '^current-context: *[^ "]+' "${cfg%%:*}"
  fi
}

install_chart() {
  local values=(--set "replicaCount=${nodes:-3}" --set "image.pullPolicy=$pull_policy")
  [[ -n "$image_tag" ]] && values+=(--set "image.tag=$image_tag")
  [[ -n "$context" ]] && values+=(--kube-context "$context")
  echo "== helm upgrade --install $release charts/arcadedb (namespace $namespace, ${nodes:-3} nodes)"
  helm upgrade --install "$release" charts/arcadedb --namespace "$namespace" --create-namespace \
    "${values[@]}" "${sets[@]}" --wait --timeout 5m
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup_kind() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "== kind export logs $report_dir/kind-logs --name $cluster"
    kind export logs "$report_dir/kind-logs" --name "$cluster" || echo "warning: could not export the kind cluster's logs" >&2
  fi
  if [[ $rc -ne 0 && $keep == true ]]; then
    echo "== keeping kind cluster '$cluster' after a failure (--keep-cluster); delete it with: kind delete cluster --name $cluster"
  else
    echo "== kind delete cluster --name $cluster"
    kind delete cluster --name "$cluster" || echo "warning: could not delete kind cluster '$cluster'" >&2
  fi
  exit "$rc"
}

# The target, in the order the header and --help give.
if [[ -z "$target" ]]; then
  if $kind_mode || $install || [[ -n "$context" ]]; then
    target=kube
  elif has_kube_context; then
    target=kube
  else
    echo "error: nothing to test: pass --kind, --context NAME, or --target local with --arcadedb-home DIR or ARCADEDB_HOME (see --help)" >&2
    exit 1
  fi
fi
case "$target" in
  kube) ;;
  local)
    if $kind_mode || $install || [[ -n "$context" ]]; then
      echo "error: --kind, --install and --context are about a Kubernetes cluster; they do not combine with --target local" >&2
      exit 2
    fi
    [[ -n "$nodes" ]] && suite_args=(--nodes "$nodes" "${suite_args[@]}")
    echo "== jbang scripts/ArcadedbHa.java --target local --report-dir $report_dir ${suite_args[*]}"
    set +e
    jbang scripts/ArcadedbHa.java --target local --report-dir "$report_dir" "${suite_args[@]}"
    rc=$?
    set -e
    exit "$rc" ;;
  *) echo "error: --target must be kube or local, saw '$target'" >&2; exit 2 ;;
esac

if $kind_mode && [[ -n "$context" ]]; then
  echo "error: --kind makes its own context (kind-$cluster); it does not combine with --context" >&2
  exit 2
fi
if $kind_mode; then
  need_kind
  echo "== kind create cluster --name $cluster"
  kind create cluster --name "$cluster" --wait 60s
  trap cleanup_kind EXIT
  suite_args=(--context "kind-$cluster" "${suite_args[@]}")
elif [[ -n "$context" ]]; then
  suite_args=(--context "$context" "${suite_args[@]}")
elif ! has_kube_context; then
  echo "error: no Kubernetes cluster to test: no current kube context; pass --kind (needs kind and Docker) or --context NAME" >&2
  exit 1
fi

$install && install_chart

# Chaos Mesh for the partition phase's NetworkChaos: the chaos daemon talks to containerd, kind's runtime.
if $with_chaos; then
  echo "== helm upgrade --install chaos-mesh chaos-mesh (repo https://charts.chaos-mesh.org, version $CHAOS_MESH_VERSION) -n chaos-mesh"
  helm upgrade --install chaos-mesh chaos-mesh --repo https://charts.chaos-mesh.org --version "$CHAOS_MESH_VERSION" \
    --namespace chaos-mesh --create-namespace --wait --timeout 5m \
    --set chaosDaemon.runtime=containerd --set chaosDaemon.socketPath=/run/containerd/containerd.sock \
    --set dashboard.create=false
fi

echo "== jbang scripts/ArcadedbHa.java --release $release --namespace $namespace --report-dir $report_dir ${suite_args[*]}"
set +e
jbang scripts/ArcadedbHa.java --release "$release" --namespace "$namespace" --report-dir "$report_dir" "${suite_args[@]}"
rc=$?
set -e
exit "$rc"
