"""Public direct-method functions: parse -> plan -> run.

Each function normalises its arguments (all user-facing errors are raised
here or in _validate.py), turns convolve/correlate, conjugation, the mode and
the 2-D boundary into a window of one full convolution (see _window.py), and
runs the direct kernel or the FFT path on it.
"""
import warnings

import numpy as np

from . import _fft
from ._dtypes import fft_compute_dtype, result_dtype, work_dtype
from ._method import choose_method
from ._threads import resolve_workers
from ._validate import (as_input_array, check_allocation, check_boundary,
                        check_fillvalue,
                        check_method, check_mode, check_same_ndim,
                        check_valid_shapes)
from ._modes import window
from ._window import direct_window

__all__ = ["convolve", "correlate", "convolve2d", "correlate2d"]


def _reverse_conj(a):
    """in2 of a correlation -> kernel of the equivalent convolution."""
    rev = a[(slice(None, None, -1),) * a.ndim]
    return np.conj(rev) if rev.dtype.kind == "c" else rev


def _fft_cast_back(res, result):
    """FFT result (float/complex) -> the direct method's result dtype."""
    if result.kind == "b":
        return np.rint(res) != 0
    if result.kind in "iu":
        rounded = np.rint(res)
        with np.errstate(invalid="ignore", over="ignore"):
            wide = rounded.astype(np.int64 if result.kind == "i" else np.uint64)
        return wide.astype(result)
    return res.astype(result, copy=False)


def _check_sizes(in1, in2, lengths, result):
    """The output and the work copies of the inputs must be allocatable
    (checked before anything is allocated; inputs may be broadcast views)."""
    itemsize = work_dtype(result).itemsize
    arrays = [(lengths, itemsize), (in2.shape, itemsize)]
    if not (in1.flags.c_contiguous and in1.dtype == work_dtype(result)):
        arrays.append((in1.shape, itemsize))
    check_allocation(arrays)


def _nd(in1, in2, mode, method, correlate, workers):
    nthreads = resolve_workers(workers)
    in1 = as_input_array(in1, "in1")
    in2 = as_input_array(in2, "in2")
    check_mode(mode)
    check_method(method)
    check_same_ndim(in1, in2)
    result = result_dtype(in1, in2)
    if in1.ndim == 0:
        return in1 * (_reverse_conj(in2) if correlate else in2)
    if mode == "valid":
        check_valid_shapes(in1.shape, in2.shape)
    kernel = _reverse_conj(in2) if correlate else in2
    starts, lengths = window(mode, in1.shape, in2.shape)
    if 0 in lengths:
        return np.zeros(lengths, dtype=result)
    _check_sizes(in1, in2, lengths, result)
    if method == "auto":
        method = choose_method(in1, kernel, mode, starts, lengths, nthreads)
    if method == "fft":
        res = _fft.fft_convolve(in1, kernel, mode, dtype=fft_compute_dtype(result),
                                workers=nthreads)
        if not np.all(np.isfinite(res)):
            warnings.warn(
                "Use of fft convolution on input with NAN or inf results in NAN "
                "or inf output. Consider using method='direct' instead.",
                RuntimeWarning, stacklevel=3)
        return _fft_cast_back(res, result)
    return direct_window(in1, kernel, starts, lengths, result, workers=nthreads)


def convolve(in1, in2, mode="full", method="auto", *, workers=None):
    """Convolve two N-dimensional arrays (drop-in for ``scipy.signal.convolve``).

    ``out[p] = sum_j in2[j] * in1[p - j]``: the kernel is flipped.

    Parameters
    ----------
    in1 : array_like
        First input.
    in2 : array_like
        Second input, with the same number of dimensions as `in1`.
    mode : {'full', 'valid', 'same'}, optional
        'full' (default): the full discrete linear convolution, shape
        ``n1 + n2 - 1`` per axis.  'valid': only outputs that do not rely on
        zero-padding, shape ``|n1 - n2| + 1``; one input must be at least as
        large as the other in every dimension.  'same': the shape of `in1`,
        centred with respect to 'full' (start ``(n2 - 1) // 2``).
    method : {'auto', 'direct', 'fft'}, optional
        'direct' sums products (exact for integers), 'fft' multiplies
        spectra, 'auto' (default) picks the faster by fastconv's own cost
        model while keeping integer results exact.
    workers : int, optional
        Threads for the direct method (fastconv extension): a count, or a
        negative number counting back from the CPUs available (-1 = all).
        Default: ``fastconv.set_workers`` context, else all available CPUs.
        Results are identical for every value.

    Returns
    -------
    ndarray
        dtype ``np.result_type(in1, in2)`` (integers wrap like scipy's direct
        method; bool is numpy's logical OR of ANDs; float16 is computed in
        float32).  0-d inputs give their product.  An axis on which either
        input is empty is empty in the result.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.convolve([1, 2, 3], [0, 1, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    >>> fastconv.convolve([[1, 2], [3, 4]], [[1, 1]], mode='same')
    array([[1, 3],
           [3, 7]])
    """
    return _nd(in1, in2, mode, method, False, workers)


def correlate(in1, in2, mode="full", method="auto", *, workers=None):
    """Cross-correlate two N-dimensional arrays (drop-in for ``scipy.signal.correlate``).

    ``out[k] = sum_n in1[n + k] * conj(in2[n])``: the kernel is not flipped,
    and a complex `in2` is conjugated.  This is what deep-learning
    "convolution" layers compute.

    Parameters
    ----------
    in1 : array_like
        First input.
    in2 : array_like
        Second input, with the same number of dimensions as `in1`.
    mode : {'full', 'valid', 'same'}, optional
        As for `convolve`.  With 'valid' and an `in1` smaller than `in2`,
        the result is the reversed conjugate of ``correlate(in2, in1)``, as
        in scipy and numpy.
    method : {'auto', 'direct', 'fft'}, optional
        As for `convolve`.
    workers : int, optional
        As for `convolve`.

    Returns
    -------
    ndarray
        dtype ``np.result_type(in1, in2)``.  Use `correlation_lags` for the
        lag of each output sample.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.correlate([1, 2, 3, 4, 5, 6], [1, 2], mode='same')
    array([ 2,  5,  8, 11, 14, 17])
    >>> fastconv.correlate([1j, 1], [1j])
    array([1.+0.j, 0.-1.j])
    """
    return _nd(in1, in2, mode, method, True, workers)


def _two_d(in1, in2, mode, boundary, fillvalue, correlate, workers):
    nthreads = resolve_workers(workers)
    in1 = as_input_array(in1, "in1")
    in2 = as_input_array(in2, "in2")
    if in1.ndim != 2 or in2.ndim != 2:
        raise ValueError(
            f"{'correlate2d' if correlate else 'convolve2d'} inputs must both be "
            f"2-D arrays; got in1.shape={in1.shape} and in2.shape={in2.shape}")
    check_mode(mode)
    bound = check_boundary(boundary)
    result = result_dtype(in1, in2)
    fill = check_fillvalue(fillvalue, result)
    if mode == "valid":
        check_valid_shapes(in1.shape, in2.shape)
        # 'valid' never reads outside the larger input.
        bound, fill = "fill", None
    kernel = _reverse_conj(in2) if correlate else in2
    starts, lengths = window(mode, in1.shape, in2.shape,
                             correlate2d_same=correlate)
    if 0 in lengths:
        return np.zeros(lengths, dtype=result)
    _check_sizes(in1, in2, lengths, result)
    return direct_window(in1, kernel, starts, lengths, result, bound, fill, nthreads)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, workers=None):
    """Convolve two 2-D arrays (drop-in for ``scipy.signal.convolve2d``).

    Parameters
    ----------
    in1 : array_like
        First input (the image), 2-D.
    in2 : array_like
        Second input (the kernel), 2-D; it may be larger than `in1`.
    mode : {'full', 'valid', 'same'}, optional
        As for `convolve`.
    boundary : str, optional
        How `in1` is extended outside its edges (in 'full' and 'same'):
        'fill' (or 'pad', default) with `fillvalue`; 'wrap' (or 'circular')
        periodically; 'symm' (or 'symmetric') by half-sample mirroring
        (``d c b a | a b c d | d c b a``).  fastconv extensions: 'reflect'
        (or 'mirror'), whole-sample mirroring (``d c b | a b c d | c b a``),
        and 'nearest' (or 'edge'), repeating the edge sample.  Kernels of any
        size fold correctly.
    fillvalue : scalar, optional
        Value outside `in1` for ``boundary='fill'`` (default 0).  It must be
        representable in the result dtype.
    workers : int, optional
        As for `convolve`.

    Returns
    -------
    ndarray
        2-D array of dtype ``np.result_type(in1, in2)``.

    Examples
    --------
    The kernel is flipped, so a convolution is not the sum of element-wise
    products that a deep-learning layer computes (that is `correlate2d`):

    >>> import numpy as np, fastconv
    >>> A = np.array([[1, 1, 1], [0, 1, 1], [0, 0, 1]])
    >>> B2 = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1]])
    >>> int(np.sum(A * B2))
    3
    >>> fastconv.convolve2d(A, B2, 'valid')
    array([[4]])
    >>> fastconv.correlate2d(A, B2, 'valid')
    array([[3]])
    >>> fastconv.convolve2d([[1, 2, 3]], [[1, 1, 1]], 'same', boundary='wrap')
    array([[6, 6, 6]])
    """
    return _two_d(in1, in2, mode, boundary, fillvalue, False, workers)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, workers=None):
    """Cross-correlate two 2-D arrays (drop-in for ``scipy.signal.correlate2d``).

    Parameters
    ----------
    in1 : array_like
        First input, 2-D.
    in2 : array_like
        Second input, 2-D; conjugated when complex.
    mode : {'full', 'valid', 'same'}, optional
        As for `convolve`, except that 'same' keeps scipy's correlate2d
        offset: it starts at ``n2 // 2`` of the full correlation (one sample
        later than `correlate` on even-length axes).
    boundary : str, optional
        As for `convolve2d`.
    fillvalue : scalar, optional
        As for `convolve2d`.
    workers : int, optional
        As for `convolve`.

    Returns
    -------
    ndarray
        2-D array of dtype ``np.result_type(in1, in2)``.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.correlate2d([[1, 2, 3, 4, 5, 6]], [[1, 2]], 'same')
    array([[ 5,  8, 11, 14, 17,  6]])
    """
    return _two_d(in1, in2, mode, boundary, fillvalue, True, workers)
