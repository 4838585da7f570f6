"""fastconv: fast, scipy.signal-compatible convolution and cross-correlation.

Drop-in replacements for ``scipy.signal``'s ``convolve``, ``correlate``,
``convolve2d``, ``correlate2d``, ``fftconvolve``, ``oaconvolve``,
``choose_conv_method`` and ``correlation_lags``, on a compiled core.
"""
from ._version import __version__
from ._api import convolve, convolve2d, correlate, correlate2d
from ._fft import fftconvolve, next_fast_len, oaconvolve
from ._lags import correlation_lags
from ._method import choose_conv_method

__all__ = [
    "__version__", "convolve", "correlate", "convolve2d", "correlate2d",
    "fftconvolve", "oaconvolve", "choose_conv_method", "correlation_lags",
    "next_fast_len",
]
