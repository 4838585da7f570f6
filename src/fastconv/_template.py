"""Template matching: zero-normalised cross-correlation (skimage semantics).

For every placement of the template ``t`` (``n`` samples) on a window ``w``
of the image::

    ncc = sum((w - mean(w)) (t - mean(t))) / sqrt(var_sum(w) var_sum(t))

with ``var_sum(v) = sum(v**2) - sum(v)**2 / n``.  The numerator is one
correlation plan (image with the zero-mean template; direct or FFT by the
method model); the window sums and sums of squares are box sums in float64
(in 2-D fused with the normalisation row by row, `_winsum.ncc2d`; in 3-D
`_boxsum`): a window sums only its own samples, error at most
``2 (m_0 + m_1 + ...) u`` times its sum of absolute values, whatever the
image size.  The image is shifted by its mean first (NCC does not change;
the sums lose less to cancellation).  A window whose variance sum is at the
rounding level of its sums, ``var_sum(w) <= 8 (m_0 + m_1 + ...) u
sum((w - c)**2)``, is flat and gives 0; results are clipped to [-1, 1].

With ``mask=`` (a template mask), the statistics are taken over the masked
template samples only (``n = mask.sum()``), as
``skimage.registration._masked_phase_cross_correlation.cross_correlate_masked``
with an all-ones image mask defines them: the window sums become
correlations with the mask (plans) and flat windows are those with
``sqrt(var_sum(w) var_sum(t)) <= 1000 eps max(...)`` (skimage's rule).
"""
import numpy as np

from . import _direct, _winsum
from ._boxsum import box_sums
from ._winsum import ncc2d
from ._execute import execute
from ._plan import make_plan
from ._validate import as_input_array, check_mask, check_method

__all__ = ["match_template"]

_PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median",
              "minimum", "reflect", "symmetric", "wrap", "empty")
_U = 2.0 ** -53

_winsum.select_isa(_direct.isa_name())   # (ncc2d's, as the direct kernels')


def _float_dtype(dt):
    """skimage's _supported_float_type: float16/float32 -> float32, else float64."""
    if dt.kind == "c":
        raise TypeError(f"image must be real; got dtype {dt}")
    return np.dtype(np.float32) if dt in (np.float16, np.float32) else np.dtype(np.float64)


def _check(image, template, mask, mode, constant_values, method):
    image = as_input_array(image, "image")
    template = as_input_array(template, "template")
    if image.ndim not in (2, 3):
        raise ValueError(f"image must be 2-D or 3-D; got image.ndim={image.ndim}")
    if template.ndim != image.ndim:
        raise ValueError(
            f"template must have the image's number of dimensions ({image.ndim}); "
            f"got template.shape={template.shape}")
    if template.dtype.kind == "c":
        raise TypeError(f"template must be real; got dtype {template.dtype}")
    fdt = _float_dtype(image.dtype)
    if template.size == 0 or image.size == 0:
        raise ValueError(f"image and template must not be empty; got image.shape="
                         f"{image.shape}, template.shape={template.shape}")
    if any(m > n for m, n in zip(template.shape, image.shape)):
        raise ValueError(f"template must not be larger than the image on any axis; got "
                         f"template.shape={template.shape}, image.shape={image.shape}")
    template = template.astype(np.float64)
    if not np.all(np.isfinite(template)):
        raise ValueError("template must be finite; it contains NaN or inf")
    with np.errstate(all="ignore"):
        # (a float32 image summed in float32, pairwise: ~4x faster than
        # through float64, and close enough for the shift; redone in float64
        # when it overflows)
        total = float(np.add.reduce(image, axis=None)) if image.dtype == np.float32 \
            else np.inf
        if not np.isfinite(total):
            total = float(np.add.reduce(image, axis=None, dtype=np.float64))
    if not np.isfinite(total) and not np.all(np.isfinite(image)):
        raise ValueError("image must be finite; it contains NaN or inf "
                         "(fastconv.nanconvolve handles missing data)")
    if not isinstance(mode, str) or mode not in _PAD_MODES:
        raise ValueError(f"mode must be one of numpy.pad's modes {_PAD_MODES}; "
                         f"got mode={mode!r}")
    if not np.isscalar(constant_values) or not np.isfinite(constant_values) \
            or isinstance(constant_values, (complex, np.complexfloating)):
        raise ValueError(f"constant_values must be a finite real scalar; "
                         f"got constant_values={constant_values!r}")
    check_method(method)
    if mask is not None:
        mask = check_mask(mask, template.shape, "template")
        if not mask.any():
            raise ValueError("mask selects no template sample (it is all False)")
        if mask.all():
            mask = None
    return image, template, mask, fdt, total


def _padded(image, tshape, mode, constant_values):
    """The image extended as skimage's pad_input=True reads it: m // 2
    samples before and (m - 1) // 2 after on each axis."""
    widths = [(m // 2, (m - 1) // 2) for m in tshape]
    if mode == "constant":
        return np.pad(image, widths, mode="constant", constant_values=constant_values)
    return np.pad(image, widths, mode=mode)


def _correlate_valid(x, kernel, method, workers):
    return execute(make_plan("correlate", x, kernel, mode="valid", method=method,
                             workers=workers))


def match_template(image, template, pad_input=False, mode="constant", constant_values=0,
                   *, mask=None, method="auto", workers=None):
    """Zero-normalised cross-correlation of a template with every window of
    an image (drop-in for ``skimage.feature.match_template``).

    Parameters
    ----------
    image : array_like
        2-D or 3-D real image, finite.
    template : array_like
        Template with the image's number of dimensions, no larger than the
        image on any axis, finite.
    pad_input : bool, optional
        False (default): one result per placement of the template inside
        the image, shape ``image.shape - template.shape + 1``.  True: the
        image's shape, the template centred on each sample (starting
        ``m // 2`` samples before it), reading outside the image by `mode`.
    mode : str, optional
        ``numpy.pad`` mode for ``pad_input=True`` (default 'constant').
    constant_values : scalar, optional
        The value outside the image for ``mode='constant'`` (default 0).
    mask : array_like of bool, optional
        Template mask (fastconv extension): only the template samples where
        it is true take part, each window's statistics over the same
        samples (masked NCC as skimage's ``cross_correlate_masked`` with an
        all-true image mask).  Must have the template's shape.
    method : {'auto', 'direct', 'fft'}, optional
        How the correlation is computed; 'auto' (default) uses fastconv's
        cost model.
    workers : int, optional
        Threads for the correlation (as in `fastconv.convolve`).

    Returns
    -------
    ndarray
        Values in [-1, 1] (float32 for float16/float32 images, else
        float64); 0 where the window or the template is flat.

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> image = np.zeros((6, 6)); image[2:4, 3:5] = [[1, 2], [3, 4]]
    >>> r = fastconv.match_template(image, [[1, 2], [3, 4]])
    >>> np.unravel_index(np.argmax(r), r.shape), float(r.max())
    ((np.int64(2), np.int64(3)), 1.0)
    """
    image, template, mask, fdt, total = _check(image, template, mask, mode,
                                               constant_values, method)
    tshape = template.shape
    x = image if image.dtype in (np.float32, np.float64) else image.astype(fdt)
    if x.dtype != fdt:
        x = x.astype(fdt)
    if pad_input:
        x = _padded(x, tshape, mode, constant_values)
    x = np.ascontiguousarray(x)
    # the shift: the image's mean (from the finiteness check's sum unless padded)
    c = float(np.mean(x, dtype=np.float64)) if pad_input else total / image.size
    xs = np.subtract(x, fdt.type(c), dtype=fdt)
    if mask is None:
        t0 = template - template.mean()
        tvar = float(np.sum(t0 * t0))
        num = _correlate_valid(xs, t0.astype(fdt), method, workers)
        tol = 8 * sum(tshape) * _U
        if x.ndim == 2:
            out = np.empty(num.shape, fdt)
            ncc2d(x, tshape[0], tshape[1], c, num, tvar, tol, out)
            return out
        s1, s2 = box_sums(x, tshape, c, squares=True)
        var = s2 - s1 * s1 / template.size
        flat = var <= tol * s2
        den = np.sqrt(np.maximum(var, 0.0) * tvar)
    else:
        n = int(mask.sum())
        tm = np.where(mask, template, 0.0)
        t0 = np.where(mask, template - tm.sum() / n, 0.0)
        num = _correlate_valid(xs, t0.astype(fdt), method, workers)
        mf = mask.astype(np.float64)
        # x - c in float64 for the window statistics
        xd = xs if fdt == np.float64 else np.subtract(x, c, dtype=np.float64)
        s1 = _correlate_valid(xd, mf, method, workers)
        s2 = _correlate_valid(xd * xd, mf, method, workers)
        tvar = float(np.sum(t0 * t0))
        var = np.maximum(s2 - s1 * s1 / n, 0.0)
        den = np.sqrt(var * tvar)
        flat = den <= 1e3 * np.finfo(np.float64).eps * (den.max() if den.size else 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.divide(num, den, dtype=np.float64)
    if tvar == 0.0:
        flat = np.ones(res.shape, bool)
    res[flat] = 0.0
    np.clip(res, -1.0, 1.0, out=res)
    return res.astype(fdt, copy=False)
