"""Object arrays: fastconv's Python executor against scipy.signal's object path.

Rows (interleaved call by call in one process, medians of --repeats):

- 1-D Python ints (beyond 2**64): ``convolve(a, k)`` for signal length n and
  kernel length m, fastconv vs scipy (numpy's object ``np.convolve``);
- 1-D Fractions, same comparison;
- 2-D ints as objects, ``convolve2d(img, k, 'same', 'symm')``: scipy refuses
  object arrays, so the row compares with the same data as int64 in fastconv
  (the cost of exactness) and reports multiply-adds per second.

    PYTHONPATH=src python benchmarks/bench_objects.py [--repeats 15]
"""
import argparse
import statistics
import time
from fractions import Fraction

import numpy as np
from scipy import signal

import fastconv


def _median_ms(samples):
    return 1e3 * statistics.median(samples)


def _interleave(calls, repeats):
    times = {name: [] for name in calls}
    for _ in range(repeats):
        for name, f in calls.items():
            t = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t)
    return {name: _median_ms(v) for name, v in times.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'case':44s} {'fastconv ms':>12s} {'other ms':>10s} {'other/fc':>9s}  MMAC/s")
    for n, m in [(1000, 16), (10000, 64)]:
        big = np.array([int(v) << 70 for v in rng.integers(-1000, 1000, n)], dtype=object)
        kb = np.array([int(v) << 66 for v in rng.integers(-1000, 1000, m)], dtype=object)
        fr = np.array([Fraction(int(v), 7) for v in rng.integers(-50, 50, n)], dtype=object)
        kf = np.array([Fraction(int(v), 3) for v in rng.integers(-50, 50, m)], dtype=object)
        for label, x, k in [("ints > 2**64", big, kb), ("Fractions", fr, kf)]:
            assert np.array_equal(fastconv.convolve(x, k), signal.convolve(x, k))
            t = _interleave({"fc": lambda: fastconv.convolve(x, k),
                             "scipy": lambda: signal.convolve(x, k)}, a.repeats)
            macs = n * m / 1e6
            print(f"1-D {label} n={n} m={m} vs scipy".ljust(44)
                  + f" {t['fc']:12.2f} {t['scipy']:10.2f} {t['scipy'] / t['fc']:9.2f}"
                  + f"  {macs / (t['fc'] / 1e3):6.2f}")
    img = rng.integers(-100, 100, (128, 128))
    k = rng.integers(-5, 5, (5, 5))
    img_o, k_o = img.astype(object), k.astype(object)
    t = _interleave({"fc": lambda: fastconv.convolve2d(img_o, k_o, "same", "symm"),
                     "int64": lambda: fastconv.convolve2d(img, k, "same", "symm")}, a.repeats)
    assert np.array_equal(fastconv.convolve2d(img_o, k_o, "same", "symm").astype(np.int64),
                          fastconv.convolve2d(img, k, "same", "symm"))
    macs = img.size * k.size / 1e6
    print("2-D objects 128^2 5x5 symm vs fastconv int64".ljust(44)
          + f" {t['fc']:12.2f} {t['int64']:10.3f} {t['int64'] / t['fc']:9.4f}"
          + f"  {macs / (t['fc'] / 1e3):6.2f}")


if __name__ == "__main__":
    main()
