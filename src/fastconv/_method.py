"""Direct-versus-FFT choice from a cost model of fastconv's own kernels.

scipy's ``choose_conv_method`` prices scipy's slow direct loop (about
5e7 MAC/s in N-D), so it sends almost every 2-D problem to the FFT.  fastconv
prices its own kernels instead:

    t_direct = macs * SECONDS_PER_MAC[dtype] / threads + DIRECT_OVERHEAD
    t_fft    = n_fft * log2(n_fft) * SECONDS_PER_FFT_POINT[dtype]
               / (1 + FFT_THREAD_GAIN * (threads - 1)) + FFT_OVERHEAD

where ``macs`` counts only products that touch both inputs (the exact
overlap count of the output window) and ``n_fft`` is the padded FFT size.
The constants are measured on the reference machine by
``benchmarks/calibrate_method.py``.

Exactness comes first: bool inputs, integer inputs whose FFT round-off
could reach 1/2 (estimated as 8 eps log2(n) |x|_2 |k|_2 >= 1/4), and
extended precision always go direct.
"""
import time

import numpy as np

from ._dtypes import fft_input_dtype, result_dtype
from ._fft import next_fast_len
from ._validate import (as_input_array, check_mode, check_same_ndim,
                        check_valid_shapes)
from ._modes import window
from ._threads import SERIAL_MACS, get_workers

__all__ = ["choose_conv_method", "choose_method", "overlap_macs"]

# Seconds per multiply-add of the direct kernel, by itemsize class of the
# work dtype ('f4', 'f8', 'c8', 'c16'); integers use 'i'.
SECONDS_PER_MAC = {"f4": 2.8e-11, "f8": 4.6e-11, "c8": 1.2e-10, "c16": 2.2e-10, "i": 3.1e-11}
# Seconds per (point * log2(points)) of one real/complex FFT convolution
# (forward transforms of both inputs, product, inverse transform).
SECONDS_PER_FFT_POINT = {"f4": 1.1e-9, "f8": 1.4e-9, "c8": 2.0e-9, "c16": 3.5e-9}
# Speed-up of the FFT path per extra thread (transforms split over threads;
# the spectrum product and padding stay serial).
FFT_THREAD_GAIN = 0.5
DIRECT_OVERHEAD = 5e-6
FFT_OVERHEAD = 6e-5
# Signals with one non-trivial axis run cheaper on both paths than the
# constants above (fitted mostly to 2-D): the single-row direct kernel runs
# at the FMA peak, and 1-D transforms cost less per n log2 n point.  The
# factors are the medians of 1-D over 2-D problems, float32 and float64
# (benchmarks/calibrate_method.py; 1e6 float64 samples, one thread: the FFT
# is faster from about 460 taps, the model switches at about 510).
DIRECT_1D_FACTOR = 0.68
FFT_1D_FACTOR = 0.57


def _prefix_overlap(P, a, b):
    """sum over p in [0, P) of the number of (i, j) pairs with i + j == p,
    0 <= i < a, 0 <= j < b, for a <= b."""
    full = a + b - 1
    P = min(max(P, 0), full)
    r = min(P, a)
    total = r * (r + 1) // 2
    if P > a:
        total += (min(P, b) - a) * a
    if P > b:
        total += (P - b) * ((a - 1) + (a + b - P)) // 2
    return total


def overlap_macs(shape1, shape2, starts, lengths):
    """Exact count of multiply-adds (pairs inside both inputs) in a window."""
    macs = 1
    for n1, n2, s, n in zip(shape1, shape2, starts, lengths):
        a, b = min(n1, n2), max(n1, n2)
        macs *= _prefix_overlap(s + n, a, b) - _prefix_overlap(s, a, b)
    return macs


def _class(dt):
    dt = np.dtype(dt)
    if dt.kind in "biu":
        return "i"
    return dt.kind + str(dt.itemsize)


def _fft_is_exact_enough(in1, in2):
    """False when the FFT could lose exactness or the dtype has no fast FFT."""
    res = result_dtype(in1, in2)
    if res.kind == "b":
        return False
    if res.kind in "fc" and res.itemsize > (8 if res.kind == "f" else 16):
        return False  # longdouble / clongdouble
    if res.kind in "iu":
        # The FFT's absolute error is about eps * log2(n) * |x|_2 * |k|_2
        # (with a safety factor); the rounded result is exact while that
        # stays well under 1/2.  This is tighter than scipy's
        # max|x| * max|k| * overlap < 2**52, which lets near-2**52 sums
        # through with errors of a few units.
        with np.errstate(over="ignore"):
            nx = float(np.linalg.norm(in1.astype(np.float64).ravel()))
            nk = float(np.linalg.norm(in2.astype(np.float64).ravel()))
        n_fft = 1
        for n1, n2 in zip(in1.shape, in2.shape):
            n_fft *= n1 + n2 - 1
        if 8 * np.finfo(np.float64).eps * max(np.log2(n_fft), 1.0) * nx * nk >= 0.25:
            return False
    return True


def estimate_times(in1, in2, starts, lengths, workers=1):
    """(t_direct, t_fft) predicted by the cost model, in seconds."""
    res = result_dtype(in1, in2)
    macs = overlap_macs(in1.shape, in2.shape, starts, lengths)
    direct_threads = workers if macs >= SERIAL_MACS else 1
    one_d = sum(n1 + n2 - 1 > 1 for n1, n2 in zip(in1.shape, in2.shape)) <= 1
    per_mac = SECONDS_PER_MAC.get(_class(res), SECONDS_PER_MAC["f8"])
    if one_d:
        per_mac *= DIRECT_1D_FACTOR
    t_direct = macs * per_mac / direct_threads + DIRECT_OVERHEAD
    n_fft = 1
    for n1, n2 in zip(in1.shape, in2.shape):
        n_fft *= next_fast_len(n1 + n2 - 1, real=True)
    fdt = np.result_type(fft_input_dtype(in1.dtype), fft_input_dtype(in2.dtype))
    per_point = SECONDS_PER_FFT_POINT.get(_class(fdt), SECONDS_PER_FFT_POINT["f8"])
    if one_d:
        per_point *= FFT_1D_FACTOR
    fft_threads = workers if n_fft >= 1 << 16 else 1
    t_fft = (n_fft * max(np.log2(n_fft), 1.0) * per_point
             / (1 + FFT_THREAD_GAIN * (fft_threads - 1)) + FFT_OVERHEAD)
    return t_direct, t_fft


def choose_method(in1, kernel, mode, starts, lengths, workers=1):
    """'direct' or 'fft' for validated, non-empty inputs of the same ndim."""
    if not _fft_is_exact_enough(in1, kernel):
        return "direct"
    t_direct, t_fft = estimate_times(in1, kernel, starts, lengths, workers)
    return "fft" if t_fft < t_direct else "direct"


def _time_call(fn, min_total=2e-3, max_runs=10):
    """Best time of `fn()` over enough runs to last ~min_total seconds."""
    best, total, runs = np.inf, 0.0, 0
    while runs < max_runs and (runs == 0 or total < min_total):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best, total, runs = min(best, dt), total + dt, runs + 1
    return best


def choose_conv_method(in1, in2, mode="full", measure=False):
    """Find the fastest convolution/correlation method (drop-in for scipy's).

    Parameters
    ----------
    in1 : array_like
        First argument passed into the convolution function.
    in2 : array_like
        Second argument passed into the convolution function.
    mode : {'full', 'valid', 'same'}, optional
        As for `convolve`.
    measure : bool, optional
        If True, run and time both methods on these inputs and return the
        faster one (still 'direct' whenever the FFT could lose exactness)
        together with the timings.

    Returns
    -------
    method : {'direct', 'fft'}
        The method `convolve`/`correlate` with ``method='auto'`` would use.
    times : dict, optional
        With ``measure=True``: ``{'fft': seconds, 'direct': seconds}``.

    Notes
    -----
    The estimate comes from a cost model of fastconv's own kernels (see
    ``fastconv._method``), not scipy's constants.  Bool inputs, integers
    whose FFT round-off could reach 1/2 and long double inputs always get
    'direct', so integer results stay exact.

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> fastconv.choose_conv_method(np.ones(100), np.ones(5))
    'direct'
    >>> fastconv.choose_conv_method(np.ones(100_000), np.ones(20_000))
    'fft'
    """
    in1 = as_input_array(in1, "in1")
    in2 = as_input_array(in2, "in2")
    check_mode(mode)
    check_same_ndim(in1, in2)
    if mode == "valid" and in1.ndim:
        check_valid_shapes(in1.shape, in2.shape)
    starts, lengths = window(mode, in1.shape, in2.shape)
    trivial = in1.ndim == 0 or 0 in lengths
    method = "direct" if trivial else choose_method(in1, in2, mode, starts, lengths,
                                                    get_workers())
    if not measure:
        return method
    from ._api import convolve
    times = {m: _time_call(lambda m=m: convolve(in1, in2, mode=mode, method=m))
             for m in ("fft", "direct")}
    if not trivial and _fft_is_exact_enough(in1, in2):
        method = min(times, key=times.get)
    return method, times
