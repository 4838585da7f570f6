# Type stubs for fastconv.ndimage (scipy.ndimage's linear filters, scipy 1.17
# signatures).  Checked with the package's stubs by tools/typecheck.sh.
from typing import Any, Literal, Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = ["correlate", "convolve", "correlate1d", "convolve1d", "uniform_filter",
           "uniform_filter1d", "gaussian_filter", "gaussian_filter1d", "sobel",
           "prewitt", "laplace", "gaussian_laplace", "gaussian_gradient_magnitude"]

_Mode = Literal["reflect", "constant", "nearest", "mirror", "wrap", "grid-constant",
                "grid-mirror", "grid-wrap"]
_Modes = _Mode | Sequence[_Mode]
_Output = NDArray[Any] | DTypeLike | None
_Cval = complex | np.number[Any]
_Ints = int | Sequence[int]
_Floats = float | Sequence[float]
_Axes = int | Sequence[int] | None

def correlate1d(input: ArrayLike, weights: ArrayLike, axis: int = -1,
                output: _Output = None, mode: _Mode = "reflect", cval: _Cval = 0.0,
                origin: int = 0) -> NDArray[Any]: ...
def convolve1d(input: ArrayLike, weights: ArrayLike, axis: int = -1,
               output: _Output = None, mode: _Mode = "reflect", cval: _Cval = 0.0,
               origin: int = 0) -> NDArray[Any]: ...
def uniform_filter1d(input: ArrayLike, size: int, axis: int = -1, output: _Output = None,
                     mode: _Mode = "reflect", cval: _Cval = 0.0,
                     origin: int = 0) -> NDArray[Any]: ...
def gaussian_filter1d(input: ArrayLike, sigma: float, axis: int = -1, order: int = 0,
                      output: _Output = None, mode: _Mode = "reflect", cval: _Cval = 0.0,
                      truncate: float = 4.0, *, radius: int | None = None) -> NDArray[Any]: ...
def gaussian_filter(input: ArrayLike, sigma: _Floats, order: _Ints = 0,
                    output: _Output = None, mode: _Modes = "reflect", cval: _Cval = 0.0,
                    truncate: float = 4.0, *, radius: int | Sequence[int | None] | None = None,
                    axes: _Axes = None) -> NDArray[Any]: ...
def uniform_filter(input: ArrayLike, size: _Ints = 3, output: _Output = None,
                   mode: _Modes = "reflect", cval: _Cval = 0.0, origin: _Ints = 0, *,
                   axes: _Axes = None) -> NDArray[Any]: ...
def sobel(input: ArrayLike, axis: int = -1, output: _Output = None,
          mode: _Modes = "reflect", cval: _Cval = 0.0) -> NDArray[Any]: ...
def prewitt(input: ArrayLike, axis: int = -1, output: _Output = None,
            mode: _Modes = "reflect", cval: _Cval = 0.0) -> NDArray[Any]: ...
def laplace(input: ArrayLike, output: _Output = None, mode: _Modes = "reflect",
            cval: _Cval = 0.0, *, axes: _Axes = None) -> NDArray[Any]: ...
def gaussian_laplace(input: ArrayLike, sigma: _Floats, output: _Output = None,
                     mode: _Modes = "reflect", cval: _Cval = 0.0, *, axes: _Axes = None,
                     **kwargs: Any) -> NDArray[Any]: ...
def gaussian_gradient_magnitude(input: ArrayLike, sigma: _Floats, output: _Output = None,
                                mode: _Modes = "reflect", cval: _Cval = 0.0, *,
                                axes: _Axes = None, **kwargs: Any) -> NDArray[Any]: ...
def correlate(input: ArrayLike, weights: ArrayLike, output: _Output = None,
              mode: _Mode = "reflect", cval: _Cval = 0.0, origin: _Ints = 0, *,
              axes: _Axes = None) -> NDArray[Any]: ...
def convolve(input: ArrayLike, weights: ArrayLike, output: _Output = None,
             mode: _Mode = "reflect", cval: _Cval = 0.0, origin: _Ints = 0, *,
             axes: _Axes = None) -> NDArray[Any]: ...
