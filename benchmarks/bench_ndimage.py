#!/usr/bin/env python
"""fastconv.ndimage against scipy.ndimage and OpenCV (issue 12's targets).

Every row is measured in this one run, interleaved (medians of rounds that
alternate the compared calls), on one thread (fastconv.set_workers(1),
cv2.setNumThreads(1)) unless the row says workers=2.

    PYTHONPATH=src python benchmarks/bench_ndimage.py [--repeats N] [--size N] [--only TEXT]
        [--clock process]

Rows (2048^2 unless said):
* gaussian_filter, sigma 1, 2, 4, 8, float32 and uint8, mode 'reflect',
  against scipy.ndimage.gaussian_filter and cv2.GaussianBlur with the same
  kernel size (2 * int(4 sigma + 0.5) + 1) and BORDER_REFLECT (= ndimage's
  'reflect'); targets >= 10x scipy, >= 1.2x cv2.
* uniform_filter, size 3, 15, 63, float32, against scipy and cv2.blur
  (BORDER_REFLECT); targets >= 1.2x cv2, the 63 row within 1.5x of the 3 row.
* correlate1d, 9 taps, on a 512 x 512 x 64 float32 volume along each axis,
  against scipy; target >= 10x.
* gaussian_filter float32 with workers=2 against workers=1; target >= 1.7x;
  with the quartiles of the per-round ratios (a round's two calls run
  seconds apart at most: the spread shows how often the second CPU was
  busy elsewhere).
  After these rows: numpy's float32 matrix product 1024^3 on 2 BLAS threads
  against 1 (threadpoolctl), what this machine's second CPU gives
  compute-bound code in the same minutes (not in the same rounds: OpenBLAS's
  threads spin on after each product and take the CPU that fastconv's
  second thread needs).
GFLOP/s counts 2 x outputs x taps of the separable passes.
"""
import argparse
import statistics
from time import perf_counter, process_time

import numpy as np
import scipy.ndimage as sndi

import fastconv
import fastconv.ndimage as fndi
import bench_options   # (this directory: medians of interleaved rounds)
from bench_options import interleaved, interleaved_samples, quartiles

try:
    import cv2
except ImportError:     # the cv2 columns are left empty
    cv2 = None


def _one_thread(fn, workers=1):
    def call():
        with fastconv.set_workers(workers):
            return fn()
    return call


def _wanted(label, opts):
    return opts.only in label


def _row(label, t, flops):
    ms = {k: v * 1e3 for k, v in t.items()}
    fc = ms["fastconv"]
    cols = [f"{label:<34}", f"fastconv {fc:8.2f} ms", f"{flops / t['fastconv'] / 1e9:6.1f} GF/s"]
    for peer in ("scipy", "cv2", "workers=1"):
        if peer in ms:
            cols.append(f"{peer} {ms[peer]:8.2f} ms ({ms[peer] / fc:5.2f}x)")
    print("  ".join(cols), flush=True)
    return ms


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--skip-scipy", action="store_true", help="no scipy columns (faster)")
    ap.add_argument("--only", default="",
                    help="run only the rows whose label contains this text "
                         "(e.g. 'gaussian_filter uint8')")
    ap.add_argument("--clock", choices=("wall", "process"), default="wall",
                    help="process: CPU seconds of this process (time.process_time), "
                         "less disturbed by a loaded machine (one-thread rows only)")
    opts = ap.parse_args(argv)
    bench_options.CLOCK = process_time if opts.clock == "process" else perf_counter
    if cv2 is not None:
        cv2.setNumThreads(1)
    rng = np.random.default_rng(0)
    n = opts.size
    images = {"float32": rng.random((n, n), dtype=np.float32),
              "uint8": rng.integers(0, 256, (n, n), dtype=np.uint8)}
    print(f"fastconv {fastconv.__version__}; {n}x{n}; one thread; medians of "
          f"{opts.repeats} interleaved rounds; {opts.clock} clock")

    for dt, img in images.items():
        for sigma in (1, 2, 4, 8):
            r = int(4.0 * sigma + 0.5)
            if not _wanted(f"gaussian_filter {dt} sigma={sigma}", opts):
                continue
            calls = {"fastconv": _one_thread(lambda: fndi.gaussian_filter(img, sigma))}
            if not opts.skip_scipy:
                calls["scipy"] = lambda: sndi.gaussian_filter(img, sigma)
            if cv2 is not None:
                calls["cv2"] = lambda: cv2.GaussianBlur(img, (2 * r + 1, 2 * r + 1), sigma,
                                                        borderType=cv2.BORDER_REFLECT)
            _row(f"gaussian_filter {dt} sigma={sigma}", interleaved(calls, opts.repeats),
                 2.0 * img.size * 2 * (2 * r + 1))

    img = images["float32"]
    for size in (3, 15, 63):
        if not _wanted(f"uniform_filter float32 size={size}", opts):
            continue
        calls = {"fastconv": _one_thread(lambda: fndi.uniform_filter(img, size))}
        if not opts.skip_scipy:
            calls["scipy"] = lambda: sndi.uniform_filter(img, size)
        if cv2 is not None:
            calls["cv2"] = lambda: cv2.blur(img, (size, size), borderType=cv2.BORDER_REFLECT)
        _row(f"uniform_filter float32 size={size}", interleaved(calls, opts.repeats),
             2.0 * img.size * 2 * size)

    vol = rng.random((512, 512, 64), dtype=np.float32)
    w9 = rng.random(9)
    for axis in range(3):
        if not _wanted(f"correlate1d 512x512x64 f32 axis={axis}", opts):
            continue
        calls = {"fastconv": _one_thread(lambda: fndi.correlate1d(vol, w9, axis=axis))}
        if not opts.skip_scipy:
            calls["scipy"] = lambda: sndi.correlate1d(vol, w9, axis=axis)
        _row(f"correlate1d 512x512x64 f32 axis={axis}", interleaved(calls, opts.repeats),
             2.0 * vol.size * 9)

    w2 = False
    for sigma in (1, 2, 4, 8):
        r = int(4.0 * sigma + 0.5)
        if not _wanted(f"gaussian_filter float32 sigma={sigma} workers=2", opts):
            continue
        w2 = True
        calls = {"fastconv": _one_thread(lambda: fndi.gaussian_filter(img, sigma), 2),
                 "workers=1": _one_thread(lambda: fndi.gaussian_filter(img, sigma), 1)}
        s = interleaved_samples(calls, opts.repeats)
        _row(f"gaussian_filter float32 sigma={sigma} workers=2",
             {k: statistics.median(v) for k, v in s.items()}, 2.0 * img.size * 2 * (2 * r + 1))
        q1, med, q3 = quartiles([a / b for a, b in zip(s["workers=1"], s["fastconv"])])
        print(f"{'':<34}  per round w1/w2: median {med:.2f}x, quartiles {q1:.2f} - {q3:.2f}x "
              f"({len(s['fastconv'])} rounds)", flush=True)
    if w2:
        mm = np.random.default_rng(3).random((1024, 1024), dtype=np.float32)
        t = interleaved({2: _blas_threads(lambda: mm @ mm, 2),
                         1: _blas_threads(lambda: mm @ mm, 1)}, opts.repeats)
        print(f"(numpy matmul 1024^3 float32 right after: 2 BLAS threads against 1 "
              f"{t[1] * 1e3:.1f} / {t[2] * 1e3:.1f} ms = {t[1] / t[2]:.2f}x)", flush=True)


def _blas_threads(fn, n):
    from threadpoolctl import threadpool_limits

    def call():
        with threadpool_limits(n):
            return fn()
    return call


if __name__ == "__main__":
    main()
