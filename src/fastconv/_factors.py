"""Is a kernel an outer product of 1-D kernels?  (The separable plans' test.)

`factor_kernel` returns one 1-D correlation kernel per convolved axis whose
outer product may replace the dense kernel, or None.  It is asked by
`_plan.make_plan` (convolve, correlate, convolve2d, correlate2d with the
direct method) and decides once per call.

The factors
-----------
Take a pivot element ``K[P]`` and the lines of ``K`` through it, one per axis
``a``: ``f_0 = K[P with axis 0 free]``, ``f_a = K[P with axis a free] / K[P]``
for ``a >= 1``.  If ``K`` is an outer product these factor it.

Integers (exact, bit-identical)
    The pivot is an element of least nonzero ``|K|``; every ``f_a`` (a >= 1)
    must divide exactly, and ``prod_a f_a[i_a] == K[i]`` is checked in exact
    integer arithmetic (Python ints when int64 could overflow).  Then the
    separable passes give the dense result bit for bit in the wrapping
    arithmetic of the work type: both compute ``sum_i x[y + i] K[i]`` in the
    ring of integers modulo ``2**bits``, where multiplication distributes
    over addition, so ``sum_i x_i prod_a f_a[i_a]`` regrouped as nested
    sums is the same element of the ring.  With a float work type for an
    integer result (`_dtypes.exact_float_work`: every partial sum of the
    dense method below 2**24 / 2**53) the passes' partial sums are bounded
    by the same ``max|x| sum|K|`` (``sum|K| = prod_a sum|f_a|``), so they
    are exact too.  Integer factors of a float result follow the float rule
    below with ``rho = 0``.

Floats (within the direct method's error bound)
    The pivot is an element of largest ``|K|``; the factors are rounded to
    the work type, and the relative residual
    ``rho = max_i |K[i] - prod_a f_a[i_a]| / |K[i]|`` is computed in long
    double (zeros of ``K`` must be exact zeros of the product).  The
    separable result then differs from the exact dense sum by at most
    ``(rho + gamma_S (1 + rho)) sum |x| |K|`` with ``S = sum_a m_a``
    (each pass adds ``m_a`` roundings), while the direct method's bound is
    ``gamma_N sum |x||K|`` with ``N = prod_a m_a`` taps.  Factors are used
    only when ``rho <= RHO_MAX_ULPS u`` and ``rho / u + S + 1 <= N`` (u the
    unit round-off of the work type): the separable bound is then no larger
    than the direct one.  An outer product of float vectors rounded to the
    kernel's type (``np.outer(g, g)``) has ``rho`` of a few u and passes
    from 4x4 taps on; near-separable kernels (a perturbation of more than a
    few ulps) and 2x2/3x3 kernels do not.

Complex, bool and long double kernels are never factored.
"""
import math

import numpy as np

__all__ = ["factor_kernel", "factor_probe", "is_box", "RHO_MAX_ULPS", "SEP_WORK_TYPES", "BOX_MIN_TAPS"]

# Work types the separable passes run in (csrc/fc_sep.h).
SEP_WORK_TYPES = frozenset(np.dtype(t) for t in
                           (np.float32, np.float64, np.uint8, np.uint16, np.uint32, np.uint64))
# Largest accepted relative residual of float factors, in units of the
# work type's round-off (the kernel's own rounding, the factors' division
# and rounding: about 3 u for np.outer of rounded vectors).
RHO_MAX_ULPS = 4.0
# Constant factors from this many taps run as box sums (running sums,
# csrc/fc_sep.h); below, the plain
# passes are faster (measured at 2048^2 float32: 3 taps 11 vs 17 ms
# vertically, 15 taps about even).
BOX_MIN_TAPS = 12


def _lines(K, P):
    """The lines of K through index P, one per axis."""
    out = []
    for a in range(K.ndim):
        idx = list(P)
        idx[a] = slice(None)
        out.append(K[tuple(idx)])
    return out


def _outer(factors, dtype):
    prod = np.ones((), dtype)
    for a, f in enumerate(factors):
        shape = [1] * len(factors)
        shape[a] = f.size
        prod = prod * f.astype(dtype).reshape(shape)
    return prod


def _not_rank_one(K):
    """True when integer kernel K (of at most 16-bit elements) is surely not
    an outer product: its unfolding M (first axis by the rest) is not rank
    one, i.e. M * M[p, q] != outer(M[:, q], M[p, :]) somewhere for its first
    nonzero M[p, q] (exact in int64; `factor_kernel` has already looked at
    its leading 2x2 minor).  A necessary condition only (False says
    nothing): one pass where `_factor_int`'s pivot search, divisions and
    outer products took 20-45 us on a 31x31 or 9x9x9 kernel."""
    M = K.reshape(K.shape[0], -1).astype(np.int64)
    nz = np.flatnonzero(M)
    if nz.size == 0:
        return False
    p, q = divmod(int(nz[0]), M.shape[1])
    return not np.array_equal(M * M[p, q], np.outer(M[:, q], M[p, :]))


def _factor_int(K, work):
    if K.dtype.itemsize <= 2 and _not_rank_one(K):
        return None
    if K.dtype.kind == "u" and K.dtype.itemsize == 8 and int(K.max()) >= 2**63:
        return None
    K64 = K.astype(np.int64)
    if not K64.any() or K64.min() == np.iinfo(np.int64).min:
        return None    # (-2**63: no magnitude in int64; such kernels are not factored)
    nz = np.abs(K64)
    masked = np.where(nz > 0, nz, np.iinfo(np.int64).max)
    P = np.unravel_index(int(np.argmin(masked)), K.shape)
    piv = int(K64[P])
    lines = _lines(K64, P)
    factors = [lines[0]]
    for line in lines[1:]:
        if np.any(line % piv):
            return None
        factors.append(line // piv)
    # exact check: Python ints when int64 products could overflow
    bound = math.prod(max(-int(f.min()), int(f.max())) for f in factors)
    if bound < 2**62:
        ok = np.array_equal(_outer(factors, np.int64), K64)
    else:
        ok = np.array_equal(_outer([f.astype(object) for f in factors], object), K64.astype(object))
    if not ok:
        return None
    # the work type's wrapping (or exact float) values of the factors
    return [_wrap(f, work) for f in factors]


def _wrap(f, work):
    if work.kind == "u":
        return (f.astype(object) % (2 ** (8 * work.itemsize))).astype(work)
    return f.astype(work)


def _factor_float(K, work):
    # (S + 1 <= N and the leading minor: `factor_probe`, `factor_kernel`)
    S, N = sum(K.shape), math.prod(K.shape)
    Kf = K.astype(np.float64)
    # (argmax returns the first NaN if there is one, else an inf if any)
    P = np.unravel_index(int(np.argmax(np.abs(Kf))), K.shape)
    piv = Kf[P]
    if piv == 0 or not math.isfinite(piv):
        return None
    lines = _lines(Kf, P)
    factors = [lines[0].astype(work)] + [(line / piv).astype(work) for line in lines[1:]]
    if _clearly_not_outer(Kf, factors):
        return None
    ld = np.longdouble
    prod = _outer(factors, ld)
    Kl = K.astype(ld)
    resid = np.abs(Kl - prod)
    nonzero = Kl != 0
    if np.any(resid[~nonzero] != 0):
        return None
    u = float(np.finfo(work).eps) / 2
    rho = float((resid[nonzero] / np.abs(Kl[nonzero])).max()) if nonzero.any() else 0.0
    if rho > RHO_MAX_ULPS * u or rho / u + S + 1 > N:
        return None
    return factors


def _minor_shows_not_outer(a, b, c, d, rel):
    """True when a kernel's leading 2x2 minor [[a, b], [c, d]] (first axis
    by the flattened rest, Python numbers) shows it is no outer product:
    |ad - bc| > rel max(|ad|, |bc|), products finite.  Floats (rel 1e-3):
    an outer product within the exact test's RHO_MAX_ULPS units of
    rounding per element has a few of those units; one look before the
    kernel's float64 copy, pivot search and factors (100x100: ~15 us).
    Integers (rel 0, exact): ad != bc."""
    ad, bc = a * d, b * c
    return (math.isfinite(ad) and math.isfinite(bc)
            and abs(ad - bc) > rel * max(abs(ad), abs(bc)))


def _clearly_not_outer(Kf, factors):
    """A quick look in float64 before the exact test in long double (most
    kernels are not outer products, and long double arithmetic is slow):
    True only when that test must fail.  It compares K with the product of
    the (float32 or float64) factors at a few corners: a float64 product is
    within a few 2**-53 of the long double one, and non-zero only where that
    is; so a zero of K under a non-zero product, or a relative residual
    above 1e-3 (far above RHO_MAX_ULPS units of rounding of either work
    type), fails the exact test too.  (Kf: K in float64, finite.)"""
    fl = [f.tolist() for f in factors]
    for corner in ((0,) * Kf.ndim, tuple(n - 1 for n in Kf.shape),
                   tuple((n - 1) * (a % 2) for a, n in enumerate(Kf.shape))):
        prod = math.prod(f[i] for f, i in zip(fl, corner))
        k = float(Kf[corner])
        if abs(k - prod) > 1e-3 * abs(k):   # (k == 0: any non-zero product)
            return True
    return False


_DERIVE = object()    # factor_kernel's probe when the caller keeps none


def factor_probe(kshape, conv, kdtype):
    """What `factor_kernel` can know of kernels of shape `kshape` and dtype
    `kdtype` (convolved axes `conv`) before reading one, kept per call
    signature by `_plan`: False when none of them can be factored (a
    complex or long double dtype, fewer than two convolved axes longer than
    1, or floats with more than N - 1 taps summed over the axes, where the
    float rule's rho / u + S + 1 <= N fails whatever the kernel holds);
    else the indexes into the kernel of its leading 2x2 minor (the kernel
    reshaped to its convolved axes, first axis by the flattened rest) that
    `_minor_shows_not_outer` looks at (None: the minor does not exist).
    With it, a kernel that is no outer product - most of them - costs four
    element reads (~0.5 us) instead of ~2 us of reshapes and checks."""
    if kdtype.kind not in "iuf" or (kdtype.kind == "f" and kdtype.itemsize > 8):
        return False
    shape = [n for n, c in zip(kshape, conv) if c]
    if sum(n > 1 for n in shape) < 2:
        return False
    if kdtype.kind == "f" and sum(shape) + 1 > math.prod(shape):
        return False
    rest = shape[1:]
    if shape[0] < 2 or math.prod(rest) < 2:
        return None
    second = np.unravel_index(1, rest)

    def full(i, j):   # K[i, flat j of the rest] as an index of the kernel
        inner = iter((i,) + (tuple(int(v) for v in second) if j else (0,) * len(rest)))
        return tuple(next(inner) if c else 0 for c in conv)
    return full(0, 0), full(0, 1), full(1, 0), full(1, 1)


def factor_kernel(kernel, conv, work, result, probe=_DERIVE):
    """Per convolved axis the 1-D factor (work dtype) of `kernel`, or None.

    `kernel` has length 1 on every batch axis (the caller checks); `conv`
    flags the convolved axes; `result` is the result dtype (an integer
    result in a float work type is exact, see `_dtypes.exact_float_work`);
    `probe`: `factor_probe` of the kernel's shape and dtype when the caller
    keeps it, else derived here.  See the module docstring for the rules."""
    if probe is _DERIVE:
        probe = factor_probe(kernel.shape, conv, kernel.dtype)
    if probe is False or work not in SEP_WORK_TYPES:
        return None
    integer = kernel.dtype.kind in "iu"
    if probe is not None:
        a, b, c, d = (kernel.item(i) for i in probe)
        if _minor_shows_not_outer(a, b, c, d, 0 if integer else 1e-3):
            return None
    K = kernel.reshape([n for n, c in zip(kernel.shape, conv) if c])
    if integer:
        factors = _factor_int(K, work)
        if factors and work.kind == "f" and result.kind == "f" and sum(K.shape) + 1 > K.size:
            return None   # exact factors, float sums: the float rule with rho = 0
        return factors
    if work.kind != "f":
        return None
    return _factor_float(K, work)


def is_box(factor):
    """All taps equal and enough of them for box sums to pay."""
    return factor.size >= BOX_MIN_TAPS and bool(np.all(factor == factor[0]))
