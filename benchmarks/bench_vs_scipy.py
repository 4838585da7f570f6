"""fastconv against scipy.signal on a handful of 1-D and 2-D cases.

For every case: median time of fastconv and of the scipy.signal peer(s) over
interleaved repeats in one run, GFLOP/s (2 x outputs x taps, dense count),
the ratio peer/fastconv (> 1 means fastconv is faster), and a correctness
check of fastconv's result against the peer's (exact for integers).

    python benchmarks/bench_vs_scipy.py            # all cases
    python benchmarks/bench_vs_scipy.py --quick    # a short subset (~20 s)
    python benchmarks/bench_vs_scipy.py --json out.json

Exit status 1 if any result check fails.
"""
import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np

import fastconv

try:
    import scipy
    import scipy.signal as ss
except ImportError:  # pragma: no cover - the bench extra installs scipy
    sys.exit("benchmarks need scipy: pip install '.[bench]'")


def _median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _case_list(quick):
    rng = np.random.default_rng(12345)
    cases = []

    def add(name, fc, peers, a, k, n_out, quick_ok=True):
        if quick and not quick_ok:
            return
        cases.append(dict(name=name, fc=fc, peers=peers, a=a, k=k,
                          flop=2.0 * n_out * k.size))

    # 2-D images, 'same' mode: the headline case of issue 2 first.
    for size, ksz, dt in [(2048, 5, np.float32), (2048, 3, np.float32),
                          (1024, 7, np.float64), (2048, 11, np.float32),
                          (512, 15, np.float64)]:
        a = rng.standard_normal((size, size)).astype(dt)
        k = rng.standard_normal((ksz, ksz)).astype(dt)
        add(f"2-D {size}^2 {np.dtype(dt).name} {ksz}x{ksz} same",
            lambda a, k: fastconv.convolve2d(a, k, "same"),
            {"scipy.convolve2d": lambda a, k: ss.convolve2d(a, k, "same"),
             "scipy.fftconvolve": lambda a, k: ss.fftconvolve(a, k, "same")},
            a, k, a.size, quick_ok=(size, ksz) in [(2048, 5), (512, 15)])
    a = rng.integers(0, 256, (1024, 1024), dtype=np.uint8).astype(np.int16)
    k = rng.integers(-3, 4, (5, 5), dtype=np.int16)
    add("2-D 1024^2 int16 5x5 same symm",
        lambda a, k: fastconv.convolve2d(a, k, "same", boundary="symm"),
        {"scipy.convolve2d": lambda a, k: ss.convolve2d(a, k, "same", boundary="symm")},
        a, k, a.size)
    # 1-D signals.
    for n, taps in [(1_000_000, 16), (1_000_000, 64), (100_000, 512)]:
        a = rng.standard_normal(n)
        k = rng.standard_normal(taps)
        add(f"1-D {n} float64 {taps} taps full",
            lambda a, k: fastconv.convolve(a, k, "full", method="direct"),
            {"scipy.convolve(direct)": lambda a, k: ss.convolve(a, k, "full", method="direct"),
             "scipy.oaconvolve": lambda a, k: ss.oaconvolve(a, k, "full")},
            a, k, n + taps - 1, quick_ok=taps == 64)
    # N-D through scipy's generic direct path.
    a = rng.standard_normal((64, 64, 64))
    k = rng.standard_normal((3, 3, 3))
    add("3-D 64^3 float64 3x3x3 same",
        lambda a, k: fastconv.convolve(a, k, "same", method="direct"),
        {"scipy.convolve(direct)": lambda a, k: ss.convolve(a, k, "same", method="direct")},
        a, k, a.size)
    return cases


def _check(got, ref):
    if got.shape != ref.shape:
        return False, f"shape {got.shape} != {ref.shape}"
    if np.dtype(got.dtype).kind in "biu":
        if np.dtype(ref.dtype).kind not in "biu":  # an FFT peer: round it
            ref = np.rint(ref).astype(got.dtype)
        ok = np.array_equal(got, ref)
        return ok, "exact" if ok else "integer mismatch"
    scale = np.max(np.abs(ref)) if ref.size else 1.0
    err = float(np.max(np.abs(got.astype(np.complex128) - ref)) / max(scale, 1e-300))
    tol = 1e-4 if np.dtype(got.dtype) in (np.float32, np.complex64) else 1e-10
    return err <= tol, f"rel.err {err:.1e}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a short subset")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats per function")
    ap.add_argument("--json", help="write the results to this JSON file")
    args = ap.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)

    print(f"fastconv {fastconv.__version__}, scipy {scipy.__version__}, numpy {np.__version__}, "
          f"{platform.machine()} {platform.python_version()}; median of {repeats} runs")
    header = f"{'case':40s} {'fastconv ms':>11s} {'GFLOP/s':>8s}  {'peer':24s} {'peer ms':>9s} {'ratio':>7s}  check"
    print(header)
    print("-" * len(header))
    rows, failed = [], False
    for case in _case_list(args.quick):
        a, k = case["a"], case["k"]
        got = case["fc"](a, k)  # warm-up and result for the check
        t_fc = _median_time(lambda: case["fc"](a, k), repeats)
        gflops = case["flop"] / t_fc / 1e9
        for pname, peer in case["peers"].items():
            ref = peer(a, k)
            ok, note = _check(got, ref)
            failed |= not ok
            # scipy's N-D direct loop takes seconds: time it once.
            peer_reps = 1 if ("direct" in pname and a.ndim >= 3) else repeats
            t_peer = _median_time(lambda: peer(a, k), peer_reps)
            ratio = t_peer / t_fc
            print(f"{case['name']:40s} {t_fc * 1e3:11.2f} {gflops:8.2f}  {pname:24s} {t_peer * 1e3:9.2f} {ratio:6.1f}x  {'ok' if ok else 'FAIL'} ({note})")
            rows.append(dict(case=case["name"], fastconv_ms=t_fc * 1e3, gflops=gflops,
                             peer=pname, peer_ms=t_peer * 1e3, ratio=ratio, ok=ok, check=note))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(fastconv=fastconv.__version__, scipy=scipy.__version__,
                           numpy=np.__version__, repeats=repeats, rows=rows), f, indent=1)
    print("all results checked: " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
