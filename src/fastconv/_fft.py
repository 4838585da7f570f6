"""The FFT executor and ``next_fast_len``.

It runs plans (_plan.py) whose method is 'fft' or 'oa' and decides nothing
about the call.  The C engine (``_fftcore``) does the work; the numpy.fft
path below remains for what the engine does not take (long double, batch
axes with one kernel per batch element).

How a plan runs
---------------
1. ``run_fft`` extends ``x`` through the boundary rule where the window reads
   outside it (not for a zero fill), and turns the plan's correlation kernel
   and offsets back into a convolution kernel (a view) and per-axis windows
   of the full convolution (clipped to it; the rest of a ``maxlag`` window
   is zeros).
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
4. ``_oa_window`` (overlap-add, method 'oa') cuts the long input into blocks
   on each axis where that pays (see ``_oa_block``), transforms all blocks in
   one batched ``rfftn``/``fftn`` call, multiplies by the kernel's spectrum
   (broadcast) and overlap-adds the block results with a few slice additions
   per axis (no Python loop over blocks).

Batch (non-convolved) axes broadcast through numpy's own broadcasting.
"""
import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from operator import index as _index

import numpy as np

from . import _fftcore, _memory, _method
from ._threads import thread_share

__all__ = ["next_fast_len", "run_fft", "engine_input", "run_engine"]


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
# Executing a plan

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
THREAD_MIN_SIZE = 1 << 16


def _transform_1d(x, n, axis, kind, workers):
    """One numpy.fft 1-D transform along `axis`, split over `workers` threads.

    numpy.fft releases the GIL, and every 1-D transform is computed on its
    own, so splitting the other axes between threads gives bit-identical
    results for any thread count.
    """
    func = getattr(np.fft, kind)
    if workers <= 1 or x.ndim < 2 or x.size < THREAD_MIN_SIZE:
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
# The executor

_PAD_MODES = {"fill": "constant", "wrap": "wrap", "symm": "symmetric",
              "reflect": "reflect", "nearest": "edge"}


def _extend(x, plan, conv_axes, offsets):
    """`x` extended on the convolved axes by what the window reads outside
    it, through the plan's boundary rule (the same meanings as
    csrc/fc_boundary.h); returns the extended array and the new offsets."""
    pads = [(0, 0)] * x.ndim
    offsets = list(offsets)
    for a in conv_axes:
        n, m = x.shape[a], plan.kernel.shape[a]
        lo = offsets[a]
        hi = offsets[a] + plan.shape[a] + m - 2          # last index read
        pads[a] = (max(0, -lo), max(0, hi - (n - 1)))
        offsets[a] += pads[a][0]
    x = np.asarray(x, dtype=plan.fft_dtype)
    mode = _PAD_MODES[plan.boundary]
    if mode == "constant":
        return np.pad(x, pads, mode, constant_values=plan.fill.astype(plan.fft_dtype)), offsets
    return np.pad(x, pads, mode), offsets


# dtypes the C engine (_fftcore, csrc/fc_fft*) computes in
ENGINE_DTYPES = frozenset(np.dtype(t) for t in
                          (np.float32, np.float64, np.complex64, np.complex128))


def _engine_layout(plan, x):
    """Whether the C engine runs this plan: its dtypes, at most
    _fftcore.MAXDIM axes, a transform to do, and no paired batch axes
    (Plan.paired; those go to numpy.fft, which broadcasts)."""
    if plan.fft_dtype not in ENGINE_DTYPES or x.ndim > _fftcore.MAXDIM:
        return False
    k = plan.kernel
    if not any(c and x.shape[a] != 1 and k.shape[a] != 1 for a, c in enumerate(plan.conv)):
        return False   # nothing to transform: the product below
    return not any(plan.paired)


def engine_input(plan, x):
    """(x, offsets, engine): `x` (an input of the plan's x shape) extended
    through the boundary rule where the window reads outside it (not for a
    zero fill) and the offsets into it; engine: whether the C engine runs
    the plan, and then x is C-contiguous in the FFT dtype."""
    offsets = plan.offsets
    if not plan.zero_fill:
        x, offsets = _extend(x, plan, [a for a, c in enumerate(plan.conv) if c], offsets)
    if not _engine_layout(plan, x):
        return x, offsets, False
    return np.require(x, plan.fft_dtype, ["C", "A"]), offsets, True


def run_engine(plan, xw, offsets, out, engine=None):
    """The C engine on `xw`, `offsets` (from `engine_input`) into `out` (the
    plan's shape, C-contiguous, FFT dtype), with the plan's kernel - or with
    `engine`, a ``_fftcore.KernelPlan`` made for this plan.  Returns
    ``(out, finite)``: finite is True when the engine saw every output
    finite as it wrote it, False when some may be NaN or infinite."""
    seconds = _method.fft_seconds(plan) if plan.threads > 1 else 0.0
    with thread_share(plan.threads, seconds) as nthreads:
        if engine is not None:
            return engine.run(xw, out, nthreads, check=True)
        kw = np.require(plan.kernel, plan.fft_dtype, ["C", "A"])
        return _fftcore.correlate_window(xw, kw, offsets, plan.shape, out, nthreads,
                                         check=True)


def run_fft(plan):
    """Execute an FFT plan ('fft' or 'oa').

    Returns ``(res, finite)``: the result in ``plan.fft_dtype`` (before any
    cast back to an integer or bool result), or in ``plan.result`` when no
    axis needs a transform (the inputs are then just multiplied, as scipy
    does); finite is the C engine's word on whether every element is finite
    (`run_engine`), None when numpy.fft computed the result.

    The C engine (csrc/fc_fft*, overlap-save tiles; 'fft' and 'oa' alike)
    runs the plan's correlation as it is (`engine_input`, `run_engine`).
    numpy.fft (long double, batch axes with one kernel per element)
    computes convolutions, so there the correlation kernel is turned back
    into the convolution kernel ``h`` (a view) and the offsets into windows
    of the full convolution of ``x`` and ``h``.
    """
    x, offsets, engine = engine_input(plan, plan.x)
    if engine:
        # (from the result-buffer cache, as the direct path's results: a
        # fresh 32 MiB float64 2048^2 result is mmap-ed and page-faulted by
        # the engine's threads at every call, ~8 ms of kernel time and 20%
        # more CPU at workers=2; benchmarks/thread_profile.py --pool)
        return run_engine(plan, x, offsets, _memory.empty(plan.shape, plan.fft_dtype))
    return _numpy_fft(plan, x, offsets), None


def _numpy_fft(plan, x, offsets):
    """run_fft's result when numpy.fft computes it."""
    conv_axes = [a for a, c in enumerate(plan.conv) if c]
    h = plan.kernel[tuple(slice(None, None, -1) if c else slice(None) for c in plan.conv)]
    windows, inside, clipped = [], [], False
    for a in range(x.ndim):
        if not plan.conv[a]:
            windows.append(None)
            inside.append(slice(None))
            continue
        start = offsets[a] + h.shape[a] - 1
        lo = min(max(start, 0), x.shape[a] + h.shape[a] - 1)
        hi = max(min(start + plan.shape[a], x.shape[a] + h.shape[a] - 1), lo)
        windows.append((lo, hi - lo))
        inside.append(slice(lo - start, hi - start))
        clipped |= (lo - start, hi - start) != (0, plan.shape[a])
    fft_axes = [a for a in conv_axes if x.shape[a] != 1 and h.shape[a] != 1]
    if not fft_axes:
        dtype = plan.result
    else:
        dtype = plan.fft_dtype
    if clipped:
        # a window reaching past the full convolution (maxlag): zeros there
        res = np.zeros(plan.shape, dtype=dtype)
        if all(w is None or w[1] for w in windows):
            res[tuple(inside)] = _window(x, h, fft_axes, windows, dtype, plan)
        return res
    return _window(x, h, fft_axes, windows, dtype, plan)


def _window(x, h, fft_axes, windows, dtype, plan):
    x1, x2 = _slice_length1_axes(x, h, fft_axes, windows)
    if not fft_axes:
        return _finish(np.multiply(x1, x2, dtype=dtype), dtype)
    seconds = _method.fft_seconds(plan) if plan.threads > 1 else 0.0
    with thread_share(plan.threads, seconds) as threads:
        ret = None
        if plan.method == "oa" and x.shape != h.shape:
            ret = _oa_window(x1, x2, fft_axes, windows, dtype, threads)
        if ret is None:
            ret = _fft_window(x1, x2, fft_axes, windows, dtype, threads)
    return _finish(ret, dtype)
