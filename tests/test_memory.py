"""Memory: no leaks, bounded scratch, 64-bit indexing.

(a) Leaks: resident set size (``/proc/self/statm``) stays flat over many
    calls, after a warm-up that lets allocators and caches settle:
      20,000 small calls (every dtype, boundary, the FFT path and an error
      path)            grows < 1 MiB         (quick; ~50 bytes per call)
      100,000 small calls                    grows < 2 MiB  (``slow``)
      100 calls on 2048x2048 float32 (x) 5x5 grows < one output (16 MiB)
(b) Peak extra memory of one call, measured with tracemalloc (NumPy reports
    its allocations to it): the direct path on 2048x2048 float32 (x) 5x5
    'same' needs at most 1.1 x output + 1 MiB; the FFT path's peak is
    recorded (``record_property``, printed with ``-rA``).  The same
    figures from the peak RSS (VmHWM) of a child process, which also sees C
    ``malloc`` and thread stacks, are checked / recorded too.
(c) More than 2**31 elements (``slow``, skipped without enough free
    memory): uint8 inputs of 2**31 + 17 elements (1-D) and 46341 x 46341
    (2-D) convolved with a small kernel; the far end is checked exactly
    against NumPy.

Run the slow ones with:  PYTHONPATH=src python -m pytest tests/test_memory.py -m slow
"""
import gc
import json
import os
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest

import fastconv
from helpers import child_env
from reference import ref_convolve2d

MiB = 1 << 20


def rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        pytest.skip("/proc/self/statm is not available")


def mem_available():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


# ------------------------------------------------------------------ leaks
def _small_calls():
    """A cycle of small calls over the code paths (dtypes, boundaries,
    N-D, FFT, errors)."""
    rng = np.random.default_rng(0)
    f64 = rng.standard_normal((8, 8))
    k64 = rng.standard_normal((3, 3))
    dtypes = [np.bool_, np.int8, np.uint16, np.int32, np.uint64, np.float16,
              np.float32, np.longdouble, np.complex64, np.clongdouble]
    arrs = [(f64 * 10).astype(d) for d in dtypes]
    kers = [(k64 * 10).astype(d) for d in dtypes]
    calls = []
    for a, k in zip(arrs, kers):
        calls.append(lambda a=a, k=k: fastconv.convolve2d(a, k, "same", "symm"))
        calls.append(lambda a=a, k=k: fastconv.correlate(a, k, "full", "direct"))
    calls += [
        lambda: fastconv.convolve2d(f64, k64, "full", "fill", 1.5),
        lambda: fastconv.correlate2d(f64[::-1, ::2], k64, "valid"),
        lambda: fastconv.convolve2d(f64.astype(">f8"), k64, "same", "wrap"),
        lambda: fastconv.convolve(f64[:, 0], k64[:, 0], "same", "direct"),
        lambda: fastconv.convolve(f64.reshape(2, 4, 8), k64.reshape(1, 3, 3), "same"),
        lambda: fastconv.convolve(f64, k64, "full", "fft"),
        lambda: fastconv.fftconvolve(f64, k64, "same"),
        lambda: fastconv.oaconvolve(f64[0], k64[0]),
        lambda: fastconv.convolve(np.zeros((0, 3)), k64),
        lambda: fastconv.convolve2d(f64, k64, "same", "reflect", workers=2),
    ]

    def bad():
        try:
            fastconv.convolve2d(f64, k64, "same", "bogus")
        except ValueError:
            pass
        else:
            raise AssertionError("no error for a bad boundary")

    calls.append(bad)
    return calls


def _rss_growth(calls, n_calls, warmup):
    for i in range(warmup):
        calls[i % len(calls)]()
    gc.collect()
    before = rss_bytes()
    for i in range(n_calls):
        calls[i % len(calls)]()
    gc.collect()
    return rss_bytes() - before


@pytest.mark.parametrize("n_calls, warmup, bound", [
    (20_000, 2_000, 1 * MiB),
    pytest.param(100_000, 5_000, 2 * MiB, marks=pytest.mark.slow),
])
def test_no_leak_small_calls(n_calls, warmup, bound, record_property):
    growth = _rss_growth(_small_calls(), n_calls, warmup=warmup)
    print(f"RSS growth {growth / 1024:.0f} KiB")
    record_property(f"rss_growth_{n_calls}_small_calls_bytes", growth)
    assert growth < bound, f"RSS grew by {growth / MiB:.2f} MiB over {n_calls:,} small calls"


def test_no_leak_large_calls(record_property):
    rng = np.random.default_rng(1)
    img = rng.standard_normal((2048, 2048), dtype=np.float32)
    ker = rng.standard_normal((5, 5), dtype=np.float32)
    calls = [lambda: fastconv.convolve2d(img, ker, "same"),
             lambda: fastconv.correlate2d(img, ker, "same", "symm")]
    growth = _rss_growth(calls, 100, warmup=6)
    print(f"RSS growth {growth / 1024:.0f} KiB")
    record_property("rss_growth_100_large_calls_bytes", growth)
    out_bytes = img.nbytes
    assert growth < out_bytes, (
        f"RSS grew by {growth / MiB:.1f} MiB over 100 calls of 2048^2 float32 "
        f"(bound: one output, {out_bytes / MiB:.0f} MiB)")


# ------------------------------------------------------------ peak memory
def traced_peak(fn):
    """Peak bytes traced by tracemalloc during fn(), above what was live
    before (the result is kept alive until the peak is read)."""
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peak - base, out


@pytest.fixture(scope="module")
def image_2048():
    rng = np.random.default_rng(2)
    return (rng.standard_normal((2048, 2048), dtype=np.float32),
            rng.standard_normal((5, 5), dtype=np.float32))


@pytest.mark.parametrize("func,args", [
    ("convolve2d", ("same",)),
    ("correlate2d", ("same", "symm")),
    ("convolve2d", ("same", "fill", 2.0)),
    ("convolve", ("same", "direct")),
    ("correlate", ("full", "direct")),
])
def test_direct_path_peak_extra_memory(image_2048, func, args, record_property):
    img, ker = image_2048
    peak, out = traced_peak(lambda: getattr(fastconv, func)(img, ker, *args, workers=2))
    record_property("peak_extra_bytes", peak)
    record_property("output_bytes", out.nbytes)
    bound = 1.1 * out.nbytes + MiB
    print(f"{func}{args} 2048^2 float32 (x) 5x5: peak extra {peak / MiB:.2f} MiB, "
          f"output {out.nbytes / MiB:.2f} MiB")
    assert peak <= bound, (
        f"{func}{args}: peak extra {peak / MiB:.2f} MiB for a {out.nbytes / MiB:.2f} MiB "
        f"output (bound {bound / MiB:.2f} MiB)")


@pytest.mark.parametrize("func", ["convolve-fft", "fftconvolve", "oaconvolve"])
def test_fft_path_peak_memory_recorded(image_2048, func, record_property):
    img, ker = image_2048
    call = {"convolve-fft": lambda: fastconv.convolve(img, ker, "same", method="fft"),
            "fftconvolve": lambda: fastconv.fftconvolve(img, ker, "same"),
            "oaconvolve": lambda: fastconv.oaconvolve(img, ker, "same")}[func]
    peak, out = traced_peak(call)
    record_property("peak_extra_bytes", peak)
    record_property("output_bytes", out.nbytes)
    print(f"{func} 2048^2 float32 (x) 5x5 'same': peak extra {peak / MiB:.1f} MiB "
          f"= {peak / out.nbytes:.2f} x output")
    assert peak >= out.nbytes  # sanity: the output itself is traced


RSS_PEAK_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np, fastconv
    which = sys.argv[1]

    def status(field):  # VmHWM / VmRSS of this process's own mm, in bytes
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024

    rng = np.random.default_rng(2)
    img = np.empty((2048, 2048), dtype=np.float32)
    for i in range(0, 2048, 64):  # in slices: no temporary raises the peak
        img[i:i + 64] = rng.standard_normal((64, 2048), dtype=np.float32)
    ker = rng.standard_normal((5, 5), dtype=np.float32)
    fastconv.convolve2d(img[:64, :64], ker, workers=2)   # start the thread pool
    fastconv.fftconvolve(img[:64, :64], ker)
    now, hwm_before = status("VmRSS"), status("VmHWM")
    if which == "direct":
        out = fastconv.convolve2d(img, ker, "same", workers=2)
    else:
        out = fastconv.convolve(img, ker, "same", method="fft")
    print(json.dumps({"peak_extra": status("VmHWM") - now,
                      "earlier_peak_above_now": hwm_before - now, "out": out.nbytes}))
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc (Linux)")
@pytest.mark.parametrize("which", ["direct", "fft"])
def test_peak_rss_of_one_call(which, record_property):
    """Peak RSS (VmHWM, which also sees C mallocs and thread stacks) of one
    call in a fresh process (ru_maxrss would carry the parent's peak over
    exec).  Direct: at most 1.1 x output + 4 MiB; FFT: recorded."""
    proc = subprocess.run([sys.executable, "-c", RSS_PEAK_SCRIPT, which], env=child_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    if res["earlier_peak_above_now"] >= res["peak_extra"]:
        pytest.skip(f"an earlier peak hides this call's: {res}")
    record_property("peak_rss_extra_bytes", res["peak_extra"])
    print(f"{which}: peak RSS extra {res['peak_extra'] / MiB:.1f} MiB, "
          f"output {res['out'] / MiB:.1f} MiB")
    if which == "direct":
        assert res["peak_extra"] <= 1.1 * res["out"] + 4 * MiB, res


# ------------------------------------------------------- > 2**31 elements
def _need_memory(nbytes):
    avail = mem_available()
    if avail is None:
        pytest.skip("MemAvailable unknown (no /proc/meminfo)")
    if avail < nbytes:
        pytest.skip(f"needs {nbytes / 2**30:.1f} GiB free, {avail / 2**30:.1f} GiB available")


def _mark(x, idx, rng):
    """Random values in the regions we check (the rest stays 0)."""
    x[idx] = rng.integers(1, 256, size=x[idx].shape, dtype=np.uint8)


@pytest.mark.slow
def test_more_than_2_31_elements_1d():
    n = 2**31 + 17
    k = np.array([3, 1, 2], dtype=np.uint8)
    _need_memory(2 * n + 2 * 2**30)          # input + output + 2 GiB margin
    rng = np.random.default_rng(3)
    x = np.zeros(n, dtype=np.uint8)
    _mark(x, np.s_[:4096], rng)
    _mark(x, np.s_[2**31 - 4096:], rng)       # straddles element 2**31 and the end
    out = fastconv.convolve(x, k, "full", method="direct")
    assert out.shape == (n + 2,) and out.dtype == np.uint8
    # out[p] = sum_j k[j] x[p - j] (mod 256): the tail depends on x[n-t-2:]
    t = 4096
    exp = np.convolve(x[n - t - 2:].astype(np.int64), k.astype(np.int64)) % 256
    assert np.array_equal(out[n - t:], exp[2:].astype(np.uint8))
    exp0 = np.convolve(x[:t].astype(np.int64), k.astype(np.int64)) % 256
    assert np.array_equal(out[:t], exp0[:t].astype(np.uint8))
    assert not out[t + 2:2**31 - 4096].any()  # zeros in between


@pytest.mark.slow
def test_more_than_2_31_elements_2d():
    n = 46341                                 # n * n = 2**31 + 88,465
    assert n * n > 2**31
    k = np.array([[1, 2, 0], [3, 1, 1], [0, 2, 5]], dtype=np.uint8)
    _need_memory(2 * n * n + 2 * 2**30)
    rng = np.random.default_rng(4)
    x = np.zeros((n, n), dtype=np.uint8)
    _mark(x, np.s_[:64, :64], rng)
    _mark(x, np.s_[-64:, :], rng)             # last rows: flat indices past 2**31
    _mark(x, np.s_[:, -64:], rng)
    out = fastconv.convolve2d(x, k, "same", "wrap")
    assert out.shape == (n, n) and out.dtype == np.uint8
    # reference on a window: x rows/cols n-70 .. n-1 then (wrapped) 0 .. 3
    idx = np.r_[n - 70:n, 0:4]
    win = x[np.ix_(idx, idx)].astype(np.int64)
    full = ref_convolve2d(win, k.astype(np.int64), "same", "fill") % 256
    # 'same' with a 3x3 kernel reads one row/col on each side: window rows
    # 1..69 (x rows n-69 .. n-1) are exact, the window's own edges are not
    exp = full[1:70, 1:70].astype(np.uint8)
    assert np.array_equal(out[n - 69:, n - 69:], exp)
    win0 = x[np.ix_(np.r_[n - 2:n, 0:66], np.r_[n - 2:n, 0:66])].astype(np.int64)
    full0 = ref_convolve2d(win0, k.astype(np.int64), "same", "fill") % 256
    assert np.array_equal(out[:64, :64], full0[2:66, 2:66].astype(np.uint8))
