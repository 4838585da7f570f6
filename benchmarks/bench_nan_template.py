"""nanconvolve and match_template against their peers (one thread).

Rows (issue 13's targets):
  nanconvolve, 2048^2 float64 with 1% NaN, vs astropy.convolution.convolve
  (9x9, target >= 20x) and convolve_fft (31x31 and 101x101, target >= 5x);
  match_template, 2048^2 float32, 32x32 and 128x128 templates, vs
  skimage.feature.match_template (>= 3x) and cv2.matchTemplate
  TM_CCOEFF_NORMED (>= 1.0x), with the agreement with skimage.

Timings are interleaved (one call of each contender per round) and the
medians are reported; ratios are peer time / fastconv time.  --clock
process times each call by the process's CPU time (time.process_time:
steadier than wall time on a shared machine; one thread, so the same work).  GFLOP/s counts
2 x outputs x taps for fastconv's time.

    python benchmarks/bench_nan_template.py [--rounds N] [--size N]
        [--only nan|template] [--clock wall|process]
"""
import argparse
import os
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import fastconv  # noqa: E402
import bench_options  # noqa: E402  (this directory: medians of interleaved rounds)
from bench_options import interleaved as _interleaved  # noqa: E402


def _row(label, ms_fc, peers, gflop):
    cells = [f"{label:<34}", f"fastconv {ms_fc * 1e3:8.1f} ms ({gflop / ms_fc:5.1f} GFLOP/s)"]
    for name, (t, target) in peers.items():
        ratio = t / ms_fc
        mark = "met" if ratio >= target else "MISSED"
        cells.append(f"{name} {t * 1e3:8.1f} ms = {ratio:5.1f}x (target {target}x {mark})")
    print(" | ".join(cells), flush=True)


def bench_nanconvolve(n, rounds):
    from astropy.convolution import convolve, convolve_fft
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n))
    a[rng.random((n, n)) < 0.01] = np.nan
    for m, peer, target in ((9, "astropy.convolve", 20), (31, "astropy.convolve_fft", 5),
                            (101, "astropy.convolve_fft", 5)):
        k = rng.random((m, m)) + 0.1
        ours = lambda: fastconv.nanconvolve(a, k, workers=1)  # noqa: E731
        if peer == "astropy.convolve":
            theirs = lambda: convolve(a, k)  # noqa: E731
        else:
            theirs = lambda: convolve_fft(a, k)  # noqa: E731
        r1, r2 = ours(), theirs()
        finite = np.isfinite(r1) & np.isfinite(r2)
        err = float(np.max(np.abs(r1[finite] - r2[finite])))
        t = _interleaved({"ours": ours, "peer": theirs}, rounds)
        _row(f"nanconvolve {n}^2 f64 1% NaN {m}x{m}", t["ours"], {peer: (t["peer"], target)},
             2 * a.size * k.size / 1e9)
        print(f"    max |fastconv - {peer}| = {err:.2e}; NaN patterns equal: "
              f"{bool(np.array_equal(np.isnan(r1), np.isnan(r2)))}", flush=True)


def bench_match_template(n, rounds):
    from skimage.feature import match_template
    try:
        import cv2
        cv2.setNumThreads(1)
    except ImportError:
        cv2 = None
    rng = np.random.default_rng(1)
    img = rng.random((n, n), dtype=np.float32)
    for m in (32, 128):
        tpl = img[100:100 + m, 200:200 + m] + 0.1 * rng.random((m, m), dtype=np.float32)
        funcs = {"ours": lambda: fastconv.match_template(img, tpl, workers=1),
                 "skimage": lambda: match_template(img, tpl)}
        if cv2 is not None:
            funcs["cv2"] = lambda: cv2.matchTemplate(img, tpl, cv2.TM_CCOEFF_NORMED)
        r = funcs["ours"]()
        sk32 = funcs["skimage"]()
        sk64 = match_template(img.astype(np.float64), tpl.astype(np.float64))
        t = _interleaved(funcs, rounds)
        peers = {"skimage": (t["skimage"], 3)}
        if cv2 is not None:
            peers["cv2"] = (t["cv2"], 1.0)
        _row(f"match_template {n}^2 f32 {m}x{m}", t["ours"], peers,
             2 * r.size * tpl.size / 1e9)
        print(f"    max |fastconv - skimage float32| = {np.max(np.abs(r - sk32)):.2e}, "
              f"|fastconv - skimage float64| = {np.max(np.abs(r - sk64)):.2e}, "
              f"|skimage float32 - skimage float64| = {np.max(np.abs(sk32 - sk64)):.2e}",
              flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--size", type=int, default=2048)
    p.add_argument("--only", choices=("nan", "template"))
    p.add_argument("--clock", choices=("wall", "process"), default="wall",
                   help="time by wall clock (default) or by the process's CPU time")
    args = p.parse_args(argv)
    bench_options.CLOCK = time.process_time if args.clock == "process" else time.perf_counter
    warnings.simplefilter("ignore")
    print(f"one thread, {args.rounds} interleaved rounds, medians, {args.clock} clock",
          flush=True)
    if args.only != "template":
        bench_nanconvolve(args.size, args.rounds)
    if args.only != "nan":
        bench_match_template(args.size, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
