"""Measure the constants of fastconv's direct-vs-FFT cost model.

Prints, for each dtype class, the median seconds per multiply-add of the
direct kernel and the median seconds per (n log2 n) point of the FFT path on
a few representative problems; copy them into src/fastconv/_method.py
(SECONDS_PER_MAC, SECONDS_PER_FFT_POINT) when the kernels change.  Then the
1-D problems' medians over the others' (DIRECT_1D_FACTOR, FFT_1D_FACTOR).

    python benchmarks/calibrate_method.py
"""
import statistics

import numpy as np

import fastconv
from fastconv._peak import _best  # warm up, then the best of n runs
from fastconv._method import overlap_macs
from fastconv._modes import window

PROBLEMS = [((1024, 1024), (7, 7)), ((200_000,), (200,)), ((256, 256), (31, 31))]
PROBLEMS_1D = [((100_000,), (300,)), ((1_000_000,), (512,)), ((300_000,), (5000,))]
PROBLEMS_ND = [((1024, 1024), (31, 31)), ((2048, 2048), (21, 21)), ((512, 512), (15, 15))]
DTYPES = {"f4": np.float32, "f8": np.float64, "c8": np.complex64,
          "c16": np.complex128, "i": np.int32}


def _cost(method, s1, s2, dt, rng):
    """Seconds per multiply-add ('direct') or per n log2 n point of the
    padded transform ('fft', n as the model counts it) of one 'same' call."""
    a = rng.standard_normal(s1).astype(dt)
    k = rng.standard_normal(s2).astype(dt)
    t = _best(lambda: fastconv.convolve(a, k, "same", method=method, workers=1), 3)
    if method == "direct":
        starts, lengths = window("same", s1, s2)
        return t / overlap_macs(s1, s2, starts, lengths)
    n = int(np.prod([fastconv.next_fast_len(x + y - 1, real=True) for x, y in zip(s1, s2)]))
    return t / (n * np.log2(n))


def main():
    rng = np.random.default_rng(0)
    for cls, dt in DTYPES.items():
        per_mac = [_cost("direct", s1, s2, dt, rng) for s1, s2 in PROBLEMS]
        line = f"{cls:4s} direct {statistics.median(per_mac):.2e} s/MAC"
        if cls != "i":
            per_point = [_cost("fft", s1, s2, dt, rng) for s1, s2 in PROBLEMS]
            line += f"   fft {statistics.median(per_point):.2e} s/(n log2 n)"
        print(line)
    ratios = {"direct": [], "fft": []}
    for dt in (np.float32, np.float64):
        for method in ratios:
            one = statistics.median(_cost(method, s1, s2, dt, rng) for s1, s2 in PROBLEMS_1D)
            nd = statistics.median(_cost(method, s1, s2, dt, rng) for s1, s2 in PROBLEMS_ND)
            ratios[method].append(one / nd)
    print(f"1-D / N-D: direct {statistics.median(ratios['direct']):.2f}"
          f"   fft {statistics.median(ratios['fft']):.2f}")


if __name__ == "__main__":
    main()
