"""Is method='auto' right, and cheap?  (issue 11, deliverable 4)

For each case of a grid (1-D, 2-D, 3-D; about 10^2..10^7 outputs; 1..10^4
taps; float32, float64, complex64, int16, uint8; workers 1 and 2;
full/same/valid) this times ``fastconv.convolve`` with method='direct' and
method='fft' (interleaved, medians), asks what 'auto' picks, and prints

    ratio = (time of the picked method + cost of the choice) / faster time

and the choice's own cost: median time of ``make_plan(..., 'auto')`` minus
``make_plan(..., picked method)`` (process CPU time: the choice runs on the
calling thread), in microseconds and relative to the call.

A method whose predicted time is over 20x the other's and over 1 s is not
timed: it counts as the slower one (marked '>' in the table).  Integer
inputs whose FFT would not be exact (``fft_is_exact_enough``) have no FFT
option: the best is then the direct time (marked 'x').

    PYTHONPATH=src python benchmarks/bench_method_grid.py [--quick] [--json F]
        [--workers 1|2] [--clock wall|process]
    PYTHONPATH=src python benchmarks/bench_method_grid.py --rescore F

--workers keeps the cases of one worker count; --clock process times by
the process's CPU time (time.process_time), which other processes on a
busy machine disturb much less than wall time: use it with --workers 1
only (with 2 threads it adds up both threads' time).

--rescore re-picks with the current model from the times stored in F
(no timing; for comparing models on one set of measurements).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

import fastconv
from fastconv import _method, _plan
from fastconv._method import choose_method, estimate_times, fft_is_exact_enough

DTYPES = ["float32", "float64", "complex64", "int16", "uint8"]
MODES = ["full", "same", "valid"]


def _geometries():
    """(in1 shape, in2 shape): ~10^2..10^7 outputs, 1..10^4 taps."""
    g = []
    for n in (100, 10_000, 1_000_000, 10_000_000):
        for k in (1, 8, 64, 512, 4096, 10_000):
            if k <= n // 2 or k == 1 or (n == 100 and k == 64):
                g.append(((n,), (k,)))
    for n in (10, 100, 300, 1000, 3162):
        for k in (1, 3, 9, 31, 100):
            if k <= n // 2 or k == 1:
                g.append(((n, n), (k, k)))
    for n in (5, 22, 100, 215):
        for k in (1, 3, 9, 21):
            if k <= n // 2 or k == 1:
                g.append(((n, n, n), (k, k, k)))
    return g


def cases(quick=False, only_workers=None):
    """The geometries crossed with dtype, mode and workers, rotated so that
    every geometry gets 4 of the 30 combinations (all dtypes, modes and both
    worker counts appear for each dimensionality)."""
    out = []
    for i, (s1, s2) in enumerate(_geometries()):
        for j in range(4):
            dt = DTYPES[(i + j) % 5]
            mode = MODES[(i + 2 * j) % 3]
            workers = 1 + (i + j) % 2
            if quick and (j % 2 or np.prod(s1) > 2_000_000):
                continue
            if only_workers is not None and workers != only_workers:
                continue
            out.append(dict(s1=list(s1), s2=list(s2), dtype=dt, mode=mode, workers=workers))
    # small problems first (a partial run still covers every dimension)
    return sorted(out, key=lambda c: np.prod(c["s1"]) * np.prod(c["s2"]) ** 0.5)


def _inputs(c, rng):
    def make(shape):
        dt = np.dtype(c["dtype"])
        if dt.kind == "c":
            return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)
        if dt.kind in "iu":
            info = np.iinfo(dt)
            return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dt)
        return rng.standard_normal(shape).astype(dt)
    return make(tuple(c["s1"])), make(tuple(c["s2"]))


CLOCK = time.perf_counter     # --clock process: time.process_time


def _call_time(f, number, clock=None):
    clock = clock or CLOCK
    t0 = clock()
    for _ in range(number):
        f()
    return (clock() - t0) / number


def _choice_cost(a, k, c, pick, budget=0.05):
    """Median of make_plan('auto') - make_plan(pick), `pick` the method
    'auto' picks ('separable' runs as 'direct'): what 'auto' costs on top of
    asking for that method (a 'direct' plan looks for separable factors
    too, an 'fft' plan does not); seconds of the process's CPU time
    whatever --clock says: make_plan runs on the calling thread alone (no
    worker threads to add up), and with 2 cores shared by other work the
    wall-clock difference of two ~50 us calls is mostly their waits (the
    same case gave 8 and 264 us wall, 5-7 us CPU)."""
    pick = "fft" if pick == "fft" else "direct"
    def plan(m):
        return lambda: _plan.make_plan("convolve", a, k, c["mode"], m, workers=c["workers"])
    plan("auto")()
    t1 = _call_time(plan("auto"), 1, time.perf_counter)
    number = max(1, min(200, int(2e-3 / max(t1, 1e-7))))
    diffs, t_end = [], time.perf_counter() + budget
    while len(diffs) < 7 or (time.perf_counter() < t_end and len(diffs) < 41):
        ta = _call_time(plan("auto"), number, time.process_time)
        td = _call_time(plan(pick), number, time.process_time)
        diffs.append(ta - td)
    return max(statistics.median(diffs), 0.0)


def time_case(c, rng):
    a, k = _inputs(c, rng)
    plan = _plan.make_plan("convolve", a, k, c["mode"], "auto", workers=c["workers"])
    pred_d, pred_f = estimate_times(plan)
    exact = fft_is_exact_enough(plan)
    skip = None
    if not exact:
        skip = "fft"
    elif pred_f > 20 * pred_d and pred_f > 1:
        skip = "fft"
    elif pred_d > 20 * pred_f and pred_d > 1:
        skip = "direct"
    methods = [m for m in ("direct", "fft") if m != skip]
    calls = {m: (lambda m=m: fastconv.convolve(a, k, c["mode"], method=m,
                                               workers=c["workers"])) for m in methods}
    first = {}
    for m in methods:          # warm-up, and a first estimate
        first[m] = _call_time(calls[m], 1)
    slowest = max(first.values())
    number = max(1, min(1000, int(2e-3 / max(min(first.values()), 1e-7))))
    reps = max(3, min(11, int(1.0 / max(slowest * number, 1e-9))))
    samples = {m: [] for m in methods}
    if slowest > 0.3:          # big cases: the warm-up run and one more
        reps = 1
        samples = {m: [first[m]] for m in methods}
    for r in range(reps):      # interleaved
        for m in (methods if r % 2 == 0 else methods[::-1]):
            samples[m].append(_call_time(calls[m], number))
    t = {m: statistics.median(s) for m, s in samples.items()}
    res = dict(c, outputs=int(np.prod(plan.shape)), taps=int(k.size), t=t,
               pred={"direct": pred_d, "fft": pred_f}, skipped=skip,
               fft_exact=bool(exact), reps=reps, number=number, pick=plan.method)
    res["choice_cost"] = _choice_cost(a, k, c, plan.method)
    return res


def score(r, pick):
    """ratio auto/best for a timed case `r` given the method auto picks."""
    t = r["t"]
    if r["skipped"]:
        best = t[[m for m in t][0]]
        t_pick = best if pick != r["skipped"] else float("inf")
    else:
        best = min(t.values())
        t_pick = t[pick]
    return (t_pick + r["choice_cost"]) / best, best


def rescore(results):
    """Re-pick every case with the current model (same inputs' shapes)."""
    rng = np.random.default_rng(0)
    for r in results:
        a, k = _inputs(r, rng)
        plan = _plan.make_plan("convolve", a, k, r["mode"], "auto", workers=r["workers"])
        r["pick"] = plan.method
        r["pred"] = dict(zip(("direct", "fft"), estimate_times(plan)))
    return results


def report(results, out=sys.stdout):
    w = out.write
    w(f"{'shape1':>16s} {'shape2':>12s} {'dtype':>9s} {'mode':>5s} w {'outputs':>9s} "
      f"{'taps':>6s} {'direct ms':>10s} {'fft ms':>10s} {'pred d/f':>8s} pick  "
      f"{'ratio':>6s} {'choice us':>9s} {'%call':>6s}\n")
    worst, worst_cost = None, None
    for r in results:
        ratio, best = score(r, r["pick"])
        r["ratio"] = ratio
        rel = r["choice_cost"] / best
        r["choice_rel"] = rel
        over = r["choice_cost"] - (20e-6 + 0.01 * best)
        r["choice_over"] = over

        def cell(m):
            if m in r["t"]:
                return f"{r['t'][m] * 1e3:10.3f}"
            return f"{'x' if not r['fft_exact'] else '>':>10s}"
        pd = r["pred"]["direct"] / r["pred"]["fft"]
        w(f"{'x'.join(map(str, r['s1'])):>16s} {'x'.join(map(str, r['s2'])):>12s} "
          f"{r['dtype']:>9s} {r['mode']:>5s} {r['workers']} {r['outputs']:9d} {r['taps']:6d} "
          f"{cell('direct')} {cell('fft')} {pd:8.2g} {r['pick']:6s}{ratio:6.3f} "
          f"{r['choice_cost'] * 1e6:9.1f} {100 * rel:6.2f}\n")
        if worst is None or ratio > worst["ratio"]:
            worst = r
        if worst_cost is None or over > worst_cost["choice_over"]:
            worst_cost = r
    ratios = sorted((r["ratio"] for r in results), reverse=True)
    w(f"\n{len(results)} cases; worst ratio auto/best {ratios[0]:.3f} "
      f"({worst['s1']} * {worst['s2']} {worst['dtype']} {worst['mode']} w{worst['workers']}); "
      f"cases over 1.1: {sum(x > 1.1 for x in ratios)}; "
      f"median {statistics.median(ratios):.3f}\n")
    w(f"worst choice cost: {worst_cost['choice_cost'] * 1e6:.1f} us "
      f"= 20 us + 1% of the call {'+' if worst_cost['choice_over'] > 0 else '-'} "
      f"{abs(worst_cost['choice_over']) * 1e6:.1f} us "
      f"({worst_cost['s1']} * {worst_cost['s2']} {worst_cost['dtype']}); "
      f"max {max(r['choice_cost'] for r in results) * 1e6:.1f} us\n")
    skipped = sum(bool(r["skipped"]) for r in results)
    w(f"{skipped} cases with one method not timed (x: inexact integer FFT, "
      f">: predicted > 20x the other and > 1 s)\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a subset (a few minutes)")
    p.add_argument("--json", default="method_grid.json", help="where to write results")
    p.add_argument("--rescore", metavar="JSON", help="re-pick stored timings, no timing")
    p.add_argument("--workers", type=int, choices=(1, 2), help="only the cases of this count")
    p.add_argument("--clock", choices=("wall", "process"), default="wall",
                   help="wall (default) or process CPU time (with --workers 1)")
    args = p.parse_args()
    if args.clock == "process":
        if args.workers != 1:
            p.error("--clock process needs --workers 1 (CPU time adds up threads)")
        global CLOCK
        CLOCK = time.process_time
    if args.rescore:
        with open(args.rescore) as f:
            data = json.load(f)
        report(rescore(data["results"]))
        print(f"prices: {_method.PRICES} table")
        return
    rng = np.random.default_rng(0)
    results = []
    t0 = time.time()
    for c in cases(args.quick, args.workers):
        r = time_case(c, rng)
        results.append(r)
        print(f"  {len(results)} {r['s1']} {r['s2']} {r['dtype']} {r['mode']} w{r['workers']}"
              f" {r['t']} pick {r['pick']}", file=sys.stderr, flush=True)
        with open(args.json, "w") as f:     # as it goes
            json.dump(dict(load=os.getloadavg(), clock=args.clock, results=results), f,
                      indent=1)
    load = os.getloadavg()
    report(results)
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {time.time() - t0:.0f} s; "
          f"clock {args.clock}; prices: {_method.PRICES} table")
    with open(args.json, "w") as f:
        json.dump(dict(load=load, clock=args.clock, results=results), f, indent=1)


if __name__ == "__main__":
    main()
