"""Fixed cost of a call on tiny problems: fastconv against scipy.signal.

A user must never get a slower answer by switching from scipy (issue 11,
item 4).  On tiny arrays the arithmetic is nothing and a call costs its
argument checks, its plan and its dispatch: this times, per call,

    fastconv.<f>(a, k)   against   scipy.signal.<f>(a, k)

for f in convolve, correlate, convolve2d (2-D cases), fftconvolve,
oaconvolve and choose_conv_method, with default arguments (mode='full',
method='auto'), on tiny geometries (1-D 100 x 5 taps, 1000 x 31; 2-D
16^2 x 3^2, 64^2 x 5^2; 3-D 8^3 x 3^3) and dtypes float32, float64, int16,
uint8, complex64.  Each row alternates batches of fastconv calls and scipy
calls (each batch ~2 ms) and reports the medians of the batch means, in
microseconds per call, and their ratio fastconv / scipy (below 1: fastconv
is faster).  Threads: fastconv's default, or --workers N (fastconv's
one-thread rule runs most of these on one thread anyway; the process clock
counts every thread's time, so rows that start threads look dearer by it).

    PYTHONPATH=src python benchmarks/bench_small.py [--quick] [--clock process|wall]
        [--functions convolve,correlate] [--reps 9] [--workers N] [--json F]

--clock process (default) times by the process's CPU time, which other
processes on a loaded machine disturb much less than wall time; quote the
load average printed at the end with the figures.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

import fastconv

try:
    import scipy.signal as ss
except ImportError:       # (the peer is needed: this compares with it)
    sys.exit("bench_small.py compares with scipy.signal: install scipy")

GEOMETRIES = [((100,), (5,)), ((1000,), (31,)), ((16, 16), (3, 3)), ((64, 64), (5, 5)),
              ((8, 8, 8), (3, 3, 3))]
DTYPES = ["float32", "float64", "int16", "uint8", "complex64"]
FUNCTIONS = ["convolve", "correlate", "convolve2d", "fftconvolve", "oaconvolve",
             "choose_conv_method"]


def _inputs(s1, s2, dtype, rng):
    def make(shape):
        dt = np.dtype(dtype)
        if dt.kind == "c":
            return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)
        if dt.kind in "iu":
            # (small values: scipy's choose_conv_method then may pick its FFT
            # for the larger cases as for floats; fastconv's exactness check
            # passes on its cheapest stage)
            return rng.integers(0, 8, size=shape).astype(dt)
        return rng.standard_normal(shape).astype(dt)
    return make(s1), make(s2)


def _batch_time(f, number, clock):
    t0 = clock()
    for _ in range(number):
        f()
    return (clock() - t0) / number


def time_pair(f_fc, f_sp, clock, reps, batch=2e-3):
    """Medians of interleaved batch means (seconds per call) of two calls."""
    for f in (f_fc, f_sp):      # warm-up (and the first call's caches)
        for _ in range(3):
            f()
    t1 = min(_batch_time(f_fc, 3, time.perf_counter), _batch_time(f_sp, 3, time.perf_counter))
    number = max(1, min(2000, int(batch / max(t1, 1e-7))))
    s_fc, s_sp = [], []
    for r in range(reps):
        order = ((f_fc, s_fc), (f_sp, s_sp)) if r % 2 == 0 else ((f_sp, s_sp), (f_fc, s_fc))
        for f, samples in order:
            samples.append(_batch_time(f, number, clock))
    return statistics.median(s_fc), statistics.median(s_sp)


def cases(functions, quick=False):
    out = []
    for s1, s2 in GEOMETRIES:
        for dtype in DTYPES:
            if quick and dtype not in ("float64", "uint8"):
                continue
            for fn in functions:
                if fn == "convolve2d" and len(s1) != 2:
                    continue
                out.append((s1, s2, dtype, fn))
    return out


def run(functions, clock, reps, quick=False, out=sys.stdout):
    rng = np.random.default_rng(0)
    rows = []
    w = out.write
    w(f"{'shape1':>9s} {'shape2':>7s} {'dtype':>9s} {'function':>18s} "
      f"{'fastconv us':>11s} {'scipy us':>9s} {'ratio':>6s}\n")
    for s1, s2, dtype, fn in cases(functions, quick):
        a, k = _inputs(s1, s2, dtype, rng)
        f_fc = getattr(fastconv, fn)
        f_sp = getattr(ss, fn)
        t_fc, t_sp = time_pair(lambda: f_fc(a, k), lambda: f_sp(a, k), clock, reps)
        ratio = t_fc / t_sp
        rows.append(dict(s1=s1, s2=s2, dtype=dtype, function=fn, fastconv_us=t_fc * 1e6,
                         scipy_us=t_sp * 1e6, ratio=ratio))
        w(f"{'x'.join(map(str, s1)):>9s} {'x'.join(map(str, s2)):>7s} {dtype:>9s} {fn:>18s} "
          f"{t_fc * 1e6:11.1f} {t_sp * 1e6:9.1f} {ratio:6.2f}\n")
        out.flush()
    return rows


def summary(rows, out=sys.stdout):
    w = out.write
    w("\nper function: median and worst ratio fastconv / scipy, rows over 1.0\n")
    for fn in dict.fromkeys(r["function"] for r in rows):
        rs = [r["ratio"] for r in rows if r["function"] == fn]
        w(f"  {fn:>18s}  median {statistics.median(rs):5.2f}  worst {max(rs):5.2f}  "
          f"over 1.0: {sum(x > 1.0 for x in rs)} of {len(rs)}\n")
    worst = max(rows, key=lambda r: r["ratio"])
    w(f"all {len(rows)} rows: median {statistics.median(r['ratio'] for r in rows):.2f}, "
      f"worst {worst['ratio']:.2f} ({worst['function']} "
      f"{'x'.join(map(str, worst['s1']))} * {'x'.join(map(str, worst['s2']))} "
      f"{worst['dtype']}), over 1.0: {sum(r['ratio'] > 1.0 for r in rows)}\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="float64 and uint8 only")
    p.add_argument("--clock", choices=("process", "wall"), default="process")
    p.add_argument("--functions", default=",".join(FUNCTIONS),
                   help="comma-separated subset of " + ",".join(FUNCTIONS))
    p.add_argument("--reps", type=int, default=9, help="batches per call (odd: a true median)")
    p.add_argument("--workers", type=int, default=None,
                   help="fastconv.set_workers(N) around the run (default: fastconv's default)")
    p.add_argument("--json", default="", help="write the rows to this file")
    args = p.parse_args(argv)
    functions = [f for f in args.functions.split(",") if f]
    bad = [f for f in functions if f not in FUNCTIONS]
    if bad:
        p.error(f"unknown functions {bad}")
    clock = time.process_time if args.clock == "process" else time.perf_counter
    t0 = time.time()
    if args.workers is None:
        rows = run(functions, clock, args.reps, args.quick)
    else:
        with fastconv.set_workers(args.workers):
            rows = run(functions, clock, args.reps, args.quick)
    summary(rows)
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {time.time() - t0:.0f} s; "
          f"clock {args.clock}; workers {args.workers or 'default'}; "
          f"fastconv {fastconv.__version__}, scipy "
          f"{__import__('scipy').__version__}, numpy {np.__version__}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(load=load, clock=args.clock, workers=args.workers, rows=rows), f,
                      indent=1)


if __name__ == "__main__":
    main()
