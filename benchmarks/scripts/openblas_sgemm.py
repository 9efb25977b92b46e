"""Times float32 `a @ b` with numpy (Debian's numpy linked to OpenBLAS) for square sizes; prints GFLOP/s.

Run with OPENBLAS_NUM_THREADS=2 /usr/bin/python3 benchmarks/scripts/openblas_sgemm.py 512 1024 2048
Reports the best of several timed repetitions after a warm-up, like the Java harness.
"""
import sys
import time

import numpy as np

sizes = [int(s) for s in sys.argv[1:]] or [512, 1024, 2048]
with open("/proc/self/maps") as maps:
    libs = sorted({line.split()[-1] for line in maps if "blas" in line})
print("BLAS libraries mapped:", ", ".join(libs))
rng = np.random.default_rng(1)
for n in sizes:
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    reps = 3 if n >= 2048 else 10 if n >= 1024 else 40
    a @ b  # warm-up
    best = 0.0
    for _ in range(6):
        t0 = time.perf_counter()
        for _ in range(reps):
            c = a @ b
        dt = (time.perf_counter() - t0) / reps
        best = max(best, 2.0 * n * n * n / dt / 1e9)
    print(f"n={n} best {best:.1f} GFLOP/s")
