"""Concurrency: fastconv called from many Python threads and from child processes.

* 8 Python threads calling at once (different inputs, and one shared
  read-only input) get exactly the serial results.
* Inside a ``ThreadPoolExecutor(8)`` with ``workers=2`` every call finishes
  (run in a child interpreter with a timeout, so a deadlock fails the test
  instead of hanging CI) with the right values, and the calls in flight share
  the CPUs instead of each taking ``workers`` threads.
* A 'spawn'ed process works after the parent ran multi-threaded calls.
* The fork caveat documented in ``fastconv._threads``: a 'fork'ed child (after
  a multi-threaded call in the parent) works when it calls with ``workers=1``;
  the direct method's own worker team (csrc/fc_team.h) works there with
  ``workers=2`` too.
* A call whose worker threads never get a CPU (held, as on a loaded machine)
  finishes on the caller's thread with the same bits.
"""
import json
import multiprocessing as mp
import os
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest

import fastconv
from helpers import child_env

N_THREADS = 8
TIMEOUT = 120  # seconds before a child process counts as hung


@pytest.fixture(autouse=True)
def _threads_even_for_small_problems(monkeypatch):
    """workers=2 really runs two threads in this process (small problems
    otherwise run on one, see fastconv._threads.PARALLEL_MIN_SECONDS)."""
    from fastconv import _threads
    monkeypatch.setattr(_threads, "PARALLEL_MIN_SECONDS", 0)


def _cases():
    """(name, callable) pairs, run with threads even where they are small
    (the fixture below)."""
    rng = np.random.default_rng(12345)
    img64 = rng.standard_normal((256, 256))
    img32 = img64.astype(np.float32)
    k7 = rng.standard_normal((7, 7))
    ints = rng.integers(-1000, 1000, (200, 300), dtype=np.int32)
    cplx = (rng.standard_normal((128, 160)) + 1j * rng.standard_normal((128, 160)))
    vol = rng.standard_normal((12, 40, 40)).astype(np.float32)
    sig = rng.standard_normal(200_000)
    u8 = rng.integers(0, 255, (300, 300), dtype=np.uint8)
    return [
        ("convolve2d f64 fill", lambda w: fastconv.convolve2d(img64, k7, "same", workers=w)),
        ("correlate2d f32 symm", lambda w: fastconv.correlate2d(img32, k7.astype(np.float32), "full",
                                                                 "symm", workers=w)),
        ("convolve2d i32 wrap", lambda w: fastconv.convolve2d(ints, ints[:9, :9], "same", "wrap",
                                                               workers=w)),
        ("correlate c128", lambda w: fastconv.correlate(cplx, cplx[:8, :8], "valid", "direct",
                                                        workers=w)),
        ("convolve 3-D f32", lambda w: fastconv.convolve(vol, vol[:3, :5, :5], "same", "direct",
                                                         workers=w)),
        ("convolve 1-D f64", lambda w: fastconv.convolve(sig, sig[:31], "full", "direct",
                                                         workers=w)),
        ("convolve2d u8 fill=3", lambda w: fastconv.convolve2d(u8, u8[:5, :5], "same", "fill", 3,
                                                                workers=w)),
        ("convolve2d f16 reflect", lambda w: fastconv.convolve2d(img32.astype(np.float16)[:160, :160],
                                                                  k7.astype(np.float16), "same",
                                                                  "reflect", workers=w)),
    ]


def _run_threads(target, n):
    """Start `n` threads released together by a barrier; re-raise any error."""
    barrier = threading.Barrier(n)
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append((i, exc))

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread did not finish (deadlock?)"
    if errors:
        raise errors[0][1]


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("workers", [1, 2, None])
def test_threads_on_different_inputs_match_serial(workers):
    cases = _cases()
    assert len(cases) == N_THREADS
    serial = [f(1) for _, f in cases]
    results = [[] for _ in cases]

    def target(i):
        for _ in range(5):
            results[i].append(cases[i][1](workers))

    _run_threads(target, N_THREADS)
    for (name, _), exp, got in zip(cases, serial, results):
        assert len(got) == 5
        for g in got:
            assert same_bits(g, exp), f"{name}: threaded result differs from the serial one"


def test_threads_on_shared_readonly_input_match_serial():
    rng = np.random.default_rng(7)
    img = rng.standard_normal((300, 300)).astype(np.float32)
    img.flags.writeable = False
    ker = rng.standard_normal((5, 5)).astype(np.float32)
    ker.flags.writeable = False
    before = (img.tobytes(), ker.tobytes())
    calls = [
        lambda w: fastconv.convolve2d(img, ker, "same", "symm", workers=w),
        lambda w: fastconv.correlate2d(img, ker, "valid", workers=w),
        lambda w: fastconv.convolve(img, ker, "full", "direct", workers=w),
        lambda w: fastconv.correlate(img[::-1, ::2], ker, "same", "direct", workers=w),
    ]
    serial = [c(1) for c in calls]
    results = [[] for _ in range(N_THREADS)]

    def target(i):
        for rep in range(4):
            j = (i + rep) % len(calls)
            results[i].append((j, calls[j](2 if i % 2 else None)))

    _run_threads(target, N_THREADS)
    assert (img.tobytes(), ker.tobytes()) == before
    for res in results:
        assert len(res) == 4
        for j, got in res:
            assert same_bits(got, serial[j])
            assert not np.shares_memory(got, img)


def test_set_workers_is_per_thread():
    seen = {}

    def target(i):
        with fastconv.set_workers(1 + i % 2):
            for _ in range(200):
                assert fastconv.get_workers() == 1 + i % 2
            fastconv.convolve2d(np.ones((64, 64)), np.ones((3, 3)))
            seen[i] = fastconv.get_workers()

    _run_threads(target, N_THREADS)
    assert seen == {i: 1 + i % 2 for i in range(N_THREADS)}


POOL_SCRIPT = textwrap.dedent("""
    import json, threading
    from concurrent.futures import ThreadPoolExecutor
    import numpy as np
    import fastconv
    from fastconv import _window

    # Record the threads each call in flight was given (white-box: the
    # thread_share context manager that _window uses).
    lock = threading.Lock()
    inflight = {"calls": 0, "threads": 0}
    peak = {"calls": 0, "threads": 0, "n": 0}
    real_share = _window.thread_share

    class recording_share:
        def __init__(self, requested, macs):
            self.cm = real_share(requested, macs)
        def __enter__(self):
            n = self.cm.__enter__()
            with lock:
                inflight["calls"] += 1
                inflight["threads"] += n
                peak["calls"] = max(peak["calls"], inflight["calls"])
                if inflight["threads"] > peak["threads"]:
                    peak["threads"] = inflight["threads"]
                    peak["calls_then"] = inflight["calls"]
                peak["n"] += 1
            self.n = n
            return n
        def __exit__(self, *exc):
            with lock:
                inflight["calls"] -= 1
                inflight["threads"] -= self.n
            return self.cm.__exit__(*exc)

    _window.thread_share = recording_share

    rng = np.random.default_rng(3)
    imgs = [rng.standard_normal((384, 384)).astype(np.float32) for _ in range(4)]
    ker = rng.standard_normal((9, 9)).astype(np.float32)
    serial = [fastconv.convolve2d(im, ker, "same", "wrap", workers=1) for im in imgs]
    peak.update(calls=0, threads=0, n=0)

    def task(i):
        out = fastconv.convolve2d(imgs[i % 4], ker, "same", "wrap", workers=2)
        return i, out

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(task, range(48)))
    ok = all(out.tobytes() == serial[i % 4].tobytes() for i, out in results)
    print(json.dumps({"ok": ok, "n_results": len(results), **peak,
                      "cpus": fastconv._threads.available_cpus()}))
""")


def test_thread_pool_with_workers_2_completes_and_does_not_oversubscribe():
    proc = subprocess.run([sys.executable, "-c", POOL_SCRIPT], env=child_env(),
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    assert stats["ok"] and stats["n_results"] == 48
    assert stats["n"] == 48
    # Cores are shared out when a call starts: the i-th call to join the
    # ones in flight gets max(1, min(2, cpus // i)) threads, so k calls in
    # flight hold at most that sum (9 for 8 calls on 2 CPUs); without sharing
    # it would be 2 * k (16).
    k, cpus = stats["calls_then"], stats["cpus"]
    bound = sum(max(1, min(2, cpus // i)) for i in range(1, k + 1))
    assert stats["threads"] <= bound, stats


# ------------------------------------------------------------ processes
def _child_convolve(workers):
    rng = np.random.default_rng(11)
    img = rng.standard_normal((512, 512))   # (over PARALLEL_MIN_SECONDS)
    ker = rng.standard_normal((7, 7))
    return fastconv.convolve2d(img, ker, "same", "symm", workers=workers)


def _child_to_queue(q, workers):
    try:
        q.put(("ok", _child_convolve(workers)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        q.put(("error", repr(exc)))


def _use_threads_in_parent():
    out = _child_convolve(2)  # really runs on 2 threads
    assert same_bits(out, _child_convolve(1))
    return out


def _run_child(ctx, workers):
    q = ctx.Queue()
    p = ctx.Process(target=_child_to_queue, args=(q, workers))
    with warnings.catch_warnings():
        # Python >= 3.12 warns about fork() in a multi-threaded process;
        # the point of the fork test is to do exactly that.
        warnings.simplefilter("ignore", DeprecationWarning)
        p.start()
    try:
        status, value = q.get(timeout=TIMEOUT)
    except Exception:
        status, value = "timeout", f"child did not answer within {TIMEOUT} s (hung?)"
    p.join(timeout=10)
    if p.is_alive():
        p.kill()
        p.join()
    assert status == "ok", value
    assert p.exitcode == 0
    return value


@pytest.mark.parametrize("workers", [1, 2])
def test_spawned_process_after_threads(workers):
    expected = _use_threads_in_parent()
    got = _run_child(mp.get_context("spawn"), workers)
    assert same_bits(got, expected)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork caveat is about Linux/libgomp")
def test_forked_child_with_workers_1_after_threads():
    """As documented in fastconv._threads: after a multi-threaded call, a
    forked child may use fastconv with workers=1."""
    expected = _use_threads_in_parent()
    got = _run_child(mp.get_context("fork"), 1)
    assert same_bits(got, expected)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork()")
def test_forked_child_with_workers_2_direct_method():
    """The direct method's worker team is started afresh in a forked child
    (the parent's workers do not exist there): workers=2 works in the child
    after multi-threaded direct calls in the parent, with the same bits."""
    from fastconv import _direct
    expected = _use_threads_in_parent()
    assert _direct.team_workers() >= 1
    got = _run_child(mp.get_context("fork"), 2)
    assert same_bits(got, expected)


HELD_TEAM_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import fastconv
    from fastconv import _direct, _fftcore, _sepcore, _threads
    from fastconv import ndimage as ndi
    _threads.PARALLEL_MIN_SECONDS = 0
    rng = np.random.default_rng(5)
    img, ker = rng.standard_normal((300, 700)), rng.standard_normal((9, 9))
    big = rng.standard_normal((40, 40))

    def gaussian(w):
        with fastconv.set_workers(w):
            return ndi.gaussian_filter(img, 3)
    calls = {
        "direct": lambda w: fastconv.convolve(img, ker, "same", method="direct", workers=w),
        "fft": lambda w: fastconv.convolve(img, big, "same", method="fft", workers=w),
        "separable": gaussian,
    }
    same = {}
    for name, call in calls.items():
        one = call(1)
        runs = [call(2)]                      # workers started
        for hold in (_direct.team_hold, _fftcore.team_hold, _sepcore.team_hold):
            hold(True)
        runs += [call(2) for _ in range(3)]
        for hold in (_direct.team_hold, _fftcore.team_hold, _sepcore.team_hold):
            hold(False)
        runs.append(call(2))
        same[name] = [bool(np.array_equal(r.view(np.uint64), one.view(np.uint64))) for r in runs]
    print(json.dumps({"same": same, "workers": _direct.team_workers()}))
""")


def test_call_does_not_wait_for_workers_that_never_run():
    """Worker threads that never get a CPU during a call (held here, as
    other processes can hold the cores) are not waited for: the caller's
    thread computes every unit and returns, with the bits of workers=1 -
    for the direct method, the FFT engine (a deferred spectrum's steps and
    the groups) and the separable passes.
    (An OpenMP loop would wait at its closing barrier for them: this child
    would hang and time out.)"""
    proc = subprocess.run([sys.executable, "-c", HELD_TEAM_SCRIPT], env=child_env(),
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["same"] == {name: [True] * 5 for name in ("direct", "fft", "separable")}
    assert res["workers"] >= 1


WORKERS_CAP_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import fastconv

    def threads():
        with open("/proc/self/status") as f:
            return int(next(l for l in f if l.startswith("Threads:")).split()[1])

    before = threads()
    out = fastconv.convolve2d(np.ones((1000, 1000)), np.ones((5, 5)), workers=64)
    print(json.dumps({"before": before, "after": threads(), "ok": bool((out >= 0).all()),
                      "cpus": fastconv._threads.available_cpus()}))
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc (Linux)")
def test_workers_above_cpu_count_starts_no_more_threads_than_cpus():
    """workers=64 on a machine with fewer CPUs must not start 64 OpenMP
    threads: each costs a stack, they stay in libgomp's pool, and when
    thread creation fails libgomp exits the whole process ("libgomp:
    Thread creation failed") instead of raising."""
    proc = subprocess.run([sys.executable, "-c", WORKERS_CAP_SCRIPT], env=child_env(),
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["ok"]
    if res["cpus"] >= 64:
        pytest.skip("this machine has 64 CPUs or more")
    assert res["after"] - res["before"] <= res["cpus"] - 1, res
