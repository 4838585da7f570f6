"""Build and run-time configuration report."""
import platform
import sys

import numpy as np

from . import _direct, _fftcore, _memory, _method
from ._threads import available_cpus, get_workers
from ._version import __version__

__all__ = ["show_config", "config"]


def config():
    """The configuration as a dict (see `show_config`)."""
    has_openmp, omp_max = _direct.openmp_info()
    return {
        "fastconv": __version__,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "machine": platform.machine(),
        "simd_path": _direct.isa_name(),
        "simd_paths_available": _direct.isa_available(),
        "openmp": has_openmp,
        "omp_max_threads": omp_max,
        "cpus_available": available_cpus(),
        "default_workers": get_workers(),
        "result_cache_limit_mb": _memory.cache_info()["limit"] / (1 << 20),
        "fft_tile_l2_kib": _fftcore.l2_bytes() >> 10,
        "method_prices": _method.PRICES,
    }


def show_config():
    """Print the build, the SIMD path in use, OpenMP, the thread count and
    the L2 cache size the FFT engine sizes its tiles for.

    The SIMD path is chosen at import from what the CPU supports; set the
    environment variable ``FASTCONV_ISA`` to ``baseline``, ``avx2`` or
    ``avx512`` before importing fastconv to force one (an unsupported choice
    falls back to the best supported path).  ``FASTCONV_L2_BYTES`` (bytes,
    or with a K or M suffix) sets the L2 size the FFT engine's tiles are
    sized for instead of the machine's.  ``method_prices`` names the cost
    model's table in use for method='auto' (``generic``, or the CPU's own
    overrides; ``FASTCONV_PRICES=generic`` keeps the generic one).

    Examples
    --------
    >>> import fastconv
    >>> fastconv.show_config()  # doctest: +ELLIPSIS
    fastconv ...
    """
    for key, value in config().items():
        if isinstance(value, list):
            value = ", ".join(value)
        print(f"{key:22s} {value}")
