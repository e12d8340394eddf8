#!/usr/bin/env bash
# A real single-machine Kubernetes with real containers, for users without a cluster and for the tests:
# the control plane the project builds (hack/control-plane-binaries.sh), two real nodes (a private
# containerd + runc + a kubelet each: "gpu-1" advertising nvidia.com/gpu with NVIDIA's product labels,
# "cpu-1" with a capacity label), kube-proxy, CoreDNS, storage, and the project's images imported.
# Everything runs in a network namespace of its own with no route out; the API server is reachable from
# the host at https://127.0.0.1:16443 (kubeconfig printed by `up`).
#
# Usage: hack/local-cluster.sh up | down [--purge] | status | kubeconfig
#        hack/local-cluster.sh node-down NAME | node-up NAME     (lose a node's machine / bring it back)
# env:   HETERO_CLUSTER_DIR (/tmp/hetero-cluster), HETERO_CLUSTER_PORT (16443),
#        HETERO_IMAGES (image archives to import; default: the images the build wrote under
#        trainer-image/target/images and operator/target/images), HETERO_K8S_BIN (binaries folder)
# Needs root and: containerd runc containernetworking-plugins umoci skopeo socat openssl iproute2.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=cluster/env.sh
. "$HERE/cluster/env.sh"
. "$HERE/cluster/pki.sh"
. "$HERE/cluster/control-plane.sh"
. "$HERE/cluster/node.sh"
. "$HERE/cluster/addons.sh"
. "$HERE/cluster/down.sh"

# name index labels [gpus product]
NODES=(
  "gpu-1 1 training.hetero.dev/local-cluster=true 1 Tesla-T4"
  "cpu-1 2 training.hetero.dev/local-cluster=true,training.hetero.dev/capacity=1"
)

preflight() {
  [ "$(id -u)" -eq 0 ] || { echo "local-cluster: needs root (network namespaces, cgroups, containerd)" >&2; exit 1; }
  local missing=() c
  for c in containerd ctr runc umoci skopeo socat openssl ip nsenter; do command -v "$c" >/dev/null || missing+=("$c"); done
  [ -x /usr/lib/cni/bridge ] || missing+=("containernetworking-plugins (/usr/lib/cni/bridge)")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "local-cluster: missing ${missing[*]}; install with:" >&2
    echo "  apt-get install -y --no-install-recommends containerd runc containernetworking-plugins umoci skopeo socat" >&2
    exit 1
  fi
}

project_images() {
  if [ -n "${HETERO_IMAGES:-}" ]; then echo "$HETERO_IMAGES"; return; fi
  local f
  for f in "$REPO/trainer-image/target/images/trainer.oci.tar" "$REPO/operator/target/images/operator.oci.tar"; do
    if [ -f "$f" ]; then echo "$f"; else echo "local-cluster: $f not built (./mvnw -B -ntp -Pimages package -DskipTests); not imported" >&2; fi
  done
}

node_entry() { # NAME: the NODES line of a node
  local n; for n in "${NODES[@]}"; do [ "${n%% *}" = "$1" ] && { echo "$n"; return 0; }; done
  echo "local-cluster: no node $1 (nodes: ${NODES[*]%% *})" >&2; return 1
}

bring_up_node() { # NAME [IMAGE...]
  local entry name idx labels gpus product
  entry="$(node_entry "$1")"; shift
  read -r name idx labels gpus product <<< "$entry"
  start_node "$name" "$idx" "$labels" "$@"
  wait_for 120 "node $name" node_ready "$name"
  if [ -n "${gpus:-}" ]; then fake_gpu "$name" "$gpus" "$product"; fi
  lap "node $name Ready"
}

up() {
  preflight
  if alive kube-apiserver; then
    echo "local-cluster: already up" >&2; echo "$CD/kubeconfig"; return 0
  fi
  mkdir -p "$CD" "$LOGS" "$PIDS"
  ls -d /run/netns/cni-* 2>/dev/null > "$CD/netns.before" || true
  [ -e /var/lib/kubelet ] || touch "$CD/made-var-lib-kubelet"
  trap 'echo "local-cluster: up failed; logs in $LOGS; stopping what started" >&2; stop_everything' ERR
  k8s_bin >/dev/null
  make_netns
  make_pki
  start_control_plane
  base_images
  local images=("$CD/images/pause.oci.tar" "$CD/images/coredns.oci.tar")
  while IFS= read -r f; do [ -n "$f" ] && images+=("$f"); done < <(project_images)
  local n pids=()
  # Nodes come up side by side: most of a node's time is importing the images into its containerd.
  for n in "${NODES[@]}"; do bring_up_node "${n%% *}" "${images[@]}" & pids+=($!); done
  for n in "${pids[@]}"; do wait "$n"; done
  start_kube_proxy "${NODES[0]%% *}"
  start_coredns
  make_storage
  lap "kube-proxy, CoreDNS and storage ready"
  start_bridge
  trap - ERR
  kc get nodes -o wide >&2
  echo "$CD/kubeconfig"
}

status() {
  local n state=down
  alive kube-apiserver && state=up
  echo "local-cluster: $state ($CD)"
  for n in etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy apiserver-bridge; do
    printf '  %-24s %s\n' "$n" "$(alive "$n" && echo running || echo stopped)"
  done
  for n in "${NODES[@]}"; do
    printf '  %-24s %s\n' "kubelet-${n%% *}" "$(alive "kubelet-${n%% *}" && echo running || echo stopped)"
  done
  if [ "$state" = up ]; then
    echo "  kubeconfig: $CD/kubeconfig"
    kc get nodes 2>/dev/null | sed 's/^/  /'
  fi
  [ "$state" = up ]
}

case "${1:-}" in
  up) up ;;
  down) stop_everything; [ "${2:-}" = --purge ] && rm -rf "$CD"; echo "local-cluster: down" >&2 ;;
  status) status ;;
  kubeconfig) echo "$CD/kubeconfig" ;;
  node-down) stop_node "${2:?node name}"; lap "node $2: kubelet, containers and containerd stopped" ;;
  node-up) bring_up_node "${2:?node name}" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
