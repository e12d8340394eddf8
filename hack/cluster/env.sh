# Shared settings of the local cluster scripts (sourced, not run). Everything lives under
# $HETERO_CLUSTER_DIR and inside the network namespace $HETERO_NETNS; PIDs of what we start are in
# $HETERO_CLUSTER_DIR/pids, so `down` stops only what `up` started.
HETERO_CLUSTER_DIR="${HETERO_CLUSTER_DIR:-/tmp/hetero-cluster}"
HETERO_NETNS="${HETERO_NETNS:-hetero-k8s}"
APISERVER_IP="${APISERVER_IP:-10.250.0.1}"
SERVICE_CIDR="10.96.0.0/16"
CLUSTER_DNS="10.96.0.10"
POD_CIDR="10.244.0.0/16"
BRIDGE_PORT="${HETERO_CLUSTER_PORT:-16443}"
CD="$HETERO_CLUSTER_DIR"
PKI="$CD/pki"; LOGS="$CD/logs"; PIDS="$CD/pids"
IN_NS=(nsenter "--net=/run/netns/$HETERO_NETNS")
HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(dirname "$HACK")"

# The Kubernetes binaries (kube-apiserver ... kubelet, kube-proxy, CoreDNS, pause), built and cached by
# hack/control-plane-binaries.sh; its last line is the folder.
k8s_bin() {
  if [ -z "${HETERO_K8S_BIN:-}" ]; then
    HETERO_K8S_BIN="$("$HACK/control-plane-binaries.sh" | tail -1)"
  fi
  echo "$HETERO_K8S_BIN"
}

kc() { "${IN_NS[@]}" "$(k8s_bin)/kubectl" --kubeconfig "$PKI/admin.kubeconfig" "$@"; }

# Starts a process in the cluster's namespace, in a session of its own (a stop by PID never touches
# the caller's process group), logging to $LOGS/NAME.log and recording its PID.
start_in_ns() { # NAME COMMAND...
  local name="$1"; shift
  setsid "${IN_NS[@]}" "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

alive() { # NAME: the process recorded under NAME runs
  [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null
}

stop_pid() { # NAME: SIGTERM, then SIGKILL after 5 s
  local f="$PIDS/$1.pid" p
  [ -f "$f" ] || return 0
  p="$(cat "$f")"
  if kill -0 "$p" 2>/dev/null; then
    kill "$p" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
  fi
  rm -f "$f"
}

wait_for() { # SECONDS DESCRIPTION COMMAND...: polls every 0.5 s
  local secs="$1" what="$2"; shift 2
  for _ in $(seq 1 $((secs * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "local-cluster: $what not ready after $secs s" >&2
  return 1
}

T0="${T0:-$(date +%s.%N)}"
lap() { echo "[$(awk "BEGIN{printf \"%6.1f\", $(date +%s.%N) - $T0}") s] $*" >&2; }
