"""pytest plugin: run SciPy's own ``scipy.signal`` or ``scipy.ndimage`` tests
against fastconv.

Load it with ``-p fastconv_scipy_plugin`` (this directory on ``PYTHONPATH``) when
running ``--pyargs scipy.signal.tests.test_signaltools`` (the default) or, with
``FASTCONV_SCIPY_SUITE=ndimage`` in the environment, ``--pyargs
scipy.ndimage.tests.test_filters`` (then ``scipy.ndimage.<name>`` is rebound to
``fastconv.ndimage.<name>`` for the 13 linear filters fastconv.ndimage holds).
No SciPy test code is copied: SciPy's installed test module is collected and run
as shipped; only the public names it imports are rebound.

What it does, at plugin import (before any test module is imported):

1. Rebinds ``scipy.signal.<name>`` for the 8 public functions fastconv replaces,
   so that ``from scipy.signal import convolve, ...`` and ``signal.convolve``
   in SciPy's test module resolve to fastconv (ndimage: the same for
   ``scipy.ndimage``, which SciPy's test module reads as ``ndimage.<name>``).  Each replacement is a thin
   counting wrapper around the fastconv function (``__wrapped__`` is the fastconv
   function itself), so the run can prove that fastconv was exercised.
   ``scipy.signal._signaltools.<name>`` is deliberately *not* patched: SciPy's
   test module never reads the tested functions from there, and leaving it alone
   keeps SciPy's other functions (which call those names internally) on SciPy's
   own code.
2. Registers each wrapper in ``scipy._lib._array_api.xp_capabilities_table``
   with the capabilities SciPy declares for its own function.  SciPy's
   ``@make_xp_test_case(convolve)`` decorators look the function object up in
   that table at import of the test module (a ``KeyError`` otherwise), and
   derive the array-API skip/xfail marks and the lazy-backend tags from it.

Checks (a run that silently tested SciPy instead must not pass):

* after collection, every collected test module that imported one of the names
  must hold the fastconv wrapper, not SciPy's function;
* a session whose tests pass without a single call to fastconv fails.  Call
  counts per function are printed in the terminal summary and, if
  ``FASTCONV_SCIPY_SUITE_COUNTS`` names a file, written there as JSON so the
  calling test can require that each function was exercised.
"""
import functools
import json
import os

import pytest

import fastconv
import fastconv.ndimage
import scipy.ndimage
import scipy.signal
from scipy._lib._array_api import xp_capabilities_table

# suite -> (SciPy module patched, fastconv module, the names rebound)
SUITES = {
    "signal": (scipy.signal, fastconv, (
        "convolve", "correlate", "convolve2d", "correlate2d",
        "fftconvolve", "oaconvolve", "choose_conv_method", "correlation_lags")),
    "ndimage": (scipy.ndimage, fastconv.ndimage, tuple(fastconv.ndimage.__all__)),
}
SCIPY_MODULE, OURS, NAMES = SUITES[os.environ.get("FASTCONV_SCIPY_SUITE", "signal")]

CALLS = {name: 0 for name in NAMES}
ORIGINAL = {name: getattr(SCIPY_MODULE, name) for name in NAMES}
PATCHED = {}


def _counting(name, func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        CALLS[name] += 1
        return func(*args, **kwargs)
    return wrapper


def _install():
    for name in NAMES:
        ours = getattr(OURS, name)
        wrapper = _counting(name, ours)
        # Same skip/xfail marks as SciPy's function gets on array-API backends.
        xp_capabilities_table[wrapper] = xp_capabilities_table[ORIGINAL[name]]
        setattr(SCIPY_MODULE, name, wrapper)
        PATCHED[name] = wrapper


_install()


def _first_unpatched():
    for name, wrapper in PATCHED.items():
        current = getattr(SCIPY_MODULE, name)
        if current is not wrapper or current.__wrapped__ is not getattr(OURS, name):
            return name
    return None


def pytest_report_header(config):
    return (f"fastconv {fastconv.__version__} from {os.path.dirname(fastconv.__file__)} "
            f"rebound as {SCIPY_MODULE.__name__}.{{{', '.join(NAMES)}}}")


def pytest_collection_modifyitems(session, config, items):
    bad = _first_unpatched()
    if bad:
        raise pytest.UsageError(f"{SCIPY_MODULE.__name__}.{bad} is not fastconv's")
    seen = set()
    for item in items:
        module = getattr(item, "module", None)
        if module is None or module in seen:
            continue
        seen.add(module)
        for name in NAMES:
            bound = vars(module).get(name)
            if bound is not None and bound is not PATCHED[name]:
                raise pytest.UsageError(
                    f"{module.__name__}.{name} is {bound!r}, not fastconv's "
                    f"(the test module was imported before the plugin patched "
                    f"{SCIPY_MODULE.__name__})")


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("FASTCONV_SCIPY_SUITE_COUNTS")
    if path:
        with open(path, "w") as fh:
            json.dump({"calls": CALLS,
                       "fastconv_file": os.path.realpath(fastconv.__file__)}, fh, indent=1)
    if (exitstatus == 0 and session.testscollected
            and not session.config.option.collectonly and not any(CALLS.values())):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        session.config._fastconv_uncalled = True


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tr = terminalreporter
    tr.write_sep("-", "fastconv calls from SciPy's tests")
    tr.write_line(", ".join(f"{n}={c}" for n, c in CALLS.items()))
    if getattr(config, "_fastconv_uncalled", False):
        tr.write_line("ERROR: tests passed without ever calling fastconv", red=True)
