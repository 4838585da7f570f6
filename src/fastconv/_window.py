"""The direct method: compute a window of the full convolution.

See _modes.py for how every mode is a window of the full convolution.
"""
import os

import numpy as np

from . import _direct, _memory
from ._direct import UNIT_MIN_COLS, UNIT_ROWS
from ._dtypes import work_dtype
from ._threads import thread_share

__all__ = ["direct_window", "BOUNDARY_CODES"]

# Codes understood by csrc/fc_boundary.h.
BOUNDARY_CODES = {"fill": 0, "wrap": 1, "symm": 2, "reflect": 3, "nearest": 4}


def _to_work(a, wd):
    """C-contiguous copy (or view) of `a` in the work dtype.

    Signed integers become the unsigned type of the same width (modular
    arithmetic without C's signed-overflow undefined behaviour): the same
    bits, so a native-order array is only viewed, not converted.  The
    result is aligned for its type (the C code reads it as such).
    """
    wd = np.dtype(wd)
    if (a.dtype.kind == "i" and wd.kind == "u" and a.dtype.itemsize == wd.itemsize
            and a.dtype.isnative):
        a = a.view(wd)
    return np.require(a.astype(wd, copy=False), requirements=["C", "A"])


def _from_work(out, result):
    if result.kind == "b":
        return out != 0
    if result.kind == "i":
        return out.view(result)
    if out.dtype != result:
        return out.astype(result)
    return out


def direct_window(x, h, starts, lengths, result, boundary="fill",
                  fillvalue=None, workers=1):
    """Window ``[starts, starts + lengths)`` of the full convolution of x and h.

    `boundary` (canonical name) says how `x` is read outside its extent, with
    `fillvalue` (a 0-d array of the result dtype, or None for 0) for 'fill'.
    Inputs are arrays of the same ndim >= 1 with no empty axis; they are
    never modified.  `workers` is the thread count asked for (see
    _threads.py).  Returns a new array of dtype `result`.
    """
    result = np.dtype(result)
    wd = work_dtype(result, h.size)
    fill = np.zeros(1, dtype=wd) if fillvalue is None else np.asarray(fillvalue).astype(wd).reshape(1)
    if boundary == "fill" and fill[0] == 0 and h.size > x.size:
        # Zero-filled convolution is commutative: let the larger array be
        # the one the fast interior loop streams over.
        x, h = h, x
    xw = _to_work(x, wd)
    kw = _to_work(h[(slice(None, None, -1),) * h.ndim], wd)
    offsets = [s - (m - 1) for s, m in zip(starts, h.shape)]
    out = _memory.empty(lengths, wd)  # the core writes every element
    if out.size:
        # The core works on planes (last two axes): give 1-D a row axis.
        pad = (1,) * max(0, 2 - out.ndim)
        with thread_share(workers, out.size * kw.size) as nthreads:
            rows, cols = _units(pad + out.shape, nthreads, kw.size)
            _direct.correlate_window(xw.reshape(-1), pad + xw.shape, kw.reshape(-1),
                                     pad + kw.shape, out.reshape(-1), pad + out.shape,
                                     (0,) * len(pad) + tuple(offsets),
                                     BOUNDARY_CODES[boundary], fill, rows, cols, nthreads,
                                     out.nbytes >= STREAM_MIN_BYTES,
                                     kw.dtype.kind not in "fc" or bool(np.isfinite(kw).all()))
    return _from_work(out, result)


# Outputs at least this big are written with streaming stores, which skip
# reading each output line into the cache before overwriting it (a third
# of the memory traffic of a small kernel) but leave the result out of
# cache: worth it only when the result would not fit there anyway (4 MiB:
# 4x a core's L2 here; 1024^2 float32 3x3 measured 1.4x faster).
STREAM_MIN_BYTES = int(os.environ.get("FASTCONV_STREAM_MIN_BYTES", 4 << 20))

# Multiply-adds per work unit: small enough for load balance between
# threads and for a prompt Ctrl-C, large enough that a unit's set-up is noise.
UNIT_MACS = 4_000_000


def _units(shape, nthreads, taps):
    """Rows x columns of one work unit for an output of `shape` (ndim >= 2).

    Units are what threads share out and where Ctrl-C is checked; they never
    change a result (each output is summed by one unit in a fixed order).
    Rows come in blocks (multiples of UNIT_ROWS = whole SIMD row blocks when
    possible); long rows, such as a 1-D signal's only row, are also split
    into column blocks.
    """
    planes = int(np.prod(shape[:-2], dtype=np.int64))
    ny, nx = shape[-2], shape[-1]
    row_macs = max(1, nx * taps)
    rows = max(1, UNIT_MACS // row_macs)
    if nthreads > 1:
        rows = min(rows, max(1, -(-ny * planes // (8 * nthreads))))
    if rows >= UNIT_ROWS:
        rows -= rows % UNIT_ROWS
    rows = min(rows, ny)
    n_units = planes * -(-ny // rows)
    pieces = -(-row_macs * rows // UNIT_MACS)
    if nthreads > 1 and n_units < 8 * nthreads:
        pieces = max(pieces, -(-8 * nthreads // n_units))
    cols = nx if pieces <= 1 else min(nx, max(UNIT_MIN_COLS, -(-nx // pieces)))
    return rows, cols
