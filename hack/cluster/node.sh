# Real nodes of the local cluster (sourced by local-cluster.sh): per node a private containerd
# (runc, overlayfs, CNI bridge + host-local) and a kubelet, all in the cluster's namespace. Nodes share
# the machine: each has its own containerd root and socket, kubelet root dir, address on nodes0
# (10.250.0.(10+INDEX)), cgroup root and pod range (10.244.INDEX.10-250) on one bridge.

containerd_config() { # NAME: config version 2 (Debian's containerd 1.6)
  local d="$CD/containerd-$1"
  cat > "$d/config.toml" <<TOML
version = 2
root = "$d/root"
state = "$d/state"
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  enable_selinux = false
  # This sandbox lacks CAP_SYS_RESOURCE: runc cannot lower oom_score_adj (pause wants -998) and fails
  # with "can't get final child's PID from pipe: EOF". Clamp it to containerd's own (0) instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni-net.d"
TOML
}

cni_config() { # NAME INDEX: one bridge for all nodes, a host-local range per node
  cat > "$CD/containerd-$1/cni-net.d/10-hetero.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "hetero",
  "plugins": [{
    "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
    "ipam": {
      "type": "host-local", "dataDir": "$CD/cni-ipam-$1",
      "ranges": [[{"subnet": "$POD_CIDR", "gateway": "10.244.0.1", "rangeStart": "10.244.$2.10", "rangeEnd": "10.244.$2.250"}]],
      "routes": [{"dst": "0.0.0.0/0"}]
    }
  }]
}
JSON
}

# Each node's containerd, shims, containers and kubelet share a mount namespace of the node's own: the
# kubelet's device-plugin socket directory is hard-coded (/var/lib/kubelet/device-plugins), and two
# kubelets on one machine would wipe each other's plugins there. In the node's namespace that path is
# the node's own directory; the mounts the kubelet and containerd make stay in it (and go with it).
node_mount_ns() { # NAME: the node's persistent mount namespace, made once
  local f="/run/hetero-mnt-$HETERO_NETNS/$1"
  if ! mountpoint -q "$f" 2>/dev/null; then
    mkdir -p "/run/hetero-mnt-$HETERO_NETNS" "$CD/kubelet-$1/device-plugins" /var/lib/kubelet/device-plugins
    touch "$f"
    unshare --mount="$f" --propagation private \
      mount --bind "$CD/kubelet-$1/device-plugins" /var/lib/kubelet/device-plugins
  fi
  echo "$f"
}

start_in_node() { # NODE NAME COMMAND...: like start_in_ns, inside the node's mount namespace too
  local node="$1" name="$2" mnt; shift 2
  mnt="$(node_mount_ns "$node")"
  setsid nsenter "--net=/run/netns/$HETERO_NETNS" "--mount=$mnt" "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

start_containerd() { # NAME
  local d="$CD/containerd-$1"
  mkdir -p "$d/root" "$d/state" "$d/cni-net.d"
  containerd_config "$1"
  start_in_node "$1" "containerd-$1" containerd --config "$d/config.toml"
  wait_for 20 "containerd of $1" test -S "$d/containerd.sock"
}

import_images() { # NAME IMAGE_TAR...: in parallel, they are large
  local sock="$CD/containerd-$1/containerd.sock"; shift
  local pids=() t
  for t in "$@"; do
    ctr -a "$sock" -n k8s.io images import "$t" >/dev/null & pids+=($!)
  done
  for t in "${pids[@]}"; do wait "$t"; done
}

kubelet_config() { # NAME INDEX
  local kd="$CD/kubelet-$1" ip="10.250.0.$((10 + $2))"
  cat > "$kd/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$CD/containerd-$1/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /hetero-$1
failCgroupV1: false
failSwapOn: false
address: $ip
port: 10250
readOnlyPort: 0
healthzBindAddress: $ip
healthzPort: 10248
podLogsDir: $kd/pod-logs
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [$CLUSTER_DNS]
resolvConf: $kd/resolv.conf
# Imported images cannot be pulled again: never garbage-collect them, never evict for disk.
evictionHard: {memory.available: "200Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
imageMinimumGCAge: 876000h
serializeImagePulls: false
maxPods: 50
YAML
  printf 'nameserver %s\n' "$CLUSTER_DNS" > "$kd/resolv.conf"
}

# cgroup v1: a cgroup root per kubelet (two kubelets must not share /kubepods).
make_cgroups() { # NAME
  local cg="hetero-$1" h
  for h in /sys/fs/cgroup/*/; do
    case "$h" in */unified/) continue ;; esac
    mkdir -p "$h$cg"
  done
  cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset/$cg/cpuset.cpus"
  cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset/$cg/cpuset.mems"
}

node_cert() { # NAME: system:node:NAME in system:nodes, for the Node authorizer
  local n="node-$1"
  [ -f "$PKI/$n.crt" ] && return 0
  openssl genrsa -out "$PKI/$n.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$n.key" -subj "/CN=system:node:$1/O=system:nodes" -out "$PKI/$n.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > "$PKI/$n.ext"
  openssl x509 -req -in "$PKI/$n.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 30 \
    -extfile "$PKI/$n.ext" -out "$PKI/$n.crt" 2>/dev/null
}

# The kubelet sets host-wide sysctls when it starts (vm.overcommit_memory=1, kernel.panic=10,
# kernel.panic_on_oops=1, ...): keep the originals once, `down` puts them back.
save_sysctls() {
  [ -f "$CD/sysctl.orig" ] && return 0
  local k
  for k in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys \
      kernel.keys.root_maxbytes; do
    echo "$k=$(sysctl -n "$k")"
  done > "$CD/sysctl.orig"
}

start_node() { # NAME INDEX LABELS IMAGE_TAR...
  local name="$1" idx="$2" labels="$3"; shift 3
  local kd="$CD/kubelet-$name" ip="10.250.0.$((10 + idx))"
  mkdir -p "$kd"
  ip -n "$HETERO_NETNS" addr add "$ip/32" dev nodes0 2>/dev/null || true
  start_containerd "$name"
  cni_config "$name" "$idx"
  import_images "$name" "$@"
  node_cert "$name"
  kubeconfig_for "$kd/kubeconfig" "node-$name" "https://$APISERVER_IP:6443"
  make_cgroups "$name"
  kubelet_config "$name" "$idx"
  save_sysctls
  start_in_node "$name" "kubelet-$name" "$(k8s_bin)/kubelet" --config "$kd/config.yaml" --kubeconfig "$kd/kubeconfig" \
    --root-dir "$kd/root" --cert-dir "$kd/pki" --hostname-override "$name" --node-ip "$ip" \
    ${labels:+--node-labels "$labels"} -v 1
}

node_ready() { # NAME
  [ "$(kc get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# Everything of a node goes, as when its machine dies: kubelet, containers, containerd. The Node
# object stays (NotReady after the controller manager's grace period) until someone deletes it.
stop_node() { # NAME
  local name="$1" s="$CD/containerd-$1/containerd.sock" t pf
  stop_pid "kubelet-$name"
  stop_pid "device-plugin-$name"
  if [ -S "$s" ]; then
    for t in $(ctr -a "$s" -n k8s.io tasks ls -q 2>/dev/null); do ctr -a "$s" -n k8s.io tasks kill -s KILL "$t" 2>/dev/null; done
    sleep 0.5
    for t in $(ctr -a "$s" -n k8s.io tasks ls -q 2>/dev/null); do ctr -a "$s" -n k8s.io tasks rm -f "$t" >/dev/null 2>&1; done
  fi
  for pf in "$CD/containerd-$name"/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [ -f "$pf" ] && kill "$(cat "$pf")" 2>/dev/null
  done
  stop_pid "containerd-$name"
}
