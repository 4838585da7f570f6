"""fastconv on dask arrays: lazy convolution of arrays larger than memory.

``pip install "fastconv[dask]"``.  The six functions take a dask array
``in1`` (anything else is converted with ``dask.array.asarray``), an
in-memory kernel ``in2`` and the keywords of the in-memory functions, and
return a lazy dask array with the same values, shape and dtype as fastconv
on the whole array:

* bit-identical for the direct method (each output sample is summed by the
  same kernel in the same order); within floating rounding for the FFT
  method.  (When the kernel is larger than ``in1`` on the convolved axes,
  in-memory fastconv swaps them; here ``in1`` stays the streamed input, so
  float results then agree to rounding, integer results exactly.)
* every mode with scipy's centring, every boundary (read across chunks:
  'wrap' reads the opposite end of the array), ``axes=`` (batch axes keep
  their chunks), ``maxlag=`` for `correlate`, ``dtype=``, ``workers=``
  (threads per task; default 1, the scheduler runs tasks in parallel).
* any chunking: each output block is computed from its input block plus the
  kernel's reach, gathered from as many chunks as it spans.

Arguments are checked when the function is called, by the in-memory
functions' own planner, so the errors are theirs; building the graph reads
no data.  ``method='auto'`` decides once for the whole array, by fastconv's
cost model (integer inputs take the FFT only when it is exact for any
values of their dtype).  ``out=`` is not taken (use ``dask.array.store``).
"""
import numpy as np

from .._chunked import lazy_result
from .._plan import make_plan

__all__ = ["convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve",
           "oaconvolve"]


def as_dask(x, name):
    """`x` as a dask array of known chunk sizes and a numeric dtype."""
    import dask.array as da

    arr = x if isinstance(x, da.Array) else da.asarray(x)
    if any(np.isnan(c) for cs in arr.chunks for c in cs):
        raise ValueError(
            f"{name} has unknown chunk sizes (chunks={arr.chunks}); call "
            f"{name}.compute_chunk_sizes() first")
    if arr.dtype.kind == "O":
        raise TypeError(f"{name} is a dask array of dtype object; pass a numeric dask array")
    return arr


def _lazy(kind, in1, in2, mode="full", method="auto", axes=None, boundary="fill",
          fillvalue=0, maxlag=None, dtype=None, workers=None):
    """Plan the call on a stand-in of dask array `in1`, then build its graph."""
    import dask.array as da

    if isinstance(in2, da.Array):
        raise TypeError(
            "in2 must be an in-memory array (the kernel), not a dask array; got "
            f"a dask array of shape {in2.shape}: call .compute() on it first")
    arr = as_dask(in1, "in1")
    # a stand-in with in1's shape and dtype that holds no data
    stand_in = np.broadcast_to(np.zeros((), dtype=arr.dtype), arr.shape)
    plan = make_plan(kind, stand_in, in2, mode, method, axes, boundary, fillvalue,
                     maxlag, None, dtype, workers, lazy=True)
    return lazy_result(plan, arr, plan.threads if workers is not None else 1)


def convolve(in1, in2, mode="full", method="auto", *, axes=None, boundary="fill",
             fillvalue=0, dtype=None, workers=None):
    """Convolve a dask array with an in-memory kernel, lazily (`fastconv.convolve`).

    Parameters
    ----------
    in1 : dask.array.Array
        The data, chunked in any way.
    in2 : array_like
        The kernel, in memory, with the same number of dimensions as `in1`.
    mode, method, axes, boundary, fillvalue, dtype : optional
        As for `fastconv.convolve`.
    workers : int, optional
        Threads per task (default 1: the dask scheduler runs the tasks in
        parallel).

    Returns
    -------
    dask.array.Array
        The lazy result: the shape and dtype of ``fastconv.convolve`` on the
        whole array, and its values.

    Examples
    --------
    >>> import numpy as np, dask.array as da, fastconv, fastconv.dask
    >>> a = np.arange(12.0)
    >>> lazy = fastconv.dask.convolve(da.from_array(a, chunks=5), [1.0, 2.0, 1.0],
    ...                               mode='same', boundary='wrap')
    >>> lazy.chunks
    ((5, 5, 2),)
    >>> bool(np.array_equal(lazy.compute(),
    ...                     fastconv.convolve(a, [1.0, 2.0, 1.0], 'same', boundary='wrap')))
    True
    """
    return _lazy("convolve", in1, in2, mode, method, axes, boundary, fillvalue, None,
                 dtype, workers)


def correlate(in1, in2, mode="full", method="auto", *, axes=None, boundary="fill",
              fillvalue=0, maxlag=None, dtype=None, workers=None):
    """Cross-correlate a dask array with an in-memory kernel, lazily (`fastconv.correlate`).

    Parameters
    ----------
    in1 : dask.array.Array
        The data, chunked in any way.
    in2 : array_like
        The kernel, in memory; conjugated when complex.
    mode, method, axes, boundary, fillvalue, maxlag, dtype : optional
        As for `fastconv.correlate`.
    workers : int, optional
        Threads per task (default 1).

    Returns
    -------
    dask.array.Array
        The lazy result of ``fastconv.correlate`` on the whole array.

    Examples
    --------
    >>> import numpy as np, dask.array as da, fastconv.dask
    >>> x = da.from_array(np.array([1, 2, 3, 4, 5, 6]), chunks=2)
    >>> fastconv.dask.correlate(x, [1, 2], mode='same').compute()
    array([ 2,  5,  8, 11, 14, 17])
    >>> fastconv.dask.correlate(x, [1, 2, 3], maxlag=1).compute()   # lags -1, 0, 1
    array([ 8, 14, 20])
    """
    return _lazy("correlate", in1, in2, mode, method, axes, boundary, fillvalue, maxlag,
                 dtype, workers)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, dtype=None,
               workers=None):
    """Convolve a 2-D dask array with an in-memory kernel, lazily (`fastconv.convolve2d`).

    Parameters
    ----------
    in1 : dask.array.Array
        The image, 2-D, chunked in any way.
    in2 : array_like
        The kernel, 2-D, in memory.
    mode, boundary, fillvalue, dtype : optional
        As for `fastconv.convolve2d`.
    workers : int, optional
        Threads per task (default 1).

    Returns
    -------
    dask.array.Array
        The lazy result of ``fastconv.convolve2d`` on the whole image.

    Examples
    --------
    >>> import numpy as np, dask.array as da, fastconv.dask
    >>> img = da.ones((6, 6), chunks=2, dtype=np.int64)
    >>> fastconv.dask.convolve2d(img, np.ones((3, 3), np.int64), 'same').compute()[:2]
    array([[4, 6, 6, 6, 6, 4],
           [6, 9, 9, 9, 9, 6]])
    """
    return _lazy("convolve2d", in1, in2, mode, "direct", None, boundary, fillvalue, None,
                 dtype, workers)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, dtype=None,
                workers=None):
    """Cross-correlate a 2-D dask array with an in-memory kernel, lazily
    (`fastconv.correlate2d`, with its 'same' offset).

    Parameters
    ----------
    in1 : dask.array.Array
        The image, 2-D, chunked in any way.
    in2 : array_like
        The kernel, 2-D, in memory; conjugated when complex.
    mode, boundary, fillvalue, dtype : optional
        As for `fastconv.correlate2d`.
    workers : int, optional
        Threads per task (default 1).

    Returns
    -------
    dask.array.Array
        The lazy result of ``fastconv.correlate2d`` on the whole image.

    Examples
    --------
    >>> import numpy as np, dask.array as da, fastconv.dask
    >>> img = da.from_array(np.array([[1, 2, 3, 4, 5, 6]]), chunks=(1, 4))
    >>> fastconv.dask.correlate2d(img, [[1, 2]], 'same').compute()
    array([[ 5,  8, 11, 14, 17,  6]])
    """
    return _lazy("correlate2d", in1, in2, mode, "direct", None, boundary, fillvalue, None,
                 dtype, workers)


def fftconvolve(in1, in2, mode="full", axes=None, *, dtype=None, workers=None):
    """Convolve a dask array with an in-memory kernel by FFT, lazily (`fastconv.fftconvolve`).

    Each block is transformed with its halo, so the result equals the
    whole-array FFT result to rounding.

    Parameters
    ----------
    in1 : dask.array.Array
        The data, chunked in any way.
    in2 : array_like
        The kernel, in memory.
    mode, axes, dtype : optional
        As for `fastconv.fftconvolve`.
    workers : int, optional
        Threads per task (default 1).

    Returns
    -------
    dask.array.Array
        The lazy result of ``fastconv.fftconvolve`` on the whole array.

    Examples
    --------
    >>> import numpy as np, dask.array as da, fastconv.dask
    >>> x = da.from_array(np.array([1.0, 2.0, 3.0]), chunks=2)
    >>> np.round(fastconv.dask.fftconvolve(x, [1.0, 1.0, 2.0]).compute(), 10)
    array([1., 3., 7., 7., 6.])
    """
    return _lazy("fftconvolve", in1, in2, mode, "fft", axes, dtype=dtype, workers=workers)


def oaconvolve(in1, in2, mode="full", axes=None, *, dtype=None, workers=None):
    """Convolve a dask array with an in-memory kernel by overlap-add, lazily
    (`fastconv.oaconvolve`).

    Parameters
    ----------
    in1 : dask.array.Array
        The data, chunked in any way.
    in2 : array_like
        The kernel, in memory.
    mode, axes, dtype : optional
        As for `fastconv.oaconvolve`.
    workers : int, optional
        Threads per task (default 1).

    Returns
    -------
    dask.array.Array
        The lazy result of ``fastconv.oaconvolve`` on the whole array.

    Examples
    --------
    >>> import numpy as np, dask.array as da, fastconv.dask
    >>> x = da.from_array(np.arange(1.0, 9.0), chunks=3)
    >>> np.round(fastconv.dask.oaconvolve(x, [1.0, -1.0]).compute(), 10)
    array([ 1.,  1.,  1.,  1.,  1.,  1.,  1.,  1., -8.])
    """
    return _lazy("oaconvolve", in1, in2, mode, "oa", axes, dtype=dtype, workers=workers)


from . import ndimage  # noqa: E402  (fastconv.dask.ndimage: scipy.ndimage's filters)
