"""Result arrays backed by a small cache of large buffers (csrc/fc_pool.h).

``empty(shape, dtype)`` is ``numpy.empty`` whose buffer, when large, comes
from (and on release returns to) fastconv's cache through NumPy's
memory-handler interface (NEP 49): the array owns its data as usual
(``flags.owndata``, ``base is None``, resizable), tracemalloc still sees it,
and repeated calls of one size reuse pages already mapped instead of
faulting in and zeroing fresh ones.  The buffer is 64-byte aligned.  The
FFT engine takes its work blocks through the same handler (``handler()``).
"""
import numpy as np

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_New

cnp.import_array()

cdef extern from "fc_pool.h" nogil:
    size_t FC_POOL_MIN_BYTES
    void fc_pool_init()
    size_t fc_pool_set_limit(size_t limit)
    void fc_pool_stats(size_t* limit, size_t* nbytes, int* count)

cdef extern from *:
    """
    static PyDataMem_Handler fc_pool_handler = {
        "fastconv_cache", 1,
        {NULL, fc_pool_malloc, fc_pool_calloc, fc_pool_realloc, fc_pool_free}};
    static void *fc_pool_handler_address(void) { return &fc_pool_handler; }
    """
    void* fc_pool_handler_address()

cdef extern from "numpy/arrayobject.h":
    object _set_handler "PyDataMem_SetHandler"(object handler)

# NumPy keeps a reference to the handler capsule in every array it
# allocated, so the capsule lives as long as they do.
cdef object _handler = PyCapsule_New(fc_pool_handler_address(), "mem_handler", NULL)

fc_pool_init()
MIN_BYTES = FC_POOL_MIN_BYTES


def handler():
    """The cache's NumPy memory handler (a "mem_handler" capsule, NEP 49):
    the FFT engine takes its work blocks through it (_fftcore)."""
    return _handler


def cache_info():
    """{'limit': bytes, 'cached_bytes': bytes, 'cached_buffers': n}."""
    cdef size_t limit, nbytes
    cdef int count
    fc_pool_stats(&limit, &nbytes, &count)
    return {"limit": limit, "cached_bytes": nbytes, "cached_buffers": count}


cdef size_t _limit():
    cdef size_t limit, nbytes
    cdef int count
    fc_pool_stats(&limit, &nbytes, &count)
    return limit


DEFAULT_LIMIT = _limit()


def empty(shape, dtype):
    """``numpy.empty(shape, dtype)``, large buffers from the cache."""
    dtype = np.dtype(dtype)
    n = dtype.itemsize
    for s in shape:
        n *= s
    if n < FC_POOL_MIN_BYTES or _limit() == 0:
        return np.empty(shape, dtype=dtype)
    old = _set_handler(_handler)
    try:
        return np.empty(shape, dtype=dtype)
    finally:
        _set_handler(old)


def set_cache_limit(nbytes):
    """Set how many bytes of freed result buffers fastconv keeps for reuse.

    Results of 1 MiB or more come from a cache of freed result buffers
    (at most 8 buffers, at most `nbytes` bytes; 256 MiB unless the
    environment variable ``FASTCONV_CACHE_MB`` says otherwise when fastconv
    is imported), and so do the FFT method's work buffers.  Repeated calls
    of one size then reuse memory whose pages are already mapped: a fresh
    32 MiB buffer costs about 2.5 ms of page faults and zeroing on first
    write, a third of a 2048x2048 float64 5x5 convolution.  The arrays are ordinary NumPy arrays that own their data;
    only their buffer's origin differs.  ``set_cache_limit(0)`` turns the
    cache off and releases what it holds.

    Parameters
    ----------
    nbytes : int
        The most bytes of freed buffers kept (0: no cache).

    Returns
    -------
    int
        The previous limit.

    Examples
    --------
    >>> import fastconv
    >>> old = fastconv.set_cache_limit(0)      # release and disable
    >>> fastconv.set_cache_limit(old)           # back on
    0
    """
    if isinstance(nbytes, bool) or not hasattr(nbytes, "__index__"):
        raise TypeError(f"nbytes must be an integer, got {nbytes!r}")
    nbytes = nbytes.__index__()
    if nbytes < 0:
        raise ValueError(f"nbytes must be >= 0, got {nbytes}")
    return fc_pool_set_limit(min(nbytes, <size_t>-1))


def _limit_from_env():
    import os
    import warnings
    text = os.environ.get("FASTCONV_CACHE_MB")
    if text is None:
        return
    try:
        mb = float(text)
        if not 0 <= mb < 2.0**40:   # also refuses nan and inf
            raise ValueError
    except ValueError:
        warnings.warn(f"FASTCONV_CACHE_MB={text!r} is not a size in MiB >= 0; "
                      f"keeping the default ({DEFAULT_LIMIT >> 20} MiB)", RuntimeWarning)
        return
    set_cache_limit(int(mb * (1 << 20)))


_limit_from_env()
