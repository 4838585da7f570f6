"""Doctests: every public docstring example and the README's example run."""
import doctest
import pathlib

import pytest

import fastconv
from fastconv import _api, _fft, _lags, _nan, _reusable, _template, ndimage

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("module", [_api, _fft, _lags, _reusable, _nan, _template, ndimage],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0


def test_readme_example():
    if not README.exists():
        pytest.skip("README.md not found next to the tests")
    result = doctest.testfile(str(README), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4
    assert result.failed == 0


def test_every_public_function_has_an_example():
    for module in (fastconv, ndimage):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                assert obj.__doc__ and ">>>" in obj.__doc__, name


@pytest.mark.parametrize("obj", [fastconv.set_cache_limit, fastconv.show_config],
                         ids=lambda o: o.__name__)
def test_compiled_and_config_examples(obj):
    """Examples of functions doctest.testmod does not find (compiled module)."""
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    tests = finder.find(obj, obj.__name__, globs={"fastconv": fastconv})
    assert tests and tests[0].examples
    for t in tests:
        runner.run(t)
    assert runner.failures == 0
