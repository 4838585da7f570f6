"""scipy.ndimage's arithmetic, where it shows in the result.

scipy.ndimage (``ni_filters.c``) sums every filter in C ``double`` and stores
the sum into the output with a plain C cast.  Two consequences a drop-in must
reproduce exactly:

* **The cast** (`store`).  Integers are truncated toward zero, not rounded;
  out-of-range values follow x86-64's conversions (what scipy's wheels are
  built for): 8-, 16- and 32-bit signed targets convert through a 32-bit
  integer (out of its range or NaN: ``INT32_MIN``, whose low bits are 0),
  uint32 through int64 (out of range: ``INT64_MIN``), int64 to ``INT64_MIN``,
  uint64 subtracts 2**63 first from sums >= 2**63; then the bits wrap to the
  width.  A bool output is written as ``npy_bool`` = unsigned char: the
  uint8 conversion of the sum, stored byte for byte (0.5 -> False, 256 ->
  False, NaN -> False, 3 -> a byte 3 that NumPy reads as True).
* **The summation order** (`exact_at`).  Truncation makes the last bit of a
  sum visible: a constant uint8 image of 251 under a Gaussian sums to
  250.99999999999997 in ndimage's order and truncates to 250.  fastconv's
  kernels sum in their own (SIMD, FMA) order, so for integer outputs the few
  sums within rounding distance of an integer are recomputed here in
  ndimage's order: 1-D ``correlate1d`` pairs the taps of a symmetric
  (antisymmetric) odd kernel, ``w[c]*x[0] + sum_{j=c..1} (x[-j] +- x[j]) *
  w[c-j]``, outermost pair first (weights equal within ``DBL_EPSILON``
  count as symmetric), else starts from the last tap and adds the others in
  order; N-D ``correlate`` starts from 0.0 and adds the taps of weight above
  ``DBL_EPSILON`` in C order.  Only the flagged pixels are recomputed (one
  vectorised NumPy step per tap over them).
"""
import numpy as np

__all__ = ["store", "near_integer", "exact_at", "fold"]

BLOCK = 1 << 15     # elements per step of the near-integer scan (stays in cache)

DBL_EPSILON = np.finfo(np.float64).eps
_I32 = (-2.0**31, 2.0**31)
_I64 = (-2.0**63, 2.0**63)


def _trunc_to(t, lo_hi, dtype, overflow):
    """Truncated floats `t` to `dtype`; `overflow` where t is outside
    [lo, hi) or NaN."""
    lo, hi = lo_hi
    with np.errstate(invalid="ignore"):
        ok = (t >= lo) & (t < hi)
    v = np.where(ok, t, 0).astype(dtype)
    if not ok.all():
        v[~ok] = overflow
    return v


def c_cast(r, dtype):
    """float64 array `r` converted as ``(type)r`` in scipy.ndimage's C."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return c_cast(r, np.uint8).view(np.bool_)
    if dtype.kind in "fc":
        return r.astype(dtype)
    t = np.trunc(r)
    if dtype.itemsize <= 4 and not (dtype.kind == "u" and dtype.itemsize == 4):
        return _trunc_to(t, _I32, np.int32, np.iinfo(np.int32).min).astype(dtype)
    if dtype.kind == "i" or dtype.itemsize == 4:      # int64, uint32
        return _trunc_to(t, _I64, np.int64, np.iinfo(np.int64).min).astype(dtype)
    # uint64
    with np.errstate(invalid="ignore"):
        low = ~(t >= 2.0**63)                        # (NaN: the int64 conversion)
    with np.errstate(invalid="ignore"):
        below = _trunc_to(np.where(low, t, 0), _I64, np.int64, np.iinfo(np.int64).min)
        above = _trunc_to(np.where(low, 0, t - 2.0**63), _I64, np.int64,
                          np.iinfo(np.int64).min)
    above = above.view(np.uint64) ^ np.uint64(1 << 63)
    return np.where(low, below.view(np.uint64), above)


def store(output, r):
    """Write the sums `r` into `output` as scipy.ndimage does."""
    if output.dtype.kind == "c" and r.dtype.kind != "c":
        output.real = r
        output.imag = 0
        return
    if output.dtype.kind == "b":                   # the bytes, as written by C
        output = output.view(np.uint8)
    if output.dtype.kind in "iu" and r.size:
        info = np.iinfo(output.dtype)
        lo, hi = float(r.min()), float(r.max())    # (NaN if any is NaN)
        if not (info.min - 1.0 < lo and hi < info.max + 1.0):
            output[...] = c_cast(r, output.dtype)
            return
        # all truncate into range: NumPy's cast is C's truncation there
    np.copyto(output, r, casting="unsafe")


def near_integer(r, tol):
    """Flat indices of the sums that a difference of `tol` could move across
    an integer (where truncation could tell two summation orders apart).
    `r` is C-contiguous; scanned in cache-sized blocks."""
    flat = r.reshape(-1)
    buf = np.empty(min(BLOCK, flat.size))
    found = []
    with np.errstate(invalid="ignore"):
        for start in range(0, flat.size, BLOCK):
            seg = flat[start:start + BLOCK]
            b = buf[:seg.size]
            np.rint(seg, out=b)
            np.subtract(seg, b, out=b)
            np.abs(b, out=b)
            idx = np.flatnonzero(b <= tol)
            if idx.size:
                found.append(idx + start)
    return np.concatenate(found) if found else np.empty(0, dtype=np.intp)


def fold(idx, n, mode):
    """Indices `idx` on an axis of length `n` read through ndimage's `mode`
    (canonical fastconv boundary names); -1 marks the fill value."""
    if mode == "fill":
        return np.where((idx >= 0) & (idx < n), idx, -1)
    if mode == "nearest":
        return np.clip(idx, 0, n - 1)
    if mode == "wrap":
        return idx % n
    if mode == "symm":                                   # d c | a b c d | d c
        m = idx % (2 * n)
        return np.where(m >= n, 2 * n - 1 - m, m)
    if n == 1:                                           # 'reflect' (ndimage 'mirror')
        return np.zeros_like(idx)
    m = idx % (2 * n - 2)
    return np.where(m >= n, 2 * n - 2 - m, m)


def _gather(x, where, shifts, mode, fill):
    """x at the pixels `where` (tuple of index arrays) shifted by `shifts`
    (per axis), read through `mode`; float64."""
    idx = []
    outside = np.zeros(len(where[0]), dtype=bool)
    for ax, (w, s) in enumerate(zip(where, shifts)):
        f = fold(w + s, x.shape[ax], mode)
        outside |= f < 0
        idx.append(np.maximum(f, 0))
    vals = x[tuple(idx)].astype(np.float64)
    if outside.any():
        vals[outside] = fill
    return vals


def symmetry(w):
    """1 (symmetric), -1 (antisymmetric) or 0, as ndimage's correlate1d tests
    an odd-length kernel."""
    n = len(w)
    if not n & 1:
        return 0
    c = n // 2
    left, right = w[c - 1::-1] if c else w[:0], w[c + 1:]
    if np.all(np.abs(right - left) <= DBL_EPSILON):
        return 1
    if np.all(np.abs(right + left) <= DBL_EPSILON):
        return -1
    return 0


def exact_at(x, weights, where, offsets, axis, mode, fill):
    """Sums at the pixels `where` in ndimage's order, float64.

    axis None: N-D ``correlate`` (weights of x's ndim, `offsets` of the
    window per axis); else a 1-D pass along `axis` (weights 1-D, `offsets`
    = origin - len // 2 on that axis)."""
    zero = [0] * x.ndim

    def at(shift_axis_value):
        s = list(zero)
        s[axis] = shift_axis_value
        return _gather(x, where, s, mode, fill)

    if axis is None:
        tmp = np.zeros(len(where[0]))
        for j in zip(*np.nonzero(np.abs(weights) > DBL_EPSILON)):
            tmp += _gather(x, where, [o + k for o, k in zip(offsets, j)], mode, fill) \
                * weights[j]
        return tmp
    n = len(weights)
    c, base = n // 2, offsets + n // 2          # x[jj] = X(y + base + jj)
    sym = symmetry(weights)
    if sym:
        tmp = at(base) * weights[c]
        for jj in range(-c, 0):
            pair = at(base + jj) + at(base - jj) if sym > 0 else at(base + jj) - at(base - jj)
            tmp += pair * weights[c + jj]
        return tmp
    last = n - 1 - c
    tmp = at(base + last) * weights[c + last]
    for jj in range(-c, last):
        tmp += at(base + jj) * weights[c + jj]
    return tmp
