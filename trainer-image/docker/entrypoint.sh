#!/bin/sh
# Entrypoint of the trainer image: `args: ["worker"]` (the operator), `selfcheck`, `run ...`.
set -eu

APP="${HTJ_APP_DIR:-/opt/hetero-trainer}"
BAKED="$APP/djl-cache"

# The native libraries were extracted at build time into $BAKED (read-only in the image). When the
# pod points DJL_CACHE_DIR at a writable volume (the operator mounts an emptyDir at
# /var/cache/hetero), link the baked pytorch directory into it instead of extracting 432 MB again.
if [ -n "${DJL_CACHE_DIR:-}" ] && [ "$DJL_CACHE_DIR" != "$BAKED" ]; then
  mkdir -p "$DJL_CACHE_DIR"
  if [ ! -e "$DJL_CACHE_DIR/pytorch" ] && [ -d "$BAKED/pytorch" ]; then
    ln -s "$BAKED/pytorch" "$DJL_CACHE_DIR/pytorch"
  fi
else
  export DJL_CACHE_DIR="$BAKED"
fi

# Image defaults, only where the pod (JAVA_TOOL_OPTIONS, as the operator sets) or JAVA_OPTS does
# not say otherwise: command-line flags would override JAVA_TOOL_OPTIONS, so add them only if absent.
DEFAULTS=""
case " ${JAVA_TOOL_OPTIONS:-} ${JAVA_OPTS:-} " in
  *MaxDirectMemorySize*) ;;
  *) DEFAULTS="$DEFAULTS -XX:MaxDirectMemorySize=256m" ;;
esac
case " ${JAVA_TOOL_OPTIONS:-} ${JAVA_OPTS:-} " in
  *MaxRAMPercentage*|*-Xmx*) ;;
  *) DEFAULTS="$DEFAULTS -XX:MaxRAMPercentage=50" ;;
esac

# shellcheck disable=SC2086
exec java $DEFAULTS -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} -jar "$APP/hetero-trainer.jar" "$@"
