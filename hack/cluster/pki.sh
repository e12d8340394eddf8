# The cluster's certificates (sourced by control-plane.sh and node.sh): one CA, the API server's
# serving certificate (SANs: its netns address, the Service IP and 127.0.0.1 for the host bridge),
# client certificates, and the service-account signing key pair. Valid 30 days; made once per
# cluster directory.
cert() { # NAME CN O [SANS]: a CA-signed key pair; server+client usage when SANS are given
  local n="$1" cn="$2" o="$3" san="${4:-}"
  [ -f "$PKI/$n.crt" ] && return 0
  openssl genrsa -out "$PKI/$n.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$n.key" -subj "/CN=$cn${o:+/O=$o}" -out "$PKI/$n.csr" 2>/dev/null
  { echo "basicConstraints=CA:FALSE"; echo "keyUsage=digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$san"
    else echo "extendedKeyUsage=clientAuth"; fi; } > "$PKI/$n.ext"
  openssl x509 -req -in "$PKI/$n.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -extfile "$PKI/$n.ext" -out "$PKI/$n.crt" 2>/dev/null
}

kubeconfig_for() { # FILE USER SERVER
  cat > "$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- cluster: {certificate-authority: $PKI/ca.crt, server: "$3"}
  name: hetero-local
users:
- name: $2
  user: {client-certificate: $PKI/$2.crt, client-key: $PKI/$2.key}
contexts:
- context: {cluster: hetero-local, user: $2}
  name: hetero-local
current-context: hetero-local
YAML
}

make_pki() {
  mkdir -p "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 30 \
      -subj "/CN=hetero-local-ca" 2>/dev/null
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  cert apiserver kube-apiserver "" \
    "IP:$APISERVER_IP,IP:127.0.0.1,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert admin admin system:masters
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert kube-proxy system:kube-proxy ""
  kubeconfig_for "$PKI/admin.kubeconfig" admin "https://$APISERVER_IP:6443"
  kubeconfig_for "$PKI/kube-proxy.kubeconfig" kube-proxy "https://$APISERVER_IP:6443"
}
