#!/usr/bin/env bash
# Builds Kueue's manager from the Go module proxy (sigs.k8s.io/kueue, no replace directives: a plain
# go install) and keeps beside it the CRDs and webhook configurations of the same module zip, for the
# e2e harness that runs Kueue against the test control plane. Cached per version; prints the folder.
#
# Usage: hack/kueue-binaries.sh          env: KUEUE_VERSION (v0.17.0), K8S_BIN_CACHE
set -euo pipefail
KUEUE_VERSION="${KUEUE_VERSION:-v0.17.0}"
OUT="${K8S_BIN_CACHE:-$HOME/.cache/hetero-k8s-bins}/kueue-${KUEUE_VERSION}"
if [ -f "$OUT/.done" ]; then
  echo "kueue: cached in $OUT" >&2
  echo "$OUT"; exit 0
fi
command -v go >/dev/null || { echo "go is required to build Kueue" >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
start=$(date +%s)
mkdir -p "$OUT"
GOBIN="$OUT" go install -trimpath -ldflags "-s -w -X sigs.k8s.io/kueue/pkg/version.GitVersion=${KUEUE_VERSION}" \
  "sigs.k8s.io/kueue/cmd/kueue@${KUEUE_VERSION}"
SRC="$(go env GOMODCACHE)/sigs.k8s.io/kueue@${KUEUE_VERSION}"
mkdir -p "$OUT/crds"
cp "$SRC"/config/components/crd/bases/*.yaml "$OUT/crds/"
cp "$SRC"/config/components/webhook/manifests.yaml "$OUT/webhooks.yaml"
chmod -R u+w "$OUT"
echo "kueue ${KUEUE_VERSION} built in $(( $(date +%s) - start )) s" >&2
touch "$OUT/.done"
echo "$OUT"
