"""Shared pytest configuration: the hypothesis profiles.

Profiles (tests/test_properties.py):

    quick  default; derandomized (same examples every run), 200 examples per test
    long   FASTCONV_HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py
           5000 random examples per test; a failure prints the seed and a
           ``@reproduce_failure`` blob (or rerun with ``--hypothesis-seed=N``)

Neither profile writes an example database into the repository.
"""
import os
import warnings

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
