"""Shared pytest configuration: the hypothesis profiles, and no thread
back-off (below).

Profiles (tests/test_properties.py):

    quick  default; derandomized (same examples every run), 200 examples per test
    long   FASTCONV_HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py
           5000 random examples per test; a failure prints the seed and a
           ``@reproduce_failure`` blob (or rerun with ``--hypothesis-seed=N``)

Neither profile writes an example database into the repository.
"""
import os
import warnings

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is a test extra; test_properties.py skips without it
    pass
else:
    _common = dict(deadline=None, database=None, print_blob=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    settings.register_profile("quick", max_examples=200, derandomize=True, **_common)
    settings.register_profile("long", max_examples=5000, **_common)
    settings.load_profile(os.environ.get("FASTCONV_HYPOTHESIS_PROFILE", "quick"))
    # On a failure hypothesis's pytest plugin imports its patch writer, which
    # (through libcst/mypy_extensions, when installed) raises a
    # DeprecationWarning that `filterwarnings = error` would turn into an
    # INTERNALERROR hiding the real failure.  Import it now, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import hypothesis.extra._patching  # noqa: F401
        except Exception:
            pass


@pytest.fixture(autouse=True)
def _no_thread_backoff(monkeypatch):
    """Tests see the thread counts the rules give: the back-off after a
    multi-threaded call that waited far beyond its price
    (`_threads.CONTENDED_HOLD`) is off, since a loaded test machine or a
    sanitizer build (-O0) would trigger it at random.
    test_method.py's test of the back-off turns it on."""
    from fastconv import _threads
    monkeypatch.setattr(_threads, "CONTENDED_HOLD", 0.0)
    monkeypatch.setattr(_threads, "_serial_until", 0.0)
