"""The FFT engine (fastconv._fftcore.correlate_window) against its peers.

One process, calls interleaved (each repetition runs every callable once),
medians reported.  Every case is the 'same' window of the convolution
(what cv2.filter2D with BORDER_CONSTANT computes); peers: scipy.signal's
fftconvolve and oaconvolve (scipy.fft runs single-threaded there) and
cv2.filter2D (2-D real only; cv2.setNumThreads(1)) when opencv is installed.

Columns: ms of the engine with workers=1 and 2, of each peer; ratio =
peer time / engine time (workers=1), so > 1 means the engine is faster;
w2/w1 = speed-up from a second thread (q1-q3: the quartiles of the
per-repetition ratios, how much the second CPU's availability varied); rel.err = max |error| / max |ref|
against a float64 reference (scipy.signal.fftconvolve on float64/complex128
data: for the float64 rows it is the difference from scipy's float64
result, a ~1e-15 floor, not an error bound), and scipy's own error on
float32 rows.  The engine writes into a buffer of fastconv's result cache,
as fastconv's FFT path does (a fresh numpy.empty 32 MiB float64 result
costs 5-10 ms of page faults per call).  cpu w1 / cpu x: the engine's process CPU time (workers=1)
and scipy's CPU time over it - steadier than wall time on a shared machine.

    PYTHONPATH=src python benchmarks/bench_fft_engine.py [--reps N] [--quick]

--cv2 prints instead the rows of issue 11's cv2 target: fastconv.convolve
(default method, 'same', workers=1) against cv2.filter2D (flipped kernel,
BORDER_CONSTANT, cv2.setNumThreads(1)) on 2048^2 and 4096^2, float32 and
float64, 31x31 and 63x63 kernels; wall and process CPU medians, interleaved.

    PYTHONPATH=src python benchmarks/bench_fft_engine.py --cv2 [--reps N]
"""
import argparse
import statistics
import time

import numpy as np
from scipy import signal

from fastconv import _fftcore, _memory

try:
    import cv2
    cv2.setNumThreads(1)
except ImportError:  # optional peer
    cv2 = None

CASES = [
    ((2048, 2048), (31, 31), np.float32),
    ((2048, 2048), (64, 64), np.float32),
    ((2048, 2048), (201, 201), np.float32),
    ((2048, 2048), (31, 31), np.float64),
    ((2048, 2048), (64, 64), np.float64),
    ((2048, 2048), (201, 201), np.float64),
    ((4096, 4096), (31, 31), np.float32),
    ((4096, 4096), (31, 31), np.float64),
    ((10 ** 6,), (4096,), np.float32),
    ((10 ** 6,), (4096,), np.float64),
    ((10 ** 7,), (1000,), np.float32),
    ((10 ** 7,), (1000,), np.float64),
    ((256, 256, 64), (9, 9, 9), np.float32),
    ((256, 256, 64), (9, 9, 9), np.float64),
    ((2048, 2048), (31, 31), np.complex64),
    ((2048, 2048), (31, 31), np.complex128),
]


def engine_same(x, h, workers):
    """convolve(x, h, 'same') through correlate_window."""
    k = np.ascontiguousarray(h[(slice(None, None, -1),) * h.ndim])
    starts = [(m - 1) // 2 - (m - 1) for m in h.shape]
    out = _memory.empty(x.shape, x.dtype)   # (as fastconv's FFT path allocates it)
    return _fftcore.correlate_window(x, k, starts, x.shape, out, workers)


def cv2_same(x, h):
    # filter2D: dst[y] = sum_i kf[i] src[y + i - a]; with kf = flip(h) that is
    # sum_j h[j] src[y + (m - 1 - a) - j], the 'same' window when
    # m - 1 - a = (m - 1) // 2.
    kf = np.ascontiguousarray(h[::-1, ::-1])
    ay, ax = (h.shape[0] - 1) - (h.shape[0] - 1) // 2, (h.shape[1] - 1) - (h.shape[1] - 1) // 2
    return cv2.filter2D(x, -1, kf, anchor=(ax, ay), borderType=cv2.BORDER_CONSTANT)


def relerr(a, ref):
    return float(np.abs(a - ref).max() / np.abs(ref).max())


CV2_CASES = [(n, dt, k) for n in (2048, 4096) for dt in (np.float32, np.float64)
             for k in (31, 63)]


def cv2_rows(reps):
    """fastconv.convolve (default method) against cv2.filter2D."""
    import fastconv
    if cv2 is None:
        raise SystemExit("--cv2 needs opencv (cv2)")
    print(f"fastconv.convolve vs cv2.filter2D, 'same', workers=1, cv2 threads=1, "
          f"isa={_fftcore.isa_name()}, reps={reps} (interleaved, medians)")
    print(f"{'case':<22} {'method':>6} {'tile':>9} {'fc ms':>7} {'cv2 ms':>7} {'x':>5} "
          f"{'fc cpu':>7} {'cv2 cpu':>7} {'cpu x':>6}")
    rng = np.random.default_rng(0)
    for n, dt, m in CV2_CASES:
        x = rng.standard_normal((n, n)).astype(dt)
        h = rng.standard_normal((m, m)).astype(dt)
        calls = {"fc": lambda: fastconv.convolve(x, h, "same", workers=1),
                 "cv2": lambda: cv2_same(x, h)}
        wall = {c: [] for c in calls}
        cpu = {c: [] for c in calls}
        for _ in range(reps):
            for c, f in calls.items():
                c0, t0 = time.process_time(), time.perf_counter()
                f()
                wall[c].append(time.perf_counter() - t0)
                cpu[c].append(time.process_time() - c0)
        w = {c: statistics.median(v) * 1e3 for c, v in wall.items()}
        u = {c: statistics.median(v) * 1e3 for c, v in cpu.items()}
        meth = fastconv.choose_conv_method(x, h, "same")
        tile = "x".join(map(str, _fftcore.tile_shape((m, m), (n, n), dt)))
        print(f"{n}^2 k{m} {np.dtype(dt).name:<9} {meth:>6} {tile:>9} {w['fc']:7.1f} "
              f"{w['cv2']:7.1f} {w['cv2'] / w['fc']:5.2f} {u['fc']:7.1f} {u['cv2']:7.1f} "
              f"{u['cv2'] / u['fc']:6.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="2048^2 31^2 float32/float64 only")
    ap.add_argument("--cases", type=str, default="", help="comma-separated case numbers")
    ap.add_argument("--cv2", action="store_true",
                    help="fastconv.convolve vs cv2.filter2D rows (issue 11) only")
    args = ap.parse_args()
    if args.cv2:
        cv2_rows(args.reps)
        return
    cases = CASES
    if args.quick:
        cases = CASES[0:1] + CASES[3:4]
    if args.cases:
        cases = [CASES[int(i)] for i in args.cases.split(",")]
    print(f"fastconv FFT engine, isa={_fftcore.isa_name()}, cv2={'yes' if cv2 else 'no'}, "
          f"reps={args.reps} (interleaved, medians)")
    hdr = (f"{'case':<30} {'tile':>16} {'w1 ms':>8} {'w2 ms':>8} {'w2/w1':>6} {'q1-q3':>9} {'scipy':>8} "
           f"{'x':>5} {'oa':>8} {'x':>5} {'cv2':>8} {'x':>5} {'rel.err':>8} {'scipy err':>9} "
           f"{'cpu w1':>7} {'cpu x':>6}")
    print(hdr)
    rng = np.random.default_rng(0)
    for xs, hs, dt in cases:
        cplx = np.dtype(dt).kind == "c"
        x = rng.standard_normal(xs)
        h = rng.standard_normal(hs)
        if cplx:
            x = x + 1j * rng.standard_normal(xs)
            h = h + 1j * rng.standard_normal(hs)
        x64, h64 = x, h
        x, h = x.astype(dt), h.astype(dt)
        calls = {
            "w1": lambda: engine_same(x, h, 1),
            "w2": lambda: engine_same(x, h, 2),
            "scipy": lambda: signal.fftconvolve(x, h, mode="same"),
            "oa": lambda: signal.oaconvolve(x, h, mode="same"),
        }
        if cv2 is not None and x.ndim == 2 and not cplx:
            calls["cv2"] = lambda: cv2_same(x, h)
        times = {n: [] for n in calls}
        cpu = {n: [] for n in calls}
        results = {}
        for _ in range(args.reps):
            for n, f in calls.items():
                c0, t0 = time.process_time(), time.perf_counter()
                r = f()
                times[n].append(time.perf_counter() - t0)
                cpu[n].append(time.process_time() - c0)
                results[n] = r
                del r
        med = {n: statistics.median(v) * 1e3 for n, v in times.items()}
        cmed = {n: statistics.median(v) * 1e3 for n, v in cpu.items()}
        ref = signal.fftconvolve(x64.astype(np.complex128 if cplx else np.float64),
                                 h64.astype(np.complex128 if cplx else np.float64), mode="same")
        e = relerr(results["w1"].astype(ref.dtype), ref)
        esp = relerr(results["scipy"].astype(ref.dtype), ref)
        assert np.array_equal(results["w1"], results["w2"]), "workers=2 differs from workers=1"
        if "cv2" in results:
            ecv = relerr(results["cv2"].astype(ref.dtype), ref)
            assert ecv < 1e-3, f"cv2 window mismatch ({ecv})"
        results.clear()
        tile = "x".join(map(str, _fftcore.tile_shape(hs, xs, dt)))
        name = f"{'x'.join(map(str, xs))} k{'x'.join(map(str, hs))} {np.dtype(dt).name}"
        cvm = med.get("cv2")
        cv_s = f"{cvm:8.1f} {cvm / med['w1']:5.2f}" if cvm else f"{'-':>8} {'-':>5}"
        rq = statistics.quantiles([a / b for a, b in zip(times["w1"], times["w2"])], n=4) \
            if args.reps > 1 else [med["w1"] / med["w2"]] * 3
        print(f"{name:<30} {tile:>16} {med['w1']:8.1f} {med['w2']:8.1f} {med['w1'] / med['w2']:6.2f} "
              f"{rq[0]:4.2f}-{rq[2]:4.2f} {med['scipy']:8.1f} {med['scipy'] / med['w1']:5.2f} {med['oa']:8.1f} "
              f"{med['oa'] / med['w1']:5.2f} {cv_s} {e:8.1e} {esp:9.1e} "
              f"{cmed['w1']:7.1f} {cmed['scipy'] / cmed['w1']:6.2f}", flush=True)


if __name__ == "__main__":
    main()
