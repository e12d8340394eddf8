#!/usr/bin/env bash
# One command for a short, prepared check of the GPU path on a Linux machine with an NVIDIA GPU
# and a JDK 17 (docs/trainer-image.md, "GPU check"):
#   1. is there a GPU at all (else exit 3 at once: "no NVIDIA GPU found");
#   2. build the trainer offline from the Maven cache with CUDA natives;
#   3. selfcheck --device gpu (the engine loads the CUDA natives and computes on gpu(0));
#   4. step cost per model (mlp, lenet, resnet20 at batch 64, 128, 512) on the GPU and on one CPU thread;
#   5. a short mixed job through the local runner (one GPU worker, two CPU workers, biasedLocalSGD)
#      against the GPU worker alone and synchronous SGD on all three;
# then a table and "N passed, N failed". Everything goes under one folder (first argument, default
# runs/gpu-check-<UTC time>). Each step has a time limit and the whole stays under 8 minutes:
# once the budget is spent, the remaining steps are reported as failed, not run.
#
# Environment: GPU_CHECK_MAVEN_ARGS (default: the newest CUDA set on Maven Central, DJL 0.32.0 +
# PyTorch 2.5.1 + pytorch-native-cu124); GPU_CHECK_EPOCHS (2); GPU_CHECK_DATA
# (/usr/share/datasets/fashion-mnist); GPU_CHECK_BUDGET_SECONDS (470).
#
# Exit: 0 every check passed; 1 some check failed; 3 no NVIDIA GPU; 4 a prerequisite is missing
# (JDK, data set, the CUDA natives in the Maven cache).
#
# Never run on a GPU by its authors (their machines have none): see docs/trainer-image.md.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-"$ROOT/runs/gpu-check-$(date -u +%Y%m%dT%H%M%SZ)"}
MAVEN_ARGS_CUDA=${GPU_CHECK_MAVEN_ARGS:-"-Ddjl.version=0.32.0 -Dpytorch.version=2.5.1 -Dpytorch.native=pytorch-native-cu124"}
EPOCHS=${GPU_CHECK_EPOCHS:-2}
DATA=${GPU_CHECK_DATA:-/usr/share/datasets/fashion-mnist}
BUDGET=${GPU_CHECK_BUDGET_SECONDS:-470}

# --- 1. a GPU, before anything else -------------------------------------------------------------
gpu_name=""
if command -v nvidia-smi >/dev/null 2>&1; then
  gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)
fi
if [ -z "$gpu_name" ] && [ ! -e /dev/nvidia0 ]; then
  echo "gpu-check: no NVIDIA GPU found (nvidia-smi lists none and /dev/nvidia0 does not exist); nothing to check here" >&2
  exit 3
fi
[ -n "$gpu_name" ] || gpu_name="unknown (/dev/nvidia0 present, nvidia-smi not working)"

if ! command -v java >/dev/null 2>&1; then
  echo "gpu-check: no java on PATH; install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)" >&2
  exit 4
fi
if [ ! -e "$DATA/train-images-idx3-ubyte.gz" ] && [ ! -e "$DATA/train-images-idx3-ubyte" ]; then
  echo "gpu-check: Fashion-MNIST not found in $DATA (apt-get install -y dataset-fashion-mnist, or set GPU_CHECK_DATA)" >&2
  exit 4
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/gpu-check.log"
: > "$LOG"
passed=0
failed=0
declare -a RESULTS=()

say() { echo "$*" | tee -a "$LOG"; }
record() { # name ok|fail detail
  if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  RESULTS+=("$(printf '%-34s %-4s %s' "$1" "$2" "$3")")
  say "gpu-check: $1: $2 $3"
}
left() { echo $((BUDGET - SECONDS)); }
# run_step LIMIT_SECONDS LOGFILE command...: within the step's limit and what is left of the budget
run_step() {
  local limit=$1 file=$2
  shift 2
  local remaining
  remaining=$(left)
  if [ "$remaining" -le 5 ]; then
    echo "skipped: the 8-minute budget is spent" > "$file"
    return 124
  fi
  [ "$limit" -le "$remaining" ] || limit=$remaining
  timeout --kill-after=10 "$limit" "$@" > "$file" 2>&1
}

say "gpu-check: GPU $gpu_name; results in $OUT"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true

# --- 2. build offline with CUDA natives ---------------------------------------------------------
cd "$ROOT"
# shellcheck disable=SC2086
if run_step 150 "$OUT/build.log" ./mvnw -B -ntp -o -pl api,trainer-image package -DskipTests $MAVEN_ARGS_CUDA; then
  record "build (offline, CUDA natives)" ok "$MAVEN_ARGS_CUDA"
else
  record "build (offline, CUDA natives)" fail "see build.log; if the CUDA natives are not in ~/.m2 yet, run once online: ./mvnw -B -ntp -pl api,trainer-image package -DskipTests $MAVEN_ARGS_CUDA"
  printf '%s\n' "${RESULTS[@]}" | tee -a "$LOG"
  say "$passed passed, $failed failed"
  exit 4
fi
JAR="$ROOT/trainer-image/target/hetero-trainer.jar"
TRAINER=(java -Xmx2g -XX:MaxDirectMemorySize=512m -jar "$JAR")
export DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE

# --- 3. selfcheck on the GPU --------------------------------------------------------------------
if run_step 120 "$OUT/selfcheck-gpu.txt" "${TRAINER[@]}" selfcheck --device gpu && grep -q "computed on gpu(0)" "$OUT/selfcheck-gpu.txt"; then
  record "selfcheck --device gpu" ok "$(grep -o 'engine [^,]*' "$OUT/selfcheck-gpu.txt" | head -n 1)"
else
  record "selfcheck --device gpu" fail "see selfcheck-gpu.txt"
fi

# --- 4. step cost per model and batch -----------------------------------------------------------
rows() { grep -cE '^\| (mlp|lenet|resnet20) \| [0-9]+ \|' "$1" 2>/dev/null || true; }
if run_step 100 "$OUT/steps-gpu.md" "${TRAINER[@]}" step-bench --device gpu --warmup 5 --steps 20 && [ "$(rows "$OUT/steps-gpu.md")" -eq 9 ]; then
  record "step cost on gpu(0)" ok "9 of 9 (model, batch)"
else
  record "step cost on gpu(0)" fail "$(rows "$OUT/steps-gpu.md") of 9 rows; see steps-gpu.md"
fi
if run_step 100 "$OUT/steps-cpu1.md" env PYTORCH_NUM_THREADS=1 OMP_NUM_THREADS=1 "${TRAINER[@]}" step-bench --device cpu --warmup 2 --steps 5 \
    && [ "$(rows "$OUT/steps-cpu1.md")" -eq 9 ]; then
  record "step cost on one CPU thread" ok "9 of 9 (model, batch)"
else
  record "step cost on one CPU thread" fail "$(rows "$OUT/steps-cpu1.md") of 9 rows; see steps-cpu1.md"
fi
# samples/s of a model at a batch in a step table (last column)
rate() { awk -F'|' -v m="$2" -v b="$3" '$2 ~ " "m" " && $3+0 == b {gsub(/ /, "", $6); print $6}' "$1" 2>/dev/null | head -n 1; }
{
  echo "| model | batch | gpu samples/s | 1 CPU thread samples/s | gpu / cpu |"
  echo "|---|---:|---:|---:|---:|"
  for m in mlp lenet resnet20; do
    for b in 64 128 512; do
      g=$(rate "$OUT/steps-gpu.md" "$m" "$b"); c=$(rate "$OUT/steps-cpu1.md" "$m" "$b")
      ratio=$(awk -v g="${g:-0}" -v c="${c:-0}" 'BEGIN { if (c > 0 && g > 0) printf "%.1f", g / c; else print "-" }')
      echo "| $m | $b | ${g:--} | ${c:--} | $ratio |"
    done
  done
} > "$OUT/step-costs.md"
ratio=$(awk -v g="$(rate "$OUT/steps-gpu.md" resnet20 512)" -v c="$(rate "$OUT/steps-cpu1.md" resnet20 512)" \
  'BEGIN { if (c > 0 && g > 0) printf "%.1f", g / c; else print 0 }')
if awk -v r="$ratio" 'BEGIN { exit !(r > 1) }'; then
  record "gpu faster than 1 CPU thread" ok "resnet20 at batch 512: ${ratio}x"
else
  record "gpu faster than 1 CPU thread" fail "resnet20 at batch 512: ${ratio}x"
fi

# --- 5. a short mixed job: one GPU worker + two CPU workers, against GPU-only and sync SGD on all -
# The GPU pool's capacity is the measured LeNet ratio at batch 64 (what a node label would say).
capacity=$(awk -v g="$(rate "$OUT/steps-gpu.md" lenet 64)" -v c="$(rate "$OUT/steps-cpu1.md" lenet 64)" \
  'BEGIN { if (c > 0 && g > 0) printf "%.2f", g / c; else print 32 }')
job() { # name algorithm with-cpu-workers(yes|no)
  cat <<EOF
apiVersion: training.hetero.dev/v1alpha1
kind: HeteroTrainingJob
metadata:
  name: $1
spec:
  model: {name: lenet}
  dataset: {name: fashion-mnist, source: {path: $DATA}}
  training: {algorithm: $2, epochs: $EPOCHS, batch: {perWorker: 64}, learningRate: {initial: 0.05}}
  pools:
  - {name: gpu, deviceClass: gpu, replicas: 1, cpusPerWorker: 1, capacityPerWorker: $capacity}
EOF
  if [ "$3" = yes ]; then
    echo "  - {name: cpu, deviceClass: cpu, replicas: 2, cpusPerWorker: 1}"
  fi
}
mkdir -p "$OUT/jobs" "$OUT/runs"
declare -a TABLE=()
for spec in "mixed biasedLocalSGD yes" "gpu-only syncSGD no" "sync-all syncSGD yes"; do
  read -r name algorithm cpus <<< "$spec"
  job "gpu-check-$name" "$algorithm" "$cpus" > "$OUT/jobs/$name.yaml"
  start=$SECONDS
  if run_step 100 "$OUT/runs/$name.txt" "${TRAINER[@]}" run "$OUT/jobs/$name.yaml" --out "$OUT/runs/$name" --quiet \
      && [ -s "$OUT/runs/$name/curve.csv" ] && grep -q "trains on gpu(0)" "$OUT/runs/$name/logs/gpu-check-$name-gpu-0.log"; then
    # curve.csv: epoch,round,samples,elapsed_seconds,virtual_seconds,learning_rate,train_loss,test_loss,test_accuracy,...
    last=$(tail -n 1 "$OUT/runs/$name/curve.csv")
    acc=$(echo "$last" | awk -F, '{printf "%.1f %%", 100 * $9}')
    wall=$(echo "$last" | awk -F, '{printf "%.0f s", $4}')
    record "local run: $name" ok "$algorithm, accuracy $acc after $EPOCHS epochs in $wall"
    TABLE+=("$(printf '| %s | %s | %s | %s | %s |' "$name" "$algorithm" "$( [ "$cpus" = yes ] && echo '1 gpu + 2 cpu' || echo '1 gpu')" "$wall" "$acc")")
  else
    record "local run: $name" fail "after $((SECONDS - start)) s; see runs/$name.txt and runs/$name/logs/"
    TABLE+=("| $name | $algorithm | - | failed | - |")
  fi
done

# --- the report ----------------------------------------------------------------------------------
{
  echo "# gpu-check on $gpu_name ($(date -u +%Y-%m-%dT%H:%MZ), $SECONDS s)"
  echo
  echo "## step cost (median of timed steps, random inputs)"
  echo
  cat "$OUT/step-costs.md"
  echo
  echo "## short LeNet / Fashion-MNIST job through the local runner ($EPOCHS epochs, gpu capacity $capacity cores)"
  echo
  echo "| run | algorithm | workers | wall time | test accuracy |"
  echo "|---|---|---|---:|---:|"
  printf '%s\n' "${TABLE[@]}"
  echo
  echo "## checks"
  echo
  printf '    %s\n' "${RESULTS[@]}"
  echo
  echo "$passed passed, $failed failed"
} > "$OUT/summary.md"
cat "$OUT/summary.md"
[ "$failed" -eq 0 ]
