#!/usr/bin/env bash
# The JRE base image of both project images, from Debian packages only: mmdebstrap builds a bookworm
# root filesystem with openjdk-17-jre-headless (no Docker, no registry: the Debian mirror apt already
# uses), and umoci + skopeo pack it as one layer. Cached by the package versions it would install, so
# a warm run is a stamp check; a new JRE security update makes a new base.
#
# Usage: hack/images/jre-base.sh        env: HETERO_IMAGE_CACHE (~/.cache/hetero-images), MIRROR
# Prints the cache folder on its last line; it holds image.oci.tar (for ctr import / kind load) and
# image.docker.tar (Jib's tar:// base image reads only docker-archive tars).
set -euo pipefail
CACHE_ROOT="${HETERO_IMAGE_CACHE:-$HOME/.cache/hetero-images}"
PKGS="openjdk-17-jre-headless ca-certificates"
REF="localhost/hetero-training/jre17:bookworm"
host_mirror() { # the Debian archive URI this machine's apt already uses
  { [ -d /etc/apt/sources.list.d ] && sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null
    sed -n 's/^deb[[:space:]]\+\([^[:space:]]*\/debian\)[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null; } | head -1 || true
}
MIRROR="${MIRROR:-$(host_mirror)}"
[ -n "$MIRROR" ] || { echo "jre-base: no Debian mirror in the host's apt sources; set MIRROR" >&2; exit 1; }
for tool in mmdebstrap umoci skopeo; do
  command -v "$tool" >/dev/null || { echo "jre-base: $tool is missing (apt-get install mmdebstrap umoci skopeo)" >&2; exit 1; }
done
# The cache key: the versions apt would install now (candidate versions after the last apt update).
versions="$(for p in $PKGS libc6; do printf '%s=%s\n' "$p" "$(apt-cache policy "$p" | sed -n 's/^  Candidate: //p')"; done)"
key="$(printf 'bookworm\n%s\n%s\n' "$MIRROR" "$versions" | sha256sum | cut -c1-16)"
OUT="$CACHE_ROOT/jre17-$key"
if [ -f "$OUT/.done" ]; then
  echo "jre-base: cached in $OUT" >&2
  echo "$OUT"; exit 0
fi
W="$(mktemp -d)"; trap 'rm -rf "$W"' EXIT
start=$(date +%s)
SEC="${MIRROR%/debian}/debian-security"
# No docs, man pages or locales. openjdk's postinst (update-alternatives for java.1.gz) fails unless
# /usr/share/man/man1 exists, hence the essential hook (path-exclude of man pages is the cause).
mmdebstrap --quiet --variant=apt --include="${PKGS// /,}" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='chroot "$1" java -version' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  bookworm "$W/rootfs" \
  "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" "deb $SEC bookworm-security main"
echo "jre-base: root filesystem in $(( $(date +%s) - start )) s, $(du -sh "$W/rootfs" | cut -f1)" >&2
umoci init --layout "$W/layout"
umoci new --image "$W/layout:img"
umoci insert --image "$W/layout:img" "$W/rootfs" /
umoci config --image "$W/layout:img" --os linux --architecture amd64 \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --config.cmd java --config.cmd -version
mkdir -p "$OUT"
skopeo copy --quiet "oci:$W/layout:img" "oci-archive:$OUT/image.oci.tar:$REF"
skopeo copy --quiet "oci:$W/layout:img" "docker-archive:$OUT/image.docker.tar:$REF"
printf '%s\n' "$versions" > "$OUT/packages.txt"
touch "$OUT/.done"
echo "jre-base: built in $(( $(date +%s) - start )) s: $(du -h "$OUT/image.oci.tar" | cut -f1) (OCI, compressed)" >&2
echo "$OUT"
