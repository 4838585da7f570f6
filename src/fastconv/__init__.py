"""fastconv: fast, scipy.signal-compatible convolution and cross-correlation.

Drop-in replacements for ``scipy.signal``'s ``convolve``, ``correlate``,
``convolve2d``, ``correlate2d``, ``fftconvolve``, ``oaconvolve``,
``choose_conv_method`` and ``correlation_lags``, on a compiled core, plus NaN-aware
convolution (``nanconvolve``, astropy semantics) and template matching
(``match_template``, scikit-image semantics).
"""
from ._version import __version__
from ._api import (choose_conv_method, convolve, convolve2d, correlate, correlate2d,
                   fftconvolve, oaconvolve)
from ._fft import next_fast_len
from ._lags import correlation_lags
from ._sepapi import sepconvolve, sepcorrelate
from ._threads import get_workers, set_workers
from ._config import show_config
from ._memory import set_cache_limit
from ._reusable import ConvPlan
from ._nan import nanconvolve
from ._template import match_template

__all__ = [
    "__version__", "convolve", "correlate", "convolve2d", "correlate2d",
    "fftconvolve", "oaconvolve", "choose_conv_method", "correlation_lags",
    "next_fast_len", "set_workers", "get_workers", "show_config", "set_cache_limit",
    "ConvPlan", "sepconvolve", "sepcorrelate", "nanconvolve", "match_template",
]

# threadpoolctl (optional): list and limit fastconv's threads (_threadpoolctl.py)
from ._threadpoolctl import register as _register_threadpoolctl

_register_threadpoolctl()
