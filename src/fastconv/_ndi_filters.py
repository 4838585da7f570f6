"""The two operations behind ``fastconv.ndimage``: separable and N-D correlation.

Every filter of ``fastconv.ndimage`` reduces to one of

* `correlate_axes` -- one 1-D kernel per axis (correlate1d, gaussian,
  uniform, sobel, prewitt, the Laplacians' second derivatives).  Today it
  runs one direct pass per axis through fastconv's plans and executor
  For floating outputs it is one separable plan (`_separable.plan_passes`,
  float64 sums; its last pass writes into `output` itself when `output`
  has the work dtype and C order); uint8 input into a uint8 output runs
  the separable executor's uint8 passes (`_correlate_u8`: float32 sums, the
  ones near an integer recomputed in ndimage's order, the last two axes
  band by band); other integer and bool outputs run one direct pass per
  axis (`_plan.filter_plan` + `_execute.execute`).  Both store each pass
  into the output as scipy.ndimage does (so they are truncated between
  passes, exactly like scipy).
* `correlate_nd` -- one N-D kernel (``correlate``/``convolve``).

Both take validated arguments in scipy.ndimage's terms (modes already mapped
to fastconv's boundary names, weights float64, origins per axis) and write
into a given `output` array.  The window: ndimage puts kernel element
``len // 2 + origin`` over each output pixel, so the plan's offset on an
axis is ``-(len // 2 + origin)``.

Sums run in float64, as ndimage's C sums in double, except float32 data
into a float32 output (the separable passes in float32, twice the rate):
their taps are rounded so that their float64 sum is the kernel's
(`_float32_taps`), which keeps an image's total as scipy's own test_gauss03
checks (within 1.5 in 5e7); the values differ from ndimage's by the
float32 rounding of the sums.  For integer and bool outputs, the
sums a rounding difference could move across an integer are recomputed in
ndimage's order (`_ndi_arith.exact_at`), so the stored values are scipy's
exactly.  ndimage's N-D correlate skips taps of weight <= DBL_EPSILON; where a
non-finite input under such a tap made a sum NaN here, that sum is recomputed
the same way.
"""
from contextvars import ContextVar

import numpy as np

from ._execute import execute
from ._kept import keep
from ._ndi_arith import DBL_EPSILON, exact_at, near_integer, store, symmetry
from ._plan import filter_plan
from ._separable import Kept, plan_passes, u8_passes

__all__ = ["correlate_axes", "correlate_nd", "MODES", "RECORD"]

# A list set here (fastconv.dask.ndimage, on a stand-in of its input) is
# given each pass's geometry, (axis, taps, origin, boundary, box), one list
# per call of the two operations: that is how far an output reads per axis.
RECORD = ContextVar("fastconv_ndi_record", default=None)


def _record(passes):
    calls = RECORD.get()
    if calls is not None:
        calls.append(passes)

# scipy.ndimage mode -> fastconv boundary (filters: 'grid-wrap' is 'wrap',
# 'grid-constant' is 'constant'; README "boundary=").
MODES = {
    "reflect": "symm", "grid-mirror": "symm",
    "mirror": "reflect",
    "nearest": "nearest",
    "wrap": "wrap", "grid-wrap": "wrap",
    "constant": "fill", "grid-constant": "fill",
}


def _is_exact_sum(x, weights, cval, boundary):
    """True when every partial sum is an integer below 2**53 in float64
    (integer input and weights), so any summation order gives ndimage's."""
    if x.dtype.kind not in "biu" or not np.all(weights == np.rint(weights)):
        return False
    xmax = 1 if x.dtype.kind == "b" else max(abs(int(np.iinfo(x.dtype).min)),
                                             int(np.iinfo(x.dtype).max))
    if boundary == "fill":
        if cval != np.rint(cval):
            return False
        xmax = max(xmax, abs(cval))
    return xmax * float(np.abs(weights).sum()) < 2.0**53


def _max_abs(x):
    """max |x| over the finite elements (0 for an empty x)."""
    if x.dtype.kind in "biu":
        return float(max(abs(int(x.min())), abs(int(x.max()))))
    m = max(abs(float(x.min())), abs(float(x.max())))
    if not np.isfinite(m):
        with np.errstate(invalid="ignore"):
            m = float(np.max(np.where(np.isfinite(x), np.abs(x), 0)))
    return m


def _run(x, weights, kshape, offsets, boundary, cval, output, axis, exact=True):
    """One plan: the sums of `x` (float work dtype), corrected for integer
    outputs where ndimage's summation order could show (`exact`)."""
    if x.dtype.kind == "b":     # ndimage reads a bool array's bytes (see store)
        x = x.view(np.uint8)
    work = np.dtype(np.float64)
    xp, kshape_p, offsets_p = x, kshape, offsets
    if axis is not None and x.ndim > 2 and x.size:
        # a 1-D pass as (before, axis, after), dropping a unit end: the core's
        # SIMD planes are then the axis and everything after it
        xp = np.ascontiguousarray(x) if x.dtype == work else x.astype(work, order="C")
        n, off = x.shape[axis], offsets[axis]
        lead, after = int(np.prod(x.shape[:axis])), int(np.prod(x.shape[axis + 1:]))
        if after == 1:
            xp, kshape_p, offsets_p = xp.reshape(lead, n), (1, kshape[axis]), (0, off)
        elif lead == 1:
            xp, kshape_p, offsets_p = xp.reshape(n, after), (kshape[axis], 1), (off, 0)
        else:
            xp, kshape_p, offsets_p = (xp.reshape(lead, n, after), (1, kshape[axis], 1),
                                       (0, off, 0))
    plan = filter_plan(xp, weights.reshape(kshape_p).astype(work), offsets_p, boundary,
                       cval, work)
    r = execute(plan).reshape(x.shape)
    line = offsets[axis] if axis is not None else offsets
    if axis is None and x.dtype.kind == "f" and r.size and \
            np.any(np.abs(weights) <= DBL_EPSILON):
        # ndimage's N-D correlate skips taps of weight <= DBL_EPSILON: a NaN
        # or inf under a zero tap does not reach its sum (0 * inf here)
        bad = np.flatnonzero(~np.isfinite(r))
        if bad.size:
            where = np.unravel_index(bad, r.shape)
            r[where] = exact_at(x, weights, where, line, axis, boundary, cval)
    if exact and output.dtype.kind in "biu" and r.size and \
            not _is_exact_sum(x, weights, cval, boundary):
        # a float64 sum's error is below taps * eps * sum|w| * max|x| (both orders)
        tol = 2 * (weights.size + 2) * np.finfo(np.float64).eps * \
            float(np.abs(weights).sum()) * max(_max_abs(x), abs(cval), 1.0)
        flat = near_integer(r, tol)
        if flat.size:
            where = np.unravel_index(flat, r.shape)
            r[where] = exact_at(x, weights, where, line, axis, boundary, cval)
    return r


def _float32_taps(w):
    """The float64 taps `w` rounded to float32, the rounding of their sum put
    back into the largest tap: a Gaussian's taps then still sum to 1 to
    float32's precision, so the filter keeps an image's total (scipy's
    test_gauss03: within 1.5 of 5e7), which taps rounded one by one do not.
    Equal taps (a uniform filter's) are only rounded, so that they stay
    equal and run as running sums.  Read-only; the last _TAPS_KEPT kept."""
    w = np.asarray(w, np.float64)
    key = w.tobytes()
    t = _taps32.get(key)
    if t is None:
        t = w.astype(np.float32)
        if t.size and not np.all(w == w[0]):
            i = int(np.argmax(np.abs(w)))
            t[i] = np.float32(float(t[i]) + (w.sum() - t.astype(np.float64).sum()))
        t.flags.writeable = False
        keep(_taps32, key, t, _TAPS_KEPT)
    return t


_TAPS_KEPT = 64
_taps32 = {}


def correlate_axes(input, kernels, axes, modes, cval, origins, output, divisors=None,
                   kept=None):
    """Correlate `input` along each of `axes` in turn with the 1-D float64
    `kernels`, into `output` (returned).

    modes: fastconv boundary names per axis; origins: ndimage origins per
    axis; divisors (uniform filters): each pass's sums divided by this
    (ndimage's running-sum filters divide the window sum by the size).
    The first pass reads `input`, the later ones `output` (as ndimage).
    kept: a list, given the `_separable.Kept` calls of the one separable
    plan that wrote `output`, when that plan is the whole work (ndimage's
    kept filters).
    """
    _record([(ax, len(w), o, m, divisors is not None)
             for w, ax, m, o in zip(kernels, axes, modes, origins)])
    # Floating outputs run on the separable executor (float64 sums, as
    # ndimage's C): all axes in one plan when that is what ndimage's passes
    # compute (the intermediate stays float64 where ndimage rounds it into
    # `output`: the same values to the output's rounding), else one plan per
    # pass.  Not in one plan: mixed modes, and a non-zero cval, with which
    # ndimage's later passes pad the previous pass's result with cval
    # rather than with the sums of cval that a true N-D fill gives.
    floating = output.dtype.kind == "f" and input.dtype.kind in "biuf" and input.size > 0
    if floating:
        factors = list(kernels) if divisors is None else \
            [np.asarray(w, np.float64) / d for w, d in zip(kernels, divisors)]
        work = np.float64
        if output.dtype == np.float32 and input.dtype == np.float32:
            # float32 in and out: float32 sums (the SIMD passes at twice the
            # float64 rate), with taps whose float64 sum is the kernel's
            work = np.float32
            factors = [_float32_taps(w) for w in factors]
        offsets = [-(len(w) // 2 + o) for w, o in zip(kernels, origins)]
        x = input.view(np.uint8) if input.dtype.kind == "b" else input
        if (len(set(modes)) == 1 and len(axes) == len(set(axes))
                and (modes[0] != "fill" or cval == 0)):
            groups = [list(range(len(axes)))]
        else:
            groups = [[i] for i in range(len(axes))]
        for g in groups:
            # the last plan writes into `output` itself when it can (the
            # separable executor's _dest), else its result is stored there
            into = output if g is groups[-1] and output.dtype == work else None
            plan = plan_passes(x, [factors[i] for i in g], [axes[i] for i in g],
                               [offsets[i] for i in g], modes[g[0]], cval,
                               dtype=work, running=divisors is not None, out=into)
            if kept is not None and len(groups) == 1 and into is not None and x is input:
                calls = Kept.keep(plan)
                if calls is not None:
                    kept.append(calls)
            r = execute(plan)
            if r is not output:
                store(output, r)
            x = output
        return output
    if _u8_direct(input, output, kernels, modes, cval, divisors):
        return _correlate_u8(input, kernels, axes, modes, cval, origins, output)
    x = input
    for i, (w, ax, mode, origin) in enumerate(zip(kernels, axes, modes, origins)):
        kshape = [1] * x.ndim
        kshape[ax] = len(w)
        offsets = [0] * x.ndim
        offsets[ax] = -(len(w) // 2 + origin)
        # (uniform filters: ndimage's running sums are exact for integer input)
        r = _run(x, w, kshape, offsets, mode, cval, output, ax, exact=divisors is None)
        if divisors is not None:
            r = r / r.dtype.type(divisors[i])
        store(output, r)
        x = output
    return output


# uint8 passes run in float32 while 255 * sum|w| stays below this (the
# float32 sums then tell integers apart to well within `_u8_tol`)
U8_MAX_GAIN = 2.0**20


def _u8_direct(input, output, kernels, modes, cval, divisors):
    """True when `_correlate_u8` computes these passes: uint8 in and out
    (not the uniform filters' running sums), a fill value that is a uint8
    value, finite taps of moderate gain."""
    if input.dtype != np.uint8 or output.dtype != np.uint8 or input.size == 0 \
            or divisors is not None:
        return False
    if "fill" in modes and not (np.isfinite(cval) and cval == int(cval) and 0 <= cval <= 255):
        return False
    return all(np.all(np.isfinite(w)) and 255.0 * float(np.abs(w).sum()) < U8_MAX_GAIN
               for w in kernels)


def _u8_tol(w, terms=None):
    """A bound on |float32 sum - ndimage's float64 sum| of the m taps `w`
    over samples in [0, 255] (W = 255 sum|w|), the float32 sum one of
    `terms` products (default m; a folded symmetric kernel's sum has
    m // 2 + 1, fc_sep_impl.h fc_sep_foldcast, each of a tap and an exact sum or
    difference of two samples, so still at most W in all): in any order,
    with or without fused multiply-adds, a float32 sum of m products is within
    m u / (1 - m u) * (1 + u) * W of the sum of its float32 taps' products,
    which is within u W of the exact sum (u = 2**-24, the taps' rounding);
    ndimage's float64 sum is within m * 2**-53 * W of it.  (m + 2) u W
    covers the three, with a quarter more for room, which also covers the
    rounding of the C passes' s +- tol (at most u (W + tol), fc_sep_impl.h
    fc_sep_cast) once m >= 3: m counts as 3 at least."""
    m = len(w) if terms is None else terms
    return 1.25 * (max(m, 3) + 2) * 2.0**-24 * 255.0 * float(np.abs(w).sum())


def _correlate_u8(input, kernels, axes, modes, cval, origins, output):
    """uint8 passes into a uint8 output (csrc/fc_sep.h fc_sep_rows_u8): each
    pass reads the previous one's uint8 result, as ndimage's passes read
    `output`, and gives ndimage's values exactly."""
    x = np.ascontiguousarray(input)
    kernels = [np.asarray(w, np.float64) for w in kernels]
    offsets = [-(len(w) // 2 + o) for w, o in zip(kernels, origins)]
    n, nd = len(axes), input.ndim
    # the last two passes together when they are the last two axes in order
    pair = n >= 2 and nd >= 2 and list(axes[-2:]) == [nd - 2, nd - 1] and \
        modes[-1] == modes[-2]
    i = 0
    while i < n:
        two = pair and i == n - 2
        direct = (i + two == n - 1 and output.flags.c_contiguous and output.flags.writeable
                  and not np.may_share_memory(output, x)
                  and not np.may_share_memory(output, input))
        dest = output if direct else np.empty(x.shape, np.uint8)
        k = 2 if two else 1
        x = u8_passes(x, [(axes[j], kernels[j], offsets[j], symmetry(kernels[j]),
                           _u8_tol(kernels[j]), _u8_tol(kernels[j], len(kernels[j]) // 2 + 1))
                          for j in range(i, i + k)],
                      modes[i], cval, dest)
        i += k
    if x is not output:
        np.copyto(output, x)
    return output


def correlate_nd(input, weights, mode, cval, origins, output):
    """Correlate `input` with the N-D float64 `weights` into `output`."""
    _record([(a, n, o, mode, False) for a, (n, o) in enumerate(zip(weights.shape, origins))])
    offsets = [-(n // 2 + o) for n, o in zip(weights.shape, origins)]
    r = _run(input, weights, weights.shape, offsets, mode, cval, output, None)
    store(output, r)
    return output
