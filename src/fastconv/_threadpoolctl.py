"""fastconv as a thread pool that threadpoolctl lists and limits.

``threadpoolctl.threadpool_info()`` shows an entry with
``user_api='fastconv'``, ``internal_api='fastconv'`` and ``num_threads`` =
the thread count fastconv uses by default (`fastconv.get_workers()` outside
any `set_workers` context); ``threadpool_limits(n)`` (or
``threadpool_limits(n, user_api='fastconv')``) caps that default for the
whole process until the block ends.  As with OpenMP's own limit, an explicit
``workers=`` argument or a `set_workers` context is not capped.

threadpoolctl finds a controller through a shared library loaded in the
process whose file name starts with one of its ``filename_prefixes``: here
the compiled core (``_direct``); a library of that name that is not
fastconv's own is refused (``get_version`` raises OSError, which
threadpoolctl takes as "not this library").

`register()` runs at ``import fastconv`` when threadpoolctl (>= 3.0) is
importable.  Importing threadpoolctl costs 2-9 ms (1-3% of ``import
fastconv``, measured with ``-X importtime``; numpy has loaded ctypes
already), so it is imported eagerly rather than through an import hook.
"""
import os

from . import _direct, _threads
from ._version import __version__

__all__ = ["register"]

_PACKAGE_DIR = os.path.dirname(os.path.realpath(_direct.__file__))
_PREFIX = _direct.__name__.rpartition(".")[2]  # the extension module's file name


def _make_controller(LibController):
    class FastconvController(LibController):
        user_api = "fastconv"
        internal_api = "fastconv"
        filename_prefixes = (_PREFIX,)

        def get_version(self):
            if os.path.dirname(os.path.realpath(self.filepath)) != _PACKAGE_DIR:
                raise OSError(f"{self.filepath} is not fastconv's compiled core")
            return __version__

        def set_additional_attributes(self):
            self.simd_path = _direct.isa_name()
            self.openmp = bool(_direct.openmp_info()[0])

        def get_num_threads(self):
            return _threads._default_workers()

        def set_num_threads(self, num_threads):
            _threads.set_default_limit(num_threads)

    return FastconvController


def register():
    """Register fastconv with threadpoolctl; False if it is not importable."""
    try:
        import threadpoolctl
        LibController, register_controller = threadpoolctl.LibController, threadpoolctl.register
    except (ImportError, AttributeError):  # not installed, or older than 3.0
        return False
    register_controller(_make_controller(LibController))
    return True
