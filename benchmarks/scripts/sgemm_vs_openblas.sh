#!/usr/bin/env bash
# Side-by-side SGEMM throughput: jtrain's vector backend and numpy/OpenBLAS (2 threads), interleaved a few rounds
# so that both see the same background load on a shared machine. Run from the repository root after
#   mvn -q -B package -pl benchmarks -am -DskipTests
# Usage: benchmarks/scripts/sgemm_vs_openblas.sh [rounds] [sizes...]
set -euo pipefail
rounds=${1:-3}
shift || true
sizes=${*:-512 1024 2048}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# numpy reaches BLAS through the libblas.so.3 alternative: without OpenBLAS installed it is the reference BLAS, and
# the "OpenBLAS" column would be that (ALLOW_ANY_BLAS=1 to run anyway).
np_blas=$(/usr/bin/python3 -c '
import numpy as np
np.ones((64, 64), np.float32) @ np.ones((64, 64), np.float32)
print(" ".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l})) or "none mapped")')
if ! grep -qi openblas <<<"$np_blas" && [[ -z "${ALLOW_ANY_BLAS:-}" ]]; then
  echo "sgemm_vs_openblas.sh: numpy does not use OpenBLAS ($np_blas). Install it (Debian: apt-get install" \
       "libopenblas0-pthread) or set ALLOW_ANY_BLAS=1" >&2
  exit 2
fi
source "$(dirname "$0")/openblas_core.sh"
openblas_core 'import numpy as np; np.ones((64, 64), np.float32) @ np.ones((64, 64), np.float32)'
date -u
for r in $(seq "$rounds"); do
  echo "== round $r"
  echo "-- jtrain vector backend"
  "$java" --add-modules jdk.incubator.vector -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
    jtrain.bench.SgemmGflops $sizes 2>&1 | grep -v '^WARNING'
  echo "-- numpy / OpenBLAS"
  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 benchmarks/scripts/openblas_sgemm.py $sizes
done
