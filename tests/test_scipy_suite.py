"""SciPy's own tests for the functions fastconv replaces, run against fastconv.

No SciPy test code lives in this repository.  Each test here starts a separate
``python -m pytest --pyargs scipy.signal.tests.test_signaltools`` with the plugin
``tests/scipy_suite/fastconv_scipy_plugin.py``, which rebinds
``scipy.signal.{convolve, correlate, convolve2d, correlate2d, fftconvolve,
oaconvolve, choose_conv_method, correlation_lags}`` to fastconv's before SciPy's
test module is imported, and counts the calls SciPy's tests make to them.

Conditions of the SciPy run (a separate process with its own configuration):

* ``-c tests/scipy_suite/scipy_pytest.ini``: our pyproject settings (testpaths,
  ``--strict-markers``) are not applied; that file states SciPy's own CI
  conditions (every warning an error, SciPy's markers registered).
* ``--rootdir=<site-packages>``: node ids read ``scipy/signal/tests/...``, as
  in SciPy's own runs; ``--deselect`` below uses that form.  SciPy's
  ``scipy/conftest.py`` (the ``xp`` fixture, numpy backend only) is loaded.
* ``-p no:cacheprovider`` and ``PYTHONDONTWRITEBYTECODE=1``: nothing is written
  into site-packages.  ``SCIPY_ARRAY_API`` is removed from the environment:
  fastconv is for NumPy arrays, so only the ``numpy`` backend is run.
* ``-X dev`` when this suite itself runs under ``python -X dev``.

The same harness runs scipy.ndimage's ``tests/test_filters.py`` against
``fastconv.ndimage`` (``FASTCONV_SCIPY_SUITE=ndimage``: the plugin rebinds
``scipy.ndimage.<name>`` for the 13 linear filters; ``test_scipy_ndimage_filters_suite``).

Tests of SciPy's that fastconv currently fails because of a fastconv bug are
not hidden: they are deselected from the main run and run on their own in
``test_scipy_known_fastconv_bugs``, a strict xfail that turns into a failure
as soon as the bug is fixed (then drop the entry from ``KNOWN_BUGS``).
"""
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

scipy = pytest.importorskip("scipy")
if importlib.util.find_spec("scipy.signal.tests.test_signaltools") is None:
    pytest.skip("this scipy installation ships without its tests", allow_module_level=True)

import fastconv  # noqa: E402
from helpers import child_env  # noqa: E402

HERE = Path(__file__).resolve().parent
PLUGIN_DIR = HERE / "scipy_suite"
PLUGIN = "fastconv_scipy_plugin"
INI = PLUGIN_DIR / "scipy_pytest.ini"
MODULE = "scipy.signal.tests.test_signaltools"
NODE = "scipy/signal/tests/test_signaltools.py::"   # node-id prefix under --rootdir
SITE = Path(scipy.__file__).resolve().parent.parent
PATCHED = ("convolve", "correlate", "convolve2d", "correlate2d",
           "fftconvolve", "oaconvolve", "choose_conv_method", "correlation_lags")

# SciPy's tests of the eight functions (-k matches case-insensitive substrings of
# class/function names: "TestConvolve" also selects TestConvolve2d, "TestCorrelate"
# selects TestCorrelateReal/TestCorrelate/TestCorrelateComplex/TestCorrelate2d,
# "test_correlation_lags" also test_correlation_lags_invalid_mode and
# "test_choose_conv_method" also test_choose_conv_method_2).
SELECTION = " or ".join([
    "TestConvolve", "TestFFTConvolve", "TestOAConvolve", "TestAllFreqConvolves",
    "TestCorrelate", "test_correlation_lags", "test_choose_conv_method",
    "test_convolve_longdtype_input",
])

# SciPy tests left out because they inspect SciPy internals or check behaviour that
# fastconv deliberately changes.  None is needed with scipy 1.17.1; notes on the
# ones that run although they touch internals:
# * TestOAConvolve::test_{1d,2d}_{noaxes,axes} monkeypatch
#   scipy.signal._signaltools.fftconvolve to make a fallback of oaconvolve to
#   fftconvolve raise.  fastconv never reads that name, so that part is a no-op;
#   the value checks (oaconvolve against fftconvolve, both fastconv's) still run.
# * The deliberate differences (bool with method='fft' exact, correlate2d complex
#   'valid' with swapped inputs, 'same' with broadcast axes, correlation_lags
#   'same' for odd/even sizes, empty inputs, float16/bool in N-D/2-D) are not
#   reached by these tests: e.g. test_correlation_lags only pairs sizes of equal
#   parity, fftconvolve's test_empty only uses 1-D inputs.
DESELECT = {
}

# SciPy tests that fail because fastconv is wrong; each runs as a strict xfail.
KNOWN_BUGS = {}

MIN_PASSED_FAST = 1300    # 1375 with scipy 1.17.1
MIN_PASSED_SLOW = 10000   # 10347 with scipy 1.17.1


# scipy.ndimage's test_filters.py: the tests of the 13 functions of
# fastconv.ndimage (-k substrings of test names; the class TestNdimageFilters
# also holds rank/min/max tests, which this leaves out; test_filter_axes and
# test_filter_axes_kwargs are parametrized over min/max/median filters too,
# whose cases run SciPy's own functions).
NDIMAGE_MODULE = "scipy.ndimage.tests.test_filters"
NDIMAGE_NODE = "scipy/ndimage/tests/test_filters.py::"
NDIMAGE_SELECTION = " or ".join([
    "correlate", "convolve", "gauss", "prewitt", "sobel", "laplace", "gradient_magnitude",
    "uniform", "extend", "filter_axes", "filter_weights_subset_axes_origins",
    "filter_invalid", "filter_tuple_length_mismatch", "valid_origins", "multiple_modes",
])
# Selected by the keywords above but left out, with the reason:
NDIMAGE_DESELECT = {
    "test_gaussian_kernel1d":
        "tests SciPy's private scipy.ndimage._filters._gaussian_kernel1d (never "
        "calls fastconv; fastconv's Gaussian kernels are compared through "
        "gaussian_filter1d in test_ndimage.py)",
}
NDIMAGE_MIN_PASSED = 2000   # 2091 with scipy 1.17.1


def _run_scipy_tests(tmp_path, *args, suite="signal"):
    counts_file = tmp_path / "fastconv_calls.json"
    env = child_env(PLUGIN_DIR, PYTHONDONTWRITEBYTECODE="1",
                    FASTCONV_SCIPY_SUITE_COUNTS=str(counts_file),
                    FASTCONV_SCIPY_SUITE=suite)
    env.pop("SCIPY_ARRAY_API", None)
    cmd = [sys.executable, *(["-X", "dev"] if sys.flags.dev_mode else []),
           "-m", "pytest", "-p", PLUGIN, "-c", str(INI), f"--rootdir={SITE}",
           "-p", "no:cacheprovider", "-q", "-rfE", "--tb=short", *args]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=900)
    output = proc.stdout + proc.stderr
    summary = {k: int(n) for n, k in re.findall(
        r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)",
        output.strip().splitlines()[-1] if output.strip() else "")}
    calls = json.loads(counts_file.read_text()) if counts_file.exists() else None
    return proc.returncode, summary, calls, output


def _check_fastconv_ran(calls, output, names=PATCHED):
    assert calls is not None, "the plugin did not run:\n" + output[-3000:]
    assert calls["fastconv_file"] == str(Path(fastconv.__file__).resolve()), calls
    uncalled = [name for name in names if calls["calls"][name] == 0]
    assert not uncalled, f"scipy's tests never called fastconv's {uncalled}"


def _main_args(marks):
    deselect = [a for node in [*DESELECT, *KNOWN_BUGS] for a in ("--deselect", NODE + node)]
    return ["--pyargs", MODULE, "-k", SELECTION, "-m", marks, *deselect]


def test_scipy_signaltools_suite(tmp_path):
    code, summary, calls, output = _run_scipy_tests(tmp_path, *_main_args("not slow"))
    assert code == 0, output[-6000:]
    assert summary.get("passed", 0) >= MIN_PASSED_FAST, output[-3000:]
    _check_fastconv_ran(calls, output)


@pytest.mark.slow
def test_scipy_signaltools_suite_slow(tmp_path):
    code, summary, calls, output = _run_scipy_tests(tmp_path, *_main_args("slow"))
    assert code == 0, output[-6000:]
    assert summary.get("passed", 0) >= MIN_PASSED_SLOW, output[-3000:]
    assert calls is not None and sum(calls["calls"].values()) > 0, output[-3000:]


@pytest.mark.parametrize("node", [
    pytest.param(node, id=node, marks=pytest.mark.xfail(
        reason=reason, strict=True, raises=AssertionError))
    for node, reason in KNOWN_BUGS.items()])
def test_scipy_known_fastconv_bugs(node, tmp_path):
    code, summary, calls, output = _run_scipy_tests(tmp_path, "--pyargs", f"{MODULE}::{node}")
    # A broken harness must fail here, not count as the expected failure.
    if calls is None or not any(calls["calls"].values()) or code not in (0, 1):
        raise RuntimeError("the SciPy run did not exercise fastconv:\n" + output[-3000:])
    assert code == 0 and summary.get("passed", 0) >= 1, output[-3000:]


def test_scipy_ndimage_filters_suite(tmp_path):
    import fastconv.ndimage
    deselect = [a for node in NDIMAGE_DESELECT for a in ("--deselect", NDIMAGE_NODE + node)]
    code, summary, calls, output = _run_scipy_tests(
        tmp_path, "--pyargs", NDIMAGE_MODULE, "-k", NDIMAGE_SELECTION, "-m", "not slow",
        *deselect, suite="ndimage")
    assert code == 0, output[-6000:]
    assert summary.get("passed", 0) >= NDIMAGE_MIN_PASSED, output[-3000:]
    _check_fastconv_ran(calls, output, fastconv.ndimage.__all__)
