"""A reusable kernel plan against one-shot calls (issue 11, deliverable 2).

100 different 2048x2048 float32 images, one 31x31 kernel, mode 'same',
workers=1 (default: change with --workers, --images, --size, --ksize).
Prints ms per image for

- one-shot ``fastconv.convolve(img, k, 'same')`` (default method),
- one-shot with ``method=<the plan's method>``,
- ``plan(img)`` and ``plan(img, out=buf)`` for the default plan
  (planner='estimate': the engine's tiles, one-shot bits) and for
  ``planner='measure'`` (tiles timed at plan time),

interleaved image by image in one process, as CPU time of the process
(time.process_time: the machine is shared, wall time can be twice it) and
wall time; medians are what to read.  Prints the ratios, which method each
'auto' picked and the tiles.  Target: one-shot default / plan >= 1.3.

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

    t0 = time.process_time()
    plan = fastconv.ConvPlan(k, shape, np.float32, "same", workers=w)
    t_make = time.process_time() - t0
    t0 = time.process_time()
    measured = fastconv.ConvPlan(k, shape, np.float32, "same", workers=w, planner="measure")
    t_measure = time.process_time() - t0
    one_shot_method = make_plan("convolve", base, k, "same", workers=w).method
    buf = np.empty(shape, np.float32)

    calls = {
        f"one-shot convolve (auto -> {one_shot_method})":
            lambda x: fastconv.convolve(x, k, "same", workers=w),
        f"one-shot convolve (method={plan.method!r})":
            lambda x: fastconv.convolve(x, k, "same", method=plan.method, workers=w),
        "plan(img)": lambda x: plan(x),
        "plan(img, out=buf)": lambda x: plan(x, out=buf),
        "measured plan(img)": lambda x: measured(x),
        "measured plan(img, out=buf)": lambda x: measured(x, out=buf),
    }
    cpu = {name: [] for name in calls}
    wall = {name: [] for name in calls}
    for i in range(a.images):
        img = base + np.float32(i)          # a different image each time
        for name, f in calls.items():
            c, t = time.process_time(), time.perf_counter()
            f(img)
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)

    print(f"{a.images} images {shape} float32, kernel {k.shape}, 'same', workers={w}")
    print(f"plan: {plan!r}, tiles {plan.tiles}; made in {1e3 * t_make:.0f} ms CPU")
    print(f"planner='measure': tiles {measured.tiles}; made in {1e3 * t_measure:.0f} ms CPU")
    names = list(calls)
    med = {}
    for what, times in (("CPU", cpu), ("wall", wall)):
        med[what] = {name: 1e3 * float(np.median(v)) for name, v in times.items()}
        print(f"{what} time, ms/image (median; mean):")
        for name, ms in med[what].items():
            print(f"  {name:45s} {ms:8.1f} ({1e3 * float(np.mean(times[name])):.1f})")
    for i, name in enumerate(names[2:], 2):
        print(f"ratio one-shot default / {name + ':':30s}" + "".join(
            f" {med[w][names[0]] / med[w][name]:.2f}x {w}" for w in med))
    print(f"ratio one-shot same method / plan(img):       " + "".join(
        f" {med[w][names[1]] / med[w][names[2]]:.2f}x {w}" for w in med))


if __name__ == "__main__":
    main()
