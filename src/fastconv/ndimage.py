"""scipy.ndimage's linear filters on fastconv's kernels.

Drop-in replacements for ``scipy.ndimage.{correlate, convolve, correlate1d,
convolve1d, uniform_filter, uniform_filter1d, gaussian_filter,
gaussian_filter1d, sobel, prewitt, laplace, gaussian_laplace,
gaussian_gradient_magnitude}`` with scipy 1.17's signatures, results
(integer outputs exactly: truncated as ndimage does, see `_ndi_arith`) and
exceptions.  This module validates in scipy.ndimage's terms and builds the
kernels; the work is `_ndi_filters.correlate_axes` (one 1-D kernel per axis)
or `_ndi_filters.correlate_nd`.
"""
import functools
import numbers
import operator
import warnings
from collections.abc import Iterable

import numpy as np

from . import _memory
from ._kept import keep
from ._ndi_filters import MODES, RECORD, correlate_axes, correlate_nd

__all__ = ["correlate", "convolve", "correlate1d", "convolve1d", "uniform_filter",
           "uniform_filter1d", "gaussian_filter", "gaussian_filter1d", "sobel",
           "prewitt", "laplace", "gaussian_laplace", "gaussian_gradient_magnitude"]

# Parameter descriptions shared by the docstrings (filled in by `_doc`).
_DOCS = {
    "input": """    input : array_like
        The input array.""",
    "output": """    output : ndarray or dtype, optional
        The array to write into, or the dtype of the result.""",
    "mode_seq": """    mode : str or sequence of str, optional
        The extension beyond the edges, per axis (see `correlate1d`).""",
    "mode": """    mode : str, optional
        The extension beyond the edges (see `correlate1d`).""",
    "cval": """    cval : scalar, optional
        The value outside the edges with mode 'constant'.""",
    "origin": """    origin : int, optional
        Shift of the filter's centre.""",
    "axes": """    axes : tuple of int or None, optional
        The axes to filter (default: all).""",
    "nd_params": """    weights : array_like
        The kernel, with input's ndim (or ``len(axes)``) dimensions.
    output : ndarray or dtype, optional
        The array to write into, or the dtype of the result.
    mode : str, optional
        The extension beyond the edges (see `correlate1d`).
    cval : scalar, optional
        The value outside the edges with mode 'constant'.
    origin : int or sequence of ints, optional
        Shift of the filter's centre, per axis.
    axes : tuple of int or None, optional
        The axes the kernel spans (default: all).""",
    "returns": """    Returns
    -------
    ndarray
        The result, of `input`'s shape.""",
}


def _doc(func):
    func.__doc__ = func.__doc__ % {k: v.strip("\n") for k, v in _DOCS.items()}
    return func


_REAL_TYPES = {np.dtype(t) for t in (np.bool_, np.int8, np.uint8, np.int16, np.uint16,
                                     np.int32, np.uint32, np.int64, np.uint64,
                                     np.float32, np.float64)}


# --------------------------------------------------------------- validation

def _input(input):
    input = np.asarray(input)
    _check_type(input.dtype, "input")
    return input


def _check_type(dtype, name):
    if dtype.kind == "c":
        if dtype.type not in (np.complex64, np.complex128):
            raise RuntimeError(f"{name} array type {dtype!r} not supported")
    elif np.dtype(dtype.type) not in _REAL_TYPES:
        raise RuntimeError(f"{name} array type {dtype!r} not supported")


def _mode(mode):
    if not isinstance(mode, str) or mode not in MODES:
        raise RuntimeError(
            f"boundary mode not supported: mode={mode!r}; use one of "
            f"{', '.join(repr(m) for m in MODES)}")
    return MODES[mode]


def _sequence(value, rank, name):
    """value repeated `rank` times, or the sequence itself if its length is rank."""
    if not isinstance(value, str) and np.iterable(value):
        seq = list(value)
        if len(seq) != rank:
            raise RuntimeError(
                f"sequence argument must have length equal to input rank: "
                f"{name}={value!r} has {len(seq)} entries, expected {rank}")
        return seq
    return [value] * rank


def _axes(axes, ndim):
    if axes is None:
        return tuple(range(ndim))
    scalar = np.isscalar(axes)
    if scalar or isinstance(axes, Iterable):
        try:
            axes = (operator.index(axes),) if scalar else \
                tuple(operator.index(a) for a in axes)
        except TypeError as e:
            raise TypeError(f"axes must be integers ({e}); got axes={axes!r}") from None
        if scalar and not -ndim <= axes[0] < ndim:
            # (scipy fails later there, with an AxisError or an IndexError)
            raise np.exceptions.AxisError(axes[0], ndim, "axes")
        for a in axes:
            if a < -ndim or a > ndim - 1:
                raise ValueError(f"specified axis: {a} is out of range (axes={axes!r}, "
                                 f"input.ndim={ndim})")
        axes = tuple(a % ndim for a in axes)
    else:
        raise ValueError("axes must be an integer, iterable of integers, or None; "
                         f"got axes={axes!r}")
    if len(set(axes)) != len(axes):
        raise ValueError(f"axes must be unique; got axes={axes!r}")
    return axes


def _axis(axis, ndim):
    if not -ndim <= operator.index(axis) < ndim:
        raise np.exceptions.AxisError(axis, ndim, "axis")
    return operator.index(axis) % ndim


def _new(shape, dtype):
    """A new output array; every filter writes all of its elements, so a
    cached buffer (`_memory.empty`: pages already mapped) serves."""
    return _memory.empty(shape, np.dtype(dtype))


def _output(output, input, complex_output=False):
    """scipy.ndimage's `output` argument: None, a dtype (or type, or string)
    or an array of input's shape; a new zeroed array or the given one."""
    shape = input.shape
    if output is None:
        dtype = np.promote_types(input.dtype, np.complex64) if complex_output \
            else np.dtype(input.dtype.type)   # (native byte order)
        return _new(shape, dtype)
    if isinstance(output, (type, np.dtype)):
        if complex_output and np.dtype(output).kind != "c":
            warnings.warn("promoting specified output dtype to complex",
                          stacklevel=4)
            output = np.promote_types(output, np.complex64)
        _check_type(np.dtype(output), "output")
        return _new(shape, output)
    if isinstance(output, str):
        dtype = np.dtype(output)
        if complex_output and dtype.kind != "c":
            raise RuntimeError(f"output must have complex dtype; got output={output!r}")
        if not issubclass(dtype.type, np.number):
            raise RuntimeError(f"output must have numeric dtype; got output={output!r}")
        _check_type(dtype, "output")
        return _new(shape, dtype)
    output = np.asarray(output)
    if output.shape != shape:
        raise RuntimeError(f"output shape not correct: output.shape={output.shape}, "
                           f"input.shape={shape}")
    if complex_output and output.dtype.kind != "c":
        raise RuntimeError(f"output must have complex dtype; got output.dtype={output.dtype}")
    _check_type(output.dtype, "output")
    return output


def _check_origin(origin, n, name="weights"):
    if origin < -(n // 2) or origin > (n - 1) // 2:
        raise ValueError(f"Invalid origin; origin must satisfy -({name}.shape[k] // 2) <= "
                         f"origin[k] <= ({name}.shape[k]-1) // 2; got origin={origin} "
                         f"for length {n}")


def _real_cval(input, cval):
    """A real filter (real input and weights) takes a real cval (TypeError,
    as scipy's C argument parsing)."""
    if np.iscomplexobj(cval):
        raise TypeError(f"cval must be a real number for real input and weights; "
                        f"got cval={cval!r}")


def _real_output(output):
    """ndimage's real filters write no complex output (its C has no such loop)."""
    if output.dtype.kind == "c":
        raise RuntimeError(f"output array type {output.dtype!r} not supported for real "
                           "input and weights")


def _complex(func, input, weights, output, cval, **kwargs):
    """A complex filter as real ones (ndimage's rule): the real and imaginary
    parts of input and weights, combined into `output`."""
    if input.dtype.kind == "c" and weights.dtype.kind == "c":
        func(input.real, weights.real, output=output.real, cval=np.real(cval), **kwargs)
        output.real -= func(input.imag, weights.imag, output=None, cval=np.imag(cval),
                            **kwargs)
        func(input.real, weights.imag, output=output.imag, cval=np.real(cval), **kwargs)
        output.imag += func(input.imag, weights.real, output=None, cval=np.imag(cval),
                            **kwargs)
    elif input.dtype.kind == "c":
        func(input.real, weights, output=output.real, cval=np.real(cval), **kwargs)
        func(input.imag, weights, output=output.imag, cval=np.real(np.imag(cval)), **kwargs)
    else:
        if np.iscomplexobj(cval):
            raise ValueError("Cannot provide a complex-valued cval when the input is "
                             f"real; got cval={cval!r}")
        func(input, weights.real, output=output.real, cval=cval, **kwargs)
        func(input, weights.imag, output=output.imag, cval=cval, **kwargs)
    return output


def _cval(cval):
    return float(cval)


def _passes(input, output, kernels, axes, modes, cval, origins, divisors=None, kept=None):
    """Separable passes, real or complex input (real kernels): the one route
    of every separable filter into `correlate_axes` (`kept`: see there)."""
    if input.dtype.kind == "c":
        if output.dtype.kind != "c":
            raise RuntimeError(f"output must have complex dtype; got {output.dtype}")
        for part, target, part_cval in ((input.real, output.real, np.real(cval)),
                                        (input.imag, output.imag, np.imag(cval))):
            correlate_axes(part, kernels, axes, modes, float(part_cval), origins, target,
                           divisors)
        return output
    _real_cval(input, cval)
    _real_output(output)
    return correlate_axes(input, kernels, axes, modes, _cval(cval), origins, output,
                          divisors, kept)


# Kept filters: a call whose arguments are all plain scalars (None, bool,
# int, float, str), with a new output, remembers its separable plan's C calls
# (`_separable.Kept`) by its signature - the function, the input's shape and
# dtype, each argument with its type - so that a repeated call of that
# signature on a C-ordered input runs them at once: no argument processed
# again, no plan built (that Python time is serial beside the passes' two
# threads, with caches cold after the passes).  The same C calls as the
# first call's, so the same bits.
_KEPT = {}
_KEPT_SIZE = 64
_PLAIN = frozenset({type(None), bool, int, float, str})


def _kept_key(name, input, output, args):
    """The kept-filter key of a call (None: not kept)."""
    if output is not None or type(input) is not np.ndarray or RECORD.get() is not None:
        return None
    for a in args:
        if type(a) not in _PLAIN:
            return None
    return (name, input.shape, input.dtype, args, tuple(map(type, args)))


def _kept_run(key, input):
    """The result of the kept filter `key` on `input`, or None."""
    k = _KEPT.get(key) if key is not None else None
    if k is None or not k.takes(input):
        return None
    return k.run(input)


def _keep(key, kept):
    if key is not None and len(kept) == 1:
        keep(_KEPT, key, kept[0], _KEPT_SIZE)


# ------------------------------------------------------------------ 1-D

@_doc
def correlate1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """Correlate the lines of `input` along `axis` with 1-D `weights`.

    As ``scipy.ndimage.correlate1d`` (same arguments, result and errors).

    Parameters
    ----------
%(input)s
    weights : array_like
        1-D sequence of numbers (complex weights are conjugated).
    axis : int, optional
        The axis of `input` along which to correlate.
%(output)s
    mode : str, optional
        'reflect', 'constant', 'nearest', 'mirror', 'wrap', 'grid-constant',
        'grid-mirror' or 'grid-wrap' (the extension beyond the edges).
%(cval)s
    origin : int, optional
        Shift of the filter's centre (kernel element ``len // 2 + origin``
        lies over each output element).

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import correlate1d
    >>> correlate1d([2, 8, 0, 4, 1, 9, 9, 0], weights=[1, 3])
    array([ 8, 26,  8, 12,  7, 28, 36,  9])
    """
    input = _input(input)
    weights = np.asarray(weights)
    if input.dtype.kind == "c" or weights.dtype.kind == "c":
        if weights.dtype.kind == "c":
            weights = weights.conj().astype(np.complex128, copy=False)
        output = _output(output, input, complex_output=True)
        return _complex(correlate1d, input, weights, output, cval, axis=axis, mode=mode,
                        origin=origin)
    output = _output(output, input)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 1 or weights.shape[0] < 1:
        raise RuntimeError(f"no filter weights given: weights.shape={weights.shape} "
                           "must be (n,) with n >= 1")
    axis = _axis(axis, input.ndim)
    _check_origin(origin, len(weights))
    boundary = _mode(mode)
    _real_cval(input, cval)
    _real_output(output)
    return correlate_axes(input, [weights], [axis], [boundary], _cval(cval), [origin],
                          output)


@_doc
def convolve1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """Convolve the lines of `input` along `axis` with 1-D `weights`.

    As ``scipy.ndimage.convolve1d``: `correlate1d` with the weights reversed
    and the origin mirrored (``-origin``, and ``-origin - 1`` for an even
    number of weights).

    Parameters
    ----------
%(input)s
    weights : array_like
        1-D sequence of numbers.
    axis : int, optional
        The axis of `input` along which to convolve.
%(output)s
%(mode)s
%(cval)s
%(origin)s

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import convolve1d
    >>> convolve1d([2, 8, 0, 4, 1, 9, 9, 0], weights=[1, 3])
    array([14, 24,  4, 13, 12, 36, 27,  0])
    """
    weights = np.asarray(weights)[::-1]
    origin = -origin
    if not weights.shape[0] & 1:
        origin -= 1
    if weights.dtype.kind == "c":
        weights = weights.conj()      # (correlate1d conjugates it back)
    return correlate1d(input, weights, axis, output, mode, cval, origin)


@_doc
def uniform_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """The mean of `size` consecutive elements along `axis`.

    As ``scipy.ndimage.uniform_filter1d`` (window sums divided by `size`).

    Parameters
    ----------
%(input)s
    size : int
        Length of the uniform filter.
    axis : int, optional
        The axis of `input` along which to filter.
%(output)s
%(mode)s
%(cval)s
%(origin)s

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import uniform_filter1d
    >>> uniform_filter1d([2, 8, 0, 4, 1, 9, 9, 0], size=3)
    array([4, 3, 4, 1, 4, 6, 6, 3])
    """
    input = _input(input)
    axis = _axis(axis, input.ndim)
    if size < 1:
        raise RuntimeError(f"incorrect filter size: size={size} must be >= 1")
    output = _output(output, input, complex_output=input.dtype.kind == "c")
    if size // 2 + origin < 0 or size // 2 + origin >= size:
        raise ValueError(f"invalid origin: origin={origin} for size={size}")
    boundary = _mode(mode)
    return _passes(input, output, [np.ones(int(size))], [axis], [boundary], cval, [origin],
                   divisors=[int(size)])


def _gaussian_kernel1d(sigma, order, radius):
    """The Gaussian of `sigma` on -radius..radius (summing to 1) or its
    `order`-th derivative: phi(x) q(x), q_0 = 1, q_{k+1} = q_k' - q_k x / sigma^2."""
    if order < 0:
        raise ValueError(f"order must be non-negative; got order={order}")
    s2 = sigma * sigma
    x = np.arange(-radius, radius + 1)
    phi = np.exp(-0.5 / s2 * x ** 2)
    phi = phi / phi.sum()
    if order == 0:
        return phi
    q = np.zeros(order + 1)          # polynomial coefficients, q[i] x**i
    q[0] = 1.0
    for _ in range(order):
        dq = np.arange(1, order + 1) * q[1:]     # q'
        new = np.zeros(order + 1)
        new[:-1] += dq
        new[1:] -= q[:-1] / s2
        q = new
    return (x[:, None] ** np.arange(order + 1)).dot(q) * phi


def _gaussian_weights(sigma, order, truncate, radius):
    sd = float(sigma)
    lw = int(truncate * sd + 0.5)
    if radius is not None:
        lw = radius
    if not isinstance(lw, numbers.Integral) or lw < 0:
        raise ValueError(f"Radius must be a nonnegative integer; got radius={lw!r}")
    # correlation with the reversed convolution kernel
    try:
        return _gaussian_taps(sigma, order, lw)
    except TypeError:      # (an unhashable sigma or order: not kept)
        return _gaussian_kernel1d(sigma, order, lw)[::-1]


@functools.lru_cache(maxsize=64, typed=True)
def _gaussian_taps(sigma, order, radius):
    """`_gaussian_kernel1d` reversed, read-only, kept for repeated calls
    (typed: a float32 sigma computes in float32, as in scipy, so it is
    not the float sigma of the same value)."""
    w = np.ascontiguousarray(_gaussian_kernel1d(sigma, order, radius)[::-1])
    w.flags.writeable = False
    return w


@_doc
def gaussian_filter1d(input, sigma, axis=-1, order=0, output=None, mode="reflect",
                      cval=0.0, truncate=4.0, *, radius=None):
    """1-D Gaussian filter (or its derivative of `order` 0..3) along `axis`.

    As ``scipy.ndimage.gaussian_filter1d``.

    Parameters
    ----------
%(input)s
    sigma : scalar
        Standard deviation of the Gaussian.
    axis : int, optional
        The axis of `input` along which to filter.
    order : int, optional
        0 smooths; 1, 2, 3 convolve with that derivative of the Gaussian.
%(output)s
%(mode)s
%(cval)s
    truncate : float, optional
        The kernel's radius in standard deviations, ``int(truncate * sigma + 0.5)``.
    radius : None or int, optional
        The kernel's radius (overrides `truncate`).

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import gaussian_filter1d
    >>> import numpy as np
    >>> gaussian_filter1d([1.0, 2.0, 3.0, 4.0, 5.0], 1).round(5)
    array([1.42704, 2.06782, 3.     , 3.93218, 4.57296])
    """
    weights = _gaussian_weights(sigma, order, truncate, radius)
    return correlate1d(input, weights, axis, output, mode, cval, 0)


# ------------------------------------------------------------------ N-D separable

@_doc
def gaussian_filter(input, sigma, order=0, output=None, mode="reflect", cval=0.0,
                    truncate=4.0, *, radius=None, axes=None):
    """Multidimensional Gaussian filter: `gaussian_filter1d` along each axis.

    As ``scipy.ndimage.gaussian_filter``; `sigma`, `order`, `mode` and
    `radius` may be given per axis (of `axes`); axes with ``sigma <= 1e-15``
    are left alone.

    Parameters
    ----------
%(input)s
    sigma : scalar or sequence of scalars
        Standard deviation of the Gaussian, per axis.
    order : int or sequence of ints, optional
        Derivative order per axis (0..3).
%(output)s
%(mode_seq)s
%(cval)s
    truncate : float, optional
        The kernel's radius in standard deviations.
    radius : None or int or sequence of ints, optional
        The kernel's radius per axis (overrides `truncate`).
%(axes)s

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import gaussian_filter
    >>> import numpy as np
    >>> gaussian_filter(np.arange(25, step=2).reshape(13, 1)[:5, :].repeat(3, 1), 1)[2]
    array([4, 4, 4])
    """
    key = _kept_key("gaussian_filter", input, output,
                    (sigma, order, mode, cval, truncate, radius, axes))
    kept = _kept_run(key, input)
    if kept is not None:
        return kept
    input = _input(input)
    output = _output(output, input)
    axes = _axes(axes, input.ndim)
    n = len(axes)
    orders = _sequence(order, n, "order")
    sigmas = _sequence(sigma, n, "sigma")
    modes = _sequence(mode, n, "mode")
    radii = _sequence(radius, n, "radius")
    chosen = [i for i in range(n) if sigmas[i] > 1e-15]
    if not chosen:
        output[...] = input[...]
        return output
    kernels = [_gaussian_weights(sigmas[i], orders[i], truncate, radii[i]) for i in chosen]
    kept = []
    res = _passes(input, output, kernels, [axes[i] for i in chosen],
                  [_mode(modes[i]) for i in chosen], cval, [0] * len(chosen), kept=kept)
    _keep(key, kept)
    return res


@_doc
def uniform_filter(input, size=3, output=None, mode="reflect", cval=0.0, origin=0, *,
                   axes=None):
    """Multidimensional uniform (box mean) filter: `uniform_filter1d` per axis.

    As ``scipy.ndimage.uniform_filter``; `size`, `mode` and `origin` may be
    given per axis (of `axes`); axes of size 1 are left alone.

    Parameters
    ----------
%(input)s
    size : int or sequence of ints, optional
        The box's length per axis.
%(output)s
%(mode_seq)s
%(cval)s
    origin : int or sequence of ints, optional
        Shift of the filter's centre, per axis.
%(axes)s

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import uniform_filter
    >>> import numpy as np
    >>> uniform_filter(np.arange(9.0).reshape(3, 3), 3).round(3)
    array([[1.333, 2.   , 2.667],
           [3.333, 4.   , 4.667],
           [5.333, 6.   , 6.667]])
    """
    input = _input(input)
    output = _output(output, input, complex_output=input.dtype.kind == "c")
    axes = _axes(axes, input.ndim)
    n = len(axes)
    sizes = _sequence(size, n, "size")
    origins = _sequence(origin, n, "origin")
    modes = _sequence(mode, n, "mode")
    chosen = [i for i in range(n) if sizes[i] > 1]
    if not chosen:
        output[...] = input[...]
        return output
    for i in chosen:
        s, o = int(sizes[i]), origins[i]
        if s // 2 + o < 0 or s // 2 + o >= s:
            raise ValueError(f"invalid origin: origin={o} for size={s}")
    return _passes(input, output, [np.ones(int(sizes[i])) for i in chosen],
                   [axes[i] for i in chosen], [_mode(modes[i]) for i in chosen], cval,
                   [origins[i] for i in chosen], divisors=[int(sizes[i]) for i in chosen])


def _derivative(input, axis, output, mode, cval, smooth):
    input = _input(input)
    axis = _axis(axis, input.ndim)
    output = _output(output, input)
    modes = _sequence(mode, input.ndim, "mode")
    others = [a for a in range(input.ndim) if a != axis]
    kernels = [np.array([-1.0, 0.0, 1.0])] + [np.asarray(smooth, float)] * len(others)
    return _passes(input, output, kernels, [axis] + others,
                   [_mode(modes[a]) for a in [axis] + others], cval, [0] * input.ndim)


_DERIVATIVE_DOC = """%(title)s filter: central difference along `axis`, %(smooth)s along the others.

    As ``scipy.ndimage.%(name)s``.

    Parameters
    ----------
%(input)s
    axis : int, optional
        The axis of the derivative.
%(output)s
    mode : str or sequence of str, optional
        The extension beyond the edges, per axis of `input`.
%(cval)s

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import %(name)s
    >>> import numpy as np
    >>> %(name)s(np.array([[0, 0, 1, 1]] * 3), axis=1)
    array([[0, %(v)s, %(v)s, 0],
           [0, %(v)s, %(v)s, 0],
           [0, %(v)s, %(v)s, 0]])
    """


def _derivative_doc(func, title, smooth, v):
    func.__doc__ = _DERIVATIVE_DOC % dict(title=title, smooth=smooth, name=func.__name__,
                                          v=v, **{k: f"%({k})s" for k in _DOCS})
    return _doc(func)


def sobel(input, axis=-1, output=None, mode="reflect", cval=0.0):
    return _derivative(input, axis, output, mode, cval, [1.0, 2.0, 1.0])


def prewitt(input, axis=-1, output=None, mode="reflect", cval=0.0):
    return _derivative(input, axis, output, mode, cval, [1.0, 1.0, 1.0])


_derivative_doc(sobel, "Sobel", "[1, 2, 1]", 4)
_derivative_doc(prewitt, "Prewitt", "[1, 1, 1]", 3)


def _sum_over_axes(input, output, mode, axes, derivative, square):
    """ndimage's generic_laplace / generic_gradient_magnitude: the first
    axis's derivative into `output`, the others added (squared first for the
    gradient magnitude, whose sum is then square-rooted)."""
    input = _input(input)
    output = _output(output, input)
    axes = _axes(axes, input.ndim)
    if not axes:
        output[...] = input[...]
        return output
    modes = _sequence(mode, len(axes), "mode")
    derivative(input, axes[0], output, modes[0])
    if square:
        np.multiply(output, output, output)
    for ax, m in zip(axes[1:], modes[1:]):
        tmp = derivative(input, ax, output.dtype, m)
        if square:
            np.multiply(tmp, tmp, tmp)
        output += tmp
    if square:
        np.sqrt(output, output, casting="unsafe")
    return output


@_doc
def laplace(input, output=None, mode="reflect", cval=0.0, *, axes=None):
    """Laplace filter: the sum of second differences [1, -2, 1] along `axes`.

    As ``scipy.ndimage.laplace``.

    Parameters
    ----------
%(input)s
%(output)s
    mode : str or sequence of str, optional
        The extension beyond the edges, per axis of `axes`.
%(cval)s
    axes : tuple of int or None, optional
        The axes to sum over (default: all).

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import laplace
    >>> laplace([0, 0, 1, 0, 0])
    array([ 0,  1, -2,  1,  0])
    """
    def second(x, axis, out, m):
        return correlate1d(x, [1, -2, 1], axis, out, m, cval, 0)
    return _sum_over_axes(input, output, mode, axes, second, square=False)


@_doc
def gaussian_laplace(input, sigma, output=None, mode="reflect", cval=0.0, *, axes=None,
                     **kwargs):
    """Laplacian of Gaussian: second Gaussian derivatives summed over `axes`.

    As ``scipy.ndimage.gaussian_laplace`` (`kwargs`: `truncate`, `radius`
    of `gaussian_filter`).

    Parameters
    ----------
%(input)s
    sigma : scalar or sequence of scalars
        Standard deviation of the Gaussian, per axis of `axes`.
%(output)s
    mode : str or sequence of str, optional
        The extension beyond the edges, per axis of `axes`.
%(cval)s
    axes : tuple of int or None, optional
        The axes to sum over (default: all).
    **kwargs
        Passed to `gaussian_filter`.

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import gaussian_laplace
    >>> import numpy as np
    >>> float(gaussian_laplace(np.eye(5), 1)[2, 2].round(6))
    -0.27023
    """
    input = _input(input)
    axes_t = _axes(axes, input.ndim)
    sig = _sequence(sigma, len(axes_t), "sigma")
    if len(axes_t) < input.ndim:
        full = [0] * input.ndim
        for s, a in zip(sig, axes_t):
            full[a] = s
        sig = full

    def second(x, axis, out, m):
        order = [0] * x.ndim
        order[axis] = 2
        return gaussian_filter(x, sig, order, out, m, cval, **kwargs)
    return _sum_over_axes(input, output, mode, axes, second, square=False)


@_doc
def gaussian_gradient_magnitude(input, sigma, output=None, mode="reflect", cval=0.0, *,
                                axes=None, **kwargs):
    """Gradient magnitude with Gaussian derivatives: sqrt of the summed squares.

    As ``scipy.ndimage.gaussian_gradient_magnitude`` (`kwargs`: `truncate`,
    `radius` of `gaussian_filter`).

    Parameters
    ----------
%(input)s
    sigma : scalar or sequence of scalars
        Standard deviation of the Gaussian, per axis of `input`.
%(output)s
    mode : str or sequence of str, optional
        The extension beyond the edges, per axis of `axes`.
%(cval)s
    axes : tuple of int or None, optional
        The axes whose derivatives are summed (default: all).
    **kwargs
        Passed to `gaussian_filter`.

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import gaussian_gradient_magnitude
    >>> import numpy as np
    >>> float(gaussian_gradient_magnitude(np.arange(25.0).reshape(5, 5), 1)[2, 2].round(4))
    4.9467
    """
    def first(x, axis, out, m):
        order = [0] * x.ndim
        order[axis] = 1
        return gaussian_filter(x, sigma, order, out, m, cval, **kwargs)
    return _sum_over_axes(input, output, mode, axes, first, square=True)


# ------------------------------------------------------------------ N-D kernels

def _correlate_or_convolve(input, weights, output, mode, cval, origin, convolution, axes):
    input = _input(input)
    weights = np.asarray(weights)
    if input.dtype.kind == "c" or weights.dtype.kind == "c":
        if weights.dtype.kind == "c" and not convolution:
            weights = weights.conj()
        output = _output(output, input, complex_output=True)
        return _complex(_correlate_or_convolve, input, weights, output, cval, mode=mode,
                        origin=origin, convolution=convolution, axes=axes)
    axes = _axes(axes, input.ndim)
    weights = np.asarray(weights, dtype=np.float64)
    if len(axes) < input.ndim:
        if weights.ndim != len(axes):
            raise RuntimeError(f"weights.ndim ({weights.ndim}) must match len(axes) "
                               f"({len(axes)})")
        weights = np.expand_dims(weights, tuple(a for a in range(input.ndim) if a not in axes))
    origins = _sequence(origin, len(axes), "origin")
    if len(axes) < input.ndim:
        full = [0] * input.ndim
        for o, a in zip(origins, axes):
            full[a] = o
        origins = full
    wshape = [n for n in weights.shape if n > 0]
    if len(wshape) != input.ndim:
        raise RuntimeError(f"weights.ndim ({len(wshape)}) must match len(axes) ({len(axes)})")
    if convolution:
        weights = weights[(slice(None, None, -1),) * weights.ndim]
        origins = [-o - (0 if n & 1 else 1) for o, n in zip(origins, weights.shape)]
    for o, n in zip(origins, wshape):
        _check_origin(o, n)
    output = _output(output, input)
    if not isinstance(mode, str) and isinstance(mode, Iterable):
        raise RuntimeError(f"A sequence of modes is not supported; got mode={mode!r}")
    boundary = _mode(mode)
    _real_cval(input, cval)
    _real_output(output)
    return correlate_nd(input, np.ascontiguousarray(weights), boundary, _cval(cval),
                        origins, output)


@_doc
def correlate(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *,
              axes=None):
    """Multidimensional correlation of `input` with `weights`.

    As ``scipy.ndimage.correlate``: ``out[y] = sum_j weights[j] *
    input[y + j - (weights.shape // 2 + origin)]``, reading beyond the edges
    through `mode` (complex weights are conjugated).

    Parameters
    ----------
%(input)s
%(nd_params)s

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import correlate
    >>> import numpy as np
    >>> correlate(np.arange(9).reshape(3, 3), [[0, 1], [1, 0]])
    array([[ 0,  1,  3],
           [ 3,  4,  6],
           [ 9, 10, 12]])
    """
    return _correlate_or_convolve(input, weights, output, mode, cval, origin, False, axes)


@_doc
def convolve(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *,
             axes=None):
    """Multidimensional convolution of `input` with `weights`.

    As ``scipy.ndimage.convolve``: `correlate` with the weights flipped and
    the origin mirrored.

    Parameters
    ----------
%(input)s
%(nd_params)s

%(returns)s

    Examples
    --------
    >>> from fastconv.ndimage import convolve
    >>> import numpy as np
    >>> convolve(np.arange(9).reshape(3, 3), [[0, 1], [1, 0]])
    array([[ 4,  6,  7],
           [10, 12, 13],
           [13, 15, 16]])
    """
    return _correlate_or_convolve(input, weights, output, mode, cval, origin, True, axes)
