# Sourced by bench_vs_torch.sh and sgemm_vs_openblas.sh: makes OpenBLAS use the kernels this CPU can run.
#
# OpenBLAS picks its kernels at load time from the CPU model. Debian 12's OpenBLAS 0.3.21 does not know recent
# models (the Intel Xeon of these VMs is family 6 model 207, Emerald Rapids) and then falls back to its Prescott
# kernels (SSE3): there its 1024^3 SGEMM ran at 42-45 GFLOP/s on 2 threads instead of 225-291 with its AVX-512
# kernels (2026-12-03), and every PyTorch figure measured through it would flatter us 5x over. When the CPU has AVX2
# or AVX-512 and OpenBLAS chose none of its kernels for them, OPENBLAS_CORETYPE names the right family from the CPU's
# flags. An OPENBLAS_CORETYPE already set is kept.
#
# openblas_core PYTHON_CODE: runs the code (which must do a float32 product through OpenBLAS) with OPENBLAS_VERBOSE=2,
# exports OPENBLAS_CORETYPE when needed, and prints one line saying which kernels OpenBLAS uses.
openblas_core() {
  local found want flags
  found=$(OPENBLAS_VERBOSE=2 /usr/bin/python3 -c "$1" 2>&1 | sed -n 's/^Core: //p' | head -1)
  if [[ -n "${OPENBLAS_CORETYPE:-}" ]]; then
    echo "OpenBLAS kernels: ${found:-unknown} (OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE as given)"
    return
  fi
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  if grep -qw avx512_bf16 <<<"$flags"; then want=Cooperlake
  elif grep -qw avx512f <<<"$flags" && grep -qw avx512bw <<<"$flags"; then want=SkylakeX
  elif grep -qw avx2 <<<"$flags"; then want=Haswell
  fi
  case "$found" in
    Haswell|Zen|SkylakeX|Cooperlake|SapphireRapids|"") want= ;; # kernels for AVX2 or AVX-512 already, or no OpenBLAS
  esac
  if [[ -n "${want:-}" ]]; then
    export OPENBLAS_CORETYPE=$want
    echo "OpenBLAS kernels: $want (OpenBLAS chose $found, its kernels for older CPUs, on this CPU with $(
      grep -qw avx512f <<<"$flags" && echo AVX-512 || echo AVX2): OPENBLAS_CORETYPE=$want set from the CPU's flags)"
  else
    echo "OpenBLAS kernels: ${found:-none reported}"
  fi
}
