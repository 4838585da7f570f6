"""Measure the constants of fastconv's direct-vs-FFT cost model.

Prints, for each dtype class, the median seconds per multiply-add of the
direct kernel (SECONDS_PER_MAC; 'i1': 1-byte integers, uint8, and 'i2':
2-byte ones, int16, which both run in 16-bit lanes) and per unit of
FFT-engine work (SECONDS_PER_FFT_UNIT; ``_method.fft_units``: the engine's
tile cost, ``_method.tile_cost``, at ``_method.fft_tiles``) on N-D problems; the 1-D problems'
medians over the N-D ones (DIRECT_1D_FACTOR, FFT_1D_FACTOR); the FFT's
extra seconds per output for integer results (conversion to float64 and
back, SECONDS_PER_FFT_OUTPUT); the fixed cost of a small FFT call
(FFT_OVERHEAD) and the engine's gain from a second thread (FFT_THREAD_GAIN);
the complex direct kernels' price per output and kernel row
(DIRECT_SECONDS_PER_ROW_OUTPUT['c8']: a 3x3 and a 31x31 complex64 problem
solved for it and the MAC price together) and the 1-D kernel spectrum's
share of a group of lanes (FFT_1D_SPECTRUM_GROUPS: a one-group problem's
time over its price, minus 1; `--only` picks some of these lines).
Copy them into src/fastconv/_method.py when the kernels change (into the
generic table, or into _MACHINE_PRICES for this machine's (vendor, family)
where its relative costs turn choices; FASTCONV_PRICES=generic runs with the
generic table).  One-worker
calls are timed in the process's CPU time (a loaded machine disturbs it far
less than wall time), two-worker ones (the thread gain) in wall time.

    PYTHONPATH=src python benchmarks/calibrate_method.py [--only i1,rows,spectrum]
"""
import argparse
import math
import os
import statistics
import time

import numpy as np

import fastconv
from fastconv import _plan
from fastconv import _method
from fastconv._method import fft_units, overlap_macs
from fastconv._modes import window
from fastconv._peak import _best  # warm up, then the best of n runs

PROBLEMS_ND = [((1024, 1024), (7, 7)), ((256, 256), (31, 31)), ((512, 512), (15, 15)),
               ((64, 64, 64), (5, 5, 5)), ((128, 128, 32), (9, 9, 9))]
PROBLEMS_1D = [((100_000,), (300,)), ((1_000_000,), (512,)), ((300_000,), (5000,)),
               ((200_000,), (64,))]
DTYPES = {"f4": np.float32, "f8": np.float64, "c8": np.complex64,
          "c16": np.complex128, "i": np.int32, "i1": np.uint8, "i2": np.int16}


def _inputs(s1, s2, dt, rng):
    if np.dtype(dt).kind in "iu":
        return (rng.integers(0, 100, s1).astype(dt), rng.integers(0, 100, s2).astype(dt))
    return rng.standard_normal(s1).astype(dt), rng.standard_normal(s2).astype(dt)


def _time(method, a, k, workers=1):
    """Best of 3 'same' calls (after a warm-up): by the process's CPU time
    with one worker (what the call costs, whatever else the machine runs),
    by wall time with more (CPU time would add the threads up)."""
    call = lambda: fastconv.convolve(a, k, "same", method=method, workers=workers)  # noqa: E731
    if workers > 1:
        return _best(call, 3)
    call()
    times = []
    for _ in range(3):
        t0 = time.process_time()
        call()
        times.append(time.process_time() - t0)
    return min(times)


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


def _row_output_price(rng):
    """(seconds per MAC, seconds per output and kernel row) of the complex64
    direct kernels, from a 3x3 and a 31x31 'same' problem: each time minus
    its DIRECT_SECONDS_PER_ROW share is macs * m + outputs * kernel rows * r."""
    rows = []
    for s1, s2 in [((1024, 1024), (3, 3)), ((256, 256), (31, 31))]:
        a, k = _inputs(s1, s2, np.complex64, rng)
        t = _time("direct", a, k)
        outputs, krows = math.prod(s1), s2[0]
        t -= outputs // s1[-1] * krows * _method.DIRECT_SECONDS_PER_ROW
        rows.append((outputs * math.prod(s2), outputs * krows, t))
    (m1, o1, t1), (m2, o2, t2) = rows
    det = m1 * o2 - m2 * o1
    return (t1 * o2 - t2 * o1) / det, (m1 * t2 - m2 * t1) / det


def _spectrum_groups(rng):
    """A one-group 1-D FFT's time ([5000] * [4096] complex64 'same': tiles
    of 4500 in one group of lanes) over the price of its group, minus 1."""
    a, k = _inputs((5_000,), (4096,), np.complex64, rng)
    price = _units(a, k) * _method.SECONDS_PER_FFT_UNIT["c8"] * _method.FFT_1D_COMPLEX_FACTOR
    return (_time("fft", a, k) - _method.FFT_OVERHEAD_1D) / price - 1


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="comma-separated: dtype classes (f4, ..., i, i1, i2), "
                   "rows, spectrum, 1d, int, overhead, threads")
    only = p.parse_args().only
    only = None if only is None else set(only.split(","))

    def want(name):
        return only is None or name in only
    rng = np.random.default_rng(0)
    print(f"load average {os.getloadavg()}; machine {_method.machine_key()}, "
          f"prices in use: {_method.PRICES} table")
    for cls, dt in DTYPES.items():
        if not want(cls):
            continue
        per_mac = [_cost("direct", s1, s2, dt, rng) for s1, s2 in PROBLEMS_ND]
        line = f"{cls:4s} direct {statistics.median(per_mac):.2e} s/MAC"
        if cls not in ("i", "i1", "i2"):
            per_unit = [_cost("fft", s1, s2, dt, rng) for s1, s2 in PROBLEMS_ND]
            line += f"   fft {statistics.median(per_unit):.2e} s/unit"
        print(line, flush=True)
    if want("rows"):
        m, r = _row_output_price(rng)
        print(f"c8   direct {m:.2e} s/MAC + {r:.2e} s per output and kernel row")
    if want("spectrum"):
        print(f"1-D spectrum {_spectrum_groups(rng):.2f} groups")
    if want("1d"):
        _one_d_ratios(rng)
    if want("int"):
        _integer_extra(rng)
    if want("overhead"):
        small = [_time("fft", *_inputs((n,), (m,), np.float64, rng)) for n, m in
                 [(64, 3), (100, 8), (256, 16)]]
        print(f"FFT overhead (1-D calls: FFT_OVERHEAD_1D) {statistics.median(small):.2e} s")
    if want("threads"):
        _thread_gain(rng)
    print(f"load average {os.getloadavg()}")


def _one_d_ratios(rng):
    ratios = {"direct": [], "fft": []}
    for dt in (np.float32, np.float64):
        for method in ratios:
            one = statistics.median(_cost(method, s1, s2, dt, rng) for s1, s2 in PROBLEMS_1D)
            nd = statistics.median(_cost(method, s1, s2, dt, rng) for s1, s2 in PROBLEMS_ND)
            ratios[method].append(one / nd)
    print(f"1-D / N-D: direct {statistics.median(ratios['direct']):.2f}"
          f"   fft {statistics.median(ratios['fft']):.2f}")


def _integer_extra(rng):
    """integer results: the FFT runs in float64 and casts back"""
    extra = []
    for s1, s2 in [((1024, 1024), (7, 7)), ((1_000_000,), (512,))]:
        a = rng.integers(0, 16, size=s1, dtype=np.int16)
        k = rng.integers(0, 16, size=s2, dtype=np.int16)
        t_int = _time("fft", a, k)
        t_f8 = _time("fft", a.astype(np.float64), k.astype(np.float64))
        extra.append((t_int - t_f8) / math.prod(s1))
    print(f"integer FFT extra {max(statistics.median(extra), 0):.2e} s/output")


def _thread_gain(rng):
    gains = []
    for s1, s2 in [((2048, 2048), (31, 31)), ((1_000_000,), (1000,)), ((128, 128, 64), (9, 9, 9))]:
        a, k = _inputs(s1, s2, np.float32, rng)
        gains.append(_time("fft", a, k, 1) / _time("fft", a, k, 2) - 1)
    print(f"FFT thread gain {statistics.median(gains):.2f} ({', '.join(f'{g:.2f}' for g in gains)})")


if __name__ == "__main__":
    main()
