"""Measure the constants of fastconv's direct-vs-FFT cost model.

Prints, for each dtype class, the median seconds per multiply-add of the
direct kernel (SECONDS_PER_MAC) and per unit of FFT-engine work
(SECONDS_PER_FFT_UNIT; ``_method.fft_units``: the engine's tile cost,
``_method.tile_cost``, at its starting tiles) on N-D problems; the 1-D problems'
medians over the N-D ones (DIRECT_1D_FACTOR, FFT_1D_FACTOR); the FFT's
extra seconds per output for integer results (conversion to float64 and
back, SECONDS_PER_FFT_OUTPUT); the fixed cost of a small FFT call
(FFT_OVERHEAD) and the engine's gain from a second thread (FFT_THREAD_GAIN).
Copy them into src/fastconv/_method.py when the kernels change.

    PYTHONPATH=src python benchmarks/calibrate_method.py
"""
import math
import os
import statistics

import numpy as np

import fastconv
from fastconv import _plan
from fastconv._method import fft_units, overlap_macs
from fastconv._modes import window
from fastconv._peak import _best  # warm up, then the best of n runs

PROBLEMS_ND = [((1024, 1024), (7, 7)), ((256, 256), (31, 31)), ((512, 512), (15, 15)),
               ((64, 64, 64), (5, 5, 5)), ((128, 128, 32), (9, 9, 9))]
PROBLEMS_1D = [((100_000,), (300,)), ((1_000_000,), (512,)), ((300_000,), (5000,)),
               ((200_000,), (64,))]
DTYPES = {"f4": np.float32, "f8": np.float64, "c8": np.complex64,
          "c16": np.complex128, "i": np.int32}


def _inputs(s1, s2, dt, rng):
    return rng.standard_normal(s1).astype(dt), rng.standard_normal(s2).astype(dt)


def _time(method, a, k, workers=1):
    return _best(lambda: fastconv.convolve(a, k, "same", method=method, workers=workers), 3)


def _units(a, k):
    plan = _plan.make_plan("convolve", a, k, "same", "fft")
    return fft_units(k.shape, plan.shape, a.dtype)


def _cost(method, s1, s2, dt, rng):
    """Seconds per multiply-add ('direct') or per FFT-engine unit ('fft')
    of one 'same' call."""
    a, k = _inputs(s1, s2, dt, rng)
    t = _time(method, a, k)
    if method == "direct":
        starts, lengths = window("same", s1, s2)
        return t / overlap_macs(s1, s2, starts, lengths)
    return t / _units(a, k)


def main():
    rng = np.random.default_rng(0)
    print(f"load average {os.getloadavg()}")
    for cls, dt in DTYPES.items():
        per_mac = [_cost("direct", s1, s2, dt, rng) for s1, s2 in PROBLEMS_ND]
        line = f"{cls:4s} direct {statistics.median(per_mac):.2e} s/MAC"
        if cls != "i":
            per_unit = [_cost("fft", s1, s2, dt, rng) for s1, s2 in PROBLEMS_ND]
            line += f"   fft {statistics.median(per_unit):.2e} s/unit"
        print(line, flush=True)
    ratios = {"direct": [], "fft": []}
    for dt in (np.float32, np.float64):
        for method in ratios:
            one = statistics.median(_cost(method, s1, s2, dt, rng) for s1, s2 in PROBLEMS_1D)
            nd = statistics.median(_cost(method, s1, s2, dt, rng) for s1, s2 in PROBLEMS_ND)
            ratios[method].append(one / nd)
    print(f"1-D / N-D: direct {statistics.median(ratios['direct']):.2f}"
          f"   fft {statistics.median(ratios['fft']):.2f}")
    # integer results: the FFT runs in float64 and casts back
    extra = []
    for s1, s2 in [((1024, 1024), (7, 7)), ((1_000_000,), (512,))]:
        a = rng.integers(0, 16, size=s1, dtype=np.int16)
        k = rng.integers(0, 16, size=s2, dtype=np.int16)
        t_int = _time("fft", a, k)
        t_f8 = _time("fft", a.astype(np.float64), k.astype(np.float64))
        extra.append((t_int - t_f8) / math.prod(s1))
    print(f"integer FFT extra {max(statistics.median(extra), 0):.2e} s/output")
    small = [_time("fft", *_inputs((n,), (m,), np.float64, rng)) for n, m in
             [(64, 3), (100, 8), (256, 16)]]
    print(f"FFT overhead {statistics.median(small):.2e} s")
    gains = []
    for s1, s2 in [((2048, 2048), (31, 31)), ((1_000_000,), (1000,)), ((128, 128, 64), (9, 9, 9))]:
        a, k = _inputs(s1, s2, np.float32, rng)
        gains.append(_time("fft", a, k, 1) / _time("fft", a, k, 2) - 1)
    print(f"FFT thread gain {statistics.median(gains):.2f} ({', '.join(f'{g:.2f}' for g in gains)})")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
