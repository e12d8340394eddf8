# What makes the nodes a usable cluster (sourced by local-cluster.sh): the sandbox and CoreDNS images,
# kube-proxy, CoreDNS, storage for data sets and checkpoints, and the "GPU" node's device facts.

# pause (the sandbox image) and CoreDNS, from the binaries hack/control-plane-binaries.sh built.
base_images() {
  local bin out w
  bin="$(k8s_bin)"; out="$CD/images"; mkdir -p "$out"
  [ -f "$out/pause.oci.tar" ] && [ -f "$out/coredns.oci.tar" ] && return 0
  w="$(mktemp -d)"
  mkdir -p "$w/pause" "$w/coredns/etc"
  cp "$bin/pause" "$w/pause/pause"
  cp "$bin/coredns" "$w/coredns/coredns"
  echo "root:x:0:0:root:/:/coredns" > "$w/coredns/etc/passwd"
  oci_image "$w/pause" registry.k8s.io/pause:3.10 "$out/pause.oci.tar" /pause 65535:65535
  oci_image "$w/coredns" docker.io/hetero-training/coredns:local "$out/coredns.oci.tar" /coredns 0:0
  rm -rf "$w"
}

oci_image() { # ROOTFS REF OUT ENTRYPOINT USER: one layer, for the small images
  local w; w="$(mktemp -d)"
  umoci init --layout "$w/l" && umoci new --image "$w/l:i"
  umoci insert --image "$w/l:i" "$1" / >/dev/null
  umoci config --image "$w/l:i" --os linux --architecture amd64 --config.entrypoint "$4" --config.user "$5"
  skopeo copy --quiet "oci:$w/l:i" "oci-archive:$3:$2"
  rm -rf "$w"
}

# One kube-proxy (iptables) serves every node: they share the namespace and its iptables.
start_kube_proxy() { # NODE_NAME
  mkdir -p "$CD/kube-proxy"
  cat > "$CD/kube-proxy/config.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $PKI/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# No CAP_SYS_RESOURCE (oom_score_adj) and nf_conntrack_max is read-only outside the initial netns.
oomScoreAdj: 0
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
  start_in_ns kube-proxy "$(k8s_bin)/kube-proxy" --config "$CD/kube-proxy/config.yaml" -v 1
}

start_coredns() {
  kc apply -f "$HACK/cluster/coredns.yaml" >/dev/null
  kc -n kube-system rollout status deploy/coredns --timeout=120s >/dev/null
}

# Storage without a provisioner: Debian's Fashion-MNIST as a read-only PersistentVolume (claimed by
# the examples' `fashion-mnist` claim), and a pool of empty hostPath volumes of the class
# `local-hostpath` that checkpoint claims bind to. Every node is this machine, so a hostPath volume is
# reachable from all of them, as a network volume would be from real nodes.
# 48 of them: they are Retain (a released one is never rebound) and etcd survives `down`, so repeated
# test runs on one machine use them up (12 ran out on the fourth e2e-nodes run, 2026-12-02).
make_storage() {
  local i dir
  mkdir -p "$CD/volumes"
  {
    cat <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local-hostpath, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Retain
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: fashion-mnist, labels: {hetero.dev/dataset: fashion-mnist}}
spec:
  capacity: {storage: 100Mi}
  accessModes: [ReadOnlyMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: datasets
  hostPath: {path: /usr/share/datasets/fashion-mnist, type: Directory}
YAML
    for i in $(seq 1 "${HETERO_CLUSTER_VOLUMES:-48}"); do
      dir="$CD/volumes/pv$i"; mkdir -p "$dir"; chmod 0777 "$dir"
      cat <<YAML
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: hostpath-$i}
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOnce, ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-hostpath
  hostPath: {path: $dir, type: Directory}
YAML
    done
  } | kc apply -f - >/dev/null
}

# The "GPU" node: NVIDIA's product labels (as GPU feature discovery sets them) and a fake NVIDIA device
# plugin (hack/device-plugin) that advertises nvidia.com/gpu to the kubelet and injects
# NVIDIA_VISIBLE_DEVICES and per-device files into the containers it is allocated to. No CUDA device
# exists here: the injected facts are what a GPU worker finds, CUDA is what it does not.
fake_gpu() { # NODE COUNT PRODUCT
  local plugin; plugin="$("$HACK/device-plugin/build.sh")"
  start_in_node "$1" "device-plugin-$1" "$plugin" -plugin-dir /var/lib/kubelet/device-plugins -count "$2" -product "$3" -node "$1" \
    -info-dir "$CD/kubelet-$1/fake-gpu-info"
  kc label node "$1" --overwrite "nvidia.com/gpu.product=$3" "nvidia.com/gpu.count=$2" nvidia.com/gpu.present=true >/dev/null
  wait_for 60 "nvidia.com/gpu on $1" gpus_allocatable "$1" "$2"
}

gpus_allocatable() { # NODE COUNT
  [ "$(kc get node "$1" -o jsonpath='{.status.allocatable.nvidia\.com/gpu}')" = "$2" ]
}
