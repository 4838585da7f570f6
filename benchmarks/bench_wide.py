#!/usr/bin/env python
"""Direct kernels on wide 2-D kernels against the matrix product (issue 11,
deliverable 3: 15..63 wide at >= 85% of the matmul throughput, float32
and float64, one thread).

    PYTHONPATH=src python benchmarks/bench_wide.py [--repeats N] [--size S]
        [--dtypes float32,float64] [--kernels 15x15,31x31,...] [--ghz G]

For each dtype and kernel, ``fastconv.convolve(x, k, mode, method='direct',
workers=1)`` on an S x S image ('valid' and 'same') and the reference
``a @ b`` of two n x n matrices of the same dtype (n = --matmul, numpy's
BLAS limited to one thread by threadpoolctl) are timed in the same run,
interleaved (medians of rounds that alternate the calls), in CPU seconds
of this process (time.process_time: less disturbed by a loaded machine).
GFLOP/s: 2 x outputs x taps / t (convolution), 2 n^3 / t (matmul).
"% mm" is the ratio of the two; "% peak" is against 2 FMA pipes x vector
lanes x 2 flops x --ghz (AVX-512: 64 float32 / 32 float64 flop per cycle;
the clock is not measured: give the one the machine runs at).

The matrix product is whatever numpy's BLAS does on this CPU, printed
first: OpenBLAS (numpy's wheels) runs its Haswell kernels (AVX2, half the
AVX-512 FMA width) on AMD Zen 4 / Zen 5, which then halves "mm GF/s" (Zen 5,
session 8: 1024^2 float32 ~110 GFLOP/s, ~210 with the AVX-512 kernels);
OPENBLAS_CORETYPE=SkylakeX in the environment selects those, and a note
is printed when the BLAS runs AVX2 kernels where fastconv runs AVX-512.
"""
import argparse
import sys
from time import process_time

import bench_options   # (this directory)
import numpy as np
from bench_options import interleaved

import fastconv

try:
    from threadpoolctl import threadpool_limits
except ImportError:   # (not installed: the matmul runs on BLAS's own thread count)
    import contextlib

    def threadpool_limits(n):
        print("note: threadpoolctl is not installed; the matmul is not limited to "
              f"{n} thread(s): pip install threadpoolctl")
        return contextlib.nullcontext()

DEFAULT_KERNELS = "15x15,23x23,31x31,47x47,63x63,5x63,63x5"
# OpenBLAS core types whose kernels are AVX2 at most
AVX2_CORES = {"haswell", "zen", "excavator", "steamroller", "piledriver", "bulldozer"}


def blas_lines():
    """The BLAS numpy uses (api, version, kernel architecture) and, when it
    runs AVX2 kernels where fastconv runs AVX-512, a note saying so."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["blas: unknown (threadpoolctl not installed)"]
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    lines = [f"blas: {i.get('internal_api')} {i.get('version')} "
             f"({i.get('architecture')} kernels)" for i in infos]
    if (fastconv._direct.isa_name() == "avx512"
            and any(str(i.get("architecture")).lower() in AVX2_CORES for i in infos)):
        lines.append("note: the BLAS runs AVX2 kernels on an AVX-512 CPU, so '% mm' is "
                     "against half its FMA width (OpenBLAS: OPENBLAS_CORETYPE=SkylakeX)")
    return lines or ["blas: none found"]


def out_count(shape, kshape, mode):
    if mode == "valid":
        return int(np.prod([s - k + 1 for s, k in zip(shape, kshape)]))
    return int(np.prod(shape))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--size", type=int, default=1024, help="image side (default 1024)")
    ap.add_argument("--matmul", type=int, default=1024, help="matmul side (default 1024)")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--kernels", default=DEFAULT_KERNELS, help="HxW,HxW,...")
    ap.add_argument("--modes", default="valid,same")
    ap.add_argument("--ghz", type=float, default=2.0, help="clock for '%% peak' (default 2.0)")
    opts = ap.parse_args(argv)
    bench_options.CLOCK = process_time   # (interleaved's clock: CPU seconds)
    kernels = [tuple(int(v) for v in s.split("x")) for s in opts.kernels.split(",")]
    modes = opts.modes.split(",")
    rng = np.random.default_rng(0)
    print(f"image {opts.size}^2, matmul {opts.matmul}^2, repeats {opts.repeats}, "
          f"CPU seconds, one thread")
    for line in blas_lines():
        print(line)
    print(f"{'kernel':>7s} {'dtype':>7s} {'mode':>5s} {'ms':>9s} {'GFLOP/s':>8s} "
          f"{'mm GF/s':>8s} {'% mm':>6s} {'% peak':>6s}")
    worst = {}
    with threadpool_limits(1):
        for dt in opts.dtypes.split(","):
            dtype = np.dtype(dt)
            lanes = 64 // dtype.itemsize
            peak = 2 * lanes * 2 * opts.ghz
            x = rng.standard_normal((opts.size, opts.size)).astype(dtype)
            a = rng.standard_normal((opts.matmul, opts.matmul)).astype(dtype)
            b = rng.standard_normal((opts.matmul, opts.matmul)).astype(dtype)
            for kh, kw in kernels:
                k = rng.standard_normal((kh, kw)).astype(dtype)
                for mode in modes:
                    calls = {
                        "conv": lambda: fastconv.convolve(x, k, mode, method="direct", workers=1),
                        "mm": lambda: a @ b,
                    }
                    t = interleaved(calls, opts.repeats)
                    g = 2.0 * out_count(x.shape, k.shape, mode) * k.size / t["conv"] / 1e9
                    gm = 2.0 * opts.matmul ** 3 / t["mm"] / 1e9
                    pct = 100 * g / gm
                    worst[dt] = min(worst.get(dt, 1e9), pct)
                    print(f"{kh:>3d}x{kw:<3d} {dt:>7s} {mode:>5s} {t['conv'] * 1e3:9.2f} "
                          f"{g:8.1f} {gm:8.1f} {pct:6.1f} {100 * g / peak:6.1f}")
                    sys.stdout.flush()
    for dt, p in worst.items():
        print(f"worst {dt}: {p:.1f}% of the matrix product (target >= 85%)")


if __name__ == "__main__":
    main()
