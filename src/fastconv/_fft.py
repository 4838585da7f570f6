"""The FFT method: ``fftconvolve``, ``oaconvolve`` and ``next_fast_len``.

Pure NumPy (``numpy.fft``); nothing here needs the compiled extension.

How a call runs
---------------
1. ``_plan`` validates the arguments (every user-facing error is raised there
   or in ``_validate.py``) and describes the result as a *window* of the full
   convolution on each axis: ``full`` starts at 0 with length ``n1 + n2 - 1``,
   ``same`` starts at ``(n2 - 1) // 2`` with length ``n1``, ``valid`` (after
   swapping so that ``n1 >= n2``) starts at ``n2 - 1`` with length
   ``n1 - n2 + 1``.  Axes that are not convolved broadcast (sizes must match
   or be 1).  An axis where either input is empty has length 0.
2. Convolved axes where either input has length 1 need no transform: the
   long input is sliced to the window and the inputs are multiplied
   (broadcasting), as scipy does (scipy#10517).
3. ``_fft_window`` transforms the remaining axes once (``rfftn`` for real
   data, ``fftn`` for complex), multiplies the spectra and transforms back.
   The transform length per axis is the smallest fast length ``L`` for which
   the circular convolution equals the full one *inside the window*:
   ``L >= max(n1, n2, stop, n1 + n2 - 1 - start)``.  For 'full' that is the
   usual ``n1 + n2 - 1``; 'valid' needs only ``max(n1, n2)`` and 'same' about
   half the kernel less than 'full'.
4. ``_oa_window`` (overlap-add) cuts the long input into blocks on each axis
   where that pays (see ``_oa_block``), transforms all blocks in one batched
   ``rfftn``/``fftn`` call, multiplies by the kernel's spectrum (broadcast)
   and overlap-adds the block results with a few slice additions per axis
   (no Python loop over blocks).

Result dtypes are those of ``_dtypes.fftconvolve_result_dtype`` (integers and
bool -> float64, float16 -> float32, other precisions kept, byte order
native), with scipy's two exceptions kept for drop-in compatibility: 0-d
inputs return ``in1 * in2``, and when no axis needs a transform (every
convolved axis has length 1 on one input) the result is the plain product in
``np.result_type(in1, in2)``.
"""
import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from operator import index as _index

import numpy as np

from ._dtypes import fftconvolve_result_dtype, result_dtype
from ._modes import window
from ._threads import resolve_workers
from ._validate import (as_input_array, check_allocation, check_mode, check_same_ndim,
                        check_valid_shapes, normalize_axes)

__all__ = ["fftconvolve", "oaconvolve", "next_fast_len", "fft_convolve"]


# ---------------------------------------------------------------------------
# next_fast_len

class _TargetTypeError(TypeError, ValueError):
    """Bad ``target`` type.  A TypeError (as scipy raises) that is also a
    ValueError, so either ``except`` clause catches it."""


_ODD_FACTORS_REAL = (3, 5)           # numpy's real FFT has radix 2, 3, 4, 5
_ODD_FACTORS_COMPLEX = (3, 5, 7, 11)  # its complex FFT adds 7 and 11


def _is_smooth(n, factors):
    while n % 2 == 0:
        n //= 2
    for p in factors:
        while n % p == 0:
            n //= p
    return n == 1


@lru_cache(maxsize=1024)
def _next_smooth(target, factors):
    """Smallest ``2**a * m >= target`` with `m` a product of `factors`."""
    if target <= 6 or _is_smooth(target, factors):
        return target
    best = 1 << (target - 1).bit_length()          # the next power of two
    # Depth-first over odd products m = 3^b 5^c ... (non-decreasing factor
    # index, so each m is visited once); for each, the best power of two
    # follows from bit_length.  About 1000 nodes for 11-smooth at 1e9.
    stack = [(1, 0)]
    while stack:
        m, i = stack.pop()
        q = -(-target // m)                         # ceil(target / m)
        cand = m << (q - 1).bit_length()
        if cand < best:
            best = cand
        for j in range(i, len(factors)):
            mj = m * factors[j]
            if mj >= target:
                if mj < best:
                    best = mj
            else:
                stack.append((mj, j))
    return best


def next_fast_len(target, real=False):
    """Smallest FFT length ``>= target`` that ``numpy.fft`` computes quickly.

    Parameters
    ----------
    target : int
        Length to start searching from (a non-negative integer).
    real : bool, optional
        True for a real transform (``rfft``/``rfftn``): the result is
        5-smooth, ``2**a * 3**b * 5**c``.  False (default, as in
        ``scipy.fft.next_fast_len``) for a complex transform: 11-smooth
        (factors 2, 3, 5, 7 and 11).

    Returns
    -------
    out : int
        The smallest such length ``>= target``; ``0`` and ``1`` are returned
        unchanged.

    Raises
    ------
    ValueError
        If `target` is negative.
    TypeError
        If `target` is not an integer (the exception is also a ValueError).

    Notes
    -----
    Results equal ``scipy.fft.next_fast_len(target, real)``.  They are
    cached; a target of ``10**9`` takes well under a millisecond.

    Examples
    --------
    >>> from fastconv import next_fast_len
    >>> next_fast_len(1021, real=True)
    1024
    >>> next_fast_len(97), next_fast_len(97, real=True)
    (98, 100)
    """
    try:
        n = _index(target)
    except TypeError:
        raise _TargetTypeError(
            f"target must be a non-negative integer; got target={target!r}") from None
    if n < 0:
        raise ValueError(f"target must be a non-negative integer; got target={n}")
    return _next_smooth(n, _ODD_FACTORS_REAL if real else _ODD_FACTORS_COMPLEX)


# ---------------------------------------------------------------------------
# dtype support of numpy.fft

def _native_fft_dtypes():
    """Float dtypes numpy.fft transforms at their own precision.

    numpy >= 2.0 keeps float32 and longdouble; older numpy computes
    everything in float64.
    """
    kept = {np.dtype(np.float64)}
    for dt in (np.float32, np.longdouble):
        try:
            out = np.fft.rfft(np.ones(4, dtype=dt))
        except Exception:  # pragma: no cover - defensive
            continue
        if out.real.dtype == np.dtype(dt):
            kept.add(np.dtype(dt))
    return frozenset(kept)


_NATIVE_FFT_FLOATS = _native_fft_dtypes()


def _transform_dtype(dt):
    """dtype to hand numpy.fft for a compute dtype `dt` (float or complex)."""
    dt = np.dtype(dt)
    real = np.dtype(dt.type(0).real.dtype) if dt.kind == "c" else dt
    if real not in _NATIVE_FFT_FLOATS:
        real = np.dtype(np.float64)
    return np.result_type(real, np.complex64) if dt.kind == "c" else real


# ---------------------------------------------------------------------------
# Planning: validation and the output window

def _plan(in1, in2, mode, axes):
    """Validate; return None for 0-d inputs, else a plan dict.

    The plan holds the (possibly swapped) arrays, the axes that need a
    transform, and per axis the window ``(start, length)`` of the full
    convolution (``None`` for an axis that only broadcasts).
    """
    in1 = as_input_array(in1, "in1")
    in2 = as_input_array(in2, "in2")
    check_mode(mode)
    if in1.ndim == 0 and in2.ndim == 0:
        normalize_axes(axes, 0)
        return in1, in2, None
    check_same_ndim(in1, in2)
    conv_axes = normalize_axes(axes, in1.ndim)
    s1, s2 = in1.shape, in2.shape
    for a in range(in1.ndim):
        if a not in conv_axes and not (s1[a] == s2[a] or s1[a] == 1 or s2[a] == 1):
            raise ValueError(f"incompatible shapes for in1 and in2: {s1} and {s2}")
    # Axes of length 1 broadcast; only the others need a transform.
    fft_axes = sorted(a for a in conv_axes if s1[a] != 1 and s2[a] != 1)
    if mode == "valid" and check_valid_shapes(s1, s2, fft_axes):
        in1, in2 = in2, in1
        s1, s2 = s2, s1
    windows = []
    for a in range(in1.ndim):
        n1, n2 = s1[a], s2[a]
        if a not in conv_axes:
            windows.append(None)
        elif n1 == 0 or n2 == 0:
            windows.append((0, 0))
        elif mode == "full":
            windows.append((0, n1 + n2 - 1))
        elif mode == "same":
            windows.append(((n2 - 1) // 2, n1))
        else:  # valid; on length-1 axes the output is the long input's length
            windows.append((min(n1, n2) - 1, abs(n1 - n2) + 1))
    return in1, in2, {"fft_axes": fft_axes, "windows": windows}


def _slice_length1_axes(x1, x2, fft_axes, windows):
    """On convolved axes where one input has length 1, cut the other to the
    window (the full convolution there is just the long input scaled)."""
    sl1 = [slice(None)] * x1.ndim
    sl2 = [slice(None)] * x2.ndim
    for a, w in enumerate(windows):
        if w is None or a in fft_axes:
            continue
        start, length = w
        if x1.shape[a] != 1:
            sl1[a] = slice(start, start + length)
        elif x2.shape[a] != 1:
            sl2[a] = slice(start, start + length)
    return x1[tuple(sl1)], x2[tuple(sl2)]


def _finish(ret, dtype):
    """Cast to `dtype`; return a C-contiguous array that owns compact memory
    (never a view into a larger transform buffer)."""
    if ret.dtype != dtype:
        return np.ascontiguousarray(ret.astype(dtype))
    root = ret
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not ret.flags.c_contiguous or (root is not ret and root.nbytes != ret.nbytes):
        return np.array(ret, order="C")
    return ret


# ---------------------------------------------------------------------------
# The plain FFT

# Transforms smaller than this many elements run on one thread.
_THREAD_MIN_SIZE = 1 << 16


def _transform_1d(x, n, axis, kind, workers):
    """One numpy.fft 1-D transform along `axis`, split over `workers` threads.

    numpy.fft releases the GIL, and every 1-D transform is computed on its
    own, so splitting the other axes between threads gives bit-identical
    results for any thread count.
    """
    func = getattr(np.fft, kind)
    if workers <= 1 or x.ndim < 2 or x.size < _THREAD_MIN_SIZE:
        return func(x, n, axis=axis)
    other = max((a for a in range(x.ndim) if a != axis), key=lambda a: x.shape[a])
    m = x.shape[other]
    if m < 2:
        return func(x, n, axis=axis)
    shape = list(x.shape)
    shape[axis] = n // 2 + 1 if kind == "rfft" else n
    real = x.real.dtype if x.dtype.kind == "c" else x.dtype
    dtype = real if kind == "irfft" else np.result_type(real, np.complex64)
    out = np.empty(shape, dtype=dtype)
    bounds = np.linspace(0, m, min(workers, m) + 1).astype(int)

    def work(i):
        sl = (slice(None),) * other + (slice(bounds[i], bounds[i + 1]),)
        out[sl] = func(x[sl], n, axis=axis)

    with ThreadPoolExecutor(len(bounds) - 1) as pool:
        list(pool.map(work, range(len(bounds) - 1)))
    return out


def _forward(x, lens, axes, complex_, workers):
    """numpy.fft.rfftn / fftn with the same order of 1-D transforms."""
    if complex_:
        for a, n in reversed(list(zip(axes, lens))):
            x = _transform_1d(x, n, a, "fft", workers)
        return x
    x = _transform_1d(x, lens[-1], axes[-1], "rfft", workers)
    for a, n in reversed(list(zip(axes[:-1], lens[:-1]))):
        x = _transform_1d(x, n, a, "fft", workers)
    return x


def _inverse(x, lens, axes, complex_, workers):
    """numpy.fft.irfftn / ifftn with the same order of 1-D transforms."""
    if complex_:
        for a, n in reversed(list(zip(axes, lens))):
            x = _transform_1d(x, n, a, "ifft", workers)
        return x
    for a, n in zip(axes[:-1], lens[:-1]):
        x = _transform_1d(x, n, a, "ifft", workers)
    return _transform_1d(x, lens[-1], axes[-1], "irfft", workers)


def _circular(x1, x2, lens, axes, complex_, workers=1):
    """Circular convolution of zero-padded `x1` and `x2`: lengths `lens` on
    `axes`, other axes broadcast.  Real transforms unless `complex_`."""
    sp = _forward(x1, lens, axes, complex_, workers)
    sp2 = _forward(x2, lens, axes, complex_, workers)
    if np.broadcast_shapes(sp.shape, sp2.shape) == sp.shape:
        sp *= sp2
    else:
        sp = sp * sp2
    del sp2
    return _inverse(sp, lens, axes, complex_, workers)


def _fft_window(x1, x2, fft_axes, windows, dtype, workers=1):
    """Window of the full convolution of `x1` and `x2` over `fft_axes`.

    Inputs must be non-empty; non-transformed axes broadcast.  The work is
    done in `dtype` (float or complex) as far as numpy.fft allows.
    """
    tdt = _transform_dtype(dtype)
    x1 = np.asarray(x1, dtype=tdt)
    x2 = np.asarray(x2, dtype=tdt)
    complex_ = tdt.kind == "c"
    lens = []
    for a in fft_axes:
        n1, n2 = x1.shape[a], x2.shape[a]
        start, length = windows[a]
        need = max(n1, n2, start + length, n1 + n2 - 1 - start)
        lens.append(next_fast_len(need, real=not complex_))
    ret = _circular(x1, x2, lens, fft_axes, complex_, workers)
    sl = [slice(None)] * ret.ndim
    for a in fft_axes:
        start, length = windows[a]
        sl[a] = slice(start, start + length)
    return ret[tuple(sl)]


# ---------------------------------------------------------------------------
# Overlap-add

def _oa_optimal_block(overlap):
    """Real-valued optimum block length for kernel overlap ``K = n2 - 1``.

    The cost per output sample of blocks of length N is about
    ``N / (N - K) * log2(2 N)``; it is smallest where ``N = K * ln(2 e N)``,
    i.e. ``N = -K * W_{-1}(-1 / (2 e K))`` (Lambert W, lower branch).  NumPy
    has no Lambert W, so the larger root is found by Newton's method on the
    convex ``f(N) = N - K ln(2 e N)``, started to the right of the root, from
    where the iterates decrease monotonically to it.
    """
    k = float(overlap)
    n = 2.0 * k * math.log(2.0 * math.e * k) + 2.0
    for _ in range(100):
        step = (n - k * math.log(2.0 * math.e * n)) / (1.0 - k / n)
        n -= step
        if abs(step) <= 1e-14 * n:
            break
    return n


def _oa_block(n_long, n_short, real):
    """Block FFT length for one axis, or None when blocks do not pay.

    Same rule as scipy: no blocks when the lengths are equal, either is 1,
    the short input is at least half the long one, or a single block would
    cover the long input.
    """
    if n_long == n_short or n_short <= 1 or n_short >= n_long / 2:
        return None
    block = next_fast_len(math.ceil(_oa_optimal_block(n_short - 1)), real=real)
    if block >= n_long:
        return None
    return block


def _overlap_add(y, p, step, start, length):
    """Merge axes (p, p+1) = (blocks, block_len) of `y` by overlap-add and
    return the window [start, start+length) of the merged axis."""
    nb, nblock = y.shape[p], y.shape[p + 1]
    extra = -(-(nblock - step) // step)             # usually 1
    shape = list(y.shape)
    shape[p:p + 2] = [nb + extra, step]
    out = np.zeros(shape, dtype=y.dtype)
    pre = (slice(None),) * p
    out[pre + (slice(0, nb), slice(0, step))] = y[pre + (slice(None), slice(0, step))]
    for i in range(1, extra + 1):
        lo, hi = i * step, min((i + 1) * step, nblock)
        out[pre + (slice(i, i + nb), slice(0, hi - lo))] += \
            y[pre + (slice(None), slice(lo, hi))]
    merged = out.reshape(shape[:p] + [(nb + extra) * step] + shape[p + 2:])
    return merged[pre + (slice(start, start + length),)]


def _oa_window(x1, x2, fft_axes, windows, dtype, workers=1):
    """Like `_fft_window`, by overlap-add where blocks pay; None if nowhere."""
    tdt = _transform_dtype(dtype)
    complex_ = tdt.kind == "c"
    blocks = {}
    for a in fft_axes:
        n1, n2 = x1.shape[a], x2.shape[a]
        block = _oa_block(max(n1, n2), min(n1, n2), real=not complex_)
        if block is not None:
            blocks[a] = block
    if not blocks:
        return None

    # Expanded layout: each transformed axis a becomes (blocks, in-block).
    # The input that is long on a blocked axis is cut into segments of
    # ``step = block - n_short + 1``; the other gets a block axis of 1.
    # Non-blocked transformed axes are one block of the plain FFT length.
    lens, steps = [], {}
    shape1, shape2, pad1, pad2 = [], [], [], []
    for a in range(x1.ndim):
        n1, n2 = x1.shape[a], x2.shape[a]
        if a not in fft_axes:
            shape1.append(n1)
            shape2.append(n2)
            pad1.append(n1)
            pad2.append(n2)
            continue
        if a in blocks:
            block = blocks[a]
            step = block - min(n1, n2) + 1
            nb = -(-max(n1, n2) // step)
            steps[a] = step
            lens.append(block)
            if n1 >= n2:
                shape1 += [nb, step]
                shape2 += [1, n2]
                pad1.append(nb * step)
                pad2.append(n2)
            else:
                shape1 += [1, n1]
                shape2 += [nb, step]
                pad1.append(n1)
                pad2.append(nb * step)
        else:
            start, length = windows[a]
            lens.append(next_fast_len(max(n1, n2, start + length, n1 + n2 - 1 - start),
                                      real=not complex_))
            shape1 += [1, n1]
            shape2 += [1, n2]
            pad1.append(n1)
            pad2.append(n2)

    def expand(x, padded, shape):
        if tuple(padded) != x.shape:
            buf = np.zeros(padded, dtype=tdt)
            buf[tuple(slice(0, n) for n in x.shape)] = x
        else:
            buf = np.asarray(x, dtype=tdt)
        return buf.reshape(shape)

    x1 = expand(x1, pad1, shape1)
    x2 = expand(x2, pad2, shape2)
    # Position of original axis a in the expanded layout.
    pos = {}
    p = 0
    for a in range(len(pad1)):
        pos[a] = p
        p += 2 if a in fft_axes else 1
    faxes = [pos[a] + 1 for a in fft_axes]
    y = _circular(x1, x2, lens, faxes, complex_, workers)
    # Merge the axis pairs from the last to the first so that positions of
    # the earlier ones stay valid.
    for a in reversed(fft_axes):
        p = pos[a]
        start, length = windows[a]
        if a in blocks:
            y = _overlap_add(y, p, steps[a], start, length)
        else:
            shape = list(y.shape)
            merged = shape[:p] + [shape[p + 1]] + shape[p + 2:]
            y = y.reshape(merged)[(slice(None),) * p + (slice(start, start + length),)]
    return y


# ---------------------------------------------------------------------------
# Drivers

def _run(in1, in2, mode, axes, overlap_add, workers):
    workers = resolve_workers(workers)
    in1, in2, plan = _plan(in1, in2, mode, axes)
    if plan is None:                                   # 0-d: scipy's product
        return in1 * in2
    fft_axes, windows = plan["fft_axes"], plan["windows"]
    out_shape = tuple(
        (0 if 0 in (n1, n2) else max(n1, n2)) if w is None else w[1]
        for n1, n2, w in zip(in1.shape, in2.shape, windows))
    dtype = fftconvolve_result_dtype(in1.dtype, in2.dtype)
    if 0 in out_shape:
        return np.zeros(out_shape, dtype=dtype)
    check_allocation([(out_shape, dtype.itemsize)])
    x1, x2 = _slice_length1_axes(in1, in2, fft_axes, windows)
    if not fft_axes:
        # scipy multiplies without converting when nothing needs an FFT.
        return _finish(np.multiply(x1, x2), result_dtype(in1, in2))
    ret = None
    if overlap_add and in1.shape != in2.shape:
        ret = _oa_window(x1, x2, fft_axes, windows, dtype, workers)
    if ret is None:
        ret = _fft_window(x1, x2, fft_axes, windows, dtype, workers)
    return _finish(ret, dtype)


_MODE_DOC = """
    in1 : array_like
        First input.
    in2 : array_like
        Second input.  Should have the same number of dimensions as `in1`.
    mode : {'full', 'valid', 'same'}, optional
        'full' (default): the full discrete linear convolution, length
        ``n1 + n2 - 1`` on each convolved axis.  'valid': only outputs that
        do not rely on zero-padding, length ``|n1 - n2| + 1``; one input must
        be at least as large as the other on every convolved axis.  'same':
        the size of `in1` on the convolved axes, centred with respect to
        'full' (it starts at ``(n2 - 1) // 2``).
    axes : int or sequence of int or None, optional
        Axes to convolve over; default all.  The other axes are broadcast:
        their sizes must be equal or 1, and the result has the broadcast
        size on them in every mode.
    workers : int, optional
        Threads for the transforms (fastconv extension; numpy.fft releases
        the GIL): a count, or negative to count back from the CPUs
        available.  Default: the ``fastconv.set_workers`` context, else all
        available CPUs.  Results are identical for every value.
"""


def fftconvolve(in1, in2, mode="full", axes=None, *, workers=None):
    """Convolve two N-dimensional arrays using the FFT.

    Drop-in for ``scipy.signal.fftconvolve``: same arguments, values, shapes
    and result dtypes, computed with ``numpy.fft``.

    Parameters
    ----------%s
    Returns
    -------
    out : ndarray
        The requested part of the convolution.  Integer and bool inputs give
        float64, float16 gives float32, other float and complex inputs keep
        their precision; byte order is native.

    Raises
    ------
    ValueError
        For a bad `mode` or `axes`, inputs of different dimensionality,
        non-broadcastable non-convolved axes, or 'valid' inputs neither of
        which is at least as large as the other.

    See Also
    --------
    oaconvolve : overlap-add, faster for a long input and a short kernel.

    Notes
    -----
    Each transformed axis is padded to a fast length (`next_fast_len`) just
    long enough for the requested window, so 'same' and 'valid' use shorter
    transforms than 'full'.  Convolved axes where either input has length 1
    are handled by broadcasting, without a transform.

    Differences from scipy 1.17, both deliberate fixes:

    * 'same' with `axes` keeps the broadcast size on the axes that are not
      convolved (scipy cuts them to `in1`'s size, scipy#21876).
    * Empty inputs: an axis where either input has length 0 has length 0 in
      the result, the other axes follow the mode, and the dtype is the usual
      result dtype (scipy returns a 1-D float64 ``array([])``).

    Kept from scipy: 0-d inputs return ``in1 * in2``, and when no axis needs
    a transform the result is ``in1 * in2`` in ``np.result_type(in1, in2)``.
    FFT rounding spreads over the whole result, and a NaN or infinity in an
    input makes every output NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from fastconv import fftconvolve
    >>> np.round(fftconvolve([1, 2, 3], [1, 1, 2]), 10)
    array([1., 3., 7., 7., 6.])
    >>> np.round(fftconvolve([1, 2, 3], [1, 1, 2], mode='same'), 10)
    array([3., 7., 7.])

    Along one axis only, broadcasting the other:

    >>> x = np.arange(8.0).reshape(2, 4)
    >>> np.round(fftconvolve(x, [[1.0, -1.0]], mode='valid', axes=1), 10)
    array([[1., 1., 1.],
           [1., 1., 1.]])
    """
    return _run(in1, in2, mode, axes, False, workers)


def oaconvolve(in1, in2, mode="full", axes=None, *, workers=None):
    """Convolve two N-dimensional arrays using the overlap-add method.

    Drop-in for ``scipy.signal.oaconvolve``.  Much faster than `fftconvolve`
    when one input is much longer than the other; same results to rounding.

    Parameters
    ----------%s
    Returns
    -------
    out : ndarray
        The requested part of the convolution, with the dtypes of
        `fftconvolve`.

    Raises
    ------
    ValueError
        In the same cases as `fftconvolve`.

    See Also
    --------
    fftconvolve : one transform of the whole input.

    Notes
    -----
    On each convolved axis where the short input ``K + 1`` long is less than
    half the long one, the long input is cut into segments and each is
    convolved with the kernel by a transform of length ``N``, the optimum of
    ``N = K ln(2 e N)`` (i.e. ``-K W_{-1}(-1/(2eK))``) rounded up to a fast
    length.  All blocks go through one batched transform and are
    overlap-added by slicing.  If no axis gains from blocks (equal shapes,
    comparable lengths, or a single block) this is `fftconvolve`.  The same
    deliberate differences from scipy as `fftconvolve` apply.

    Examples
    --------
    >>> import numpy as np
    >>> from fastconv import oaconvolve, fftconvolve
    >>> rng = np.random.default_rng(0)
    >>> sig = rng.standard_normal(10_000)
    >>> taps = np.hanning(64)
    >>> out = oaconvolve(sig, taps, mode='same')
    >>> out.shape
    (10000,)
    >>> bool(np.allclose(out, fftconvolve(sig, taps, mode='same')))
    True
    >>> np.round(oaconvolve([1, 2, 3, 4, 5, 6, 7, 8], [1, -1]), 10)
    array([ 1.,  1.,  1.,  1.,  1.,  1.,  1.,  1., -8.])
    """
    return _run(in1, in2, mode, axes, True, workers)


fftconvolve.__doc__ = fftconvolve.__doc__ % _MODE_DOC
oaconvolve.__doc__ = oaconvolve.__doc__ % _MODE_DOC


def fft_convolve(in1, in2, mode, dtype=None, overlap_add=True, workers=1):
    """Internal: the FFT path of ``convolve(..., method='fft')``.

    `in1` and `in2` are validated, non-0-d NumPy arrays of the same ndim and
    `mode` a valid mode ('valid' shapes already checked); every axis is
    convolved.  Returns the float/complex result in `dtype` (default
    ``fftconvolve_result_dtype``), before any cast back: no scipy quirks,
    length-1 and empty inputs included.  `overlap_add` lets blocks be used
    on axes where they pay.
    """
    if dtype is None:
        dtype = fftconvolve_result_dtype(in1.dtype, in2.dtype)
    dtype = np.dtype(dtype)
    if in1.ndim == 0:
        return np.multiply(in1, in2, dtype=dtype)
    s1, s2 = in1.shape, in2.shape
    if mode == "valid" and any(a < b for a, b in zip(s1, s2)):
        in1, in2, s1, s2 = in2, in1, s2, s1
    windows = list(zip(*window(mode, s1, s2)))
    out_shape = tuple(w[1] for w in windows)
    if 0 in out_shape:
        return np.zeros(out_shape, dtype=dtype)
    fft_axes = [a for a in range(in1.ndim) if s1[a] != 1 and s2[a] != 1]
    x1, x2 = _slice_length1_axes(in1, in2, fft_axes, windows)
    if not fft_axes:
        return np.multiply(x1, x2, dtype=dtype)
    ret = None
    if overlap_add and s1 != s2:
        ret = _oa_window(x1, x2, fft_axes, windows, dtype, workers)
    if ret is None:
        ret = _fft_window(x1, x2, fft_axes, windows, dtype, workers)
    return _finish(ret, dtype)
