"""Direct-versus-FFT choice from a cost model of fastconv's own kernels.

scipy's ``choose_conv_method`` prices scipy's slow direct loop (about
5e7 MAC/s in N-D), so it sends almost every 2-D problem to the FFT.  fastconv
prices its own kernels instead:

    t_direct = (macs * SECONDS_PER_MAC[dtype] + rows * DIRECT_SECONDS_PER_ROW) / threads
               + DIRECT_OVERHEAD
    t_fft    = units * SECONDS_PER_FFT_UNIT[dtype]
               / (1 + FFT_THREAD_GAIN * (threads - 1))
               + outputs * SECONDS_PER_FFT_OUTPUT[integer] + FFT_OVERHEAD (_1D)

where ``macs`` counts outputs x taps (for 1-D zero-filled windows only the
products that touch both inputs, the exact overlap count; `_direct_macs`),
the price per MAC counts how the kernels run each row (`_row_factor`),
``rows`` counts the passes of a kernel row over an output row, and
``units`` prices the FFT engine's overlap-save tiles the way the engine
itself does (`tile_cost`, which asks the engine's one statement of its tile
cost, csrc/fc_fft.c's fc_fft_tile_cost: tiles x tile points x (passes + 6
+ a penalty for a working set past the L2); 1-D tiles in groups of
lanes, plus FFT_1D_SPECTRUM_GROUPS of a group for the kernel's spectrum, and
no thread gain for a single group) - or, for a 1-D call the engine runs by
its kernel-partitioned FFT (a long kernel, few outputs: `fft_part`), that
FFT's cost in the same units.  ``threads`` are those
`_threads.threads_for` grants (one rule for the model and both executors);
prices are kept per geometry.
The constants are measured by ``benchmarks/calibrate_method.py``: a generic
table, and overrides for CPUs whose relative costs differ (`_MACHINE_PRICES`,
chosen by `machine_key()` at import; FASTCONV_PRICES=generic ignores them);
``benchmarks/bench_method_grid.py`` checks the choices on a 212-case grid.

A plan with separable factors (`Plan.factors`, `_factors.py`) is also
priced as 1-D passes (`separable_time`):

    t_sep = outputs * sum_a taps_a * SECONDS_PER_SEP_TAP[dtype] / threads
            + SEP_OVERHEAD

with ``taps_a = SEP_BOX_TAPS`` for a running-sum factor; the cheapest of
direct, separable and (for 'auto') FFT is chosen.

Exactness comes first: bool inputs, integer inputs whose FFT round-off
could reach 1/2 (estimated as 8 eps log2(n) |x|_2 |k|_2 >= 1/4), and
extended precision always go direct.
"""
import math
import os
import threading
from functools import lru_cache

import numpy as np

from . import _direct, _fftcore
from ._kept import keep
from ._threads import threads_for

__all__ = ["choose_method", "surely_direct", "estimate_times", "overlap_macs", "fft_is_exact_enough",
           "separable_time", "separable_seconds", "direct_seconds", "fft_seconds"]

# Seconds per multiply-add of the direct kernel, by itemsize class of the
# work dtype ('f4', 'f8', 'c8', 'c16'); integers use 'i' (1-byte ones 'i1',
# 2-byte ones 'i2').
# 'i2': 2-byte integer work (int16/uint16 data, wrapping in uint16) runs in
# the same 16-bit lanes as 'i1' and takes its price.  (It had the 'i'
# price, measured on int32, and the int16 cases of the quiet grids of
# 2026-12-03 ran direct at 1/2-1/7 of it: [10^4] * [4096] int16 'full' took
# 0.30 ms direct and 0.58 ms by FFT, priced 0.64 and 0.64, so the FFT.)
# 'i1': 1-byte integer work (uint8 data in 16-bit lanes, `_lane_bytes`):
# since the kernel computes zero-filled border columns itself (no padded
# copy of x), the large uint8 2-D/3-D cases of bench_method_grid.py (quiet
# runs of 2026-12-02 18:13, load ~1, workers 1 process time and 2 wall)
# ran at 0.64-0.77x the 'i' price (9^2..31^2, 9^3 kernels): 0.6x of it.
SECONDS_PER_MAC = {"f4": 2.8e-11, "f8": 4.6e-11, "c8": 1.2e-10, "c16": 2.2e-10, "i": 3.1e-11,
                   "i1": 1.9e-11, "i2": 1.9e-11}
# Seconds per unit of FFT-engine work (fft_units), by class of the FFT
# dtype.  calibrate_method.py on 2026-12-01 (load 5 on 2 cores) measured
# 6.0e-10, 1.7e-9, 5.7e-10, 1.2e-9 s/unit next to direct costs 1.7-3.3x the
# quiet SECONDS_PER_MAC above; scaled by those ratios onto them.  c8/c16
# then raised ~2x: the direct/FFT timings of bench_method_grid.py (2-D,
# 3-D complex64) put the complex FFT 2.3-2.6x above that price.
SECONDS_PER_FFT_UNIT = {"f4": 3.5e-10, "f8": 5.1e-10, "c8": 4.5e-10, "c16": 8.0e-10}
# Extra seconds per output of the FFT path: [float/complex, integer result]
# (integers convert to float64 and round back; calibrate_method.py measured
# 1e-8 under load, the grid's least-squares fit 1.5e-8 (load 6), quiet ~1/2;
# 8e-9: the quiet grids of 2026-12-02 18:13 have 2-D uint8 FFTs at 1.4-1.7x
# their price with 5e-9, e.g. 3162^2 * 31^2 'full' w2 126.5 ms against
# direct 97.8 ms; with 8e-9 the median integer FFT runs at 0.96-1.24x its
# price, no more than the float FFTs' 1.3x).
SECONDS_PER_FFT_OUTPUT = (0.0, 8e-9)
# Speed-up of the FFT path per extra thread (transforms split over threads;
# the spectrum product and padding stay serial).
FFT_THREAD_GAIN = 0.5
# 1-D: the engine transforms the kernel's spectrum as one more group of
# lanes (csrc/fc_fft_impl.h, FF(spectrum): fft_cols over the whole block),
# on one thread, and runs no more threads than groups (fc_fft_plan_run):
# [10^4] * [4096] complex64 'same' (one tile of 14400, one group) took 5.45
# ms with workers=2 (quiet grid of 2026-12-02 18:15), priced 1.93 as 1/1.5
# of one group; direct 3.60.  The spectrum counts as half a group at
# start_tiles': where the groups are few the engine's own tiles are smaller
# ([10^4] * [512]: 1024 against 2048; 19 tiles in 2 groups, measured 1.4x
# the one group priced); 0.4-0.7 leave every case of both quiet grids (and
# of the older ones) as it is but the 4096-tap one, which goes direct (1.0
# sends [10^4] * [512] direct at 1.5x the FFT's time).  `calibrate_method.py
# --only spectrum` measures the one-group problem alone: 1.28 (2026-12-02
# 21:05, load 4.5, process time), where the one 14400-point group itself
# runs above its price.  (Not refitted since the model prices the engine's
# own 1-D tiles and the engine's search counts whole groups, 2026-12-03;
# that search now splits [10^4] * [4096] complex64 into 2 groups of 4500,
# the one-group problems are smaller ones; the refit of the 1-D factors
# kept 0.5: 0.75 fitted one case better, 0.25 and 1.0 put more over 1.1.)
FFT_1D_SPECTRUM_GROUPS = 0.5
DIRECT_OVERHEAD = 5e-6
# Seconds per pass of a kernel row over an output row of the direct kernels
# (`_direct_row_seconds`): the least-squares fit of the direct times of
# bench_method_grid.py's workers=1 cases (process time, load 7-10,
# grid_w1.json of 2026-12-02) gave 3.0e-8 next to 1.13x the MAC prices
# (and 2.1e-10 s per byte of output, left out: the FFT path writes the same
# bytes, and pricing them on the direct side alone sent 1-tap problems of
# 10^7 outputs to the 2x slower product path).
DIRECT_SECONDS_PER_ROW = 3.0e-8
# ... and, for complex work, seconds per output and kernel row of N-D
# problems (the accumulators of a row pass loaded and stored once per
# kernel row): the complex64 direct times of the quiet grids of 2026-12-02
# ran at 1.3-1.7x their MAC price with 3x3 and 9x9 kernels, 0.7-0.9x with
# 31x31 and 100x100; the excess of the small ones is 2.6e-10 s per output
# and kernel row (1000^2 * 3^2 'valid': 0.78 ms over 3.0e6; 300^2 * 3^2
# 'full': 84 us over 2.7e5).  100^2 * 9^2 'full' (w2, one thread) ran 0.201
# ms direct, priced 0.152, and picked direct against an FFT of 0.151 ms.
# 2e-10 to 3e-10 fix it and leave the other cases of the grids as they are
# (1e-10 does not).  `calibrate_method.py --only rows` (3x3 and 31x31 solved
# together) gave 1.2e-10 next to 1.07e-10 s/MAC at load 4.5: to re-measure
# quietly.
DIRECT_SECONDS_PER_ROW_OUTPUT = {"c8": 2.5e-10}   # (complex128: not measured)
# Seconds per output and tap of one separable pass (csrc/fc_sep*.c), by
# class of the work dtype; a running-sum factor costs SEP_BOX_TAPS taps.
# float32: benchmarks/bench_separable.py's sep31 row (2048^2, AVX-512, load
# ~12 on 2 cores) measured 2.96e-10 s per tap next to 2.5e-10 s per MAC of
# the dense direct kernel in the same run, i.e. 1.2x SECONDS_PER_MAC['f4'];
# float64 (2x the lanes' cost) and integers (no FMA, narrow lanes widened)
# are estimates, not measured.
SECONDS_PER_SEP_TAP = {"f4": 3.4e-11, "f8": 7.0e-11, "i": 9.0e-11}
SEP_BOX_TAPS = 4
SEP_OVERHEAD = 2e-5
FFT_OVERHEAD = 6e-5
# ... and of a 1-D FFT call (the generic table: the same; see _MACHINE_PRICES).
FFT_OVERHEAD_1D = FFT_OVERHEAD
# Signals with one non-trivial axis run at other costs than the constants
# above (fitted mostly to 2-D): the single-row direct kernel runs at the FMA
# peak, and the engine's 1-D tiles cost more per n log2 n point than 2-D
# ones.  calibrate_method.py measured 0.57 (direct) and, for the tile
# units, 1.50 (FFT) on a loaded machine (2026-12-01, load 5).
DIRECT_1D_FACTOR = 0.57
# ... but not complex ones: bench_method_grid.py's 1-D complex64 cases
# (10^6 outputs, 8-4096 taps; process time, load 7-10) ran 2.6-4.3x their
# price with the factor above, 2-D complex64 0.9-2.6x without it.
DIRECT_1D_COMPLEX_FACTOR = 1.5
# ... while the kernel stays in cache: 2**15 float64 taps (256 KiB, full)
# ran at 1.5-1.8e-10 s/MAC by hand with workers 1 and 2 alike
# (2026-12-01, load 3-5), about 3.5x the N-D price; the FFT 1.3-1.5x faster.
DIRECT_1D_KERNEL_BYTES = 64 * 1024
DIRECT_1D_LONG_FACTOR = 3.0
# ... but not for a few outputs (correlate's maxlag, 'valid' with a kernel
# almost as long as x): [10^6] * [10^6] float64/float32 with 201 and 2001
# outputs, [10^5] * [10^5] with 201 and 2001, complex128/64 with 201 ran
# their direct MACs at 1/3.3-1/8 the long price (process time, Zen 5,
# 2026-12-03), about the short one; with the engine's partitioned FFT
# beside them ([10^4] * [10^4] float64, 101 outputs: 42 us direct, 57 us
# FFT) the long price sent them to the slower FFT.
DIRECT_1D_FEW_OUTPUTS = 4096
FFT_1D_FACTOR = 1.5
# ... but complex 1-D transforms ran at 0.59-1.03x, median 0.75x, that
# price in the workers=1 grids (bench_method_grid.py, 10^4-10^7 outputs,
# 8-10^4 taps; process time, 2026-12-02), where the direct side's complex
# price held (0.9-1.7x): [10^7] * [64] complex64 picked direct at 1.25 and
# 1.44x the FFT's time with 2 workers.  (1.1 then; 0.7 since the model
# prices the engine's own 1-D tiles, `fft_tiles`, and the engine's tile
# search counts whole groups of lanes, csrc/fc_fft.c: on the Zen 5 of
# 2026-12-03 the complex 1-D factor that fits went from 1.1 to 0.6-0.7 with
# that change, the real one stayed at 0.6.)
FFT_1D_COMPLEX_FACTOR = 0.7
# ... and per class of FFT dtype, on top of those (none in the generic
# table; see _MACHINE_PRICES)
FFT_1D_CLASS = {}

# The constants above are the generic table (fitted on the Intel Xeons and
# AMD Zen 4 of earlier sessions, mostly under load).  A CPU whose relative
# costs differ enough to turn choices gets its own overrides here, keyed by
# `machine_key()` (vendor, family); FASTCONV_PRICES=generic ignores them.
#
# AMD Zen 5 (family 26): its 1-D engine tiles cost relatively less.  1-D
# 'full' convolutions of 3,000-100,000 samples with 64-4,096 taps (process
# time, 2026-12-03 09:05, load ~3) ran their FFT at 0.2-0.55x its generic
# price against 0.6-1.0x for the direct side: [10^4] * [1024] float64 took
# 144 us by FFT and 219 us direct, priced 643 and 274 (so direct), and 6 of
# 40 such real cases went to the method 1.3-3.3x slower (the quiet grid of
# 2026-12-03 07:21 had [10^4] * [512] float64 'full' at 1.22x the FFT's
# time).  Measured per unit of `tile_cost` at the engine's starting tiles,
# the 1-D transforms cost 260-340 ps (float64) and 150-230 ps (float32) at
# 10^5-10^6 samples, 0.55x and 0.45x the generic 1-D prices; calibrate_method.py
# (load 3.4) measured the whole call's fixed cost at 14 us.  Rescoring both
# of that session's quiet grids: FFT_1D_FACTOR 0.6 with a 1-D overhead of
# 30-40 us leaves 1 case over 1.1 (a 50 us uint8 call whose choice cost was
# timed at 5.6 us under load) against 2; 0.49 or 0.7, or the overhead
# lowered for N-D problems too (their direct side is the one overpriced
# there: 22^3 * 3^3 float64 'same' ran 63 us direct, priced 160), add cases.
# Refitted on 2026-12-03 12:30 after the engine's 1-D tile search came to
# count whole groups of lanes and the model to price its tiles
# (`fft_tiles`): 64 1-D cases (10^4 and 10^5 samples, 64-4,096 taps,
# float32/64, complex64/128, 'same'/'full'; process time, load ~4): the
# 1-D direct side ran at 1/1.2-1/2.5 its price, complex at ~1/2.2, so
# DIRECT_1D_FACTOR 0.5 and DIRECT_1D_COMPLEX_FACTOR 0.8; FFT_1D_FACTOR
# 0.6 stays, the 1-D fixed cost fits 25 us.  Rescored, those cases have 1
# over 1.1 (1.18: [10^4] * [256] float64 'same', priced 64 and 63 us) and
# the quiet grids of this and the last session none by price.  Their
# float64 FFTs ran at 1.11-1.39x (median 1.2) the price, float32 at
# 0.89-1.41 (median 1.0): FFT_1D_CLASS f8 1.15 (1.3 the same; rescoring
# those cases, the quiet grids of 13:28 and hand-timed ones: [10^4] *
# [256] float64 'same', 62 us direct, no longer goes to the FFT's 73, and
# no case changes for the worse).  The float32 direct side ran at 0.63-1.2x
# its price: lowered 0.85 or 0.75x it sent [10^4] * [1024] 'full' direct
# (172 us; FFT 129), so it stays.
_MACHINE_PRICES = {
    ("AuthenticAMD", 26): {"FFT_1D_FACTOR": 0.6, "FFT_OVERHEAD_1D": 2.5e-5,
                           "DIRECT_1D_FACTOR": 0.5, "DIRECT_1D_COMPLEX_FACTOR": 0.8,
                           "FFT_1D_CLASS": {"f8": 1.15}},
}
# (the generic values of every constant some machine overrides)
_GENERIC_PRICES = {name: globals()[name] for table in _MACHINE_PRICES.values() for name in table}


def machine_key():
    """(CPU vendor, family) of this machine from /proc/cpuinfo, or None
    (not Linux, or not readable)."""
    try:
        with open("/proc/cpuinfo") as f:
            head = f.read(4096)
    except OSError:
        return None
    fields = {}
    for line in head.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields.setdefault(name.strip(), value.strip())
    try:
        return fields["vendor_id"], int(fields["cpu family"])
    except (KeyError, ValueError):
        return None


def use_prices(key):
    """Use the overrides of machine `key` (a `machine_key()` value; None or
    a machine without overrides: the generic table) and return the name of
    the table in use ('generic' or 'vendor/family')."""
    g = globals()
    g.update(_GENERIC_PRICES)
    table = _MACHINE_PRICES.get(key)
    if table:
        g.update(table)
    _prices.clear()
    return f"{key[0]}/{key[1]}" if table else "generic"


MAX_SECONDS_PER_MAC = max(SECONDS_PER_MAC.values())


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


def fft_is_exact_enough(plan, data=True):
    """False when the FFT could lose exactness or the dtype has no fast FFT.

    data=False: x's values are not known (a plan made to run on other
    inputs than its own, ConvPlan; or on data not in memory, fastconv.dask):
    x is bounded by its dtype's range, the kernel by its own values."""
    res = plan.result
    if res.kind in "bO":   # (object elements: exact only by their own arithmetic)
        return False
    if res.kind in "fc" and res.itemsize > (8 if res.kind == "f" else 16):
        return False  # longdouble / clongdouble
    if res.kind in "iu":
        # The FFT's absolute error is about eps * log2(n) * |x|_2 * |k|_2
        # (with a safety factor); the rounded result is exact while that
        # stays well under 1/2.  This is tighter than scipy's
        # max|x| * max|k| * overlap < 2**52, which lets near-2**52 sums
        # through with errors of a few units.
        # The norms are bounded in stages, each only when the one before
        # cannot prove exactness: from the dtypes (free; all uint8 problems
        # up to ~10^9 outputs x taps pass), from max|x| (one fast pass),
        # and last the 2-norms themselves (a slower pass).
        x, k = plan.x, plan.kernel
        limit, by_dtypes = _exact_limit(x.shape, k.shape, x.dtype, k.dtype)
        if by_dtypes:
            return True
        if not data:   # (x's values unknown: its dtype's bound, k's own norm)
            return _dtype_norm_bound(x) * _norm(k) < limit
        if x.size < k.size:
            x, k = k, x    # (the bound is symmetric: x the larger one)
        # the smaller one's norm, then the larger one's bounds, cheapest
        # first: its dtype's (free; int16 100^2 * 31^2 passes there), then
        # max|x| and its norm (`_exact_by_norms`)
        nk = _norm(k)
        if _dtype_norm_bound(x) * nk < limit:
            return True
        return _exact_by_norms(x, nk, limit)
    return True


@lru_cache(maxsize=4096)
def _exact_limit(xshape, kshape, xdtype, kdtype):
    """(the bound `fft_is_exact_enough` holds |x|_2 |k|_2 under, whether
    the dtypes' own bounds are under it) for integer or bool x and k of
    these shapes and dtypes (kept: 2 us of a call's choice)."""
    n_fft = 1
    for n1, n2 in zip(xshape, kshape):
        n_fft *= n1 + n2 - 1
    limit = 0.25 / (8 * _EPS64 * max(math.log2(n_fft), 1.0))
    size_x, size_k = math.prod(xshape), math.prod(kshape)
    return limit, _dtype_bound(xdtype, size_x) * _dtype_bound(kdtype, size_k) < limit


_EPS64 = float(np.finfo(np.float64).eps)
# max |value| of a signed integer of each itemsize (>= any unsigned one's)
_INT_MAX_ABS = {1: 255, 2: 65535, 4: 2**32 - 1, 8: 2**64 - 1}


def _dtype_norm_bound(a):
    """An upper bound of the 2-norm of integer or bool array `a` from its
    dtype and size alone."""
    return _dtype_bound(a.dtype, a.size)


def _dtype_bound(dtype, size):
    """`_dtype_norm_bound` of `size` elements of integer or bool `dtype`."""
    if dtype.kind == "b":
        return math.sqrt(size)
    return _INT_MAX_ABS[dtype.itemsize] * math.sqrt(size)


def _max_norm_bound(a):
    """max|a| sqrt(size): an upper bound of the 2-norm (one min/max pass)."""
    if a.dtype.kind == "b":
        return math.sqrt(a.size)
    return max(-int(a.min()), int(a.max())) * math.sqrt(a.size)


_NORM_CHUNK = 1 << 16
_NORM_SMALL = 4096
_norm_buffers = threading.local()


def _norm(a, other=0.0, limit=math.inf):
    """An upper bound (within 1%) of the 2-norm of an integer or bool array:
    the float32 sum of its squares in chunks (`_square_sum`) times 1.01.

    Stops early, with the bound of the chunks read so far, once that bound
    times `other` reaches `limit`: the full bound, never smaller, would fail
    ``bound * other < limit`` as well, so the caller's answer is the same.

    Small arrays (a kernel, mostly) go as one float64 copy and one dot
    product (2.7 us for 31^2 int16 against 5.5 in chunks; float64 sums are
    closer still)."""
    if a.size <= _NORM_SMALL:
        f = a.astype(np.float64).reshape(-1)
        return 1.01 * math.sqrt(float(np.dot(f, f)))
    return 1.01 * math.sqrt(_square_sum(a.reshape(-1),
                                        lambda t: 1.01 * math.sqrt(t) * other >= limit))


def _square_sum(flat, done=None):
    """The sum of the squares of 1-D integer or bool array `flat`: float32
    dot products of chunks of 2**16 elements (a sum of that many
    non-negative float32 terms, in any order, is within 2**16 * 2**-24 <
    0.4% of the exact one; each square within 2**-24), added in float64;
    the sum so far once ``done(sum)`` is true.  The chunks are converted
    into one float32 buffer kept per thread (fresh multi-MiB copies cost
    more in page faults than the sums: 10^7 int16 took 21 ms that way, 4.5
    ms this way)."""
    buf = getattr(_norm_buffers, "buf", None)
    if buf is None:
        buf = _norm_buffers.buf = np.empty(_NORM_CHUNK, np.float32)
    total = 0.0
    for i in range(0, flat.size, _NORM_CHUNK):
        part = flat[i:i + _NORM_CHUNK]
        b = buf[:part.size]
        np.copyto(b, part, casting="unsafe")
        total += float(np.dot(b, b))
        if done is not None and done(total):
            break
    return total


def _exact_by_norms(x, nk, limit):
    """Whether max|x| sqrt(x.size) * nk or `_norm(x)` * nk is under `limit`
    (the bounds of x beyond its dtype's, cheapest first), for an integer x
    of more than a few elements.

    Where x's first chunk, scaled to its size, predicts a failure (full-range
    int16 of 10^6 elements and more), the squares are summed first and stop
    once 0.99 times the root of their float32 sum (below x's norm: the sum
    is within 0.4%) reaches the limit, which proves both bounds fail: a few
    chunks read, not the min/max pass over all of x (10^6 int16 * 9^3: 0.4
    ms -> 0.03 ms).  Otherwise max|x| first (one fast pass), then the norm,
    stopping once it fails.  The same answer either way."""
    flat = x.reshape(-1)
    if flat.size > 2 * _NORM_CHUNK:
        first = _square_sum(flat[:_NORM_CHUNK])
        if 0.99 * math.sqrt(first * (flat.size / _NORM_CHUNK)) * nk >= limit:
            total = _square_sum(flat, lambda t: 0.99 * math.sqrt(t) * nk >= limit)
            if 0.99 * math.sqrt(total) * nk >= limit:
                return False
            if 1.01 * math.sqrt(total) * nk < limit:   # (the whole sum: `_norm`'s bound)
                return True
            return _max_norm_bound(x) * nk < limit
    if _max_norm_bound(x) * nk < limit:
        return True
    return _norm(x, nk, limit) * nk < limit


def engine_extra_bytes(tiles, fft_dtype):
    """Bytes of the FFT engine's tile buffers for 2 threads and its kernel
    spectrum with tiles `tiles`, as the engine's memory cap counts them
    (asked of the engine: _fftcore.extra_bytes)."""
    return _fftcore.extra_bytes(tuple(tiles), fft_dtype)


def tile_cost(kshape, lengths, tiles, fft_dtype, planner=False):
    """The FFT engine's cost of overlap-save tiles `tiles` (per axis) for a
    kernel of shape `kshape` and an output window `lengths`: transforms x
    tile points x (passes over a tile + 6 + a penalty for a working set past
    the L2); 1-D tiles go in groups of 64 bytes / scalar side by side.

    Asked of the engine (_fftcore.tile_cost, csrc/fc_fft.c's
    fc_fft_tile_cost: the one statement of the tile rule).  Both count 1-D
    transforms rounded up to whole groups of lanes (a partial group costs a
    whole one).  planner=False gives the work the cost model prices
    (`fft_units`); planner=True what the engine's search minimises: that,
    with a full round for an odd last group of 2 threads and x100 past the
    memory cap ((2 x 2 threads + 2) tiles above 3x the output and 4 MiB)."""
    return _fftcore.tile_cost(tuple(kshape), tuple(lengths), tuple(tiles), fft_dtype, planner)


def start_tiles(kshape, lengths):
    """The engine's starting tile per axis (asked of the engine:
    _fftcore.start_tiles): the next 5-smooth length >= max(4 K, 16), at most
    the whole padded axis next_smooth(L + K - 1), at least next_smooth(K)."""
    return _fftcore.start_tiles(tuple(kshape), tuple(lengths))


def fft_units(kshape, lengths, fft_dtype):
    """Work of the FFT engine's overlap-save tiles (`tile_cost`) at
    `fft_tiles`.  (Kept per L2 size: the cost weighs the tiles' working set
    against it.)"""
    return _fft_units(kshape, lengths, np.dtype(fft_dtype), _fftcore.l2_bytes())


def fft_tiles(kshape, lengths, fft_dtype):
    """The tiles the cost model prices for a kernel of shape `kshape` and
    an output window `lengths` over the transformed axes: 1-D, the engine's
    own for that problem (_fftcore.tile_shape: its search over 5-smooth
    lengths, 3-100 us, kept per geometry); N-D, its starting tiles
    (`start_tiles`: the search there costs up to ~1 ms and moves the tiles
    little).  (A 1-D transform with batch axes, [8, 10^5] * [1, 4096], is
    priced as 8 rows of these tiles; the engine then tiles all the axes
    together, so its tiles differ.)

    Why the engine's tiles in 1-D: 64 1-D cases (10^4 and 10^5 samples,
    64-4,096 taps, 4 dtypes, 'same' and 'full'; process time, 2026-12-03
    12:30, load ~4) ran at 172-1,050 ps per unit of `tile_cost` at the
    starting tile (4 K) and 232-831 ps at the engine's, which often differ
    2-3x (4096 taps in 10^5 samples: 16384 against 7200-12500; 64 taps: 256
    against 625-2500).  A fixed cost plus a price per unit fitted to each
    dtype's times then errs by 0.72-1.41x at the starting tiles and by
    0.72-1.22x at the engine's."""
    return _fft_tiles(tuple(kshape), tuple(lengths), np.dtype(fft_dtype), _fftcore.l2_bytes())


@lru_cache(maxsize=4096)
def _fft_tiles(kshape, lengths, fft_dtype, l2):
    if len(kshape) == 1:
        return _fftcore.tile_shape(kshape, lengths, fft_dtype)
    return start_tiles(kshape, lengths)


@lru_cache(maxsize=4096)
def _fft_units(kshape, lengths, fft_dtype, l2):
    return tile_cost(kshape, lengths, fft_tiles(kshape, lengths, fft_dtype), fft_dtype)


def _one_d(plan):
    """Whether the plan has at most one non-trivial convolved axis."""
    return one_d_shapes(plan.x.shape, plan.kernel.shape, plan.conv)


def one_d_shapes(xshape, kshape, conv):
    """`_one_d` from the shapes (either order) and the convolved axes."""
    return sum(c and xshape[a] + kshape[a] > 2 for a, c in enumerate(conv)) <= 1


def one_tap(plan):
    """Whether every axis the direct core sums over (all but the plan's
    paired batch axes) is one tap that reads x where it writes the output
    (kernel extent 1, offset 0, x's extent the output's): each output is
    then one product, out[y] = k * x[y], and `_window._layout` hands those
    axes to the core as one long row (a 22^3 uint8 times a 1^3 kernel in
    rows of 22 took 2.5-5x the time of the same 10648 outputs in one row:
    set-up per row and unit).  The same products, the same results bit for
    bit."""
    x, k, paired = plan.x.shape, plan.kernel.shape, plan.paired
    return all(p or (k[a] == 1 and plan.offsets[a] == 0 and x[a] == plan.shape[a])
               for a, p in enumerate(paired))


# _window.zero_edges copies x with zero columns added (every output then in
# the SIMD band) when the border columns' multiply-adds (scalar code) exceed
# this many times the input's size (the copy); _row_factor prices the same.
PAD_COLUMNS_ABOVE = 4


def _vector_bytes(work):
    """Bytes per vector of the direct kernels in use for work dtype `work`
    (csrc/fc_dispatch.c; a band wide enough for any vector)."""
    return _direct.band_vector_bytes(work, 1 << 20, 1, False)[0] or 16


def _mac_class(work):
    """The SECONDS_PER_MAC key of work dtype `work`: 'i1' for 1-byte
    integers (computed in 16-bit lanes, `_lane_bytes`), 'i2' for 2-byte
    ones, else `_class`'s."""
    if work.kind in "iu" and work.itemsize <= 2:
        return "i1" if work.itemsize == 1 else "i2"
    return _class(work)


def _lane_bytes(work):
    """Bytes of one vector lane of the direct kernels for work dtype `work`:
    uint8 data are computed in 16-bit lanes (csrc/fc_types.h: loads widen,
    x86 has no 8-bit multiply), so a vector holds half as many of them as
    its bytes."""
    return 2 if _mac_class(work) == "i1" else work.itemsize


def _row_factor(plan):
    """Cost of the output rows relative to a row all in SIMD blocks.

    The direct kernels compute a row's band (the outputs whose taps stay
    inside x, or the whole row when the kernel zero-fills its edge columns,
    fc_kernels.h: zero fill and every border at most min(row, UNIT_MIN_COLS)
    - PAD_MIN_COLS wide) in vectors of W elements, a ragged tail as one more
    vector; bands narrower than a vector and border columns go through
    scalar code, about W times slower per multiply-add.  Small 3-D
    problems (rows of 14-30 outputs) run 6-20x slower than the N-D price
    this way.  A one-tap plan (`one_tap`) is one row of all its outputs."""
    W = max(1, _vector_bytes(plan.work) // _lane_bytes(plan.work))
    if one_tap(plan):
        L = math.prod(n for n, p in zip(plan.shape, plan.paired) if not p)
        return float(W) if L < W else W * math.ceil(L / W) / L
    a = max((a for a, c in enumerate(plan.conv) if c), default=None)
    if a is None or a != len(plan.conv) - 1:
        return 1.0
    L, n, m, s = plan.shape[a], plan.x.shape[a], plan.kernel.shape[a], plan.offsets[a]
    el = min(max(0, -s), L)
    er = min(max(0, L - (n - m + 1 - s)), L)
    band = L - el - er
    # (the band the kernel is given, _direct.pyx: its columns and whether
    # it computes zero-filled edge columns next to them)
    cols, edges = band, False
    if plan.zero_fill:
        edge = min(L, _direct.UNIT_MIN_COLS) - _direct.PAD_MIN_COLS
        taps = math.prod(k for k, c in zip(plan.kernel.shape, plan.conv) if c)
        if band >= _direct.PAD_MIN_COLS and el <= edge and er <= edge:
            band, edges = L, el > 0 or er > 0
        elif (el + er) * taps * (math.prod(plan.shape) // L) > PAD_COLUMNS_ABOVE * plan.x.size:
            band = cols = L      # (_window._pad_columns: x copied with zero columns)
    if band < W and plan.work.kind in "iu":
        # integer bands narrower than a vector go to the kernel of the
        # widest narrower instruction set whose vector they fill (the
        # dispatcher's rule, fc_dispatch.c), its vectors W / Wn times the
        # price of the widest
        vb, fills = _direct.band_vector_bytes(plan.work, cols, m, edges)
        Wn = vb // _lane_bytes(plan.work)
        if Wn < W and fills:
            return W / Wn * (Wn * math.ceil(band / Wn) + Wn * (L - band)) / L
    if band < W:
        return float(W)
    return (W * math.ceil(band / W) + W * (L - band)) / L


def _per_mac(plan, one_d):
    """Seconds per multiply-add of the direct kernels on `plan`."""
    per_mac = SECONDS_PER_MAC.get(_mac_class(plan.work), SECONDS_PER_MAC["f8"])
    if one_d:
        taps = math.prod(n for n, c in zip(plan.kernel.shape, plan.conv) if c)
        short = (DIRECT_1D_COMPLEX_FACTOR if plan.work.kind == "c" else DIRECT_1D_FACTOR)
        per_mac *= (short if taps * plan.work.itemsize <= DIRECT_1D_KERNEL_BYTES
                    or math.prod(plan.shape) <= DIRECT_1D_FEW_OUTPUTS
                    else DIRECT_1D_LONG_FACTOR)
    return per_mac * _row_factor(plan)


# The prices depend on the plan's geometry and dtypes only: kept per
# geometry (what a program calls again and again), at most _CACHE_SIZE.
_prices = {}
_CACHE_SIZE = 4096


def _geometry_prices(plan):
    """(seconds per MAC of the direct kernels, one-thread seconds of the FFT
    engine's tiles, one-thread seconds of the direct kernels on the plan's
    window, the FFT's gain per extra thread, the FFT's fixed seconds:
    FFT_OVERHEAD or, 1-D, FFT_OVERHEAD_1D) for `plan`, from the cache when
    seen before."""
    key = (plan.x.shape, plan.kernel.shape, plan.conv, plan.offsets, plan.shape,
           plan.zero_fill, plan.work, plan.fft_dtype)
    got = _prices.get(key)
    if got is None:
        one_d = _one_d(plan)
        per_mac = _per_mac(plan, one_d)
        t_fft1, gain = _fft_seconds(plan, one_d)
        got = (per_mac, t_fft1, _direct_macs(plan, one_d) * per_mac + _direct_row_seconds(plan),
               gain, FFT_OVERHEAD_1D if one_d else FFT_OVERHEAD)
        keep(_prices, key, got, _CACHE_SIZE)
    return got


def _direct_row_seconds(plan):
    """The direct kernels' cost besides the multiply-adds: one
    DIRECT_SECONDS_PER_ROW per pass of a kernel row over an output row (3-D
    problems with short rows and few taps ran 4-6x their MAC price; the
    22^3 * 9^3 float64 'full' case picked direct at 2.6x the FFT's time);
    a one-tap plan is one row per plane of its paired batch axes; complex
    N-D work adds DIRECT_SECONDS_PER_ROW_OUTPUT per output of each pass."""
    conv = [a for a, c in enumerate(plan.conv) if c]
    if not conv:
        return 0.0
    if one_tap(plan):     # (one row per plane of the paired batch axes)
        return math.prod(n for n, p in zip(plan.shape, plan.paired) if p) * DIRECT_SECONDS_PER_ROW
    rows = math.prod(plan.shape) // max(plan.shape[conv[-1]], 1)
    krows = math.prod(plan.kernel.shape[a] for a in conv[:-1])
    per_output = DIRECT_SECONDS_PER_ROW_OUTPUT.get(_mac_class(plan.work), 0.0)
    if _one_d(plan):
        per_output = 0.0      # (1-D: DIRECT_1D_COMPLEX_FACTOR prices them)
    return rows * krows * (DIRECT_SECONDS_PER_ROW + per_output * plan.shape[conv[-1]])


def direct_seconds(plan, macs):
    """Predicted one-thread time of `macs` multiply-adds of the direct
    kernels on `plan` (no fixed overhead)."""
    return macs * _geometry_prices(plan)[0]


def fft_seconds(plan):
    """Predicted one-thread time of the FFT engine's tiles on `plan` (no
    fixed overhead, no per-output cost)."""
    return _geometry_prices(plan)[1]


def _fft_seconds(plan, one_d):
    """(one-thread seconds of the FFT engine's tiles, its gain per extra
    thread) for `plan`."""
    x, k = plan.x, plan.kernel
    ks, ls = [], []
    units = 1
    for a, c in enumerate(plan.conv):
        if not c or x.shape[a] == 1 or k.shape[a] == 1:
            units *= plan.shape[a]       # batch axes, and axes with nothing to transform
        else:
            ks.append(k.shape[a])
            ls.append(plan.shape[a])
    gain = FFT_THREAD_GAIN
    part = _plan_part(plan)
    if part is not None:
        # the engine's kernel-partitioned FFT (a 1-D call, a long kernel):
        # no kernel spectrum beside its blocks
        units *= part[1]
        if part[2] < 2:
            gain = 0.0      # (one thread per chunk of groups)
    else:
        units *= fft_units(tuple(ks), tuple(ls), plan.fft_dtype)
    if len(ks) == 1 and part is None:
        groups = fft_groups(ks[0], ls[0], plan.fft_dtype)
        units *= (groups + FFT_1D_SPECTRUM_GROUPS) / groups
        if groups < 2:
            gain = 0.0      # (the engine runs one thread per group)
    per_unit = SECONDS_PER_FFT_UNIT.get(_class(plan.fft_dtype), SECONDS_PER_FFT_UNIT["f8"])
    if one_d:
        per_unit *= ((FFT_1D_COMPLEX_FACTOR if plan.fft_dtype.kind == "c" else FFT_1D_FACTOR)
                     * FFT_1D_CLASS.get(_class(plan.fft_dtype), 1.0))
    return units * per_unit, gain


def fft_part(K, L, fft_dtype):
    """(N, units, groups) of the FFT engine's kernel-partitioned FFT when it
    runs a 1-D call of K taps and L outputs by it (_fftcore.part_choice:
    cheaper than its overlap-save tiles; csrc/fc_fft.h): its transform
    length, its cost in `tile_cost`'s units (_fftcore.part_cost) and its
    groups of lanes; else None.  (The engine asks with the taps that can
    meet x, which a window reaching past x makes fewer; priced here at K.)"""
    return _fft_part(int(K), int(L), np.dtype(fft_dtype), _fftcore.l2_bytes())


def _plan_part(plan):
    """`fft_part` of a plan the engine gets as a 1-D call (x 1-D, both
    inputs longer than 1), else None."""
    x, k = plan.x, plan.kernel
    if x.ndim != 1 or not plan.conv[0] or x.shape[0] == 1 or k.shape[0] == 1:
        return None
    return fft_part(k.shape[0], plan.shape[0], plan.fft_dtype)


@lru_cache(maxsize=4096)
def _fft_part(K, L, fft_dtype, l2):
    N = _fftcore.part_choice((K,), (L,), fft_dtype)
    if not N:
        return None
    cplx = fft_dtype.kind == "c"
    lanes = 64 // (fft_dtype.itemsize // (2 if cplx else 1))
    blocks = -(-K // (N - L + 1))
    groups = -(-blocks // lanes)
    return N, _fftcore.part_cost(K, L, N, fft_dtype), groups


def fft_groups(K, L, fft_dtype):
    """Groups of lanes of the engine's 1-D tiles at `fft_tiles`' tile
    for a kernel of K taps and L outputs (as `tile_cost` counts them: real
    tiles two to a transform)."""
    fft_dtype = np.dtype(fft_dtype)
    cplx = fft_dtype.kind == "c"
    lanes = 64 // (fft_dtype.itemsize // (2 if cplx else 1))
    P = fft_tiles((K,), (L,), fft_dtype)[0]
    ntrans = -(-L // (P - K + 1)) * (1.0 if cplx else 0.5)
    return math.ceil(ntrans / lanes)


def _direct_macs(plan, one_d=True):
    """Multiply-adds the direct kernels do for the plan's window: outputs x
    taps, except for 1-D zero-filled windows, where only the products that
    touch both inputs count (exact overlap count).  (N-D windows with
    borders, 'full' and 'same', ran 2.5-4x the overlap count's price on
    small 3-D problems: their edges are computed with the zero taps;
    rescoring two grid runs with this count put 2 fewer cases over 1.1.)"""
    k = plan.kernel
    if not plan.zero_fill or not one_d:
        return math.prod(plan.shape) * math.prod(n for n, c in zip(k.shape, plan.conv) if c)
    macs = 1
    for a, c in enumerate(plan.conv):
        if c:
            n1, n2 = plan.x.shape[a], k.shape[a]
            lo, hi = (n1, n2) if n1 <= n2 else (n2, n1)
            s = plan.offsets[a] + n2 - 1
            macs *= _prefix_overlap(s + plan.shape[a], lo, hi) - _prefix_overlap(s, lo, hi)
        else:
            macs *= plan.shape[a]
    return macs


def estimate_times(plan):
    """(t_direct, t_fft) the cost model predicts for a plan, in seconds,
    on the threads each executor would start (`_threads.threads_for`)."""
    per_mac, t_fft1, t_direct1, gain, fixed = _geometry_prices(plan)
    t_direct = t_direct1 / threads_for(plan.threads, t_direct1) + DIRECT_OVERHEAD
    t_fft = (t_fft1 / (1 + gain * (threads_for(plan.threads, t_fft1) - 1))
             + math.prod(plan.shape) * SECONDS_PER_FFT_OUTPUT[plan.result.kind in "iu"]
             + fixed)
    return t_direct, t_fft


def separable_seconds(plan):
    """Predicted one-thread time of the separable passes of `plan` (which
    has factors; no fixed overhead)."""
    taps = sum(SEP_BOX_TAPS if b else f.size for f, b in zip(plan.factors, plan.box))
    per_tap = SECONDS_PER_SEP_TAP.get(_class(plan.work), SECONDS_PER_SEP_TAP["f8"])
    return math.prod(plan.shape) * taps * per_tap


def separable_time(plan, t1=None):
    """Seconds the separable passes are priced at (None: no factors), on
    the threads the executor would start (`_threads.threads_for`); `t1`:
    `separable_seconds(plan)` when the caller has it."""
    if not plan.factors:
        return None
    t1 = separable_seconds(plan) if t1 is None else t1
    return t1 / threads_for(plan.threads, t1) + SEP_OVERHEAD


def surely_direct(shape, taps, work=None, one_d=True, separable=True):
    """Whether a problem of output `shape` and `taps` kernel elements is so
    small that the direct method wins whatever the values: its multiply-adds
    at the dearest price cost less than the fixed overhead of the FFT path
    and (`separable`: the kernel may have factors) of the separable passes,
    so neither is priced (and `_plan.make_plan` does not look for separable
    factors).

    The dearest price: that of all dtypes, or with work dtype `work` known
    and output rows of at least 64 elements, twice its own (`_row_factor`:
    such rows cost at most ~1.5x, vectors of at most 32 lanes and a ragged
    tail).  [300, 300] * [3, 3] uint8 'same' is then one, as far as the
    FFT goes: its choice, 2-6 us of a 50 us call, was the grid's worst
    workers=2 case (1.11x the direct call); a 3x3 kernel may have factors,
    though, and most are rejected by `_factors.factor_probe`'s four reads.  The FFT's fixed cost: the smaller of FFT_OVERHEAD and
    FFT_OVERHEAD_1D, or FFT_OVERHEAD when `one_d` is False (more than one
    non-trivial convolved axis, `_one_d`); the separable passes' is
    SEP_OVERHEAD."""
    price = MAX_SECONDS_PER_MAC
    if work is not None and shape[-1] >= 64:
        price = min(price, 2 * SECONDS_PER_MAC.get(_mac_class(work), price))
    fixed = min(FFT_OVERHEAD, FFT_OVERHEAD_1D) if one_d else FFT_OVERHEAD
    if separable:
        fixed = min(fixed, SEP_OVERHEAD)
    return math.prod(shape) * taps * price < fixed


def choose_method(plan, allow_fft=True, data=True, small=None):
    """'direct', 'separable' or (`allow_fft`) 'fft' for a non-empty plan.

    The prices come first (they cost microseconds); only when the FFT would
    win are integer inputs checked for exactness (an O(n) pass; data=False:
    x's values unknown, see `fft_is_exact_enough`).  `small`: whether
    `surely_direct` holds for the plan, when the caller knows it."""
    if plan.work.kind == "O":   # object elements: their own arithmetic, as scipy
        return "direct"
    if small is None:
        small = surely_direct(plan.shape, plan.kernel.size, plan.work, _one_d(plan),
                              bool(plan.factors))
    if small:
        return "direct"   # (tiny problems: no need to price the FFT)
    t_direct, t_fft = estimate_times(plan)
    best = "direct"
    # separable or dense direct: decided on one thread's prices, so that the
    # choice - and with it the rounding - never depends on the thread count
    if plan.factors:
        t_sep1 = separable_seconds(plan)
        if t_sep1 + SEP_OVERHEAD < _geometry_prices(plan)[2] + DIRECT_OVERHEAD:
            t_direct, best = separable_time(plan, t_sep1), "separable"
    # (integer results: not by the partitioned FFT, whose round-off the
    # exactness bound does not cover: they stay direct, as before it)
    if (allow_fft and t_fft < t_direct and fft_is_exact_enough(plan, data)
            and not (plan.result.kind in "iu" and _plan_part(plan) is not None)):
        return "fft"
    return best


# the table of this machine (FASTCONV_PRICES=generic: the generic one)
PRICES = use_prices(None if os.environ.get("FASTCONV_PRICES") == "generic" else machine_key())
