#!/usr/bin/env bash
# Builds the trainer image offline, without Docker: what trainer-image/Dockerfile's runtime-cpu stage
# builds, as layers on the Debian JRE base (hack/images/jre-base.sh), with Debian's umoci and skopeo.
#   layer 1: /opt/hetero-trainer/lib         the runtime dependencies (changes rarely)
#   layer 2: /opt/hetero-trainer/djl-cache   PyTorch's native libraries, extracted at build time by
#                                            `selfcheck` (the Dockerfile's RUN step), so pods start offline
#   layer 3: /var/cache/hetero               the writable cache mount point, owned by the image's user
#   layer 4: /opt/hetero-trainer/*.jar, entrypoint.sh
# User, entrypoint, environment, ports and volumes come from trainer-image/src/image/image.properties.
#
# Usage: hack/images/trainer-image.sh TARGET_DIR [IMAGE_REF [NAME]]
#   TARGET_DIR: trainer-image/target after `package` (hetero-trainer.jar and lib/)
#   NAME: file name of the archives (default trainer; -Pimages-cuda uses trainer-cu124, so both can sit side by side)
#   writes TARGET_DIR/images/NAME.oci.tar (ctr import, registries), NAME.docker.tar (kind load) and NAME.ref
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TARGET="$(cd "$1" && pwd)"
MODULE="$(dirname "$TARGET")"
REF="${2:-docker.io/hetero-training/trainer:0.1.0}"
NAME="${3:-trainer}"
DEF="$MODULE/src/image/image.properties"
prop() { sed -n "s/^$1=//p" "$DEF"; }
[ -f "$TARGET/hetero-trainer.jar" ] && [ -d "$TARGET/lib" ] || { echo "trainer-image: $TARGET has no hetero-trainer.jar and lib/ (run package first)" >&2; exit 1; }
start=$(date +%s)
BASE="$("$HERE/jre-base.sh")"
W="$TARGET/image-build"; rm -rf "$W"; mkdir -p "$W"
APP="$(prop app)"

# The native libraries, extracted once here as the Dockerfile's RUN does (same JRE, same jar).
mkdir -p "$W/natives"
DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE DJL_CACHE_DIR="$W/natives" \
  java -Dai.djl.offline=true -jar "$TARGET/hetero-trainer.jar" selfcheck >&2
mkdir -p "$W/app" "$W/cache"
cp "$TARGET/hetero-trainer.jar" "$W/app/"
cp "$MODULE/docker/entrypoint.sh" "$W/app/entrypoint.sh"
chmod 755 "$W/app/entrypoint.sh"; chmod -R a+rX "$W/natives" "$W/app"
uid="$(prop user | cut -d: -f1)"; gid="$(prop user | cut -d: -f2)"
chown "$uid:$gid" "$W/cache"

skopeo copy --quiet "oci-archive:$BASE/image.oci.tar" "oci:$W/layout:img"
umoci insert --image "$W/layout:img" --history.created_by "lib: runtime dependencies" "$TARGET/lib" "$APP/lib"
umoci insert --image "$W/layout:img" --history.created_by "selfcheck: PyTorch natives" "$W/natives" "$APP/djl-cache"
umoci insert --image "$W/layout:img" --history.created_by "writable cache mount point" "$W/cache" "$(prop volumes | cut -d, -f1)"
umoci insert --image "$W/layout:img" --history.created_by "trainer jar and entrypoint" "$W/app" "$APP"

json_args() { python3 -c 'import json,sys; [print(a) for a in json.loads(sys.argv[1])]' "$1"; }
args=(--image "$W/layout:img" --config.user "$(prop user)" --config.workingdir / --clear=config.cmd --clear=config.entrypoint)
while read -r a; do args+=(--config.entrypoint "$a"); done < <(json_args "$(prop entrypoint)")
while read -r a; do args+=(--config.cmd "$a"); done < <(json_args "$(prop cmd)")
while IFS= read -r kv; do args+=(--config.env "$kv"); done < <(sed -n 's/^env\.//p' "$DEF")
for p in $(prop ports | tr , ' '); do args+=(--config.exposedports "$p/tcp"); done
for v in $(prop volumes | tr , ' '); do args+=(--config.volume "$v"); done
args+=(--config.label "org.opencontainers.image.title=hetero-training trainer" \
       --config.label "org.opencontainers.image.source=https://github.com/hetero-training/operator")
umoci config "${args[@]}"
umoci gc --layout "$W/layout"
mkdir -p "$TARGET/images"
rm -f "$TARGET/images/$NAME.oci.tar" "$TARGET/images/$NAME.docker.tar"
skopeo copy --quiet "oci:$W/layout:img" "oci-archive:$TARGET/images/$NAME.oci.tar:$REF"
skopeo copy --quiet "oci:$W/layout:img" "docker-archive:$TARGET/images/$NAME.docker.tar:$REF"
echo "$REF" > "$TARGET/images/$NAME.ref"
rm -rf "$W"
echo "trainer-image: $REF in $(( $(date +%s) - start )) s: $(du -h "$TARGET/images/$NAME.oci.tar" | cut -f1) compressed" >&2
