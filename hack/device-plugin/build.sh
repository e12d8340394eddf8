#!/usr/bin/env bash
# Builds the fake NVIDIA device plugin of the local cluster (main.go, from the Go module proxy), cached
# by the hash of its sources. Prints the binary's path.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
key="$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go" | sha256sum | cut -c1-16)"
OUT="${K8S_BIN_CACHE:-$HOME/.cache/hetero-k8s-bins}/fake-gpu-plugin-$key"
if [ ! -x "$OUT/fake-gpu-plugin" ]; then
  mkdir -p "$OUT"
  (cd "$HERE" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$OUT/fake-gpu-plugin" .)
fi
echo "$OUT/fake-gpu-plugin"
