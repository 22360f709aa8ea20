#!/usr/bin/env bash
# The main job: bootstrap the tools, then run the ArcadeDB HA suite
#   - against the chart's release in the current Kubernetes context (default; --install installs it first),
#   - or on a new kind cluster (--kind): create it, install the chart, run the suite, delete the cluster,
#   - or against ArcadeDB server processes on this machine (--target local, or when there is no kube
#     context but ARCADEDB_HOME names an unpacked ArcadeDB distribution).
# Every option this script does not know is passed on to the suite's driver (jbang scripts/ArcadedbHa.java).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<USAGE
Usage: ci/integration-test.sh [--kind] [--install] [options] [suite options]

Runs the ArcadeDB HA suite (scripts/ArcadedbHa.java, through JBang) against the chart's release.

Where the cluster comes from (when not told: a reachable kube context, else ARCADEDB_HOME, else an error):
  (default)             the current Kubernetes context; the release must be installed (or pass --install)
  --kind                create a kind cluster, install the chart, run the suite, delete the cluster
  --install             install (or upgrade) the chart into the current context before the suite
  --target local        ArcadeDB server processes on this machine, from --arcadedb-home DIR or ARCADEDB_HOME
                        (see docs/running-locally.md; local options such as --nodes go to the suite)

Options:
  --cluster-name NAME   kind cluster name (default: arcadedb-ha)
  --release NAME        Helm release (default: test-arcadedb); also passed to the suite
  -n, --namespace NS    namespace (default: default); also passed to the suite
  --replicas N          replicaCount for the install (default: 3)
  --image-tag TAG       ArcadeDB image tag (default: the chart's appVersion)
  --pull-policy POLICY  image pull policy (default: IfNotPresent)
  --set KEY=VALUE       extra chart value for the install (repeatable)
  --keep-cluster        with --kind: keep the cluster when the suite failed (to look at it)
  --report-dir DIR      reports and diagnostics (default: build/ha-reports/<timestamp>); also passed to the suite
  -h, --help            this help

Suite options (see: jbang arcadedb-ha@. --help), for example:
  --phases health,quorum   --from write   --timeout 3m   --no-fail-fast

Exit code: 0 every phase passed, 1 a phase failed or the cluster could not be used, 2 bad usage.
USAGE
}

kind_mode=false install=false keep=false
cluster=arcadedb-ha release=test-arcadedb namespace=default replicas=3 image_tag="" pull_policy=IfNotPresent
report_dir="build/ha-reports/$(date +%Y%m%d-%H%M%S)"
target="" sets=() suite_args=()
need_value() { [[ $# -ge 2 && -n "$2" ]] || { echo "error: $1 needs a value" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --kind) kind_mode=true; install=true ;;
    --install) install=true ;;
    --keep-cluster) keep=true ;;
    --cluster-name) need_value "$@"; cluster=$2; shift ;;
    --release) need_value "$@"; release=$2; shift ;;
    -n|--namespace) need_value "$@"; namespace=$2; shift ;;
    --replicas) need_value "$@"; replicas=$2; shift ;;
    --image-tag) need_value "$@"; image_tag=$2; shift ;;
    --pull-policy) need_value "$@"; pull_policy=$2; shift ;;
    --set) need_value "$@"; sets+=(--set "$2"); shift ;;
    --report-dir) need_value "$@"; report_dir=$2; shift ;;
    --target) need_value "$@"; target=$2; shift ;;
    --target=*) target=${1#--target=} ;;
    --) shift; suite_args+=("$@"); break ;;
    *) suite_args+=("$1") ;;
  esac
  shift
done

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
  local values=(--set "replicaCount=$replicas" --set "image.pullPolicy=$pull_policy")
  [[ -n "$image_tag" ]] && values+=(--set "image.tag=$image_tag")
  echo "== helm upgrade --install $release charts/arcadedb (namespace $namespace, $replicas replicas)"
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

if [[ -z "$target" ]]; then
  if $kind_mode || $install || has_kube_context; then
    target=kube
  elif [[ -n "${ARCADEDB_HOME:-}" ]]; then
    target=local
    suite_args=(--arcadedb-home "$ARCADEDB_HOME" "${suite_args[@]}")
  else
    echo "error: nothing to test: no current kube context and ARCADEDB_HOME is not set; run with --kind (needs kind and Docker)," \
      "point KUBECONFIG or --context at a cluster with the chart installed, or run ArcadeDB processes on this machine with" \
      "ARCADEDB_HOME=DIR or --target local --arcadedb-home DIR (an unpacked ArcadeDB distribution; see docs/running-locally.md)" >&2
    exit 1
  fi
fi
case "$target" in
  kube) ;;
  local)
    if $kind_mode || $install; then
      echo "error: --kind and --install set up a Kubernetes cluster; they do not combine with --target local" >&2
      exit 2
    fi
    echo "== jbang scripts/ArcadedbHa.java --target local --report-dir $report_dir ${suite_args[*]}"
    set +e
    jbang scripts/ArcadedbHa.java --target local --report-dir "$report_dir" "${suite_args[@]}"
    rc=$?
    set -e
    exit "$rc" ;;
  *) echo "error: --target must be kube or local, saw '$target'" >&2; exit 2 ;;
esac

if $kind_mode; then
  need_kind
  echo "== kind create cluster --name $cluster"
  kind create cluster --name "$cluster" --wait 60s
  trap cleanup_kind EXIT
  suite_args=(--context "kind-$cluster" "${suite_args[@]}")
elif ! has_kube_context; then
  echo "error: no Kubernetes cluster to test: no current kube context; run with --kind (needs kind and Docker), or point KUBECONFIG/--context at a cluster" >&2
  exit 1
fi

$install && install_chart

echo "== jbang scripts/ArcadedbHa.java --release $release --namespace $namespace --report-dir $report_dir ${suite_args[*]}"
set +e
jbang scripts/ArcadedbHa.java --release "$release" --namespace "$namespace" --report-dir "$report_dir" "${suite_args[@]}"
rc=$?
set -e
exit "$rc"
