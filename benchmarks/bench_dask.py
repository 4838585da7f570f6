#!/usr/bin/env python
"""fastconv.dask against dask_image.ndfilters.convolve on a LocalCluster, and
1 worker against 2 workers.  Ratios are measured in this one run,
interleaved (medians of rounds that alternate the compared calls).

    PYTHONPATH=src python benchmarks/bench_dask.py [--size 16384] [--chunk 2048] [--repeats 5]

The row of issue 14: a 16384^2 float32 array in 2048^2 chunks, a 7x7 kernel,
'same' with the symmetric boundary (fastconv 'symm' is scipy.ndimage's
'reflect', dask-image's default mode).  The input is generated lazily on the
workers (a seeded float32 random block per chunk, see `random_blocks`), so the client ships no
data; each call times ``.sum().compute()`` of the result.  The same graph
without the convolution (generate + sum) is timed as well, so the rows also
give the convolution's own share.

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
    """name -> (median seconds, results) over `repeats` alternating rounds."""
    samples = {n: [] for n in calls}
    results = {}
    for name, fn in calls.items():       # warm-up (imports, worker caches)
        results[name] = fn()
    for _ in range(repeats):
        for name, fn in calls.items():
            t0 = perf_counter()
            fn()
            samples[name].append(perf_counter() - t0)
    return {n: statistics.median(s) for n, s in samples.items()}, results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=16384)
    ap.add_argument("--chunk", type=int, default=2048)
    ap.add_argument("--ksize", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=5)
    opts = ap.parse_args(argv)

    import dask_image.ndfilters
    from distributed import Client, LocalCluster

    import fastconv.dask

    k = np.random.default_rng(1).random((opts.ksize, opts.ksize)).astype(np.float32)
    x = random_blocks(opts.size, opts.chunk)
    graphs = {
        "fastconv": fastconv.dask.convolve(x, k, "same", boundary="symm").sum(),
        "dask-image": dask_image.ndfilters.convolve(x, k, mode="reflect").sum(),
        "generate": x.sum(),
    }
    kw = dict(processes=True, threads_per_worker=1, dashboard_address=":0",
              memory_limit="4GiB")
    with LocalCluster(n_workers=2, **kw) as c2, LocalCluster(n_workers=1, **kw) as c1, \
            Client(c2, set_as_default=False) as two, Client(c1, set_as_default=False) as one:
        calls = {f"{name}, 2 workers": (lambda g=g: two.compute(g).result())
                 for name, g in graphs.items()}
        calls["fastconv, 1 worker"] = lambda: one.compute(graphs["fastconv"]).result()
        calls["generate, 1 worker"] = lambda: one.compute(graphs["generate"]).result()
        times, results = interleaved(calls, opts.repeats)

    outputs, taps = opts.size ** 2, opts.ksize ** 2
    rel = abs(results["fastconv, 2 workers"] - results["dask-image, 2 workers"])
    rel /= abs(results["dask-image, 2 workers"])
    print(f"{opts.size}^2 float32 in {opts.chunk}^2 chunks, {opts.ksize}x{opts.ksize} 'same', "
          f"symmetric boundary; LocalCluster processes, threads_per_worker=1; "
          f"medians of {opts.repeats} interleaved rounds; sums agree to {rel:.1e}")
    print(f"{'row':<24} {'ms':>9} {'GFLOP/s':>8} {'conv ms':>9}")
    for name, t in times.items():
        workers = name.split(", ")[1]
        net = t - times[f"generate, {workers}"]
        gf = 2.0 * outputs * taps / t / 1e9 if not name.startswith("generate") else float("nan")
        print(f"{name:<24} {t * 1e3:9.1f} {gf:8.2f} {net * 1e3:9.1f}")
    speedup = times["dask-image, 2 workers"] / times["fastconv, 2 workers"]
    scaling = times["fastconv, 1 worker"] / times["fastconv, 2 workers"]
    print(f"fastconv.dask / dask-image (2 workers): {speedup:.2f}x (target >= 5)")
    print(f"fastconv.dask 2 workers / 1 worker:     {scaling:.2f}x (target >= 1.6)")
    return 0 if rel < 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
