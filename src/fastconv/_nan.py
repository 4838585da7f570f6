"""NaN-aware normalised convolution (astropy.convolution.convolve semantics).

One definition for both methods.  With ``v`` the validity of each sample
(not NaN, not masked) and ``d`` the data with invalid samples set to 0,
each output of ``nan_treatment='interpolate'`` is::

    top = conv(d, k)            weight = conv(v, k)        count = conv(v, k != 0)
    out = top / weight          (out = the sample itself where count == 0)

(times ``sum(k)`` when ``normalize_kernel=False``).  ``top`` and ``weight``
are two convolution plans run by the existing executors (direct or FFT, the
method model's choice for ``top``, the same for both).  Whether a window
holds a valid sample under a nonzero tap is decided from ``count``, an
exact integer: box sums of ``v`` (`_boxsum`) when no tap is zero, else a
third plan of 0/1 values rounded to integers.  So the direct and FFT
methods give the same NaN pattern; the FFT's rounding cannot turn an empty
window into a tiny nonzero weight.

Boundaries: astropy's None ('same' outputs whose window leaves the array
are 0; here the plans run in 'valid' mode), 'fill' (``fill_value``; a NaN
fill is an invalid sample), 'wrap', 'extend' (fastconv's 'nearest').
"""
import warnings

import numpy as np

from ._boxsum import box_sums
from ._execute import execute
from ._memory import empty as cached_empty
from ._nanpass import nan_divide, nan_split
from ._plan import make_plan
from ._validate import as_input_array, check_mask, check_method

__all__ = ["nanconvolve"]

_BOUNDARIES = {None: "fill", "fill": "fill", "wrap": "wrap", "extend": "nearest"}
_PAD_MODE = {"wrap": "wrap", "nearest": "edge"}   # np.pad names
_MAX_NORMALIZATION = 100   # astropy's: kernels summing below 1/100 are refused


def _as_real(x, name):
    if isinstance(x, np.ma.MaskedArray):
        return np.asarray(x.data), np.ma.getmaskarray(x)
    x = getattr(x, "array", x) if not isinstance(x, np.ndarray) else x   # astropy Kernel
    arr = as_input_array(x, name)
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real; got dtype {arr.dtype}")
    return arr, None


def _check(array, kernel, boundary, fill_value, nan_treatment, normalize_kernel, mask,
           method):
    array, amask = _as_real(array, "array")
    kernel, kmask = _as_real(kernel, "kernel")
    if kmask is not None and kmask.any():
        raise ValueError("kernel is a masked array with masked values; fill them first")
    if array.ndim == 0 or array.size == 0:
        raise ValueError(f"array must be a non-empty array of at least 1 dimension; "
                         f"got shape {array.shape}")
    if kernel.ndim != array.ndim:
        raise ValueError(f"kernel must have the array's number of dimensions "
                         f"({array.ndim}); got kernel.shape={kernel.shape}")
    if any(m % 2 == 0 for m in kernel.shape):
        raise ValueError(f"kernel size must be odd on every axis; got kernel.shape="
                         f"{kernel.shape}")
    kernel = kernel.astype(np.float64)
    if not np.all(np.isfinite(kernel)):
        raise ValueError("kernel must be finite; it contains NaN or inf")
    if boundary not in _BOUNDARIES:
        raise ValueError(f"boundary must be None, 'fill', 'wrap' or 'extend'; "
                         f"got boundary={boundary!r}")
    if boundary is None and any(n <= m - 1 for n, m in zip(array.shape, kernel.shape)):
        raise ValueError(
            f"boundary=None needs the array larger than the kernel on every axis; got "
            f"array.shape={array.shape}, kernel.shape={kernel.shape} (use 'fill', "
            "'wrap' or 'extend')")
    if (isinstance(fill_value, (bool, np.bool_)) or not np.isscalar(fill_value)
            or np.iscomplexobj(fill_value) or isinstance(fill_value, (str, bytes))):
        raise TypeError(f"fill_value must be a real number; got fill_value={fill_value!r}")
    if nan_treatment not in ("interpolate", "fill"):
        raise ValueError(f"nan_treatment must be 'interpolate' or 'fill'; "
                         f"got nan_treatment={nan_treatment!r}")
    if not isinstance(normalize_kernel, (bool, np.bool_)):
        raise TypeError(f"normalize_kernel must be True or False; "
                        f"got normalize_kernel={normalize_kernel!r}")
    check_method(method)
    if mask is not None:
        mask = check_mask(mask, array.shape, "array")
    if amask is not None:
        mask = amask if mask is None else (mask | amask)
    return array, kernel, mask


def _inner(shape, kshape):
    """The outputs whose window stays inside the array (boundary=None)."""
    return tuple(slice(m // 2, n - m // 2) for n, m in zip(shape, kshape))


def _windows(boundary, fill_value):
    """mode, fastconv boundary name, fill of the data, fill of the validity."""
    if boundary is None:
        return "valid", "fill", 0.0, 0.0
    if boundary == "fill":
        finite = bool(np.isfinite(fill_value))
        return "same", "fill", (float(fill_value) if finite else 0.0), float(finite)
    return "same", _BOUNDARIES[boundary], 0.0, 0.0


def _padded_validity(valid, kernel, mode, bound, vfill):
    """The validity as the plans read it: uint8, extended by the kernel's
    half-width through the boundary rule ('same'), or as is ('valid')."""
    v8 = valid.view(np.uint8)
    if mode == "valid":
        return v8
    widths = [(m // 2, m // 2) for m in kernel.shape]
    if bound == "fill":
        return np.pad(v8, widths, mode="constant", constant_values=int(vfill))
    return np.pad(v8, widths, mode=_PAD_MODE[bound])


def _empty_windows(weight, valid, kernel, mode, bound, vfill, conv):
    """Where no valid sample lies under a nonzero tap, decided exactly.

    |weight| > tau proves a valid sample is there: tau = 2**-20 sum|k| is
    far above the rounding error of either method (direct: taps u sum|k|;
    FFT: a few u log2(tile) sum|k|).  The few outputs at or below tau are
    counted exactly (their windows gathered), or, when they are many, all
    outputs are (box sums of the validity when no tap is zero, else a plan
    of 0/1 values rounded to integers)."""
    tau = 2.0 ** -20 * float(np.abs(kernel).sum())
    doubt = np.abs(weight) <= tau
    ndoubt = int(np.count_nonzero(doubt))
    if ndoubt == 0:
        return doubt
    nz = kernel != 0
    if ndoubt * kernel.size <= 4 * weight.size + 4096:
        vp = np.lib.stride_tricks.sliding_window_view(
            _padded_validity(valid, kernel, mode, bound, vfill), kernel.shape)
        idx = np.nonzero(doubt)
        axes = tuple(range(1, 1 + kernel.ndim))
        empty = np.zeros(weight.shape, bool)
        step = max(1, (1 << 22) // kernel.size)
        for s in range(0, ndoubt, step):
            sel = tuple(ix[s:s + step] for ix in idx)
            empty[sel] = ~np.any(vp[sel].astype(bool) & nz, axis=axes)
        return empty
    if nz.all():
        return box_sums(_padded_validity(valid, kernel, mode, bound, vfill),
                        kernel.shape)[0] == 0
    return np.rint(conv(valid.astype(np.float64), nz.astype(np.float64), vfill)) == 0


def nanconvolve(array, kernel, boundary="fill", fill_value=0.0, nan_treatment="interpolate",
                normalize_kernel=True, mask=None, preserve_nan=False,
                normalization_zero_tol=1e-8, *, method="auto", workers=None):
    """Convolve an array with a kernel, interpolating over NaN and masked
    samples (drop-in for ``astropy.convolution.convolve``).

    ``out[i] = sum_j k[j] a[i - j + c] / sum_j k[j] v[i - j + c]`` (``c``
    the kernel's centre, ``v`` 1 where ``a`` is valid, the sums over valid
    samples only): each output is the kernel-weighted mean of the valid
    samples around it.

    Parameters
    ----------
    array : array_like
        N-D real array (astropy: 1-D to 3-D); NaN marks missing samples.  A
        ``numpy.ma.MaskedArray``'s masked samples are missing too.
    kernel : array_like
        Real, finite kernel with the array's number of dimensions and an
        odd size on every axis (an astropy ``Kernel`` is accepted).
    boundary : {'fill', None, 'wrap', 'extend'}, optional
        Outside the array: 'fill' (default) reads `fill_value` (a NaN fill
        counts as missing), None gives 0 wherever the kernel leaves the
        array, 'wrap' is periodic, 'extend' repeats the edge sample.
    fill_value : float, optional
        Value outside the array for ``boundary='fill'``, and of missing
        samples for ``nan_treatment='fill'`` (default 0).
    nan_treatment : {'interpolate', 'fill'}, optional
        'interpolate' (default): missing samples are left out and the
        kernel renormalised over the valid ones; 'fill': they are replaced
        by `fill_value` first.
    normalize_kernel : bool, optional
        Divide by the kernel's sum (default True).  With False, the
        interpolated result is multiplied back by the kernel's sum.
    mask : array_like, optional
        Array's shape; nonzero marks a missing sample.
    preserve_nan : bool, optional
        Missing samples are NaN in the result (default False).
    normalization_zero_tol : float, optional
        A kernel whose sum is within this of 0 (or below 0.01) cannot be
        normalised: ValueError when normalising or interpolating.
    method : {'auto', 'direct', 'fft'}, optional
        fastconv extension: 'auto' (default) by fastconv's cost model.
        Arrays holding inf always use 'direct'.
    workers : int, optional
        Threads (as in `fastconv.convolve`).

    Returns
    -------
    ndarray
        The array's shape; the array's float dtype, else float64.  Outputs
        with no valid sample under a nonzero tap keep the input sample
        (NaN if it is missing; a RuntimeWarning says so).

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> fastconv.nanconvolve([1.0, np.nan, 3.0], [1, 1, 1], boundary='extend')
    array([1., 2., 3.])
    """
    array, kernel, mask = _check(array, kernel, boundary, fill_value, nan_treatment,
                                 normalize_kernel, mask, method)
    result_dtype = array.dtype if array.dtype.kind == "f" else np.dtype(np.float64)
    a = np.ascontiguousarray(array, dtype=np.float64)
    pair = cached_empty((2,) + a.shape, np.float64)     # (a cached buffer)
    d, v = pair[0], pair[1]                              # data, validity
    m8 = None if mask is None else np.ascontiguousarray(mask).view(np.uint8).reshape(-1)
    nbad, nonfinite = nan_split(a.reshape(-1), m8, d.reshape(-1), v.reshape(-1))
    invalid = v == 0 if (nbad and (preserve_nan or nan_treatment == "fill")) else None
    if nan_treatment == "fill" and nbad:
        d[invalid] = fill_value
        nonfinite = nonfinite or not np.isfinite(fill_value)
    interpolate = nan_treatment == "interpolate" and (
        nbad > 0 or (boundary == "fill" and np.isnan(fill_value)))
    ksum = float(kernel.sum())
    if (normalize_kernel or interpolate) and (
            ksum < 1.0 / _MAX_NORMALIZATION or abs(ksum) <= normalization_zero_tol):
        raise ValueError(
            f"kernel cannot be normalised: its sum is {ksum!r} (below "
            f"{1.0 / _MAX_NORMALIZATION} or within normalization_zero_tol of 0); "
            + ("for data with NaN use nan_treatment='fill'" if interpolate
               else "use normalize_kernel=False"))
    if interpolate and nbad == a.size:
        raise ValueError("array has no valid sample (all NaN or masked): nothing "
                         "to interpolate from")
    mode, bound, dfill, vfill = _windows(boundary, fill_value)
    if nan_treatment == "fill" and boundary == "fill":
        dfill = float(fill_value)     # a NaN fill is data here
    if nonfinite or not np.isfinite(dfill):
        method = "direct"             # NaN/inf samples: the FFT would spread them
    plan = make_plan("convolve", d, kernel, mode, method, boundary=bound, fillvalue=dfill,
                     workers=workers)
    method = plan.method if plan.method in ("direct", "fft") else "direct"

    def conv(x, k, fill, axes=None):
        return execute(make_plan("convolve", x, k, mode, method, axes=axes, boundary=bound,
                                 fillvalue=fill, workers=workers))

    holes = False
    if interpolate and method == "fft" and (dfill == vfill or vfill == 1.0 and dfill == 0.0):
        # one FFT plan for both (the kernel's spectrum and the tiles shared);
        # a fill of 1 for the validity becomes a zero fill for the invalidity
        flip = dfill != vfill
        if flip:
            np.subtract(1.0, v, out=v)
        both = conv(pair, kernel[None], dfill, axes=tuple(range(1, pair.ndim)))
        if flip:
            np.subtract(1.0, v, out=v)
            np.subtract(ksum, both[1], out=both[1])
        top, weight = both[0], both[1]
    else:
        top = execute(plan)
        weight = conv(v, kernel, vfill) if interpolate else None
    if interpolate:
        tau = 2.0 ** -20 * float(np.abs(kernel).sum())
        ndoubt = nan_divide(top.reshape(-1), weight.reshape(-1),
                            1.0 if normalize_kernel else ksum, tau)
        res = top
        if ndoubt:
            empty = _empty_windows(weight, v != 0, kernel, mode, bound, vfill, conv)
            if empty.any():
                centre = a[_inner(a.shape, kernel.shape)] if mode == "valid" else a
                cv = v[_inner(a.shape, kernel.shape)] if mode == "valid" else v
                res[empty] = np.where(cv[empty] != 0, centre[empty], np.nan)
                if not normalize_kernel:
                    res[empty] *= ksum
                holes = bool(np.isnan(res[empty]).any())
    else:
        res = np.divide(top, ksum, out=top) if normalize_kernel else top
    if mode == "valid":
        full = np.zeros(a.shape)
        full[_inner(a.shape, kernel.shape)] = res
        res = full
    if preserve_nan and invalid is not None:
        res[invalid] = np.nan
    elif interpolate and holes:
        warnings.warn(
            "nanconvolve: some outputs have no valid sample under the kernel and "
            "stay NaN (a hole larger than the kernel); use a larger kernel",
            RuntimeWarning, stacklevel=2)
    if res.base is not None and res.dtype == result_dtype:
        res = res.copy()              # (not a view holding the batched plan's pair)
    return res.astype(result_dtype, copy=False)
