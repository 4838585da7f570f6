"""A slow, obviously correct NumPy reference for fastconv's direct method.

Nothing here is fast or clever.  Every result is built from the definition:

    conv_full[p] = sum_j in2[j] * ext(in1)[p - j]        (per axis, summed over all taps j)

where ``ext(in1)`` is `in1` extended past its edges by the boundary rule.  The
sum is a Python loop over the kernel taps; each tap adds one shifted slice of
the extended input.  Modes pick a window of ``conv_full``:

    full   start 0,               length n1 + n2 - 1
    same   start (n2 - 1) // 2,   length n1        (correlate2d: start n2 // 2)
    valid  start min(n1, n2) - 1, length |n1 - n2| + 1   (never reads outside)

and ``correlate(a, b) == convolve(a, conj(b[::-1, ...]))``.  An axis where
either input is empty has length 0 in the result.

Dtypes: the result dtype is ``np.result_type(in1, in2)``.  Integers are summed
in uint64 (wrapping modulo 2**64, which is exact modulo 2**bits for every
narrower type) and cast down; bool counts true products and returns
``count != 0``; float16 is computed in float32 and rounded once at the end.
"""
import numpy as np

__all__ = [
    "result_dtype", "boundary_index", "ref_correlate_window", "ref_convolve",
    "ref_correlate", "ref_convolve2d", "ref_correlate2d", "abs_bound",
]

CANONICAL_BOUNDARY = {
    "fill": "fill", "pad": "fill",
    "wrap": "wrap", "circular": "wrap",
    "symm": "symm", "symmetric": "symm",
    "reflect": "reflect", "mirror": "reflect",
    "nearest": "nearest", "edge": "nearest",
}


def result_dtype(in1, in2):
    dt = np.result_type(np.asarray(in1).dtype, np.asarray(in2).dtype)
    return dt.newbyteorder("=") if not dt.isnative else dt


def boundary_index(i, n, boundary):
    """Map (possibly out-of-range) indices `i` into ``range(n)``.

    For 'fill' an out-of-range index maps to `n` (one past the end), where the
    caller keeps the fill value.
    """
    i = np.asarray(i, dtype=np.int64)
    if boundary == "fill":
        return np.where((i >= 0) & (i < n), i, n)
    if boundary == "wrap":
        return np.mod(i, n)
    if boundary == "symm":
        j = np.mod(i, 2 * n)
        return np.where(j < n, j, 2 * n - 1 - j)
    if boundary == "reflect":
        if n == 1:
            return np.zeros_like(i)
        j = np.mod(i, 2 * n - 2)
        return np.where(j < n, j, 2 * n - 2 - j)
    if boundary == "nearest":
        return np.clip(i, 0, n - 1)
    raise ValueError(boundary)


def _work_dtype(rdt):
    rdt = np.dtype(rdt)
    if rdt.kind in "biu":
        return np.dtype(np.uint64)
    if rdt == np.float16:
        return np.dtype(np.float32)
    return rdt


def _to_work(x, rdt, wdt):
    """Convert an array (already numeric) to the work dtype with the result's values."""
    x = np.asarray(x)
    if rdt.kind == "b":
        return (x != 0).astype(np.uint64)
    if rdt.kind in "iu":
        # Go through the result dtype first (exact for the promotion rules of
        # integer inputs), then reinterpret with sign-extension into uint64.
        x = x.astype(rdt)
        if rdt.kind == "i":
            return x.astype(np.int64).view(np.uint64)
        return x.astype(np.uint64)
    return x.astype(rdt).astype(wdt)


def _fill_scalar(fillvalue, rdt, wdt):
    """The fill value as the result dtype would hold it (scipy casts it)."""
    fv = np.asarray(fillvalue).reshape(())
    if fv.dtype.kind == "c" and rdt.kind != "c":
        fv = fv.real  # a complex fill with zero imaginary part into a real result
    if rdt.kind in "biu":
        with np.errstate(invalid="ignore", over="ignore"):
            fv = fv.astype(rdt)
    return _to_work(fv, rdt, wdt)[()]


def ref_correlate_window(x, k, starts, out_shape, boundary="fill", fillvalue=0,
                         rdt=None):
    """Window of the full convolution of `x` with `k` (k used as given: conv).

    ``out[q] = sum_j k[j] * ext(x)[starts + q - j]``.  `x` and `k` must have the
    same ndim.  Returns an array of the result dtype `rdt` (default
    ``result_type(x, k)``).
    """
    x = np.asarray(x)
    k = np.asarray(k)
    rdt = np.dtype(rdt) if rdt is not None else result_dtype(x, k)
    wdt = _work_dtype(rdt)
    out_shape = tuple(int(s) for s in out_shape)
    if 0 in out_shape or 0 in x.shape or 0 in k.shape:
        return np.zeros(out_shape, dtype=rdt)
    xw = _to_work(x, rdt, wdt)
    kw = _to_work(k, rdt, wdt)
    if boundary == "fill" and xw.ndim:
        fv = _fill_scalar(fillvalue, rdt, wdt)
        xw = np.pad(xw, [(0, 1)] * xw.ndim, mode="constant", constant_values=fv)
    # Extended input E covering indices starts - (n2-1) ... starts + out - 1.
    ext = xw
    for ax, (n, n2, s, m) in enumerate(zip(x.shape, k.shape, starts, out_shape)):
        idx = np.arange(s - (n2 - 1), s + m)
        ext = np.take(ext, boundary_index(idx, n, boundary), axis=ax)
    acc = np.zeros(out_shape, dtype=wdt)
    # (one product buffer for every tap: under the sanitizer every array
    # allocation goes through ASan's malloc, which made this loop the
    # slowest part of the sanitized suite)
    term = np.empty(out_shape, dtype=np.result_type(kw, ext))
    for j in np.ndindex(*k.shape):
        # out[q] += k[j] * E[q + (n2-1) - j]
        sl = tuple(slice(n2 - 1 - jj, n2 - 1 - jj + m)
                   for jj, n2, m in zip(j, k.shape, out_shape))
        np.multiply(kw[j], ext[sl], out=term)
        if rdt.kind == "b":
            term &= np.uint64(1)
        acc += term
    if rdt.kind == "b":
        return acc != 0
    if rdt.kind in "iu":
        return acc.astype(rdt)  # wraps modulo 2**bits
    return acc.astype(rdt)


def _window(n1, n2, mode, same_start):
    if n1 == 0 or n2 == 0:
        return 0, 0
    if mode == "full":
        return 0, n1 + n2 - 1
    if mode == "same":
        return same_start(n2), n1
    if mode == "valid":
        return min(n1, n2) - 1, abs(n1 - n2) + 1
    raise ValueError(mode)


def _check_valid(s1, s2):
    if not (all(a >= b for a, b in zip(s1, s2)) or all(a <= b for a, b in zip(s1, s2))):
        raise ValueError("one must be at least as large as the other in every dimension")


def _run(in1, in2, mode, boundary, fillvalue, same_start, rdt=None):
    in1 = np.asarray(in1)
    in2 = np.asarray(in2)
    if in1.ndim != in2.ndim:
        raise ValueError("in1 and in2 should have the same dimensionality")
    boundary = CANONICAL_BOUNDARY[boundary]
    if mode == "valid":
        _check_valid(in1.shape, in2.shape)
        boundary, fillvalue = "fill", 0  # valid never reads outside
    starts, shape = [], []
    for n1, n2 in zip(in1.shape, in2.shape):
        s, m = _window(n1, n2, mode, same_start)
        starts.append(s)
        shape.append(m)
    return ref_correlate_window(in1, in2, starts, shape, boundary, fillvalue, rdt)


def _conj_flip(x):
    x = np.asarray(x)
    x = x[(slice(None, None, -1),) * x.ndim]
    return np.conj(x) if x.dtype.kind == "c" else x


def ref_convolve(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """scipy.signal.convolve (any ndim; boundary/fillvalue for convolve2d)."""
    return _run(in1, in2, mode, boundary, fillvalue, lambda n2: (n2 - 1) // 2)


def ref_correlate(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """scipy.signal.correlate: convolve(in1, conj(in2[::-1, ...]))."""
    rdt = result_dtype(in1, in2)
    return _run(in1, _conj_flip(in2), mode, boundary, fillvalue,
                lambda n2: (n2 - 1) // 2, rdt)


def ref_convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    return ref_convolve(in1, in2, mode, boundary, fillvalue)


def ref_correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """scipy.signal.correlate2d, with 'same' start n2 // 2 (scipy's offset)
    and the complex swapped-'valid' result conjugated correctly."""
    rdt = result_dtype(in1, in2)
    return _run(in1, _conj_flip(in2), mode, boundary, fillvalue,
                lambda n2: n2 // 2, rdt)


def abs_bound(func, in1, in2, mode="full", boundary="fill", fillvalue=0):
    """sum |x||k| per output (float64 or longdouble), for float tolerances."""
    in1 = np.asarray(in1)
    in2 = np.asarray(in2)
    rdt = result_dtype(in1, in2)
    fdt = np.longdouble if rdt in (np.longdouble, np.clongdouble) else np.float64
    a1 = np.abs(in1.astype(np.result_type(in1.dtype, np.float32))).astype(fdt)
    a2 = np.abs(in2.astype(np.result_type(in2.dtype, np.float32))).astype(fdt)
    fv = np.abs(np.asarray(fillvalue).reshape(())).astype(fdt)
    if np.isnan(fv):
        fv = fdt(0)
    return func(a1, a2, mode, boundary, fv)
