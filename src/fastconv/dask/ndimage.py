"""scipy.ndimage's linear filters on dask arrays: lazy `fastconv.ndimage`.

``fastconv.dask.ndimage.<name>`` takes a dask array `input` (anything else
is converted with ``dask.array.asarray``) and the arguments of
``fastconv.ndimage.<name>`` (weights in memory; `output` a dtype, not an
array), and returns a lazy dask array with the values, shape and dtype of
``fastconv.ndimage.<name>`` on the whole array.  (The names and signatures
are scipy.ndimage's, as in ``dask_image.ndfilters``; a module of its own,
because ``fastconv.dask.convolve`` is scipy.signal's.)

How: the call is first made in memory on a stand-in of `input` (its dtype
and ndim, one sample per axis), so bad arguments raise the in-memory errors
when the call is made; that call also records every pass it runs (axis,
taps, origin, boundary; `_ndi_filters.RECORD`), which gives how far an
output reads on each side of each axis (origin shifts it: the halo is
asymmetric).  Then one task per input chunk runs the same in-memory
function on the chunk plus that halo and keeps the chunk's outputs:

* the halo is cut from the neighbouring chunks, as many as it spans
  (chunks smaller than the reach need no rechunking; `_chunked._reads`,
  `_runs`), and at the array's true edges the block ends where the array
  does, so the filter's own mode applies there and only there.  'wrap' /
  'grid-wrap' blocks hold the opposite end of the array beyond the edge,
  placed so that the block's own wrap reads it (as fastconv.dask's blocks);
  an axis read with 'wrap' by one pass and another mode by another is not
  split (each task holds that whole axis).
* block starts sit where the whole array's SIMD vectors (last axis,
  `SIMD_ALIGN`), row groups (`ROW_ALIGN`) and running-sum restarts (box
  axes, `_separable.RESTART`) start, so each output is computed by the same
  code in the same order as on the whole array: the values are
  bit-identical to ``fastconv.ndimage`` on the whole array (every filter,
  mode and dtype, 1-D to 3-D; tests/test_dask_ndimage.py).  A pass along an
  axis other than the last two runs over the flattened later axes, whose
  row tails and border columns a block lays out differently; the separable
  passes' scalar loops round as their vector loops do (csrc/fc_sep_impl.h,
  SEP_MADD), so the same taps in the same order give the same bits.
"""
import inspect

import numpy as np

from .. import ndimage as _memory
from .._chunked import SIMD_ALIGN, _reads, _runs, assemble, halo_array
from .._ndi_filters import RECORD
from .._separable import RESTART
from .._threads import set_workers

__all__ = ["correlate", "convolve", "correlate1d", "convolve1d", "uniform_filter",
           "uniform_filter1d", "gaussian_filter", "gaussian_filter1d", "sobel",
           "prewitt", "laplace", "gaussian_laplace", "gaussian_gradient_magnitude"]

# Rows the separable passes handle together (a multiple of fc_sep's SEP_R).
ROW_ALIGN = 8


def _reach(calls, ndim):
    """Per axis: (samples read before an output, after it, the boundaries
    read with, running sums on it) over the recorded calls (passes of one
    call add up; separate calls read the input side by side)."""
    before, after = [0] * ndim, [0] * ndim
    modes, box = [set() for _ in range(ndim)], [False] * ndim
    for passes in calls:
        b, a = [0] * ndim, [0] * ndim
        for axis, taps, origin, boundary, running in passes:
            centre = taps // 2 + origin
            b[axis] += centre
            a[axis] += taps - 1 - centre
            modes[axis].add(boundary)
            box[axis] |= running
        before = [max(x, y) for x, y in zip(before, b)]
        after = [max(x, y) for x, y in zip(after, a)]
    return before, after, modes, box


def _axis_blocks(n, chunks, before, after, modes, align):
    """Per chunk of an axis of length n: (its length, where its outputs start
    in the block, None, the runs the block reads, the block's length).

    The block reads positions [o0 - before, o1 + after) through `_reads`
    (wrap: the far end placed for the block's own wrap; other modes: cut at
    the array's edge, plus the sample a mirror fold reaches back to), moved
    down until position 0 of the block is a multiple of `align` of the
    whole array (its vectors, row groups, restarts start at the same
    places), and up to a multiple of `align` at the other end."""
    bounds = np.concatenate([[0], np.cumsum(chunks)]).astype(np.int64)
    if "wrap" in modes and len(modes) > 1:
        boundary = None             # two rules on one axis: the whole axis
    else:
        boundary = "wrap" if "wrap" in modes else "reflect"
    blocks = []
    for o0, o1 in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if o0 == o1:
            src, start = np.arange(o0, o1), 0
        elif boundary is None:
            src, start = np.arange(n), o0
        else:
            lo, hi = o0 - before, o1 + after
            hi = min(-(-hi // align) * align, n) if hi < n else hi
            while True:
                src, boff = _reads(lo, hi, n, boundary)
                start = boff + o0 - lo
                shift = (o0 - start) % align
                if not shift:
                    break
                lo -= shift
        blocks.append((o1 - o0, start, None, _runs(src, bounds), len(src)))
    return blocks


def _run_block(func, args, kwargs, crop, ext_shape, places, *pieces):
    """Assemble the block, filter it in memory (one thread: the scheduler
    runs the tasks in parallel) and keep its chunk's outputs."""
    x = assemble(ext_shape, places, pieces)
    with set_workers(1):
        result = func(x, *args, **kwargs)
    return np.ascontiguousarray(result[crop])


def _lazy(func, input, args, kwargs):
    import dask.array as da
    from dask.base import tokenize

    from . import as_dask

    try:
        bound = inspect.signature(func).bind(input, *args, **kwargs).arguments
    except TypeError:
        bound = {}          # (the in-memory call below raises its own error)
    if isinstance(bound.get("weights"), da.Array):
        raise TypeError("weights must be an in-memory array, not a dask array; got a "
                        f"dask array of shape {bound['weights'].shape}: call .compute() "
                        "on it first")
    output = bound.get("output")
    if isinstance(output, (np.ndarray, da.Array)) or (
            output is not None and not isinstance(output, (type, np.dtype, str))):
        raise TypeError(
            "output must be None or a dtype for a dask input (the result is a new lazy "
            f"array; write it with dask.array.store); got output of type {type(output)}")
    arr = as_dask(input, "input")
    # the in-memory call on a stand-in: its errors, its dtype, its passes
    stand_in = np.zeros(tuple(min(n, 1) for n in arr.shape), dtype=arr.dtype)
    calls = []
    token = RECORD.set(calls)
    try:
        dtype = func(stand_in, *args, **kwargs).dtype
    finally:
        RECORD.reset(token)
    if arr.size == 0:
        return da.zeros(arr.shape, dtype=dtype, chunks=arr.chunks)
    ndim = arr.ndim
    before, after, modes, box = _reach(calls, ndim)
    axes = []
    for a in range(ndim):
        # (running sums restart every RESTART samples along rows and columns
        # alike, and RESTART is a multiple of SIMD_ALIGN)
        align = RESTART if box[a] else SIMD_ALIGN if a == ndim - 1 else ROW_ALIGN
        axes.append(_axis_blocks(arr.shape[a], arr.chunks[a], before[a], after[a],
                                 modes[a], align))
    name = f"fastconv-{func.__name__}-" + tokenize(arr.name, func.__name__, args, kwargs)

    def task(blocks, ext_shape, places, keys):
        crop = tuple(slice(b[1], b[1] + b[0]) for b in blocks)
        return (_run_block, func, args, kwargs, crop, ext_shape, places) + tuple(keys)
    return halo_array(arr, axes, name, task, dtype)


_EXAMPLE_ARGS = {
    "correlate": "np.ones((3, 2)), mode='wrap'", "convolve": "np.ones((3, 3)), origin=1",
    "correlate1d": "[1.0, 2.0, 1.0], axis=0", "convolve1d": "[1.0, -1.0], mode='wrap'",
    "uniform_filter": "3, mode='constant', cval=1.0", "uniform_filter1d": "4",
    "gaussian_filter": "1.5, mode='wrap'", "gaussian_filter1d": "1.5, axis=0",
    "sobel": "axis=0", "prewitt": "", "laplace": "mode='nearest'",
    "gaussian_laplace": "1.0", "gaussian_gradient_magnitude": "1.0, mode='mirror'",
}


def _docstring(name):
    """The in-memory function's docstring, for a dask input and result."""
    doc = getattr(_memory, name).__doc__
    params = doc[doc.index("    Parameters"):doc.index("    Returns")]
    params = params.replace(
        "    input : array_like\n        The input array.",
        "    input : dask.array.Array\n        The data, chunked in any way.")
    params = params.replace(
        "    output : ndarray or dtype, optional\n"
        "        The array to write into, or the dtype of the result.",
        "    output : dtype, optional\n        The dtype of the result (not an array: the "
        "result is a new lazy\n        array; write it with ``dask.array.store``).")
    args = _EXAMPLE_ARGS[name]
    return f"""Lazy `fastconv.ndimage.{name}` of a dask array (``scipy.ndimage.{name}``).

    The values, shape and dtype of ``fastconv.ndimage.{name}`` on the whole
    array (bit for bit); any chunking; the mode applies at the array's true
    edges only.

{params}    Returns
    -------
    dask.array.Array
        The lazy result, of `input`'s shape and chunks.

    Examples
    --------
    >>> import numpy as np, dask.array as da, fastconv.ndimage, fastconv.dask.ndimage
    >>> x = da.from_array(np.arange(48.0).reshape(6, 8) ** 2 % 7, chunks=(4, 3))
    >>> lazy = fastconv.dask.ndimage.{name}(x{", " if args else ""}{args})
    >>> lazy.chunks
    ((4, 2), (3, 3, 2))
    >>> bool(np.array_equal(lazy.compute(),
    ...                     fastconv.ndimage.{name}(x.compute(){", " if args else ""}{args})))
    True
    """


def _lazy_filter(name):
    func = getattr(_memory, name)

    def lazy(input, *args, **kwargs):
        return _lazy(func, input, args, kwargs)
    lazy.__name__ = lazy.__qualname__ = name
    lazy.__module__ = __name__
    lazy.__signature__ = inspect.signature(func)
    lazy.__doc__ = _docstring(name)
    return lazy


correlate = _lazy_filter("correlate")
convolve = _lazy_filter("convolve")
correlate1d = _lazy_filter("correlate1d")
convolve1d = _lazy_filter("convolve1d")
uniform_filter = _lazy_filter("uniform_filter")
uniform_filter1d = _lazy_filter("uniform_filter1d")
gaussian_filter = _lazy_filter("gaussian_filter")
gaussian_filter1d = _lazy_filter("gaussian_filter1d")
sobel = _lazy_filter("sobel")
prewitt = _lazy_filter("prewitt")
laplace = _lazy_filter("laplace")
gaussian_laplace = _lazy_filter("gaussian_laplace")
gaussian_gradient_magnitude = _lazy_filter("gaussian_gradient_magnitude")
