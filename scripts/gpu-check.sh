#!/usr/bin/env bash
# GPU checks of the CUDA backend, in two halves (the GPU machine has no JDK, no Maven and no network):
#
#   scripts/gpu-check.sh prepare   here: builds the cuda module (nvcc needed for the PTX), collects its jars, a
#                                  jlinked Java runtime (../shared/tools/device-jre.sh) and the PyTorch reference
#                                  script into .device/ (git-ignored by .gitignore)
#   scripts/gpu-check.sh run       there, from the repository root with .device/ carried: runs CudaSelfTest (every
#                                  kernel against the CPU reference, BERT forward/backward against the CPU, the
#                                  HuggingFace golden batch), the BERT-base MLM training-step benchmark in FP32,
#                                  TF32 and BF16 next to torch_bert_gpu.py, the time of each primitive at BERT-base shapes,
#                                  the FP32 step without a MemoryScope, then the command line (pretrain and finetune
#                                  with --device cuda on synthetic text), and prints a short table last. Logs go to
#                                  $OUT when set.
#   scripts/gpu-check.sh dry-run   here, after prepare: against the emulator's fake libcuda.so.1 and libcublas.so.13
#                                  (cuda/src/test/emulator), first both benchmarks at the run's real sizes with
#                                  nothing computed (JTRAIN_FAKE_CUDA_HOST_ONLY=1: every launch shape, allocation and
#                                  cuBLAS operand checked), then the same run at small sizes without PyTorch, so
#                                  that the carried runtime, the jars and every stage are known to work before the
#                                  GPU machine's minutes are spent.
#   scripts/gpu-check.sh sanitize  there, as a second call when the device time allows: CudaSelfTest under NVIDIA's
#                                  compute-sanitizer (memcheck with the BERT and golden checks, then racecheck and
#                                  synccheck on the kernel checks), which sees what the emulator cannot: accesses
#                                  outside an allocation on the real memory map, shared-memory races and barrier
#                                  misuse under the hardware's own scheduling. Exit 3 when the machine's runtime does
#                                  not support the tool (it refuses the device under gVisor).
#
# With the device tool: run(command="bash scripts/gpu-check.sh run", carry=[".device"], timeout_s=600).
# Environment for run: BENCH_ARGS (default "--model base --batch 64 --seq 128 --steps 10"), SKIP_TORCH=1,
# PEAK_SIZE (the GEMM the MFU is measured against, default 8192), SELFTEST_ARGS, SELFTEST_TIMEOUT (default 140 s), PRIMITIVE_ARGS, CLI_MODEL (default 2,128,2,512), CLI_STEPS (default 60), CLI_TIMEOUT (default 40 s),
# LIBRARY_PATH (put first). The stage timeouts add up to 525 s (585 s when the self-test fails and runs again synchronised), inside the device tool's 600 s.
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dev="$here/.device"
# The carried runtime (unpacked to /tmp/jre by run and dry-run) with the carried jars.
jre_java=(/tmp/jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$dev/gpu-check/lib/*")
failed=() # the stages that exited non-zero (a timeout too)

stage_done() { # NAME EXIT_CODE
  [ "$2" -eq 0 ] || failed+=("$1 (exit $2)")
}

prepare() {
  set -e
  # Java 25 (the project's release); the machine default may be older.
  [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  export PATH="${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin:$PATH"
  cd "$here"
  mvn -q -B -o package -DskipTests -pl cuda,training -am
  grep -q '^kernels=.\+' kernels/target/classes/jtrain/kernels/build-info.properties \
    || { echo "the kernels were built without nvcc: no PTX, nothing to run on a GPU" >&2; exit 1; }
  rm -rf "$dev/gpu-check"; mkdir -p "$dev/gpu-check/lib"
  cp cuda/target/cuda.jar cuda/target/lib/*.jar training/target/training.jar "$dev/gpu-check/lib/"
  cp -rL "$here/../shared/golden/hf-bert-tiny/random-init" "$dev/gpu-check/golden" 2>/dev/null \
    || echo "note: ../shared/golden/hf-bert-tiny not found; run will skip the golden batch" >&2
  cp "$here/../shared/bench/torch_bert_gpu.py" "$dev/gpu-check/" 2>/dev/null \
    || echo "note: ../shared/bench/torch_bert_gpu.py not found; run will skip the PyTorch reference" >&2
  [ -f "$dev/jre.tgz" ] || bash "$here/../shared/tools/device-jre.sh" "$dev/jre.tgz"
  du -sh "$dev"
}

run() {
  cd "$here"
  # Stages in order of importance (a run cut short by the device's time still returns the logs written so far):
  # the self-test, the step benchmark and PyTorch's, then the diagnostics and the command line.
  # Only the logs (at most eight) go to $out (the device tool returns at most 8 files from $OUT); data and runs go to $work.
  out="${OUT:-/tmp/gpu-check-out}" work="/tmp/gpu-check-work"; mkdir -p "$out"; rm -rf "$work"; mkdir -p "$work"
  [ -x /tmp/jre/bin/java ] || tar xzf "$dev/jre.tgz" -C /tmp || { echo "no $dev/jre.tgz: run 'prepare' first and carry .device" >&2; exit 2; }
  export LD_LIBRARY_PATH="${LIBRARY_PATH:+$LIBRARY_PATH:}/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  java=("${jre_java[@]}" -Xmx48g)
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee "$out/gpu.txt"

  echo "== CudaSelfTest (each kernel vs the CPU reference; BERT forward/backward vs the CPU; the golden batch)"
  golden=(); [ -d "$dev/gpu-check/golden" ] && golden=(--golden "$dev/gpu-check/golden")
  # shellcheck disable=SC2086
  timeout "${SELFTEST_TIMEOUT:-140}" "${java[@]}" jtrain.cuda.CudaSelfTest ${SELFTEST_ARGS:-} "${golden[@]}" 2>&1 | tee "$out/selftest.txt"
  selftest=${PIPESTATUS[0]}
  if [ "$selftest" -ne 0 ] && [ "$selftest" -ne 2 ]; then
    # Kernel errors surface late on an asynchronous GPU: once more, synchronising after each launch, to name the kernel.
    echo "== CudaSelfTest failed (exit $selftest): again with -Djtrain.cuda.sync=true, without the BERT check"
    timeout 60 "${java[@]}" -Djtrain.cuda.sync=true jtrain.cuda.CudaSelfTest --no-bert 2>&1 | tee "$out/selftest-sync.txt"
  fi

  echo "== BERT MLM training step: jtrain"
  bench_args=${BENCH_ARGS:---model base --batch 64 --seq 128 --steps 10}
  # shellcheck disable=SC2086
  timeout 100 "${java[@]}" jtrain.cuda.BertStepBench $bench_args --peak-size "${PEAK_SIZE:-8192}" --modes fp32,tf32,bf16 2>&1 | tee "$out/bench-jtrain.txt"
  stage_done "step benchmark" "${PIPESTATUS[0]}"

  if [ -z "${SKIP_TORCH:-}" ] && [ -f "$dev/gpu-check/torch_bert_gpu.py" ]; then
    echo "== BERT MLM training step: PyTorch"
    # shellcheck disable=SC2086
    PYTHONUNBUFFERED=1 timeout 100 python3 "$dev/gpu-check/torch_bert_gpu.py" $bench_args --modes fp32,tf32,bf16 2>&1 | tee "$out/bench-torch.txt"
    stage_done "PyTorch step benchmark" "${PIPESTATUS[0]}"
  fi

  echo "== each primitive at BERT-base shapes (GPU and wall us per call, GB/s, TFLOP/s)"
  # shellcheck disable=SC2086
  timeout 60 "${java[@]}" jtrain.cuda.GpuPrimitiveBench ${PRIMITIVE_ARGS:-} 2>&1 | tee "$out/primitives.txt"
  stage_done "primitive benchmark" "${PIPESTATUS[0]}"

  echo "== the same FP32 step without a MemoryScope (activations left to the garbage collector)"
  # shellcheck disable=SC2086
  timeout 45 "${java[@]}" jtrain.cuda.BertStepBench $bench_args --peak-size "${PEAK_SIZE:-8192}" --modes fp32 --memory-scope false 2>&1 | tee "$out/bench-noscope.txt"
  stage_done "step benchmark without a scope" "${PIPESTATUS[0]}"

  echo "== command line with --device cuda: pretrain, then fine-tune (TF32) from its checkpoint (tiny model, synthetic text)"
  synthetic_data "$work"
  cli=("${java[@]}" jtrain.training.cli.Main)
  model=${CLI_MODEL:-2,128,2,512} steps=${CLI_STEPS:-60}
  timeout "${CLI_TIMEOUT:-40}" "${cli[@]}" pretrain --data "$work/corpus.txt" --model "$model" --max-len 64 --batch 32 --steps "$steps" \
    --vocab-size 300 --min-frequency 1 --eval-every $((steps / 2)) --save-every "$steps" --device cuda --out "$work/pretrain" 2>&1 | tail -5 | tee "$out/cli.txt"
  stage_done "pretrain --device cuda" "${PIPESTATUS[0]}"
  timeout "${CLI_TIMEOUT:-40}" "${cli[@]}" finetune --task seq --init "$work/pretrain/checkpoints/step-$steps" --train "$work/train.jsonl" \
    --dev "$work/dev.jsonl" --test "$work/test.jsonl" --max-len 32 --batch 16 --steps "$steps" --eval-every $((steps / 2)) --lr 3e-3 --aux-mlm-weight 0.5 \
    --device cuda --precision tf32 --out "$work/finetune" 2>&1 | tail -5 | tee -a "$out/cli.txt"
  stage_done "finetune --device cuda" "${PIPESTATUS[0]}"

  echo "== summary"
  grep -E '^(FAIL|[0-9]+ checks)' "$out/selftest.txt" || echo "self-test printed no summary (exit $selftest)"
  python3 - "$out/bench-jtrain.txt" "$out/bench-torch.txt" "$out/bench-noscope.txt" <<'PY'
import json, sys
def rows(path):
    try:
        return {r["mode"]: r for r in (json.loads(l) for l in open(path) if l.startswith("{"))}
    except OSError:
        return {}
j, t, n = rows(sys.argv[1]), rows(sys.argv[2]), rows(sys.argv[3])
print(f"{'mode':6} {'jtrain tok/s':>13} {'torch tok/s':>12} {'jtrain/torch':>13} {'jtrain ms':>10} {'host ms':>8} {'torch ms':>9} {'jtrain MFU':>11}")
for mode in ("fp32", "tf32", "bf16"):
    a, b = j.get(mode), t.get(mode)
    ratio = f"{a['tokens_per_s'] / b['tokens_per_s']:.2f}" if a and b else "-"
    print(f"{mode:6} {a['tokens_per_s'] if a else '-':>13} {b['tokens_per_s'] if b else '-':>12} {ratio:>13} "
          f"{a['step_ms'] if a else '-':>10} {a.get('host_ms', '-') if a else '-':>8} {b['step_ms'] if b else '-':>9} {a.get('mfu', '-') if a else '-':>11}")
if "fp32" in n:
    print(f"fp32 without MemoryScope: {n['fp32']['tokens_per_s']} tok/s, {n['fp32']['step_ms']} ms, allocator {n['fp32']['memory']}")
PY
  [ "$selftest" -eq 0 ] || [ "$selftest" -eq 2 ] || failed=("self-test (exit $selftest)" "${failed[@]}")
  if [ "$selftest" -eq 2 ]; then
    echo "no usable GPU (the self-test exited 2)"
    exit 2
  elif [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
  fi
  echo "every stage passed"
}

# Sea/land sentences: DIR/corpus.txt (paragraphs) and DIR/{train,dev,test}.jsonl ({"text", "label"}).
synthetic_data() {
  python3 - "$1" <<'PY'
import json, random, sys
d = sys.argv[1]; r = random.Random(1)
sea, land = "whale ship wave harpoon mast sail tide reef".split(), "horse cart field barn plough wheat fence road".split()
verbs = "sees pulls finds paints holds loves".split()
def sentence(topic): return f"the {r.choice(topic)} {r.choice(verbs)} the {r.choice(topic)}"
with open(f"{d}/corpus.txt", "w") as f:
    for p in range(400): f.write(". ".join(sentence(sea if p % 2 else land) for _ in range(8)) + ".\n\n")
for name, n in (("train", 400), ("dev", 100), ("test", 100)):
    with open(f"{d}/{name}.jsonl", "w") as f:
        for _ in range(n):
            s = r.random() < 0.5
            f.write(json.dumps({"text": sentence(sea if s else land), "label": "sea" if s else "land"}) + "\n")
PY
}

# The run at small sizes on the fake driver (the emulator is about a million times slower than an H200), after the
# GPU run's benchmarks at their real sizes with nothing computed: every launch shape for the H200's 132
# multiprocessors, every allocation and cuBLAS operand at BERT-base size, and what a step costs the host.
dry_run() {
  bash "$here/cuda/src/test/emulator/build.sh" "$here/kernels/src/main/cuda" "$here/cuda/target/gpu-emulator" || exit 1
  [ -x /tmp/jre/bin/java ] || tar xzf "$dev/jre.tgz" -C /tmp || { echo "no $dev/jre.tgz: run 'prepare' first" >&2; exit 2; }
  echo "== host only, at the GPU run's sizes (JTRAIN_FAKE_CUDA_HOST_ONLY=1: checked, counted, not computed)"
  local log=/tmp/gpu-check-host-only.txt
  local host_only=(env JTRAIN_FAKE_CUDA_HOST_ONLY=1 JTRAIN_FAKE_CUDA_MULTIPROCESSORS=132 JTRAIN_FAKE_CUDA_MEMORY_MIB=143000
                   LD_LIBRARY_PATH="$here/cuda/target/gpu-emulator/fake-driver" timeout 300 "${jre_java[@]}" -Xmx8g)
  # shellcheck disable=SC2086
  { "${host_only[@]}" jtrain.cuda.BertStepBench ${BENCH_ARGS:---model base --batch 64 --seq 128 --steps 10} --peak-size 8192 --modes fp32,tf32,bf16 \
      && "${host_only[@]}" jtrain.cuda.GpuPrimitiveBench ${PRIMITIVE_ARGS:-}; } 2>&1 | grep -v '^WARNING' | tee "$log"
  if [ "${PIPESTATUS[0]}" -ne 0 ] || grep -q '^\[fake' "$log"; then
    echo "host-only run at full size FAILED (see above)" >&2
    exit 1
  fi
  echo "host-only run at full size: ok (the step_ms above is the host's work alone; the numbers are meaningless)"
  # The self-test in full, as the GPU runs it: its BERT checks (one of BERT-base width) take minutes on the emulator.
  LIBRARY_PATH="$here/cuda/target/gpu-emulator/fake-driver" SKIP_TORCH=1 SELFTEST_TIMEOUT=600 \
    PRIMITIVE_ARGS="--tokens 64 --seq 16 --hidden 32 --ffn 64 --heads 2 --vocab 211 --params 10000 --reps 2 --warmup 1" \
    BENCH_ARGS="--model 1,32,2,64 --vocab 211 --batch 2 --seq 16 --steps 2" PEAK_SIZE=64 CLI_MODEL=1,32,2,64 CLI_STEPS=4 CLI_TIMEOUT=300 \
    OUT="${OUT:-/tmp/gpu-check-dry-run}" run
}

# The kernel checks under compute-sanitizer. Each tool slows kernels 10-100x, hence the small self-test sizes and a
# timeout per tool (they add up to 480 s). A tool that reports errors exits 9 (--error-exitcode).
sanitize() {
  cd "$here"
  out="${OUT:-/tmp/gpu-check-out}"; mkdir -p "$out"
  [ -x /tmp/jre/bin/java ] || tar xzf "$dev/jre.tgz" -C /tmp || { echo "no $dev/jre.tgz: run 'prepare' first and carry .device" >&2; exit 2; }
  export LD_LIBRARY_PATH="${LIBRARY_PATH:+$LIBRARY_PATH:}/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local cs; cs="$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)"
  [ -n "$cs" ] || { echo "compute-sanitizer not found (PATH, /usr/local/cuda/bin)" >&2; exit 3; }
  local golden=(); [ -d "$dev/gpu-check/golden" ] && golden=(--golden "$dev/gpu-check/golden")
  local tool limit args
  for spec in "memcheck 240" "racecheck 140" "synccheck 100"; do
    read -r tool limit <<<"$spec"
    args=(--no-bert); [ "$tool" = memcheck ] && args=("${golden[@]}")
    echo "== CudaSelfTest under compute-sanitizer --tool $tool ${args[*]}"
    timeout "$limit" "$cs" --tool "$tool" --error-exitcode 9 --print-limit 20 --launch-timeout 120 \
      "${jre_java[@]}" -Xmx16g jtrain.cuda.CudaSelfTest "${args[@]}" 2>&1 | grep -v '^WARNING' | tee "$out/sanitize-$tool.txt"
    stage_done "compute-sanitizer $tool" "${PIPESTATUS[0]}"
    if grep -qi 'device not supported\|not supported on this' "$out/sanitize-$tool.txt"; then
      echo "compute-sanitizer does not support this machine's GPU runtime" >&2; exit 3
    fi
  done
  echo "== summary"
  grep -H 'ERROR SUMMARY\|^[0-9]\+ checks' "$out"/sanitize-*.txt
  if [ ${#failed[@]} -gt 0 ]; then printf 'FAILED: %s\n' "${failed[@]}"; exit 1; fi
  echo "every tool passed"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  dry-run) dry_run ;;
  sanitize) sanitize ;;
  *) echo "usage: $0 prepare|run|dry-run|sanitize" >&2; exit 2 ;;
esac
