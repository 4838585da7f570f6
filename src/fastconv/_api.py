"""The public convolution functions: validate and plan, then execute.

Each function is thin: `_plan.make_plan` checks every argument and builds
the call's one plan; `_execute.execute` runs it (direct core or FFT path).
"""
import time

import numpy as np

from ._execute import execute
from ._method import fft_is_exact_enough
from ._plan import make_plan, with_method
from ._validate import as_input_array, check_object_magnitudes

__all__ = ["convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve",
           "oaconvolve", "choose_conv_method"]


def convolve(in1, in2, mode="full", method="auto", *, axes=None, boundary="fill",
             fillvalue=0, out=None, dtype=None, workers=None):
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
    axes : int or sequence of int, optional
        Axes to convolve over (fastconv extension; default all).  The other
        axes are batched: their lengths must be equal or 1 (broadcast), and
        the result has the broadcast length there, in every mode and for
        every method.
    boundary : str, optional
        How `in1` is extended outside its edges, as in `convolve2d`: 'fill'
        (default, with `fillvalue`), 'wrap', 'symm', 'reflect', 'nearest' and
        their aliases (fastconv extension for N-D).  'valid' never reads
        outside.
    fillvalue : scalar, optional
        Value outside `in1` for ``boundary='fill'`` (default 0).
    out : ndarray, optional
        Array to write the result into (fastconv extension): the result's
        shape, any dtype the result casts to under numpy's 'same_kind' rule,
        any strides; it may overlap the inputs.  It is returned.
    dtype : dtype, optional
        Result and accumulation dtype (fastconv extension), e.g. ``np.int32``
        or ``np.float32`` for uint8 images (no wrap-around), ``np.float64``
        to accumulate float32 data in double precision.  The natural result
        dtype must cast to it under 'same_kind'.  Default: the natural
        result dtype (scipy's).
    workers : int, optional
        Threads (fastconv extension): a count, or a negative number counting
        back from the CPUs available (-1 = all).  Default: the
        ``fastconv.set_workers`` context, else all available CPUs.  Results
        are identical for every value.

    Returns
    -------
    ndarray
        dtype ``np.result_type(in1, in2)`` (integers wrap like scipy's direct
        method; bool is numpy's logical OR of ANDs; float16 is computed in
        float32).  Object inputs (or ``dtype=object``) give an object array
        computed with the elements' own arithmetic by the direct method
        (exact for Python ints, Fractions).  0-d inputs give their product.
        An axis on which either input is empty is empty in the result.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.convolve([1, 2, 3], [0, 1, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    >>> fastconv.convolve([[1, 2], [3, 4]], [[1, 1]], mode='same')
    array([[1, 3],
           [3, 7]])

    A batch of signals, each convolved with the same kernel, with no
    wrap-around for uint8 data:

    >>> import numpy as np
    >>> sig = np.array([[200, 100, 50], [1, 2, 3]], dtype=np.uint8)
    >>> fastconv.convolve(sig, [[1, 1]], axes=1, dtype=np.int32)
    array([[200, 300, 150,  50],
           [  1,   3,   5,   3]], dtype=int32)
    """
    return execute(make_plan("convolve", in1, in2, mode, method, axes, boundary, fillvalue,
                             None, out, dtype, workers))


def correlate(in1, in2, mode="full", method="auto", *, axes=None, boundary="fill",
              fillvalue=0, maxlag=None, out=None, dtype=None, workers=None):
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
    axes, boundary, fillvalue : optional
        As for `convolve`.
    maxlag : int or sequence of int, optional
        Compute only the lags ``-maxlag .. maxlag`` of the 'full' result
        (fastconv extension, MATLAB's ``xcorr(x, y, maxlag)``): ``2 maxlag
        + 1`` values per correlated axis (one int for all axes, or one per
        axis), zeros at lags outside the full result.  The cost grows with
        the lags computed, not with the signal lengths' product.  Needs
        ``mode='full'``.
    out, dtype, workers : optional
        As for `convolve`.

    Returns
    -------
    ndarray
        dtype ``np.result_type(in1, in2)`` (or `dtype`).  Use
        `correlation_lags` for the lag of each output sample.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.correlate([1, 2, 3, 4, 5, 6], [1, 2], mode='same')
    array([ 2,  5,  8, 11, 14, 17])
    >>> fastconv.correlate([1j, 1], [1j])
    array([1.+0.j, 0.-1.j])
    >>> fastconv.correlate([1, 2, 3, 4], [1, 2, 3, 4], maxlag=1)   # lags -1, 0, 1
    array([20, 30, 20])
    """
    return execute(make_plan("correlate", in1, in2, mode, method, axes, boundary, fillvalue,
                             maxlag, out, dtype, workers))


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, out=None,
               dtype=None, workers=None):
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
    out, dtype, workers : optional
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
    return execute(make_plan("convolve2d", in1, in2, mode, "direct", None, boundary,
                             fillvalue, None, out, dtype, workers))


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, out=None,
                dtype=None, workers=None):
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
    out, dtype, workers : optional
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
    return execute(make_plan("correlate2d", in1, in2, mode, "direct", None, boundary,
                             fillvalue, None, out, dtype, workers))


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
    out : ndarray, optional
        Array to write the result into (fastconv extension), as for
        `convolve`.
    dtype : float or complex dtype, optional
        Result dtype, and the precision the transforms compute in (fastconv
        extension); the natural result dtype must cast to it under
        'same_kind'.
    workers : int, optional
        Threads for the transforms (fastconv extension; numpy.fft releases
        the GIL): a count, or negative to count back from the CPUs
        available.  Default: the ``fastconv.set_workers`` context, else all
        available CPUs.  Results are identical for every value.
"""


def fftconvolve(in1, in2, mode="full", axes=None, *, out=None, dtype=None, workers=None):
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
    fastconv's FFT engine computes only the requested window: the input is
    cut into overlap-save tiles of 5-smooth lengths that stay in cache, the
    kernel's spectrum is computed once, and float32 is transformed in
    float32.  Convolved axes where either input has length 1 are handled by
    broadcasting, without a transform.

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
    return execute(make_plan("fftconvolve", in1, in2, mode, "fft", axes, out=out, dtype=dtype,
                             workers=workers))


def oaconvolve(in1, in2, mode="full", axes=None, *, out=None, dtype=None, workers=None):
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
    fastconv's FFT engine already cuts the input into blocks (overlap-save
    tiles sized for the kernel), so this is `fftconvolve` under scipy's
    name.  Where the engine does not run (long double, batch axes with one
    kernel per element), numpy.fft computes by overlap-add: on each
    convolved axis where the short input ``K + 1`` long is less than half
    the long one, blocks of length ``N``, the optimum of ``N = K ln(2 e N)``
    (i.e. ``-K W_{-1}(-1/(2eK))``) rounded up to a fast length.  The same
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
    return execute(make_plan("oaconvolve", in1, in2, mode, "oa", axes, out=out, dtype=dtype,
                             workers=workers))


fftconvolve.__doc__ = fftconvolve.__doc__ % _MODE_DOC
oaconvolve.__doc__ = oaconvolve.__doc__ % _MODE_DOC


def _time_call(fn, min_total=2e-3, max_runs=10):
    """Best time of `fn()` over enough runs to last ~min_total seconds."""
    best, total, runs = np.inf, 0.0, 0
    while runs < max_runs and (runs == 0 or total < min_total):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best, total, runs = min(best, dt), total + dt, runs + 1
    return best


def choose_conv_method(in1, in2, mode="full", measure=False):
    """Find the fastest convolution/correlation method (drop-in for scipy's).

    Parameters
    ----------
    in1 : array_like
        First argument passed into the convolution function.
    in2 : array_like
        Second argument passed into the convolution function.
    mode : {'full', 'valid', 'same'}, optional
        As for `convolve`.
    measure : bool, optional
        If True, run and time both methods on these inputs and return the
        faster one (still 'direct' whenever the FFT could lose exactness)
        together with the timings.

    Returns
    -------
    method : {'direct', 'fft'}
        The method `convolve`/`correlate` with ``method='auto'`` would use.
    times : dict, optional
        With ``measure=True``: ``{'fft': seconds, 'direct': seconds}``.

    Notes
    -----
    The estimate comes from a cost model of fastconv's own kernels (see
    ``fastconv._method``), not scipy's constants.  Bool inputs, integers
    whose FFT round-off could reach 1/2 and long double inputs always get
    'direct', so integer results stay exact.

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> fastconv.choose_conv_method(np.ones(100), np.ones(5))
    'direct'
    >>> fastconv.choose_conv_method(np.ones(100_000), np.ones(20_000))
    'fft'
    """
    check_object_magnitudes(as_input_array(in1, "in1"), as_input_array(in2, "in2"))
    plan = make_plan("convolve", in1, in2, mode, "auto")
    trivial = plan.method in ("product", "empty")
    # (scipy's names: the separable passes are fastconv's direct method)
    method = "direct" if trivial or plan.method == "separable" else plan.method
    if not measure:
        return method
    plans = {m: plan if trivial else with_method(plan, m) for m in ("fft", "direct")}
    times = {m: _time_call(lambda p=p: execute(p)) for m, p in plans.items()}
    if not trivial and fft_is_exact_enough(plan):
        method = min(times, key=times.get)
    return method, times
