# Type stubs for fastconv's public API (PEP 561; py.typed marks the package typed).
# Checked by `python -m mypy.stubtest fastconv` against the built package and
# by `mypy --strict tests/typing/example.py` (tools/typecheck.sh).
from contextlib import AbstractContextManager
from typing import Any, Literal, Sequence, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__version__: str
__all__ = [
    "__version__", "convolve", "correlate", "convolve2d", "correlate2d",
    "fftconvolve", "oaconvolve", "choose_conv_method", "correlation_lags",
    "next_fast_len", "set_workers", "get_workers", "show_config", "set_cache_limit",
    "ConvPlan", "sepconvolve", "sepcorrelate", "nanconvolve", "match_template",
]

_Mode = Literal["full", "valid", "same"]
_Method = Literal["auto", "direct", "fft"]
_Boundary = Literal["fill", "pad", "wrap", "circular", "symm", "symmetric",
                    "reflect", "mirror", "nearest", "edge"]
_Scalar = complex | np.number[Any] | np.bool_
_Axes = int | Sequence[int] | None

def convolve(
    in1: ArrayLike,
    in2: ArrayLike,
    mode: _Mode = "full",
    method: _Method = "auto",
    *,
    axes: _Axes = None,
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    out: NDArray[Any] | None = None,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> NDArray[Any]: ...
def nanconvolve(
    array: ArrayLike,
    kernel: ArrayLike,
    boundary: Literal["fill", "wrap", "extend"] | None = "fill",
    fill_value: float = 0.0,
    nan_treatment: Literal["interpolate", "fill"] = "interpolate",
    normalize_kernel: bool = True,
    mask: ArrayLike | None = None,
    preserve_nan: bool = False,
    normalization_zero_tol: float = 1e-8,
    *,
    method: _Method = "auto",
    workers: int | None = None,
) -> NDArray[Any]: ...
def match_template(
    image: ArrayLike,
    template: ArrayLike,
    pad_input: bool = False,
    mode: str = "constant",
    constant_values: float = 0,
    *,
    mask: ArrayLike | None = None,
    method: _Method = "auto",
    workers: int | None = None,
) -> NDArray[Any]: ...
def correlate(
    in1: ArrayLike,
    in2: ArrayLike,
    mode: _Mode = "full",
    method: _Method = "auto",
    *,
    axes: _Axes = None,
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    maxlag: int | None = None,
    out: NDArray[Any] | None = None,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> NDArray[Any]: ...
def sepconvolve(
    in1: ArrayLike,
    kernels: Sequence[ArrayLike],
    mode: _Mode = "full",
    method: _Method = "auto",
    *,
    axes: _Axes = None,
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    out: NDArray[Any] | None = None,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> NDArray[Any]: ...
def sepcorrelate(
    in1: ArrayLike,
    kernels: Sequence[ArrayLike],
    mode: _Mode = "full",
    method: _Method = "auto",
    *,
    axes: _Axes = None,
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    out: NDArray[Any] | None = None,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> NDArray[Any]: ...
def convolve2d(
    in1: ArrayLike,
    in2: ArrayLike,
    mode: _Mode = "full",
    boundary: _Boundary = "fill",
    fillvalue: _Scalar = 0,
    *,
    out: NDArray[Any] | None = None,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> NDArray[Any]: ...
def fftconvolve(
    in1: ArrayLike,
    in2: ArrayLike,
    mode: _Mode = "full",
    axes: _Axes = None,
    *,
    out: NDArray[Any] | None = None,
    dtype: DTypeLike | None = None,
    workers: int | None = None,
) -> NDArray[Any]: ...
correlate2d = convolve2d  # the same signature
oaconvolve = fftconvolve
@overload
def choose_conv_method(
    in1: ArrayLike, in2: ArrayLike, mode: _Mode = "full", measure: Literal[False] = False
) -> Literal["direct", "fft"]: ...
@overload
def choose_conv_method(
    in1: ArrayLike, in2: ArrayLike, mode: _Mode, measure: Literal[True]
) -> tuple[Literal["direct", "fft"], dict[str, float]]: ...
@overload
def choose_conv_method(
    in1: ArrayLike, in2: ArrayLike, mode: _Mode = "full", *, measure: Literal[True]
) -> tuple[Literal["direct", "fft"], dict[str, float]]: ...
def correlation_lags(
    in1_len: int, in2_len: int, mode: _Mode = "full", *, maxlag: int | None = None
) -> NDArray[np.int_]: ...
def next_fast_len(target: int, real: bool = False) -> int: ...
def set_workers(workers: int) -> AbstractContextManager[None]: ...
def get_workers() -> int: ...
def show_config() -> None: ...
def set_cache_limit(nbytes: int) -> int: ...

class ConvPlan:
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    mode: _Mode
    boundary: _Boundary
    method: str
    planner: Literal["estimate", "measure"]
    tiles: tuple[int, ...] | None
    def __init__(
        self,
        kernel: ArrayLike,
        shape: int | Sequence[int],
        dtype: DTypeLike = ...,
        mode: _Mode = "full",
        *,
        correlate: bool = False,
        method: _Method = "auto",
        axes: _Axes = None,
        boundary: _Boundary = "fill",
        fillvalue: _Scalar = 0,
        workers: int | None = None,
        planner: Literal["estimate", "measure"] = "estimate",
    ) -> None: ...
    def __call__(self, in1: NDArray[Any], out: NDArray[Any] | None = None) -> NDArray[Any]: ...
    def convolve(self, in1: NDArray[Any], out: NDArray[Any] | None = None) -> NDArray[Any]: ...
