#!/usr/bin/env bash
# Side-by-side BERT MLM training-step throughput: ./trainer bench and PyTorch's reference script on the same shapes,
# alternated for a few rounds so both see the same background load on a shared machine. Peak memory: PyTorch's max
# RSS from /usr/bin/time, ours VmHWM (both: the process's resident-set high-water mark).
# Usage (repository root): benchmarks/scripts/bench_vs_torch.sh [rounds] [configs...]   configs: tiny mini small base
# PyTorch's side is ../shared/bench/torch_bert_cpu.py beside the repository unless TORCH_BENCH names another copy.
set -euo pipefail
rounds=${1:-2}
shift || true
configs=${*:-tiny mini}
root="$(cd "$(dirname "$0")/../.." && pwd)"
torch_script=${TORCH_BENCH:-$(dirname "$root")/shared/bench/torch_bert_cpu.py}
shape() { case $1 in tiny) echo "2 128 2 512";; mini) echo "4 256 4 1024";; small) echo "4 512 8 2048";; base) echo "12 768 12 3072";; esac; }
# A rounds value that is not a count (a config name given first, say) used to run no round and exit 0, silently.
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench_vs_torch.sh: rounds must be a positive whole number, got '$rounds'" \
  "(usage: benchmarks/scripts/bench_vs_torch.sh [rounds] [tiny mini small base])" >&2; exit 2; }
# An unknown name used to end the script silently after the header (read got no shape under set -e).
for c in $configs; do
  [[ -n "$(shape "$c")" ]] || { echo "bench_vs_torch.sh: unknown config '$c' (tiny, mini, small or base)" >&2; exit 2; }
done
# A missing script used to end the first round silently with status 2: its error was captured with the timing.
[[ -f "$torch_script" ]] || { echo "bench_vs_torch.sh: PyTorch's reference script $torch_script not found" \
  "(${TORCH_BENCH:+set by TORCH_BENCH; }set TORCH_BENCH=FILE to use a copy elsewhere)" >&2; exit 2; }
V=${VOCAB:-8192} B=${BATCH:-32} T=${SEQ:-128}
# Debian's PyTorch does its products through whatever libblas.so.3 the alternatives point at. With only libblas3
# installed that is the unoptimised reference BLAS (about 4 GFLOP/s here), and every ratio below would flatter us
# many times over: name the library, and refuse unless it is an optimised one (ALLOW_ANY_BLAS=1 to run anyway).
torch_blas=$(/usr/bin/python3 -c '
import torch
torch.ones(64, 64) @ torch.ones(64, 64)
print(" ".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l or "mkl" in l})) or "none mapped")')
echo "PyTorch's BLAS: $torch_blas"
if ! grep -qiE 'openblas|mkl|blis' <<<"$torch_blas" && [[ -z "${ALLOW_ANY_BLAS:-}" ]]; then
  echo "bench_vs_torch.sh: PyTorch uses no optimised BLAS ($torch_blas): its times would not be PyTorch's." \
       "Install OpenBLAS (Debian: apt-get install libopenblas0-pthread) or set ALLOW_ANY_BLAS=1" >&2
  exit 2
fi
source "$root/benchmarks/scripts/openblas_core.sh"
openblas_core 'import torch; torch.ones(64, 64) @ torch.ones(64, 64)'
date -u; nproc; uptime
for r in $(seq "$rounds"); do
  for c in $configs; do
    read -r L H A I <<<"$(shape "$c")"
    torch_json=$( { /usr/bin/time -f "maxrss_kb=%M" /usr/bin/python3 "$torch_script" "$L" "$H" "$A" "$I" "$V" "$B" "$T" 2; } 2>&1 ) \
      || { echo "bench_vs_torch.sh: $torch_script failed at $c:" >&2; echo "$torch_json" >&2; exit 2; }
    ours=$(./trainer bench --model "$c" --vocab "$V" --batch "$B" --seq "$T" --steps 5 --no-profile --json)
    sparse=$(./trainer bench --model "$c" --vocab "$V" --batch "$B" --seq "$T" --steps 5 --no-profile --json --sparse)
    TORCH="$torch_json" OURS="$ours" SPARSE="$sparse" CFG="$c" ROUND="$r" /usr/bin/python3 - <<'PY'
import json, os, re
t = json.loads([l for l in os.environ["TORCH"].splitlines() if l.startswith("{")][0])
rss = int(re.search(r"maxrss_kb=(\d+)", os.environ["TORCH"]).group(1)) // 1024
o, s = json.loads(os.environ["OURS"]), json.loads(os.environ["SPARSE"])
print(f"round {os.environ['ROUND']} {os.environ['CFG']:5s} torch {t['tokens_per_s']:7,.0f} tok/s {rss:5d} MB | "
      f"ours(full) {o['tokens_per_s']:7,.0f} tok/s {o['peak_rss_mb']:5d} MB {o['gflops']:6.1f} GFLOP/s MFU {100*o['mfu']:4.1f}% "
      f"ratio {o['tokens_per_s']/t['tokens_per_s']:.2f}x | ours(sparse) {s['tokens_per_s']:7,.0f} tok/s "
      f"ratio {s['tokens_per_s']/t['tokens_per_s']:.2f}x")
PY
  done
done
uptime
