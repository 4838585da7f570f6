"""The machine's measured limits and load, for the benchmark suite (_bench.py).

* `measure_peaks()`: single-thread numpy matmul throughput (float32, float64;
  2048^2) and copy bandwidth, measured in a subprocess (this file run as a
  script) with the BLAS limited to one thread by environment variables (and
  threadpoolctl when installed), so the limit never reaches the caller's
  process or fastconv's OpenMP threads.
* `cpu_clock()` / `background_cpus()`: how many CPUs other processes kept busy
  between two readings (Linux /proc/stat), to flag noisy rows.

    python src/fastconv/_peak.py [--quick]    # prints the peaks as JSON
"""
import json
import os
import platform
import subprocess
import sys
import time


def _best(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _measure(reps):
    import numpy as np
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
        threadpool_limits(1, user_api="blas")
        blas = [(i.get("internal_api"), i.get("version"), i.get("num_threads"))
                for i in threadpool_info() if i.get("user_api") == "blas"]
    except ImportError:
        blas = "threadpoolctl not installed (environment variables only)"
    n, res = 2048, {"blas": blas}
    for dt in ("float32", "float64"):
        a, b = (np.random.rand(n, n).astype(dt) for _ in range(2))
        res["matmul_" + dt] = 2.0 * n**3 / _best(lambda: a @ b, reps) / 1e9
    src = np.ones(2**25)  # 256 MiB: read + write counted
    dst = np.empty_like(src)
    res["copy_GBs"] = 2.0 * src.nbytes / _best(lambda: np.copyto(dst, src), reps) / 1e9
    return res


def measure_peaks(quick=False):
    """dict(matmul_float32=GF/s, matmul_float64=GF/s, copy_GBs=GB/s, blas=...)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1", BLIS_NUM_THREADS="1")
    cmd = [sys.executable, os.path.abspath(__file__)] + ["--quick"] * quick
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            return next(l.split(":", 1)[1].strip() for l in fh if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def cpu_clock():
    """(wall s, machine-wide busy CPU s, this process's CPU s)."""
    try:
        with open("/proc/stat") as fh:  # user nice system idle iowait irq softirq steal
            f = [int(v) for v in fh.readline().split()[1:9]]
        busy = (sum(f) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        busy = float("nan")
    return time.perf_counter(), busy, sum(os.times()[:2])


def background_cpus(c0, c1):
    """CPUs kept busy by other processes between two cpu_clock() readings."""
    wall = c1[0] - c0[0]
    return max(0.0, ((c1[1] - c0[1]) - (c1[2] - c0[2])) / wall) if wall > 0 else 0.0


if __name__ == "__main__":
    print(json.dumps(_measure(3 if "--quick" in sys.argv else 7)))
