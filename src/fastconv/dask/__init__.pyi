# Type stubs for fastconv.dask (lazy convolution of dask arrays); checked by
# stubtest with the package's other stubs (tools/typecheck.sh).
from typing import Sequence

from dask.array import Array
from numpy.typing import ArrayLike, DTypeLike

from fastconv import _Axes, _Boundary, _Method, _Mode, _Scalar
from fastconv.dask import ndimage as ndimage

__all__ = ["convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve",
           "oaconvolve"]

_In1 = Array | ArrayLike

def convolve(
    in1: _In1,
    in2: ArrayLike,
    mode: _Mode = "full",
    method: _Method = "auto",
    *,
    axes: _Axes = None,
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> Array: ...
def correlate(
    in1: _In1,
    in2: ArrayLike,
    mode: _Mode = "full",
    method: _Method = "auto",
    *,
    axes: _Axes = None,
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    maxlag: int | Sequence[int] | None = None,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> Array: ...
def convolve2d(
    in1: _In1,
    in2: ArrayLike,
    mode: _Mode = "full",
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    *,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> Array: ...
def correlate2d(
    in1: _In1,
    in2: ArrayLike,
    mode: _Mode = "full",
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    *,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> Array: ...
def fftconvolve(
    in1: _In1,
    in2: ArrayLike,
    mode: _Mode = "full",
    axes: _Axes = None,
    *,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> Array: ...
def oaconvolve(
    in1: _In1,
    in2: ArrayLike,
    mode: _Mode = "full",
    axes: _Axes = None,
    *,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> Array: ...
