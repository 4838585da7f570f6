"""fastconv benchmark suite: speed, share of the machine's peak, correctness.

Each row is one configuration (size, kernel, dtype, mode, boundary, threads),
all measured in this one run:

* ms: median over interleaved rounds (fastconv and every installed peer, after
  a warm-up call; up to --repeats samples: 5, 15 with --targets; slow peers get fewer,
  as a 0.6 s budget per callable allows; a peer whose estimated time per
  call exceeds --max-peer-s is not run and shows "skip(slow)").  Each call
  then starts with caches full of the previous peer's data (cold, as a call
  among other work); --warm times each call right after an untimed call of
  the same function instead (the steady state of a loop over images).
* GF/s = FLOP / time, FLOP = 2 x outputs x taps (dense; complex x complex 8x,
  real x complex 4x).  %mm = GF/s over single-thread numpy matmul (2048^2, same
  precision, BLAS limited to one thread, measured in a subprocess at start).
  %bw (kernels <= 25 taps) = time a copy of the bytes in + out would take at
  the measured copy bandwidth, over the row's time (100 % = copy speed).
* peers: peer time / fastconv time (> 1: fastconv faster); "!" marks a peer
  whose output differs from the reference (> 1e-3), i.e. not the same work.
* check: fastconv against a float64 reference (scipy convolve2d/fftconvolve or
  numpy.convolve on float64 copies; integers exactly, with scipy's wrap-around):
  max|err|/max|ref| <= 1e-5 (float32, complex64) or 1e-12 (float64, complex128).
* bg: CPUs kept busy by other processes while the row ran (noise indicator).

Everything runs on one thread (fastconv workers=1, cv2.setNumThreads(1),
torch.set_num_threads(1)) except the workers=2 row, whose peer is fastconv at
workers=1.  "baseline" rows run in a subprocess with FASTCONV_ISA=baseline.

    python -m fastconv bench --quick                          # < 1 minute
    python -m fastconv bench                                  # full, < 15 minutes
    PYTHONPATH=src python benchmarks/bench_suite.py [...]     # the same from a checkout
      --targets (only the rows the issue targets use)  --filter TEXT (row names)
      --warm (steady-state timing, see "ms" above)
      --json PATH (default: none; benchmarks/bench_suite.py writes
      benchmarks/results/latest.json)  --plot PATH.png

The issue-3 targets are evaluated at the end (a FAIL there does not change the
exit status); exit status 1 if any correctness check fails.  Optional peers,
skipped when not importable: opencv-python-headless, torch; threadpoolctl
(BLAS limit for the peak, see _peak.py) and matplotlib (--plot) are optional too.
scipy is required (the reference and the main peer).
"""
import argparse
import contextlib
import dataclasses
import functools
import io
import json
import os
import statistics
import subprocess
import sys
import zlib
from time import perf_counter

import numpy as np
import scipy
import scipy.ndimage as ndi
import scipy.signal as ss

import fastconv
from ._peak import background_cpus, cpu_clock, cpu_model, measure_peaks


def _optional(name):
    try:
        return __import__(name)
    except Exception:  # not installed, or a broken install: skip the peer
        return None


cv2, torch, threadpoolctl = map(_optional, ("cv2", "torch", "threadpoolctl"))
F = torch.nn.functional if torch is not None else None


@functools.lru_cache(maxsize=None)
def fc_config():
    """fastconv.show_config() as a dict (public API only)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fastconv.show_config()
    return dict((line.split(None, 1) + [""])[:2] for line in buf.getvalue().splitlines()
                if line.strip())


def one_thread_peers():
    """Peers on one thread (called by main, not at import)."""
    fc_config()  # first: torch.set_num_threads(1) also lowers fastconv's default
    if cv2 is not None:
        cv2.setNumThreads(1)
    if torch is not None:  # omp_set_num_threads(1) in the libgomp fastconv shares
        torch.set_num_threads(1)


FC = "fastconv"
# Conservative GFLOP/s used to skip a slow peer before running it; replaced by
# what this run measured (same peer, dtype and ndim, largest kernel <= this one).
DEFAULT_RATE = {"sc.conv2d": 0.8, "sc.direct": 0.12, "ndimage": 1.5, "torch": 0.8, "cv2": 3.0}
DEFAULT_RATE_1D = {"np.convolve": 2.0, "sc.direct": 2.0, "torch": 0.2}
LEARNED_RATE = {}
NDI_MODE = {"fill": "constant", "wrap": "grid-wrap", "symm": "reflect",
            "reflect": "mirror", "nearest": "nearest"}
NP_PAD = {"wrap": "wrap", "symm": "symmetric", "reflect": "reflect", "nearest": "edge"}
CV2_BORDER = {} if cv2 is None else {
    "fill": cv2.BORDER_CONSTANT, "symm": cv2.BORDER_REFLECT,
    "reflect": cv2.BORDER_REFLECT_101, "nearest": cv2.BORDER_REPLICATE}
SHORT = {"float32": "f32", "float64": "f64", "complex64": "c64",
         "complex128": "c128", "int16": "i16", "uint8": "u8",
         "int32": "i32", "int64": "i64"}


@dataclasses.dataclass
class Case:
    group: str          # 1d 2d boundary int complex batch workers baseline
    shape: tuple
    kshape: tuple
    dtype: str
    mode: str = "same"
    boundary: str = "fill"
    workers: int = 1
    peers_only: tuple = ()  # restrict the peers (workers and baseline rows)

    @property
    def name(self):
        dt = SHORT[self.dtype]
        if len(self.shape) == 1:
            return f"1e{len(str(self.shape[0])) - 1} {dt} {self.kshape[0]:>4d} taps {self.mode}"
        size = f"{self.shape[0]}x" * (len(self.shape) == 3) + f"{self.shape[-1]}^2"
        extra = "" if self.boundary == "fill" else f" {self.boundary}"
        extra += "" if self.workers == 1 else f" workers={self.workers}"
        return f"{size} {dt} {self.kshape[-2]}x{self.kshape[-1]} {self.mode}{extra}"


# ---------------------------------------------------------------- case lists
def full_cases():
    cases = [Case("1d", (10**6,), (t,), dt) for dt in ("float64", "float32")
             for t in (3, 16, 64, 256, 512, 4096)]
    cases += [Case("2d", (n, n), (ks, ks), dt, mode)
              for n in (512, 2048, 4096) for dt in ("float32", "float64")
              for ks in (3, 5, 7, 11, 15, 31) for mode in ("same", "full", "valid")]
    cases += [Case("boundary", (2048, 2048), (5, 5), dt, "same", b)
              for dt in ("float32", "float64") for b in ("wrap", "symm", "reflect", "nearest")]
    cases += [Case("int", (2048, 2048), (ks, ks), dt)
              for dt in ("int16", "uint8", "int32", "int64") for ks in (3, 5)]
    cases += [Case("complex", (1024, 1024), (5, 5), dt) for dt in ("complex64", "complex128")]
    return cases + [Case("batch", (64, 256, 256), (1, 5, 5), "float32"), WORKERS_CASE]


def subset_cases(which):
    """--quick: a representative subset; --targets: the rows the targets use."""
    if which == "quick":
        cases = [Case("2d", (2048, 2048), (ks, ks), "float32") for ks in (3, 5, 7, 11)]
        cases += [Case("2d", (2048, 2048), (7, 7), "float64")]
        cases += [Case("1d", (10**6,), (t,), "float64") for t in (64, 512)]
        cases += [Case("int", (2048, 2048), (3, 3), "int16"),
                  Case("boundary", (2048, 2048), (5, 5), "float32", "same", "symm")]
    else:
        cases = [Case("2d", (2048, 2048), (ks, ks), dt) for dt in ("float32", "float64")
                 for ks in (3, 5, 7, 11, 15)]
        cases += [Case("1d", (10**6,), (t,), "float64") for t in (16, 64, 256, 512)]
    return cases + [WORKERS_CASE]


WORKERS_CASE = Case("workers", (2048, 2048), (7, 7), "float32", workers=2,
                    peers_only=("fc.w1",))


def baseline_cases(quick):
    picks = ([(5, "float32")] if quick else
             [(3, "float32"), (5, "float32"), (11, "float32"), (7, "float64")])
    return [Case("baseline", (2048, 2048), (ks, ks), dt, peers_only=("sc.conv2d",))
            for ks, dt in picks]


# ------------------------------------------------------------------- inputs
_ARRAY_CACHE = {}


def _random(shape, dtype, kernel):
    rng = np.random.default_rng(zlib.crc32(repr((shape, dtype, kernel)).encode()))
    dt = np.dtype(dtype)
    if dt.kind in "fc":
        x = rng.standard_normal(shape) + (1j * rng.standard_normal(shape) if dt.kind == "c" else 0)
        return x.astype(dt)
    lo, hi = {(True, "u"): (0, 4), (False, "u"): (0, 256),
              (True, "i"): (-3, 4), (False, "i"): (-1000, 1000)}[kernel, dt.kind]
    return rng.integers(lo, hi, shape).astype(dt)


def inputs(case):
    key = (case.shape, case.dtype)
    if key not in _ARRAY_CACHE:
        _ARRAY_CACHE.clear()  # keep one image alive at a time
        _ARRAY_CACHE[key] = _random(case.shape, case.dtype, False)
    return _ARRAY_CACHE[key], _random(case.kshape, case.dtype, True)


def out_shape(shape, kshape, mode):
    grow = {"full": 1, "same": 0, "valid": -1}[mode]
    return tuple(n + grow * (k - 1) for n, k in zip(shape, kshape))


def flop_count(case, a, k):
    n_out = int(np.prod(out_shape(case.shape, case.kshape, case.mode)))
    return 2.0 * (1 + (a.dtype.kind == "c")) * (1 + (k.dtype.kind == "c")) * n_out * k.size


# ------------------------------------------------------------ the callables
def fastconv_call(case, a, k, workers):
    if case.group in ("1d", "batch"):
        return lambda: fastconv.convolve(a, k, case.mode, method="direct", workers=workers)
    return lambda: fastconv.convolve2d(a, k, case.mode, boundary=case.boundary,
                                       workers=workers)


def _torch_call(case, a, k):
    """torch correlates: flip the kernel, pad as the mode needs, crop a view."""
    if torch is None or a.dtype.kind != "f" or case.boundary != "fill":
        return None
    nsp = 1 if a.ndim == 1 else 2  # spatial axes
    ks = case.kshape[-nsp:]
    n_out = out_shape(case.shape, case.kshape, case.mode)[-nsp:]
    kf = torch.from_numpy(np.ascontiguousarray(np.flip(k)))
    x = torch.from_numpy(a)
    x, w = (x[None, None], kf[None, None]) if a.ndim < 3 else (x[:, None], kf[None])
    conv = F.conv1d if nsp == 1 else F.conv2d
    if case.mode == "valid" or (case.mode == "same" and all(q % 2 for q in ks)):
        pad = tuple(0 if case.mode == "valid" else (q - 1) // 2 for q in ks)
        return lambda: conv(x, w, padding=pad)
    start = [0 if case.mode == "full" else (q - 1) // 2 for q in ks]
    crop = (Ellipsis,) + tuple(slice(s, s + n) for s, n in zip(start, n_out))
    return lambda: conv(x, w, padding=tuple(q - 1 for q in ks))[crop]


def _cv2_call(case, a, kf):
    """cv2.filter2D correlates with the anchor at k // 2: give it the flipped kernel."""
    if (cv2 is None or case.mode != "same" or case.boundary not in CV2_BORDER
            or a.dtype.name not in ("float32", "float64", "uint8", "int16")):
        return None
    k2 = kf.reshape(kf.shape[-2:]).astype(np.float32 if a.dtype.kind in "iu" else a.dtype)
    border = CV2_BORDER[case.boundary]
    if a.ndim == 2:
        return lambda: cv2.filter2D(a, -1, k2, borderType=border)
    return lambda: np.stack([cv2.filter2D(im, -1, k2, borderType=border) for im in a])


def peer_calls(case, a, k):
    """name -> callable for the peers that can do this case's work."""
    kf = np.ascontiguousarray(np.flip(k))
    p = {}
    if a.ndim == 1:
        p["np.convolve"] = lambda: np.convolve(a, k, case.mode)
    if a.ndim == 2 and case.boundary in ("fill", "wrap", "symm"):
        p["sc.conv2d"] = lambda: ss.convolve2d(a, k, case.mode, boundary=case.boundary)
    if case.boundary == "fill":
        for m in ("direct", "fft", "auto"):
            p["sc." + m] = lambda m=m: ss.convolve(a, k, case.mode, method=m)
    if a.ndim >= 2 and all(s % 2 for s in k.shape):  # odd kernels: centred anchors
        if case.mode == "same":
            kn = np.conj(kf)  # ndimage.correlate conjugates complex weights
            p["ndimage"] = lambda: ndi.correlate(a, kn, mode=NDI_MODE[case.boundary])
        p["cv2"] = _cv2_call(case, a, kf)
    p["torch"] = _torch_call(case, a, k)
    if case.workers != 1:
        p["fc.w1"] = fastconv_call(case, a, k, 1)
    return {n: f for n, f in p.items()
            if f is not None and (not case.peers_only or n in case.peers_only)}


def reference(case, a, k):
    """float64 (complex128) result; integers exact, wrapped to the input dtype."""
    wide = np.complex128 if a.dtype.kind == "c" else np.float64
    a64, k64 = a.astype(wide), k.astype(wide)
    pad = [s - 1 for s in k.shape] if case.boundary != "fill" else None
    if pad:  # extend the image by the boundary rule, crop the 'same' result after
        a64 = np.pad(a64, [(q, q) for q in pad], mode=NP_PAD[case.boundary])
    macs = np.prod(out_shape(a64.shape, k.shape, case.mode)) * k.size
    if a.ndim == 1:
        r = np.convolve(a64, k64, case.mode)
    elif a.ndim == 2 and (macs < 1e8 or a.dtype.kind in "iu"):
        r = ss.convolve2d(a64, k64, case.mode)
    else:
        r = ss.fftconvolve(a64, k64, case.mode)
    if pad:
        r = r[tuple(slice(q, r.shape[i] - q) for i, q in enumerate(pad))]
    return np.rint(r).astype(np.int64).astype(a.dtype) if a.dtype.kind in "iu" else r


def rel_error(out, ref):
    out = np.asarray(out.numpy() if torch is not None and torch.is_tensor(out) else out)
    if out.size != ref.size:
        return float("inf")
    out = out.reshape(ref.shape)
    if ref.dtype.kind in "iu":
        return 0.0 if np.array_equal(out, ref) else float("inf")
    return float(np.max(np.abs(out.astype(ref.dtype) - ref))) / (float(np.max(np.abs(ref))) or 1)


# ------------------------------------------------------------------- timing
def time_interleaved(calls, reps, budget, slow_s=0.25, warm=False):
    """Warm up each callable, then time them in interleaved rounds.

    Returns name -> dict(s=median seconds, n=samples, out=first output), or
    dict(skip=...) if the call raised.  A first call longer than `slow_s` counts
    as a sample; each callable gets about `budget` seconds, fastconv at least 3
    samples and peers at least 1.  `warm`: every timed call right after an
    untimed call of the same callable (caches and freed buffers as a loop
    over images leaves them) instead of after the other callables.
    """
    res, samples, want = {}, {}, {}
    for name, fn in calls.items():
        try:
            t0 = perf_counter()
            out = fn()
            t = perf_counter() - t0
        except Exception as exc:  # a peer that cannot do this case
            res[name] = {"skip": f"n/a ({type(exc).__name__})"}
            continue
        res[name] = {"out": out}
        samples[name] = [t] if t >= slow_s else []
        want[name] = max(3 if name == FC else 1, min(reps, int(budget / max(t, 1e-9))))
    for _ in range(reps):
        for name in samples:
            if len(samples[name]) < want[name]:
                if warm:
                    calls[name]()
                t0 = perf_counter()
                calls[name]()
                samples[name].append(perf_counter() - t0)
    for name, ts in samples.items():
        res[name].update(s=statistics.median(ts), n=len(ts))
    return res


def estimate_s(peer, dtype, ndim, taps, flop):
    seen = [(t, r) for (p, d, n, t), r in LEARNED_RATE.items()
            if (p, d, n) == (peer, dtype, ndim) and t <= taps]
    rate = max(seen)[1] if seen else (DEFAULT_RATE_1D if ndim == 1 else DEFAULT_RATE).get(peer)
    return None if rate is None else flop / (rate * 1e9)


def run_case(case, opts):
    a, k = inputs(case)
    flop = flop_count(case, a, k)
    calls, skipped = {FC: fastconv_call(case, a, k, case.workers)}, {}
    for name, fn in peer_calls(case, a, k).items():
        est = estimate_s(name, case.dtype, a.ndim, k.size, flop)
        if est is not None and est > opts.max_peer_s:
            skipped[name] = {"skip": "skip(slow)"}
        else:
            calls[name] = fn
    scale = 3 if case.workers != 1 else 1  # thread scaling is the noisiest number
    clock = cpu_clock()
    timed = time_interleaved(calls, scale * opts.repeats, scale * opts.budget, warm=opts.warm)
    bg = background_cpus(clock, cpu_clock())
    ref = reference(case, a, k)
    fc = timed.pop(FC)
    err = rel_error(fc["out"], ref)
    tol = 0 if a.dtype.kind in "iu" else 1e-5 if a.dtype.name in ("float32", "complex64") else 1e-12
    row = dict(name=case.name, group=case.group, dtype=case.dtype, mode=case.mode,
               boundary=case.boundary, workers=case.workers, shape=list(case.shape),
               kshape=list(case.kshape), isa=fc_config()["simd_path"], flop=flop,
               bytes=a.nbytes + k.nbytes + fc["out"].nbytes, bg=bg, ms=fc["s"] * 1e3,
               n=fc["n"], gflops=flop / fc["s"] / 1e9, err=err,
               check="ok" if err <= tol else "FAIL", peers={})
    for name, r in timed.items():
        if "skip" in r:
            row["peers"][name] = r
            continue
        gf, key = flop / r["s"] / 1e9, (name, case.dtype, a.ndim, k.size)
        LEARNED_RATE[key] = min(gf, LEARNED_RATE.get(key, gf))
        same = a.dtype.kind in "iu" or rel_error(r["out"], ref) < 1e-3
        row["peers"][name] = dict(ms=r["s"] * 1e3, n=r["n"], gflops=gf,
                                  ratio=r["s"] / fc["s"], same_work=bool(same))
    row["peers"].update(skipped)
    return row


def run_rows(cases, opts, verbose=True):
    rows = []
    for case in cases:
        if opts.filter in case.name:
            t0 = perf_counter()
            rows.append(run_case(case, opts))
            if verbose:  # progress on stderr
                print(f"  {case.name:38s} {rows[-1]['ms']:9.3f} ms {rows[-1]['check']:4s}"
                      f" ({perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
    return rows


# -------------------------------------------------------- machine and peaks
def run_baseline_subprocess(opts):
    # the same fastconv in the child: its package's parent directory first on the path
    root = os.path.dirname(os.path.dirname(os.path.abspath(fastconv.__file__)))
    env = dict(os.environ, FASTCONV_ISA="baseline",
               PYTHONPATH=os.pathsep.join([root] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    cmd = [sys.executable, "-m", "fastconv._bench", "--_baseline-worker", "--filter",
           opts.filter, "--max-peer-s", str(opts.max_peer_s)] + ["--quick"] * opts.quick + \
        ["--warm"] * opts.warm
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("@@ROWS "):
            return json.loads(line[7:])
    print("baseline subprocess failed:\n" + proc.stderr[-2000:])
    return [dict(name="baseline subprocess", group="baseline", check="FAIL", bg=0,
                 err=float("inf"), ms=float("nan"), gflops=float("nan"), peers={})]


def machine_info(peaks):
    versions = {name: getattr(mod, "__version__", "not installed") for name, mod in
                [("scipy", scipy), ("cv2", cv2), ("torch", torch),
                 ("threadpoolctl", threadpoolctl)]}
    threads = {"fastconv": "workers=1 (workers=2 row: 2)",
               "cv2": cv2.getNumThreads() if cv2 is not None else None,
               "torch": torch.get_num_threads() if torch is not None else None,
               **{v: os.environ.get(v) for v in
                  ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "FASTCONV_ISA")}}
    return dict(cpu=cpu_model(), cpus=os.cpu_count(), loadavg=os.getloadavg(), fastconv=fc_config(),
                versions=versions, threads=threads, peaks=peaks)


def print_header(info, opts):
    peaks = info["peaks"]
    kind = "quick" if opts.quick else "targets" if opts.targets else "full"
    print(f"fastconv benchmark suite ({kind} run, "
          f"{'warm: each call after one of itself' if opts.warm else 'interleaved'})   "
          f"cpu: {info['cpu']} x {info['cpus']}   load average: "
          + " ".join(f"{v:.2f}" for v in info["loadavg"]))
    print("\n".join(f"  {k:22s} {v}" for k, v in info["fastconv"].items()))
    print("versions:", ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print("threads: ", ", ".join(f"{k}={v}" for k, v in info["threads"].items()))
    print(f"peak, one thread, measured now: f32 matmul {peaks['matmul_float32']:.1f} GF/s, "
          f"f64 matmul {peaks['matmul_float64']:.1f} GF/s, copy {peaks['copy_GBs']:.1f} GB/s"
          f" (BLAS {peaks['blas']})", flush=True)


# --------------------------------------------------------------------- table
def annotate(rows, peaks):
    for r in rows:
        if "flop" in r:
            single = r["dtype"] in ("float32", "complex64")
            peak = peaks["matmul_float32" if single else "matmul_float64"]
            r["pct_mm"] = None if np.dtype(r["dtype"]).kind in "iu" else 100 * r["gflops"] / peak
            t_bw = r["bytes"] / (peaks["copy_GBs"] * 1e9)
            r["pct_bw"] = 100 * t_bw / (r["ms"] / 1e3) if np.prod(r["kshape"]) <= 25 else None


def fmt_peer(name, p):
    if "skip" in p:
        return f"{name} {p['skip']}"
    return f"{name} {p['ratio']:.3g}x" + ("" if p["same_work"] else "!")


def print_table(rows):
    print(f"\nbg = CPUs busy with other processes during the row (> 0.3: noisy, above all "
          f"for workers=2).\npeers: sc.conv2d = scipy.signal.convolve2d, sc.direct/fft/auto "
          f"= scipy.signal.convolve(method=), ndimage = scipy.ndimage.correlate,\n"
          f"       cv2 = cv2.filter2D, torch = torch conv1d/conv2d, fc.w1 = fastconv workers=1")
    head = (f"{'case':38s} {'ms':>9s} {'GF/s':>7s} {'%mm':>5s} {'%bw':>5s} "
            f"{'rel.err':>8s} {'check':5s} {'bg':>4s}  peers (peer ms / fastconv ms)")
    group = None
    for r in rows:
        if r["group"] != group:
            group = r["group"]
            print(f"\n== {group} " + "=" * 60 + "\n" + head)
        pm = "-" if r.get("pct_mm") is None else f"{r['pct_mm']:.0f}%"
        pb = "-" if r.get("pct_bw") is None else f"{r['pct_bw']:.0f}%"
        name = r["name"] + (" [baseline]" if r["group"] == "baseline" else "")
        print(f"{name:38s} {r['ms']:9.3f} {r['gflops']:7.1f} {pm:>5s} {pb:>5s} "
              f"{r['err']:8.1e} {r['check'][:5]:5s} {r['bg']:4.1f}  "
              + "  ".join(fmt_peer(n, p) for n, p in r["peers"].items()))


# ------------------------------------------------------------------ targets
def pick(rows, group, dtype, taps):
    """The 'same', fill, workers=1 row (2-D: 2048^2) of this dtype and kernel."""
    return next((r for r in rows if r["group"] == group and r["dtype"] == dtype
                 and r["mode"] == "same" and r["boundary"] == "fill"
                 and np.prod(r["kshape"]) == taps
                 and (group != "2d" or r["shape"] == [2048, 2048])), None)


def criterion(label, named_rows, key, limit, fmt):
    """PASS if key(row) >= limit for every row; n/a if any value is missing."""
    parts, verdict = [], "PASS"
    for name, r in named_rows:
        v = None if r is None else key(r)
        parts.append(f"{name} {'n/a' if v is None else fmt(v)}")
        if v is None:
            verdict = "FAIL" if verdict == "FAIL" else "n/a "
        elif v < limit:
            verdict = "FAIL"
    return dict(line=f"  [{verdict}] {label}: " + ", ".join(parts), verdict=verdict.strip())


def evaluate_targets(rows):
    pct, x = (lambda v: f"{v:.1f}%"), (lambda v: f"{v:.2f}x")
    mm = lambda r: r.get("pct_mm")
    ratio = lambda peer: (lambda r: r["peers"].get(peer, {}).get("ratio"))
    img = lambda dt, ks: [(f"{k}x{k}", pick(rows, "2d", dt, k * k)) for k in ks]
    one = [(f"{t} taps", pick(rows, "1d", "float64", t)) for t in (16, 64, 256, 512)]
    wk = next((r for r in rows if r["group"] == "workers"), None)
    wk_fmt = lambda v: f"{v:.2f}x" + (f" (unreliable: bg {wk['bg']:.1f} CPUs)"
                                      if wk["bg"] > 0.3 else "")
    base = [(r["name"], r) for r in rows if r["group"] == "baseline"] or [("rows", None)]
    bw = ", ".join(f"{n} {r['pct_bw']:.0f}%" if r else f"{n} n/a"
                   for n, r in img("float32", (3, 5)))
    return [
        criterion("f32 7..15 >= 70% of f32 matmul", img("float32", (7, 11, 15)), mm, 70, pct),
        criterion("f32 7..15 >= 1.3x cv2.filter2D", img("float32", (7, 11, 15)),
                  ratio("cv2"), 1.3, x),
        criterion("f32 3,5 >= 1.5x cv2.filter2D", img("float32", (3, 5)), ratio("cv2"), 1.5, x),
        dict(line=f"  [info] f32 3,5 share of the bandwidth bound: {bw}", verdict="info"),
        criterion("f64 5..15 >= 60% of f64 matmul", img("float64", (5, 7, 11, 15)), mm, 60, pct),
        criterion("f64 5..15 >= 2x cv2.filter2D", img("float64", (5, 7, 11, 15)),
                  ratio("cv2"), 2.0, x),
        criterion("1-D 1e6 f64 16..512 taps >= 50% of f64 matmul", one, mm, 50, pct),
        criterion("1-D 1e6 f64 16..512 taps >= 5x numpy.convolve", one,
                  ratio("np.convolve"), 5.0, x),
        criterion("workers=2 vs 1, f32 7x7 >= 1.7x", [("7x7", wk)], ratio("fc.w1"), 1.7, wk_fmt),
        criterion("forced baseline path correct", base, lambda r: float(r["check"] == "ok"),
                  1.0, lambda v: "ok" if v else "FAIL"),
        criterion("forced baseline path >= 5x scipy convolve2d", base,
                  ratio("sc.conv2d"), 5.0, x),
    ]


def plot(rows, peaks, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:
        print(f"--plot: matplotlib not importable, {path} not written")
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    peers = sorted({p for r in rows if r["group"] == "2d" for p in r["peers"]})
    for ax, dt in zip(axes, ("float32", "float64")):
        sel = [r for r in rows if r["group"] == "2d" and r["dtype"] == dt
               and r["mode"] == "same" and r["shape"] == [2048, 2048]]
        ks = [r["kshape"][0] for r in sel]
        ax.plot(ks, [r["gflops"] for r in sel], "o-", lw=2, color="C0", label="fastconv")
        for i, peer in enumerate(peers):
            ys = [r["peers"].get(peer, {}).get("gflops", np.nan) for r in sel]
            ax.plot(ks, ys, ".--", color=f"C{i + 1}", label=peer)
        ax.axhline(peaks["matmul_" + dt], color="k", ls=":", label="1-thread matmul")
        ax.set(title=f"2048^2 {dt} 'same', 1 thread", xlabel="kernel size",
               yscale="log", xticks=ks)
    axes[0].set_ylabel("GFLOP/s (2 x outputs x taps)")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


# --------------------------------------------------------------------- main
def parser(prog=None, default_json=""):
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short subset (< 1 min)")
    ap.add_argument("--targets", action="store_true", help="only the rows the targets use")
    ap.add_argument("--filter", default="", help="only rows whose name contains this")
    ap.add_argument("--json", default=default_json,
                    help="machine-readable results ('' for none; default %(default)r)")
    ap.add_argument("--plot", default=None, help="PNG path (needs matplotlib)")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--max-peer-s", type=float, default=None,
                    help="skip a peer whose estimated time per call exceeds this")
    ap.add_argument("--warm", action="store_true",
                    help="time each call right after an untimed call of the same function "
                         "(steady state of a loop) instead of after the peers' calls")
    ap.add_argument("--no-baseline", action="store_true", help="skip the baseline subprocess")
    ap.add_argument("--_baseline-worker", action="store_true", help=argparse.SUPPRESS)
    return ap


def finish_args(opts):
    # (samples per callable, at most; slow ones get fewer, as the budget
    # allows.  The targets run takes more of the fast ones: on a shared
    # machine a median of 5 calls of 2 ms moved by up to 40% between runs)
    opts.repeats = opts.repeats or (3 if opts.quick else 15 if opts.targets else 5)
    opts.max_peer_s = opts.max_peer_s or (1.0 if opts.quick else 3.0)
    opts.budget = 0.4 if opts.quick else 0.6
    return opts


def main(argv=None, prog=None, default_json=""):
    """Run the suite; the exit status (1 if a correctness check failed)."""
    opts = finish_args(parser(prog, default_json).parse_args(argv))
    one_thread_peers()
    if opts._baseline_worker:
        rows = run_rows(baseline_cases(opts.quick), opts, verbose=False)
        for r in rows:
            if r["isa"] != "baseline":
                r["check"] = f"FAIL (ran on {r['isa']})"
        print("@@ROWS " + json.dumps(rows))
        return 0
    t_start = perf_counter()
    info = machine_info(measure_peaks(opts.quick))
    print_header(info, opts)
    cases = (subset_cases("quick") if opts.quick else
             subset_cases("targets") if opts.targets else full_cases())
    rows = run_rows(cases, opts)
    if not opts.no_baseline and any(opts.filter in c.name for c in baseline_cases(opts.quick)):
        rows += run_baseline_subprocess(opts)
    again = measure_peaks(opts.quick)  # peaks at start and end: keep the best
    info["peaks"].update({k: max(v, again[k]) for k, v in again.items() if k != "blas"})
    print(f"peak again at the end; using f32 {info['peaks']['matmul_float32']:.1f}, f64 "
          f"{info['peaks']['matmul_float64']:.1f} GF/s, copy {info['peaks']['copy_GBs']:.1f} GB/s")
    annotate(rows, info["peaks"])
    print_table(rows)
    targets = evaluate_targets(rows)
    print("\n== targets (issue 3): 2048^2 'same', workers=1 " + "=" * 32)
    print("\n".join(t["line"] for t in targets))
    wall = perf_counter() - t_start
    fails = [r["name"] for r in rows if r["check"] != "ok"]
    print(f"\n{len(rows)} rows, {len(fails)} correctness FAIL(s) {', '.join(fails)}; "
          f"wall time {wall:.0f} s")
    if opts.json:
        os.makedirs(os.path.dirname(os.path.abspath(opts.json)), exist_ok=True)
        with open(opts.json, "w") as fh:
            json.dump(dict(machine=info, args=vars(opts), wall_s=wall, rows=rows,
                           targets=targets), fh, indent=1, default=str)
        print(f"json written to {opts.json}")
    if opts.plot:
        plot(rows, info["peaks"], opts.plot)
    return 1 if fails else 0


if __name__ == "__main__":  # the baseline worker subprocess
    sys.exit(main())
