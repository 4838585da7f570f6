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
import math

import numpy as np

from ._fft import THREAD_MIN_SIZE, next_fast_len
from ._threads import SERIAL_MACS

__all__ = ["choose_method", "estimate_times", "overlap_macs", "fft_is_exact_enough"]

# Seconds per multiply-add of the direct kernel, by itemsize class of the
# work dtype ('f4', 'f8', 'c8', 'c16'); integers use 'i'.
SECONDS_PER_MAC = {"f4": 2.8e-11, "f8": 4.6e-11, "c8": 1.2e-10, "c16": 2.2e-10, "i": 3.1e-11}
# Seconds per (point * log2(points)) of one real/complex FFT convolution by
# the C engine (_fftcore; overlap-save tiles), n_fft counted as the padded
# size of the full convolution.  Measured by calibrate_method.py on a loaded
# machine and scaled by its direct/FFT ratio onto the direct constants above
# (measured quiet): f4 9.4, f8 6.7, c8 4.9, c16 2.2.
SECONDS_PER_FFT_POINT = {"f4": 2.6e-10, "f8": 3.1e-10, "c8": 5.8e-10, "c16": 4.8e-10}
# Speed-up of the FFT path per extra thread (transforms split over threads;
# the spectrum product and padding stay serial).
FFT_THREAD_GAIN = 0.5
MAX_SECONDS_PER_MAC = max(SECONDS_PER_MAC.values())
DIRECT_OVERHEAD = 5e-6
FFT_OVERHEAD = 6e-5
# Signals with one non-trivial axis run at other costs than the constants
# above (fitted mostly to 2-D): the single-row direct kernel runs at the FMA
# peak, and the engine's 1-D tiles cost more per n log2 n point than 2-D
# ones.  calibrate_method.py measured 0.57 (direct) and 1.51 (FFT) on a
# loaded machine; direct-vs-FFT timings of 10^6 samples with 64..4096 taps
# in one run (float32/float64) put the crossover at 256-512 taps, which
# 0.8 for the FFT reproduces.
DIRECT_1D_FACTOR = 0.57
FFT_1D_FACTOR = 0.8


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


def fft_is_exact_enough(plan):
    """False when the FFT could lose exactness or the dtype has no fast FFT."""
    res = plan.result
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
        nx = _norm(plan.x)
        nk = _norm(plan.kernel)
        n_fft = 1
        for n1, n2 in zip(plan.x.shape, plan.kernel.shape):
            n_fft *= n1 + n2 - 1
        if 8 * np.finfo(np.float64).eps * max(np.log2(n_fft), 1.0) * nx * nk >= 0.25:
            return False
    return True


def _norm(a):
    """The 2-norm of an integer or bool array, in float64, without a
    float64 copy of a large array (chunks of 1 Mi elements)."""
    flat = a.reshape(-1)
    total = 0.0
    for i in range(0, flat.size, 1 << 20):
        part = flat[i:i + (1 << 20)].astype(np.float64)
        total += float(np.dot(part, part))
    return float(np.sqrt(total))


def estimate_times(plan):
    """(t_direct, t_fft) the cost model predicts for a plan, in seconds."""
    conv = [a for a, c in enumerate(plan.conv) if c]
    x, k = plan.x, plan.kernel
    batch = math.prod(plan.batch_shape)
    taps = 1
    for a in conv:
        taps *= k.shape[a]
    if plan.zero_fill:
        # only products that touch both inputs (exact overlap count)
        starts = [plan.offsets[a] + k.shape[a] - 1 for a in conv]
        macs = batch * overlap_macs([x.shape[a] for a in conv], [k.shape[a] for a in conv],
                                    starts, [plan.shape[a] for a in conv])
    else:
        macs = math.prod(plan.shape) * taps
    direct_threads = plan.threads if macs >= SERIAL_MACS else 1
    one_d = sum(x.shape[a] + k.shape[a] - 1 > 1 for a in conv) <= 1
    per_mac = SECONDS_PER_MAC.get(_class(plan.work), SECONDS_PER_MAC["f8"])
    if one_d:
        per_mac *= DIRECT_1D_FACTOR
    t_direct = macs * per_mac / direct_threads + DIRECT_OVERHEAD
    n_fft = batch
    for a in conv:
        n_fft *= next_fast_len(x.shape[a] + k.shape[a] - 1, real=True)
    per_point = SECONDS_PER_FFT_POINT.get(_class(plan.fft_dtype), SECONDS_PER_FFT_POINT["f8"])
    if one_d:
        per_point *= FFT_1D_FACTOR
    fft_threads = plan.threads if n_fft >= THREAD_MIN_SIZE else 1
    t_fft = (n_fft * max(np.log2(n_fft), 1.0) * per_point
             / (1 + FFT_THREAD_GAIN * (fft_threads - 1)) + FFT_OVERHEAD)
    return t_direct, t_fft


def choose_method(plan):
    """'direct' or 'fft' for a non-empty plan with method='auto'.

    The prices come first (they cost microseconds); only when the FFT would
    win are integer inputs checked for exactness (an O(n) pass)."""
    if math.prod(plan.shape) * plan.kernel.size * MAX_SECONDS_PER_MAC < FFT_OVERHEAD:
        return "direct"   # (tiny problems: no need to price the FFT)
    t_direct, t_fft = estimate_times(plan)
    if t_fft < t_direct and fft_is_exact_enough(plan):
        return "fft"
    return "direct"
