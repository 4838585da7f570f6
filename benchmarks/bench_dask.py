#!/usr/bin/env python
"""fastconv.dask against dask_image.ndfilters.convolve on a LocalCluster, and
1 worker against 2 workers.  Ratios are measured in this one run,
interleaved (medians of rounds that alternate the compared calls).

    PYTHONPATH=src python benchmarks/bench_dask.py [--size 16384] [--chunk 2048] [--repeats 5]
        [--ndimage]

The row of issue 14: a 16384^2 float32 array in 2048^2 chunks, a 7x7 kernel,
'same' with the symmetric boundary (fastconv 'symm' is scipy.ndimage's
'reflect', dask-image's default mode).  With --ndimage, a row for a
filter too: fastconv.dask.ndimage.gaussian_filter (sigma 2) against
dask_image.ndfilters.gaussian_filter on the same array and cluster.

What is timed, and why it can scale on 2 cores:

* the input is generated lazily on the workers (a seeded float32 random
  block per chunk, see `random_blocks`), so the client ships no data;
* each call times ``.sum().compute()`` of the result: the reduction runs on
  the workers and only a scalar comes back (not the 1 GiB result);
* worker processes with ``threads_per_worker=1`` (no GIL sharing, one task
  per core) and one thread per fastconv task;
* every call is run once untimed first (imports, worker caches, the
  scheduler's first-graph costs), then the rounds alternate the calls.

Besides the wall time (client submit to result) it reports the *span*: first
task start to last task end on the workers (the scheduler's task stream),
which leaves out the client's graph shipping; "busy" is the workers' summed
task time.  On a loaded machine (other jobs on the same cores) the 1-vs-2
worker ratio measures the load more than fastconv: quote `uptime` with it.

Two clusters run side by side (processes, threads_per_worker=1): 2 workers
and 1 worker.  Targets: fastconv >= 5x dask-image on 2 workers; fastconv on
2 workers >= 1.6x on 1 worker.
"""
import argparse
import statistics
import sys
from time import perf_counter

import numpy as np


def random_blocks(size, chunk, seed=0):
    """A lazy size^2 float32 array: each block from its own seeded generator
    (random columns of an eighth of the block, tiled: the generator would
    otherwise cost more than a 7x7 convolution of the block)."""
    import dask.array as da

    def gen(block_info=None):
        info = block_info[None]
        loc = info["chunk-location"]
        rng = np.random.default_rng([seed, *loc])
        rows, cols = info["chunk-shape"]
        part = rng.random((rows, -(-cols // 8)), dtype=np.float32)
        return np.tile(part, (1, 8))[:, :cols]

    n = -(-size // chunk)
    chunks = tuple(tuple(min(chunk, size - i * chunk) for i in range(n)) for _ in range(2))
    return da.map_blocks(gen, chunks=chunks, dtype=np.float32,
                         meta=np.empty((0, 0), np.float32))


def interleaved(calls, repeats):
    """name -> (median wall seconds, median span, median busy), results:
    over `repeats` alternating rounds, after one untimed call each.
    `calls`: name -> (client, fn)."""
    from distributed import get_task_stream

    samples = {n: [] for n in calls}
    results = {}
    for name, (client, fn) in calls.items():       # warm-up
        results[name] = fn()
    for _ in range(repeats):
        for name, (client, fn) in calls.items():
            with get_task_stream(client=client) as ts:
                t0 = perf_counter()
                fn()
                wall = perf_counter() - t0
            computes = [ss for rec in ts.data for ss in rec["startstops"]
                        if ss["action"] == "compute"]
            span = (max(c["stop"] for c in computes) - min(c["start"] for c in computes)
                    if computes else float("nan"))
            busy = sum(c["stop"] - c["start"] for c in computes)
            samples[name].append((wall, span, busy))
    return {n: tuple(statistics.median(v[i] for v in s) for i in range(3))
            for n, s in samples.items()}, results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--size", type=int, default=16384)
    ap.add_argument("--chunk", type=int, default=2048)
    ap.add_argument("--ksize", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--ndimage", action="store_true",
                    help="also gaussian_filter (sigma 2) against dask-image's")
    ap.add_argument("--sigma", type=float, default=2.0)
    opts = ap.parse_args(argv)

    import dask_image.ndfilters
    from distributed import Client, LocalCluster

    import fastconv.dask
    import fastconv.dask.ndimage

    k = np.random.default_rng(1).random((opts.ksize, opts.ksize)).astype(np.float32)
    x = random_blocks(opts.size, opts.chunk)
    graphs = {
        "fastconv": fastconv.dask.convolve(x, k, "same", boundary="symm").sum(),
        "dask-image": dask_image.ndfilters.convolve(x, k, mode="reflect").sum(),
        "generate": x.sum(),
    }
    if opts.ndimage:
        graphs["fastconv gauss"] = fastconv.dask.ndimage.gaussian_filter(x, opts.sigma).sum()
        graphs["dask-image gauss"] = dask_image.ndfilters.gaussian_filter(x, opts.sigma).sum()
    kw = dict(processes=True, threads_per_worker=1, dashboard_address=":0",
              memory_limit="4GiB")
    with LocalCluster(n_workers=2, **kw) as c2, LocalCluster(n_workers=1, **kw) as c1, \
            Client(c2, set_as_default=False) as two, Client(c1, set_as_default=False) as one:
        calls = {f"{name}, 2 workers": (two, lambda g=g: two.compute(g).result())
                 for name, g in graphs.items()}
        for name in ["fastconv", "generate"] + (["fastconv gauss"] if opts.ndimage else []):
            calls[f"{name}, 1 worker"] = (one, lambda g=graphs[name]: one.compute(g).result())
        times, results = interleaved(calls, opts.repeats)

    outputs, taps = opts.size ** 2, opts.ksize ** 2
    radius = int(4.0 * opts.sigma + 0.5)

    def agree(a, b):
        return abs(results[a] - results[b]) / abs(results[b])
    rel = agree("fastconv, 2 workers", "dask-image, 2 workers")
    print(f"{opts.size}^2 float32 in {opts.chunk}^2 chunks, {opts.ksize}x{opts.ksize} 'same', "
          f"symmetric boundary; LocalCluster processes, threads_per_worker=1; "
          f"medians of {opts.repeats} interleaved rounds; sums agree to {rel:.1e}")
    if opts.ndimage:
        rel_g = agree("fastconv gauss, 2 workers", "dask-image gauss, 2 workers")
        print(f"gaussian_filter sigma {opts.sigma} (radius {radius}, 'reflect'); "
              f"sums agree to {rel_g:.1e}")
    print(f"{'row':<28} {'wall ms':>9} {'GFLOP/s':>8} {'net ms':>9} {'span ms':>9} "
          f"{'busy ms':>9}")
    for name, (t, span, busy) in times.items():
        workers = name.split(", ")[1]
        net = t - times[f"generate, {workers}"][0]
        flops = 2.0 * outputs * (2 * (2 * radius + 1) if "gauss" in name else taps)
        gf = flops / t / 1e9 if not name.startswith("generate") else float("nan")
        print(f"{name:<28} {t * 1e3:9.1f} {gf:8.2f} {net * 1e3:9.1f} {span * 1e3:9.1f} "
              f"{busy * 1e3:9.1f}")

    def ratio(a, b, i=0):
        return times[a][i] / times[b][i]
    print(f"fastconv.dask / dask-image (2 workers): "
          f"{ratio('dask-image, 2 workers', 'fastconv, 2 workers'):.2f}x (target >= 5)")
    print(f"fastconv.dask 2 workers / 1 worker:     "
          f"{ratio('fastconv, 1 worker', 'fastconv, 2 workers'):.2f}x wall, "
          f"{ratio('fastconv, 1 worker', 'fastconv, 2 workers', 1):.2f}x span "
          f"(target >= 1.6)")
    ok = rel < 1e-3
    if opts.ndimage:
        print(f"fastconv.dask.ndimage.gaussian_filter / dask-image (2 workers): "
              f"{ratio('dask-image gauss, 2 workers', 'fastconv gauss, 2 workers'):.2f}x; "
              f"2 workers / 1 worker: "
              f"{ratio('fastconv gauss, 1 worker', 'fastconv gauss, 2 workers'):.2f}x wall, "
              f"{ratio('fastconv gauss, 1 worker', 'fastconv gauss, 2 workers', 1):.2f}x span")
        ok = ok and rel_g < 1e-3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
