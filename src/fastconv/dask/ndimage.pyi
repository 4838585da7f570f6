# Type stubs for fastconv.dask.ndimage (fastconv.ndimage's filters on dask
# arrays: the same signatures, a dask input, a dtype output, a lazy result).
# Checked by stubtest with the package's other stubs (tools/typecheck.sh).
from typing import Any, Sequence

from dask.array import Array
from numpy.typing import ArrayLike, DTypeLike

from fastconv.ndimage import _Axes, _Cval, _Floats, _Ints, _Mode, _Modes

__all__ = ["correlate", "convolve", "correlate1d", "convolve1d", "uniform_filter",
           "uniform_filter1d", "gaussian_filter", "gaussian_filter1d", "sobel",
           "prewitt", "laplace", "gaussian_laplace", "gaussian_gradient_magnitude"]

_Input = Array | ArrayLike
_Output = DTypeLike | None

def correlate1d(input: _Input, weights: ArrayLike, axis: int = -1,
                output: _Output = None, mode: _Mode = "reflect", cval: _Cval = 0.0,
                origin: int = 0) -> Array: ...
def convolve1d(input: _Input, weights: ArrayLike, axis: int = -1,
               output: _Output = None, mode: _Mode = "reflect", cval: _Cval = 0.0,
               origin: int = 0) -> Array: ...
def uniform_filter1d(input: _Input, size: int, axis: int = -1, output: _Output = None,
                     mode: _Mode = "reflect", cval: _Cval = 0.0,
                     origin: int = 0) -> Array: ...
def gaussian_filter1d(input: _Input, sigma: float, axis: int = -1, order: int = 0,
                      output: _Output = None, mode: _Mode = "reflect", cval: _Cval = 0.0,
                      truncate: float = 4.0, *, radius: int | None = None) -> Array: ...
def gaussian_filter(input: _Input, sigma: _Floats, order: _Ints = 0,
                    output: _Output = None, mode: _Modes = "reflect", cval: _Cval = 0.0,
                    truncate: float = 4.0, *, radius: int | Sequence[int | None] | None = None,
                    axes: _Axes = None) -> Array: ...
def uniform_filter(input: _Input, size: _Ints = 3, output: _Output = None,
                   mode: _Modes = "reflect", cval: _Cval = 0.0, origin: _Ints = 0, *,
                   axes: _Axes = None) -> Array: ...
def sobel(input: _Input, axis: int = -1, output: _Output = None,
          mode: _Modes = "reflect", cval: _Cval = 0.0) -> Array: ...
def prewitt(input: _Input, axis: int = -1, output: _Output = None,
            mode: _Modes = "reflect", cval: _Cval = 0.0) -> Array: ...
def laplace(input: _Input, output: _Output = None, mode: _Modes = "reflect",
            cval: _Cval = 0.0, *, axes: _Axes = None) -> Array: ...
def gaussian_laplace(input: _Input, sigma: _Floats, output: _Output = None,
                     mode: _Modes = "reflect", cval: _Cval = 0.0, *, axes: _Axes = None,
                     **kwargs: Any) -> Array: ...
def gaussian_gradient_magnitude(input: _Input, sigma: _Floats, output: _Output = None,
                                mode: _Modes = "reflect", cval: _Cval = 0.0, *,
                                axes: _Axes = None, **kwargs: Any) -> Array: ...
def correlate(input: _Input, weights: ArrayLike, output: _Output = None,
              mode: _Mode = "reflect", cval: _Cval = 0.0, origin: _Ints = 0, *,
              axes: _Axes = None) -> Array: ...
def convolve(input: _Input, weights: ArrayLike, output: _Output = None,
             mode: _Mode = "reflect", cval: _Cval = 0.0, origin: _Ints = 0, *,
             axes: _Axes = None) -> Array: ...
