#!/usr/bin/env bash
# Stands in for the `docker` CLI that Jib's Docker-daemon target calls, so Quarkus'
# quarkus-container-image-jib can build the operator image without a daemon: it has no tar output,
# only a registry or `docker load`. Implements `docker info` (Jib reads OSType and Architecture) and
# `docker load` (stdin is the image as a docker-archive tar), which it keeps as
# $JIB_SHIM_OUT/<name>.docker.tar plus an OCI archive <name>.oci.tar beside it, and the reference in
# <name>.ref (<name> = the image's repository name, e.g. "operator").
# Set by operator/pom.xml's images profile: quarkus.jib.docker-executable-name and
# quarkus.jib.docker-environment."JIB_SHIM_OUT".
set -euo pipefail
OUT="${JIB_SHIM_OUT:?JIB_SHIM_OUT must name the output folder}"
case "${1:-}" in
  info) echo '{"OSType":"linux","Architecture":"x86_64"}' ;;
  load)
    mkdir -p "$OUT"; tmp="$OUT/.load-$$.tar"; cat > "$tmp"
    ref="$(tar -xOf "$tmp" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["RepoTags"][0])')"
    # Fully qualified, as the CRI looks images up (Jib drops a docker.io registry from the name).
    first="${ref%%/*}"
    if [ "$first" = "$ref" ]; then ref="docker.io/library/$ref"
    elif [[ "$first" != *.* && "$first" != *:* && "$first" != localhost ]]; then ref="docker.io/$ref"; fi
    repo="${ref%:*}"; name="${repo##*/}"
    mv "$tmp" "$OUT/$name.docker.tar"
    rm -f "$OUT/$name.oci.tar"
    skopeo copy --quiet "docker-archive:$OUT/$name.docker.tar" "oci-archive:$OUT/$name.oci.tar:$ref"
    skopeo copy --quiet "docker-archive:$OUT/$name.docker.tar" "docker-archive:$OUT/.$name.tar:$ref" && mv "$OUT/.$name.tar" "$OUT/$name.docker.tar"
    echo "$ref" > "$OUT/$name.ref"
    echo "Loaded image: $ref" ;;
  *) echo "jib docker shim: unsupported: docker $*" >&2; exit 1 ;;
esac
