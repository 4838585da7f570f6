"""Where the second thread's time goes: per-thread CPU of fastconv calls.

For each case it runs the call N times with workers=1 and with workers=2
and reads, before and after, every thread's counters in /proc/self/task
(Linux): schedstat's time on a CPU and time waiting for one (runnable but
not running: the machine's other load, or the host's steal as the guest
sees it), utime/stime (user/kernel ticks) and minor page faults.  OpenMP
waits passively (OMP_WAIT_POLICY=passive, set here before fastconv loads),
so a thread's CPU is its busy time, not spinning at a barrier.

Printed per case and workers value, per call (ms): wall; the CPU of each
thread (main thread first); their sum; the C part's wall (the C entry
timed by a wrapper); serial = wall - C part (Python set-up on the main
thread); imbalance = (max - min) thread CPU in the C part; faults per call.
If the CPU sum grows from workers=1 to 2, the threads contend (memory, L2,
steal); if it stays but the wall is over half, serial parts or imbalance.

    PYTHONPATH=src python benchmarks/thread_profile.py [--calls N] [--only TEXT]
"""
import argparse
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import numpy as np  # noqa: E402

import fastconv  # noqa: E402
from fastconv import _fftcore, _memory, _sepcore  # noqa: E402
from fastconv import ndimage as fndi  # noqa: E402

TICK = 1.0 / os.sysconf("SC_CLK_TCK")


def _snap():
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                run, wait, _ = (int(v) for v in f.read().split())
            with open(f"/proc/self/task/{tid}/stat") as f:
                st = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields after the name: state=0 ... minflt=7, utime=11, stime=12
        out[int(tid)] = (run * 1e-9, wait * 1e-9, int(st[11]) * TICK, int(st[12]) * TICK,
                         int(st[7]))
    return out


class _Timed:
    """Wraps a C entry: the wall seconds spent inside it."""

    def __init__(self, mod, name):
        self.mod, self.name, self.fn, self.t = mod, name, getattr(mod, name), 0.0

    def __enter__(self):
        def wrapped(*a, **k):
            t0 = time.perf_counter()
            try:
                return self.fn(*a, **k)
            finally:
                self.t += time.perf_counter() - t0
        setattr(self.mod, self.name, wrapped)
        return self

    def __exit__(self, *exc):
        setattr(self.mod, self.name, self.fn)


def profile(label, call, cmod, cname, calls):
    main = os.getpid()
    res = {}
    for w in (1, 2):
        with fastconv.set_workers(w):
            for _ in range(3):
                call()
            with _Timed(cmod, cname) as tm:
                a = _snap()
                t0 = time.perf_counter()
                for _ in range(calls):
                    call()
                wall = (time.perf_counter() - t0) / calls
                b = _snap()
        d = {t: [(y - x) / calls for x, y in zip(a[t], b[t])] for t in b if t in a}
        busy = sorted(((t != main, -v[0], t) for t, v in d.items() if v[0] > 1e-5))
        cpu = [-c for _, c, _ in busy]
        tflt = [d[t][4] for _, _, t in busy]
        ctime = tm.t / calls
        faults = sum(v[4] for v in d.values())
        waitq = sum(v[1] for v in d.values())
        sysc = sum(v[3] for v in d.values())
        res[w] = (wall, sum(cpu))
        print(f"{label:34s} w={w} wall {wall*1e3:7.2f} ms  C {ctime*1e3:7.2f}  serial "
              f"{(wall-ctime)*1e3:5.2f}  cpu/thread "
              + " ".join(f"{c*1e3:6.2f}" for c in cpu)
              + f"  sum {sum(cpu)*1e3:7.2f}  sys {sysc*1e3:5.2f}  runq-wait {waitq*1e3:5.2f}"
              f"  faults {faults:4.0f} (" + " ".join(f"{f:.0f}" for f in tflt) + ")",
              flush=True)
    (w1, c1), (w2, c2) = res[1], res[2]
    print(f"{label:34s} w2/w1 {w1 / w2:.2f}  cpu(w2)/cpu(w1) {c2 / c1:.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--only", default="")
    ap.add_argument("--pool", action="store_true",
                    help="FFT outputs from fastconv's buffer cache (_memory.empty), "
                         "not numpy.empty")
    opts = ap.parse_args()
    rng = np.random.default_rng(0)
    img = rng.random((2048, 2048), dtype=np.float32)
    for sigma in (1, 2, 4, 8):
        label = f"gaussian_filter f32 sigma={sigma}"
        if opts.only in label:
            profile(label, lambda: fndi.gaussian_filter(img, sigma), _sepcore, "run_planes",
                    opts.calls)
    for dt in (np.float32, np.float64):
        for m in (31, 64, 201):
            label = f"fft engine {np.dtype(dt).name} 2048^2 {m}^2"
            if opts.only not in label:
                continue
            x = rng.random((2048, 2048)).astype(dt)
            k = rng.random((m, m)).astype(dt)
            starts = [(n - 1) // 2 - (n - 1) for n in k.shape]

            def call(x=x, k=k, starts=starts):
                out = (_memory.empty if opts.pool else np.empty)(x.shape, x.dtype)
                return _fftcore.correlate_window(x, k, starts, x.shape, out,
                                                 fastconv.get_workers())
            profile(label, call, _fftcore, "correlate_window", opts.calls)


if __name__ == "__main__":
    main()
