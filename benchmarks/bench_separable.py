#!/usr/bin/env python
"""Separable kernels and running-sum box filters against OpenCV and
scipy.ndimage (issue 12's speed targets).  Ratios are measured in this one
run, interleaved (medians of rounds that alternate the compared calls), on
one thread unless a row says otherwise, 2048^2 images.

    PYTHONPATH=src python benchmarks/bench_separable.py [--repeats N] [--quick]

Rows (ratio = peer time / fastconv time; > 1: fastconv faster):
* sep31: a 31x31 float32 outer-product kernel in ``convolve2d`` (found by
  the detection), 'same', zero fill; against the dense direct path of the
  same plan (target >= 8x) and ``cv2.sepFilter2D`` (BORDER_CONSTANT,
  target >= 1.2x).
* gauss: scipy.ndimage's Gaussian kernel (sigma 1, 2, 4, 8, truncate 4.0)
  as ``sepcorrelate(x, [g, g], 'same', boundary='symm')`` (= ndimage
  'reflect' = cv2 BORDER_REFLECT), float32 (float32 work) and uint8
  (float64 work, ``dtype=np.float64``, ndimage's accumulation); against
  ``cv2.sepFilter2D`` with the same 1-D kernel, ``cv2.GaussianBlur`` (its
  own kernel of the same sigma and size), ``scipy.ndimage.gaussian_filter``
  (targets >= 1.2x cv2, >= 10x ndimage), and workers=2 over workers=1
  (target >= 1.7x).
* box: size 3, 15, 63 float32 (running sums), 'symm'; against
  ``cv2.blur`` (BORDER_REFLECT; target >= 1.2x) and the 63 row over the 3
  row (target <= 1.5).
* pass1d: a 9-tap 1-D pass along each axis of a 512x512x64 float32
  volume, ``sepcorrelate(..., axes=a)`` against
  ``scipy.ndimage.correlate1d`` (mode 'reflect'; target >= 10x).
GFLOP/s count 2 x outputs x taps of the passes actually run.
"""
import argparse
import sys

import numpy as np
from bench_options import interleaved   # (this directory)

import fastconv
from fastconv._execute import execute
from fastconv._plan import make_plan, with_method


def gaussian_kernel(sigma, truncate=4.0):
    """scipy.ndimage's 1-D Gaussian (order 0): radius int(truncate*sigma+0.5)."""
    r = int(truncate * float(sigma) + 0.5)
    x = np.arange(-r, r + 1)
    phi = np.exp(-0.5 / sigma ** 2 * x ** 2)
    return phi / phi.sum()


def show(row, times, ref, outputs, taps):
    t = times[ref]
    parts = [f"{row:<26s} fastconv {t * 1e3:8.2f} ms {2 * outputs * taps / t / 1e9:6.1f} GFLOP/s"]
    for name, s in times.items():
        if name == "fastconv w2":   # speed-up of two threads over one
            parts.append(f"w2 {s * 1e3:8.2f} ms (w1/w2 {t / s:5.2f}x)")
        elif name != ref:
            parts.append(f"{name} {s * 1e3:8.2f} ms ({s / t:5.2f}x)")
    print(" | ".join(parts))
    sys.stdout.flush()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=11)
    ap.add_argument("--quick", action="store_true", help="fewer rows")
    opts = ap.parse_args(argv)
    import cv2
    import scipy.ndimage as ndi
    cv2.setNumThreads(1)
    R = opts.repeats
    rng = np.random.default_rng(0)
    img = rng.random((2048, 2048), dtype=np.float32)
    img8 = rng.integers(0, 256, (2048, 2048), dtype=np.uint8)
    n = img.size

    # sep31: detection in convolve2d
    g = gaussian_kernel(5.0)[:31].astype(np.float32)
    k31 = np.outer(g, g).astype(np.float32)
    plan = make_plan("convolve2d", img, k31, "same", "direct", workers=1)
    dense = with_method(plan, "direct")
    print(f"sep31: detected method {plan.method!r}")
    times = interleaved({
        "fastconv": lambda: fastconv.convolve2d(img, k31, "same", workers=1),
        "dense direct": lambda: execute(dense),
        "cv2.sepFilter2D": lambda: cv2.sepFilter2D(img, -1, g[::-1], g[::-1],
                                                   borderType=cv2.BORDER_CONSTANT),
    }, max(3, R // 3))
    show("sep31 convolve2d f32", times, "fastconv", n, 62)

    for dt, name in ((np.float32, "f32"), (np.uint8, "u8")):
        x = img if dt == np.float32 else img8
        kw = {} if dt == np.float32 else {"dtype": np.float64}
        for sigma in ((1, 4) if opts.quick else (1, 2, 4, 8)):
            gk = gaussian_kernel(sigma)
            g32 = gk.astype(np.float32)
            gx = g32 if dt == np.float32 else gk
            m = gk.size
            times = interleaved({
                "fastconv": lambda: fastconv.sepcorrelate(x, [gx, gx], "same", boundary="symm",
                                                          workers=1, **kw),
                "fastconv w2": lambda: fastconv.sepcorrelate(x, [gx, gx], "same",
                                                             boundary="symm", workers=2, **kw),
                "cv2.sepFilter2D": lambda: cv2.sepFilter2D(x, -1, g32, g32,
                                                           borderType=cv2.BORDER_REFLECT),
                "cv2.GaussianBlur": lambda: cv2.GaussianBlur(x, (m, m), sigma,
                                                             borderType=cv2.BORDER_REFLECT),
                "ndimage": lambda: ndi.gaussian_filter(x, sigma, mode="reflect"),
            }, R)
            show(f"gauss s={sigma} {name} ({m} taps)", times, "fastconv", n, 2 * m)

    box = {}
    for m in (3, 15, 63):
        w = np.full(m, 1.0 / m, np.float32)
        times = interleaved({
            "fastconv": lambda: fastconv.sepcorrelate(img, [w, w], "same", boundary="symm",
                                                      workers=1),
            "cv2.blur": lambda: cv2.blur(img, (m, m), borderType=cv2.BORDER_REFLECT),
        }, R)
        box[m] = times["fastconv"]
        show(f"box {m} f32", times, "fastconv", n, 2 * m)
    print(f"box 63 / box 3 time: {box[63] / box[3]:.2f}")

    vol = rng.random((512, 512, 64), dtype=np.float32)
    w9 = rng.random(9).astype(np.float32)
    for a in range(3):
        times = interleaved({
            "fastconv": lambda: fastconv.sepcorrelate(vol, [w9], "same", axes=a, boundary="symm",
                                                      workers=1),
            "ndimage.correlate1d": lambda: ndi.correlate1d(vol, w9, axis=a, mode="reflect"),
        }, max(3, R // 2))
        show(f"pass1d axis {a} 512x512x64", times, "fastconv", vol.size, 9)


if __name__ == "__main__":
    main()
