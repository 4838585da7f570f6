"""The public separable functions: one 1-D kernel per axis.

Thin like `_api.py`: the kernels are checked here, their outer product
becomes the plan's dense kernel (used by the FFT method) and the kernels
themselves its `Plan.factors` (the separable executor, `_separable.py`).
"""
import numpy as np

from ._execute import execute
from ._plan import make_plan
from ._validate import as_input_array, normalize_axes

__all__ = ["sepconvolve", "sepcorrelate"]


def _dense(in1, kernels, axes, name):
    """(dense kernel, factors in axis order) for the per-axis `kernels`."""
    in1 = as_input_array(in1, "in1")
    if (isinstance(kernels, np.ndarray) and kernels.ndim < 2) or not hasattr(kernels, "__len__"):
        raise TypeError(f"{name} must be a sequence of 1-D kernels, one per axis; "
                        f"got {name}={kernels!r:.60}")
    ks = [as_input_array(k, f"{name}[{i}]") for i, k in enumerate(kernels)]
    axes = normalize_axes(axes, in1.ndim)
    if len(ks) != len(axes):
        raise ValueError(f"{name} needs one 1-D kernel per axis: {len(axes)} axes "
                         f"{axes}, got {len(ks)} kernels")
    for i, k in enumerate(ks):
        if k.ndim != 1:
            raise ValueError(f"{name}[{i}] must be 1-D; got shape {k.shape}")
    dt = np.result_type(*[k.dtype for k in ks])
    dense = np.ones((1,) * in1.ndim, dt)
    order = sorted(range(len(axes)), key=lambda i: axes[i])
    for i in order:
        shape = [1] * in1.ndim
        shape[axes[i]] = ks[i].size
        dense = dense * ks[i].astype(dt).reshape(shape)   # (integers wrap)
    return in1, dense, [ks[i].astype(dt) for i in order], sorted(axes)


def sepconvolve(in1, kernels, mode="full", method="auto", *, axes=None, boundary="fill",
                fillvalue=0, out=None, dtype=None, workers=None):
    """Convolve an N-D array with a separable kernel given as 1-D kernels.

    The result is ``convolve(in1, K, ...)`` for the outer product
    ``K = kernels[0] (x) kernels[1] (x) ...``, computed as one 1-D pass per
    axis: ``sum(len(k))`` instead of ``prod(len(k))`` multiply-adds per
    output.

    Parameters
    ----------
    in1 : array_like
        The input, N-D.
    kernels : sequence of array_like
        One 1-D kernel per convolved axis (``kernels[i]`` along
        ``axes[i]``; without `axes`, one per axis of `in1`).
    mode : {'full', 'valid', 'same'}, optional
        As for `convolve`, with the outer-product kernel's shape.
    method : {'auto', 'direct', 'fft'}, optional
        'direct' runs the 1-D passes (constant kernels, such as box
        filters, as running sums: see Notes); 'fft' convolves with the
        outer product by FFT; 'auto' (default) picks the faster.
    axes : int or sequence of int, optional
        Axes to convolve over (default all); the others are batch axes.
    boundary, fillvalue : optional
        As for `convolve`: 'fill' (with `fillvalue`), 'wrap', 'symm',
        'reflect', 'nearest' and their aliases, on every convolved axis.
    out, dtype, workers : optional
        As for `convolve`.  Results are identical for every `workers`.

    Returns
    -------
    ndarray
        dtype ``np.result_type(in1, *kernels)`` (or `dtype`).

    Notes
    -----
    Integer results are exact in the wrapping arithmetic of the result
    dtype, as `convolve`'s direct method.  Floats: each pass sums
    ``len(k)`` products, so the result differs from the dense sum by
    rounding only.  A constant kernel (all taps equal) of more than one tap
    is summed by running sums restarted every 128 samples: the error of an
    output is at most ``(m + 256) u W``, with u the unit round-off and W the
    sum of ``|values|`` over the ``m + 128`` samples since the restart,
    independent of the array's size.

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> fastconv.sepconvolve(a, [[1, 1], [1, -1]], mode='valid')
    array([[2., 2., 2.],
           [2., 2., 2.]])
    >>> np.array_equal(fastconv.sepconvolve(a, [[1, 1], [1, -1]]),
    ...                fastconv.convolve(a, np.outer([1, 1], [1, -1])))
    True

    A 3-tap box along the last axis of a batch of signals:

    >>> fastconv.sepconvolve(np.arange(10).reshape(2, 5), [np.ones(3, int)], axes=1,
    ...                      mode='same')
    array([[ 1,  3,  6,  9,  7],
           [11, 18, 21, 24, 17]])
    """
    in1, dense, factors, axes = _dense(in1, kernels, axes, "kernels")
    return execute(make_plan("sepconvolve", in1, dense, mode, method, axes, boundary,
                             fillvalue, None, out, dtype, workers, factors=factors))


def sepcorrelate(in1, kernels, mode="full", method="auto", *, axes=None, boundary="fill",
                 fillvalue=0, out=None, dtype=None, workers=None):
    """Cross-correlate an N-D array with a separable kernel given as 1-D kernels.

    The result is ``correlate(in1, K, ...)`` for the outer product ``K`` of
    `kernels`, computed as one 1-D pass per axis (see `sepconvolve`):
    the kernels are not flipped, and complex kernels are conjugated.

    Parameters
    ----------
    in1 : array_like
        The input, N-D.
    kernels : sequence of array_like
        One 1-D kernel per correlated axis.
    mode, method, axes, boundary, fillvalue, out, dtype, workers : optional
        As for `sepconvolve`.

    Returns
    -------
    ndarray
        dtype ``np.result_type(in1, *kernels)`` (or `dtype`).

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> img = np.zeros((4, 4))
    >>> img[1, 2] = 1
    >>> fastconv.sepcorrelate(img, [[1, 2, 1], [-1, 0, 1]], mode='same')   # Sobel
    array([[ 0.,  1.,  0., -1.],
           [ 0.,  2.,  0., -2.],
           [ 0.,  1.,  0., -1.],
           [ 0.,  0.,  0.,  0.]])
    """
    in1, dense, factors, axes = _dense(in1, kernels, axes, "kernels")
    return execute(make_plan("sepcorrelate", in1, dense, mode, method, axes, boundary,
                             fillvalue, None, out, dtype, workers, factors=factors))
