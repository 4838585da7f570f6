"""Measure the constants of fastconv's direct-vs-FFT cost model.

Prints, for each dtype class, the median seconds per multiply-add of the
direct kernel and the median seconds per (n log2 n) point of the FFT path on
a few representative problems; copy them into src/fastconv/_method.py
(SECONDS_PER_MAC, SECONDS_PER_FFT_POINT) when the kernels change.

    python benchmarks/calibrate_method.py
"""
import statistics

import numpy as np

import fastconv
from _peak import _best  # benchmarks/_peak.py: warm up, then the best of n runs
from fastconv._method import overlap_macs
from fastconv._modes import window

PROBLEMS = [((1024, 1024), (7, 7)), ((200_000,), (200,)), ((256, 256), (31, 31))]
DTYPES = {"f4": np.float32, "f8": np.float64, "c8": np.complex64,
          "c16": np.complex128, "i": np.int32}


def main():
    rng = np.random.default_rng(0)
    for cls, dt in DTYPES.items():
        per_mac, per_point = [], []
        for s1, s2 in PROBLEMS:
            a = rng.standard_normal(s1).astype(dt)
            k = rng.standard_normal(s2).astype(dt)
            starts, lengths = window("same", s1, s2)
            macs = overlap_macs(s1, s2, starts, lengths)
            per_mac.append(_best(lambda: fastconv.convolve(a, k, "same", method="direct", workers=1), 3) / macs)
            if cls != "i":
                n = int(np.prod([fastconv.next_fast_len(x + y - 1) for x, y in zip(s1, s2)]))
                t = _best(lambda: fastconv.convolve(a, k, "same", method="fft", workers=1), 3)
                per_point.append(t / (n * np.log2(n)))
        line = f"{cls:4s} direct {statistics.median(per_mac):.2e} s/MAC"
        if per_point:
            line += f"   fft {statistics.median(per_point):.2e} s/(n log2 n)"
        print(line)


if __name__ == "__main__":
    main()
