# The control plane of the local cluster (sourced by local-cluster.sh): the network namespace, then
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler inside it, and a loopback bridge
# that makes the API server reachable from the host as https://127.0.0.1:$BRIDGE_PORT.

make_netns() {
  [ -e "/run/netns/$HETERO_NETNS" ] && return 0
  ip netns add "$HETERO_NETNS"
  ip -n "$HETERO_NETNS" link set lo up
  # No dummy links in this kernel: a veth pair with both ends inside carries the API server's and
  # the nodes' addresses. The namespace has no route out: pods reach each other and the API server.
  ip -n "$HETERO_NETNS" link add nodes0 type veth peer name nodes0-peer
  ip -n "$HETERO_NETNS" addr add "$APISERVER_IP/32" dev nodes0
  ip -n "$HETERO_NETNS" link set nodes0-peer up
  ip -n "$HETERO_NETNS" link set nodes0 up
  ip netns exec "$HETERO_NETNS" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$HETERO_NETNS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
}

start_control_plane() {
  local bin; bin="$(k8s_bin)"
  mkdir -p "$CD/etcd"
  start_in_ns etcd "$bin/etcd" --name hetero --data-dir "$CD/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster hetero=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
    --quota-backend-bytes 2147483648 --unsafe-no-fsync
  start_in_ns kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers http://127.0.0.1:2379 --bind-address 0.0.0.0 --advertise-address "$APISERVER_IP" \
    --secure-port 6443 --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP --allow-privileged=false --profiling=false
  wait_for 120 kube-apiserver kc get --raw /readyz
  lap "kube-apiserver ready"
  # All default controllers: ServiceAccounts, kube-root-ca.crt, EndpointSlices, garbage collection,
  # node lifecycle (NotReady after 20 s without a heartbeat: node-loss tests need no 40 s wait), PV binding.
  start_in_ns kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$PKI/admin.kubeconfig" \
    --authentication-kubeconfig "$PKI/admin.kubeconfig" --authorization-kubeconfig "$PKI/admin.kubeconfig" \
    --leader-elect=false --secure-port=0 --service-account-private-key-file "$PKI/sa.key" \
    --root-ca-file "$PKI/ca.crt" --cluster-signing-cert-file "$PKI/ca.crt" \
    --cluster-signing-key-file "$PKI/ca.key" --service-cluster-ip-range "$SERVICE_CIDR" \
    --node-monitor-grace-period=20s --controllers '*'
  start_in_ns kube-scheduler "$bin/kube-scheduler" --kubeconfig "$PKI/admin.kubeconfig" \
    --authentication-kubeconfig "$PKI/admin.kubeconfig" --authorization-kubeconfig "$PKI/admin.kubeconfig" \
    --leader-elect=false --secure-port=0
  # kube-proxy's identity (certificate CN system:kube-proxy) gets its usual role.
  kc create clusterrolebinding hetero-kube-proxy --clusterrole system:node-proxier --user system:kube-proxy \
    >/dev/null 2>&1 || true
}

# Host access: every connection to 127.0.0.1:$BRIDGE_PORT is relayed into the namespace by a socat
# that enters it; nothing binds off loopback. The API server's certificate has 127.0.0.1 as a SAN.
start_bridge() {
  setsid socat "TCP-LISTEN:$BRIDGE_PORT,bind=127.0.0.1,fork,reuseaddr" \
    "EXEC:nsenter --net=/run/netns/$HETERO_NETNS socat STDIO TCP\:$APISERVER_IP\:6443" \
    > "$LOGS/apiserver-bridge.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/apiserver-bridge.pid"
  sed "s#https://$APISERVER_IP:6443#https://127.0.0.1:$BRIDGE_PORT#" "$PKI/admin.kubeconfig" > "$CD/kubeconfig"
  wait_for 20 "API server bridge" "$(k8s_bin)/kubectl" --kubeconfig "$CD/kubeconfig" get --raw /readyz
}
