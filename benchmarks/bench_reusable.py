"""A reusable kernel plan against one-shot calls (issue 11, deliverable 2).

100 different 2048x2048 float32 images, one 31x31 kernel, mode 'same',
workers=1 (default: change with --workers, --images, --size, --ksize).
Prints ms per image for

- one-shot ``fastconv.convolve(img, k, 'same')`` (default method),
- one-shot with ``method=<the plan's method>``,
- ``plan(img)`` and ``plan(img, out=buf)``,

interleaved image by image in one process (the machine is shared: the
medians are what to read), the ratios, and which method each 'auto' picked.
Target: one-shot default / plan >= 1.3.

    PYTHONPATH=src python benchmarks/bench_reusable.py
"""
import argparse
import time

import numpy as np

import fastconv
from fastconv._plan import make_plan


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--ksize", type=int, default=31)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()

    rng = np.random.default_rng(0)
    shape = (a.size, a.size)
    k = rng.standard_normal((a.ksize, a.ksize)).astype(np.float32)
    base = rng.standard_normal(shape).astype(np.float32)
    w = a.workers

    t0 = time.perf_counter()
    plan = fastconv.ConvPlan(k, shape, np.float32, "same", workers=w)
    t_make = time.perf_counter() - t0
    one_shot_method = make_plan("convolve", base, k, "same", workers=w).method
    buf = np.empty(shape, np.float32)

    calls = {
        f"one-shot convolve (auto -> {one_shot_method})":
            lambda x: fastconv.convolve(x, k, "same", workers=w),
        f"one-shot convolve (method={plan.method!r})":
            lambda x: fastconv.convolve(x, k, "same", method=plan.method, workers=w),
        "plan(img)": lambda x: plan(x),
        "plan(img, out=buf)": lambda x: plan(x, out=buf),
    }
    times = {name: [] for name in calls}
    for i in range(a.images):
        img = base + np.float32(i)          # a different image each time
        for name, f in calls.items():
            t = time.perf_counter()
            f(img)
            times[name].append(time.perf_counter() - t)

    med = {name: 1e3 * float(np.median(v)) for name, v in times.items()}
    print(f"{a.images} images {shape} float32, kernel {k.shape}, 'same', workers={w}")
    print(f"plan: {plan!r}; made in {1e3 * t_make:.0f} ms")
    for name, ms in med.items():
        print(f"  {name:45s} {ms:8.1f} ms/image (median; mean "
              f"{1e3 * float(np.mean(times[name])):.1f})")
    names = list(med)
    print(f"ratio one-shot default / plan(img):          {med[names[0]] / med[names[2]]:.2f}x")
    print(f"ratio one-shot default / plan(img, out=buf): {med[names[0]] / med[names[3]]:.2f}x")
    print(f"ratio one-shot same method / plan(img):      {med[names[1]] / med[names[2]]:.2f}x")


if __name__ == "__main__":
    main()
