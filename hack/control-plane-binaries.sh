#!/usr/bin/env bash
# Builds a real Kubernetes for the integration tests and the local cluster from the Go module proxy:
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, and the node side kubelet and
# kube-proxy (k8s.io/kubernetes, all in one `go build` so they share the compile), etcd
# (go.etcd.io/etcd/server/v3), kwok and kwokctl (sigs.k8s.io/kwok), CoreDNS (github.com/coredns/coredns)
# and the sandbox image's `pause` program (pause.c from the k8s.io/kubernetes module zip). No Docker,
# no downloads of prebuilt binaries: everything is compiled here. Cached per version: a warm run only
# checks the stamp. Prints the binaries folder on its last line.
#
# Usage: hack/control-plane-binaries.sh   (env: K8S_VERSION, ETCD_VERSION, KWOK_VERSION, COREDNS_VERSION, K8S_BIN_CACHE)
set -euo pipefail
K8S_VERSION="${K8S_VERSION:-v1.36.3}"
STAGING_VERSION="v0.${K8S_VERSION#v1.}"          # v1.36.3 -> v0.36.3 (published staging tags match)
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"          # etcd 3.6.x pairs with Kubernetes 1.36
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.14.7}"
CACHE="${K8S_BIN_CACHE:-$HOME/.cache/hetero-k8s-bins}/${K8S_VERSION}-${ETCD_VERSION}-${KWOK_VERSION}-${COREDNS_VERSION}"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

if [ -f "$CACHE/.done" ]; then
  echo "control-plane binaries: cached in $CACHE" >&2
  echo "$CACHE"
  exit 0
fi
command -v go >/dev/null || { echo "go is required (Go 1.26 or newer) to build the control plane" >&2; exit 1; }
mkdir -p "$CACHE"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)

# --- kube-apiserver, kube-controller-manager, kube-scheduler, kubectl --------------------------
# k8s.io/kubernetes replaces its staging modules with ./staging paths, which a dependent module
# cannot see: a wrapper module must replace each one with its published v0.X.Y tag.
mkdir "$WORK/k8s" && cd "$WORK/k8s"
go mod init example.invalid/hetero-k8s-bins >/dev/null 2>&1
KGOMOD="$(go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
[ -f "$KGOMOD" ] || { echo "cannot download k8s.io/kubernetes@${K8S_VERSION}" >&2; exit 1; }
# Same go/godebug lines as upstream, so GODEBUG defaults match the released binaries.
go mod edit -go="$(sed -n 's/^go //p' "$KGOMOD" | head -1)"
grep '^godebug ' "$KGOMOD" >> go.mod || true
staging=$(sed -n 's#^[[:space:]]*k8s.io/\([a-z0-9-]*\) => ./staging/.*#\1#p' "$KGOMOD")
echo "staging modules: $(echo "$staging" | wc -w)" >&2
for m in $staging; do
  go mod edit -replace="k8s.io/${m}=k8s.io/${m}@${STAGING_VERSION}"
done
go mod edit -require="k8s.io/kubernetes@${K8S_VERSION}"
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
GO
go mod tidy
MINOR="$(echo "$K8S_VERSION" | cut -d. -f2)"
NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LD="-s -w"
# Version stamping: without it /version says v0.0.0-master, which Helm, kwokctl and clients read.
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LD="$LD -X $pkg.gitVersion=${K8S_VERSION} -X $pkg.gitMajor=1 -X $pkg.gitMinor=${MINOR}"
  LD="$LD -X $pkg.gitTreeState=clean -X $pkg.buildDate=${NOW} -X $pkg.gitCommit=0000000000000000000000000000000000000000"
done
go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$LD" -o "$CACHE/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
  k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
echo "kubernetes binaries built after $(( $(date +%s) - start )) s" >&2
# The pause program of the sandbox image: a few lines of C shipped in the same module zip.
if command -v gcc >/dev/null; then
  gcc -Os -static -Wall -DVERSION="${K8S_VERSION}-local" -o "$CACHE/pause" \
    "$(go env GOMODCACHE)/k8s.io/kubernetes@${K8S_VERSION}/build/pause/linux/pause.c" && strip "$CACHE/pause"
fi

# --- etcd: the module root of go.etcd.io/etcd/server/v3 is package main; it has relative replaces,
# so it too is built from a wrapper module.
mkdir "$WORK/etcd" && cd "$WORK/etcd"
go mod init example.invalid/hetero-etcd-bin >/dev/null 2>&1
printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
go get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}"
go mod tidy
go build -trimpath -ldflags "-s -w" -o "$CACHE/etcd" go.etcd.io/etcd/server/v3
echo "etcd built after $(( $(date +%s) - start )) s" >&2

# --- kwok + kwokctl: no replace directives, plain go install.
GOBIN="$CACHE" go install "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}" "sigs.k8s.io/kwok/cmd/kwokctl@${KWOK_VERSION}"
# kwok's default stages ship in its module zip; keep a copy beside the binaries.
go mod download "sigs.k8s.io/kwok@${KWOK_VERSION}"
cp -r "$(go env GOMODCACHE)/sigs.k8s.io/kwok@${KWOK_VERSION}/kustomize/stage" "$CACHE/kwok-stages"
chmod -R u+w "$CACHE/kwok-stages"

# --- CoreDNS for the local cluster's DNS (headless-Service names): no replaces, plain go install.
GOBIN="$CACHE" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@${COREDNS_VERSION}"
echo "coredns built after $(( $(date +%s) - start )) s" >&2

"$CACHE/kube-apiserver" --version >&2
"$CACHE/etcd" --version | head -1 >&2
"$CACHE/kubectl" version --client >&2
"$CACHE/kwok" --version >&2 || true
echo "control-plane binaries built in $(( $(date +%s) - start )) s" >&2
touch "$CACHE/.done"
echo "$CACHE"
