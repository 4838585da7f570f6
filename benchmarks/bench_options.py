#!/usr/bin/env python
"""Rows for the options beyond scipy.signal: axes= batching, dtype= on uint8,
out= in a loop, correlate(maxlag=).  Ratios are measured in this one run,
interleaved (medians of rounds that alternate the compared calls), on one
thread unless a row says otherwise.

    PYTHONPATH=src python benchmarks/bench_options.py [--repeats N] [--only dtype,...]
        [--clock process]

Rows:
* batch: 64 x 256^2 float32, 5x5 'same' with axes=(1, 2), against one
  2048^2 float32 image (the same number of outputs): per-output throughput
  of the batch over the image's (target >= 90%).
* dtype: 2048^2 uint8 with a 5x5 uint8 kernel, dtype=np.int32 (never wraps)
  against the default wrapping uint8 result: time per output, uint8 over
  int32 (target >= 1.0).
* out: 100 calls of 2048^2 float32 5x5 'same' writing into one out= array,
  against 100 calls that allocate their result; and one call into an out=
  16 bytes past a 64-byte boundary (as NumPy places large arrays) against
  one at the boundary and against fastconv's own output.
* maxlag: correlate of two 10^6-sample float64 signals with maxlag=100
  against scipy.signal.correlate of the whole signals (target >= 20x), on
  one thread and on two (one column block of lags per thread).
"""
import argparse
import statistics
import sys
from time import perf_counter, process_time

import numpy as np

import fastconv


CLOCK = perf_counter


def interleaved_samples(calls, repeats):
    """name -> the seconds of each of `repeats` rounds alternating the calls
    (after one untimed call each)."""
    for fn in calls.values():
        fn()
    samples = {n: [] for n in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            t0 = CLOCK()
            fn()
            samples[name].append(CLOCK() - t0)
    return samples


def interleaved(calls, repeats):
    """name -> median seconds over `repeats` rounds alternating the calls."""
    return {n: statistics.median(s) for n, s in interleaved_samples(calls, repeats).items()}


def quartiles(values):
    """(first quartile, median, third quartile) of a list of numbers."""
    q = statistics.quantiles(values, n=4) if len(values) > 1 else list(values) * 3
    return q[0], statistics.median(values), q[2]


def gflops(outputs, taps, seconds):
    return 2.0 * outputs * taps / seconds / 1e9


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--no-scipy", action="store_true", help="skip the maxlag peer")
    ap.add_argument("--only", default="batch,dtype,out,maxlag",
                    help="comma-separated rows to run (batch, dtype, out, maxlag)")
    ap.add_argument("--clock", choices=("wall", "process"), default="wall",
                    help="process: CPU seconds of this process (time.process_time), "
                         "less disturbed by a loaded machine (rows on one thread only)")
    opts = ap.parse_args(argv)
    global CLOCK
    CLOCK = process_time if opts.clock == "process" else perf_counter
    only = set(opts.only.split(","))
    if not only <= {"batch", "dtype", "out", "maxlag"}:
        ap.error(f"--only: unknown rows {sorted(only - {'batch', 'dtype', 'out', 'maxlag'})}")
    w = {"workers": 1}
    rows = []
    # (each row its own data, whichever rows run)
    image = np.random.default_rng(1).standard_normal((2048, 2048)).astype(np.float32)
    if "batch" in only:
        _batch_rows(rows, np.random.default_rng(0), image, w, opts)
    if "dtype" in only:
        _dtype_rows(rows, np.random.default_rng(2), w, opts)
    if "out" in only:
        _out_rows(rows, image, w, opts)
    if "maxlag" in only:
        _maxlag_rows(rows, np.random.default_rng(3), w, opts)
    return _print(rows)


def _batch_rows(rows, rng, image, w, opts):
    batch = rng.standard_normal((64, 256, 256)).astype(np.float32)
    k3 = rng.standard_normal((1, 5, 5)).astype(np.float32)
    t = interleaved({
        "batch": lambda: fastconv.convolve(batch, k3, "same", method="direct", axes=(1, 2), **w),
        "image": lambda: fastconv.convolve2d(image, k3[0], "same", **w),
    }, opts.repeats)
    rows.append(("batch 64x256^2 f32 5x5 axes=(1,2)", t["batch"], gflops(batch.size, 25, t["batch"]),
                 f"{t['image'] / t['batch']:.2f} of one 2048^2 image's throughput"
                 f" ({t['image'] * 1e3:.2f} ms)", t["image"] / t["batch"] >= 0.9))



def _dtype_rows(rows, rng, w, opts):
    img8 = rng.integers(0, 256, (2048, 2048), dtype=np.uint8)
    k8 = rng.integers(0, 256, (5, 5), dtype=np.uint8)
    t = interleaved({
        "int32": lambda: fastconv.convolve2d(img8, k8, "same", dtype=np.int32, **w),
        "uint8": lambda: fastconv.convolve2d(img8, k8, "same", **w),
        "float32": lambda: fastconv.convolve2d(img8, k8, "same", dtype=np.float32, **w),
    }, opts.repeats)
    rows.append(("2048^2 u8 5x5 dtype=int32", t["int32"], gflops(img8.size, 25, t["int32"]),
                 f"wrapping uint8 / int32 = {t['uint8'] / t['int32']:.2f}"
                 f" ({t['uint8'] * 1e3:.2f} ms)", t["uint8"] / t["int32"] >= 1.0))
    rows.append(("2048^2 u8 5x5 dtype=float32", t["float32"], gflops(img8.size, 25, t["float32"]),
                 f"wrapping uint8 / float32 = {t['uint8'] / t['float32']:.2f}", None))



def _out_rows(rows, image, w, opts):
    out = np.empty_like(image)
    k2 = np.random.default_rng(4).standard_normal((5, 5)).astype(np.float32)

    def loop_out():
        for _ in range(100):
            fastconv.convolve2d(image, k2, "same", out=out, **w)

    def loop_alloc():
        for _ in range(100):
            fastconv.convolve2d(image, k2, "same", **w)

    t = interleaved({"out": loop_out, "alloc": loop_alloc}, max(3, opts.repeats // 5))
    rows.append(("100 x 2048^2 f32 5x5 out=", t["out"] / 100, gflops(image.size, 25, t["out"] / 100),
                 f"allocating / out= = {t['alloc'] / t['out']:.2f}", None))

    # out= at a 64-byte boundary and 16 bytes past one (where NumPy's
    # allocator puts large arrays), against fastconv's own output
    def at(offset):
        raw = np.empty(image.size + 64, np.float32)
        b = (-raw.ctypes.data % 64 + offset) // 4
        return raw[b:b + image.size].reshape(image.shape)
    outs = {off: at(off) for off in (0, 16)}
    t = interleaved({
        **{off: (lambda o=o: fastconv.convolve2d(image, k2, "same", out=o, **w))
           for off, o in outs.items()},
        "own": lambda: fastconv.convolve2d(image, k2, "same", **w),
    }, opts.repeats)
    rows.append(("2048^2 f32 5x5 out= 16 B past 64", t[16], gflops(image.size, 25, t[16]),
                 f"64-byte aligned out= / this = {t[0] / t[16]:.2f} ({t[0] * 1e3:.2f} ms;"
                 f" own output {t['own'] * 1e3:.2f} ms)", None))



def _maxlag_rows(rows, rng, w, opts):
    a = rng.standard_normal(10**6)
    b = rng.standard_normal(10**6)
    calls = {"maxlag": lambda: fastconv.correlate(a, b, maxlag=100, **w),
             "maxlag2": lambda: fastconv.correlate(a, b, maxlag=100, workers=2)}
    if not opts.no_scipy:
        import scipy.signal as ss
        calls["scipy"] = lambda: ss.correlate(a, b)
    t = interleaved(calls, max(3, opts.repeats // 3))
    note = (f"scipy.signal.correlate (all lags) / maxlag = {t['scipy'] / t['maxlag']:.1f}"
            f" ({t['scipy'] * 1e3:.1f} ms)" if "scipy" in t else "")
    rows.append(("1e6 x 1e6 f64 correlate maxlag=100", t["maxlag"],
                 gflops(201, 10**6, t["maxlag"]), note,
                 t["scipy"] / t["maxlag"] >= 20 if "scipy" in t else None))
    note = (f"scipy.signal.correlate (all lags) / maxlag = {t['scipy'] / t['maxlag2']:.1f}"
            if "scipy" in t else "")
    rows.append(("  the same, workers=2", t["maxlag2"], gflops(201, 10**6, t["maxlag2"]),
                 note, t["scipy"] / t["maxlag2"] >= 20 if "scipy" in t else None))


def _print(rows):
    print(f"{'row':40s} {'ms':>9s} {'GF/s':>7s}  ratio")
    for name, s, gf, note, ok in rows:
        flag = "" if ok is None else ("  [target met]" if ok else "  [target MISSED]")
        print(f"{name:40s} {s * 1e3:9.3f} {gf:7.1f}  {note}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
