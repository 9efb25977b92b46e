#!/usr/bin/env bash
# Compiles every src/main/cuda/*.cu to PTX for sm_90 (warnings are errors) into OUT/jtrain/kernels/, and writes
# OUT/jtrain/kernels/build-info.properties saying which nvcc built them. Without nvcc it builds nothing, says so
# in that file (the CUDA backend then reports "no PTX in the jar") and still succeeds.
# usage: build-ptx.sh SRC_DIR OUT_DIR        (Maven runs it in generate-resources; NVCC=path overrides the search,
#                                            NVCC=none builds as if there were no nvcc)
set -euo pipefail
src="$1"; out="$2/jtrain/kernels"
mkdir -p "$out"
nvcc="${NVCC:-}"
if [ "$nvcc" = none ]; then
  nvcc=""
elif [ -z "$nvcc" ]; then
  for c in nvcc /usr/local/bin/nvcc /usr/local/cuda/bin/nvcc; do
    if command -v "$c" >/dev/null 2>&1; then nvcc="$(command -v "$c")"; break; fi
  done
fi
info="$out/build-info.properties"
if [ -z "$nvcc" ]; then
  echo "[kernels] nvcc not found: building no PTX (the CUDA backend will be unavailable)" >&2
  printf 'nvcc=none\nkernels=\n' >"$info"
  exit 0
fi
names=()
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  ptx="$out/$name.ptx"
  if [ ! -f "$ptx" ] || [ "$cu" -nt "$ptx" ] || [ "$src/common.cuh" -nt "$ptx" ]; then
    "$nvcc" -arch=sm_90 -ptx -O3 -std=c++17 -Werror all-warnings -I "$src" -o "$ptx" "$cu"
  fi
  names+=("$name")
done
# Assemble every module for sm_90 as the driver's JIT compiler will on the GPU, with the toolkit's ptxas, so PTX the
# driver would refuse fails the build here. The host launches blocks of up to 1024 threads, and an SM has 65536
# registers: a kernel needing more than 64 per thread would fail at launch ("too many resources requested").
ptxas="$(dirname "$nvcc")/ptxas"
if [ -x "$ptxas" ]; then
  report="$out/resources.txt"
  : >"$report"
  for name in "${names[@]}"; do
    "$ptxas" -arch=sm_90 -v --warn-on-spills --warning-as-error -o /dev/null "$out/$name.ptx" 2>>"$report" \
      || { cat "$report" >&2; echo "[kernels] ptxas refused $name.ptx" >&2; exit 1; }
  done
  over="$(awk '/Compiling entry function/ { k = $7 } /Used [0-9]+ registers/ { for (i = 1; i < NF; i++) if ($(i + 1) == "registers," && $i + 0 > 64) printf "%s (%d) ", k, $i }' "$report")"
  if [ -n "$over" ]; then
    echo "[kernels] kernels needing more than 64 registers per thread (1024-thread blocks would not launch): $over" >&2
    exit 1
  fi
fi
version="$("$nvcc" --version | grep -o 'release [0-9.]*' | head -1)"
printf 'nvcc=%s\narch=sm_90\nkernels=%s\n' "$version" "$(IFS=,; echo "${names[*]}")" >"$info"
echo "[kernels] built ${#names[@]} PTX modules with nvcc $version" >&2
