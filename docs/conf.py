"""Sphinx configuration for fastconv's documentation.

    pip install ".[docs]"
    sphinx-build -W --keep-going -b html docs docs/_build/html       # the site
    sphinx-build -W --keep-going -b doctest docs docs/_build/doctest # run its examples

(tools/docs.sh runs both; CI runs it.)  The API pages are generated from the
docstrings of the installed (or PYTHONPATH) fastconv by autosummary.
"""
import fastconv

project = "fastconv"
author = "the fastconv developers"
copyright = "2026, the fastconv developers"
release = fastconv.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
]
autosummary_generate = True
autodoc_typehints = "none"  # the signatures are scipy's; types live in the stubs
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
# every parameter documented (PR01), no unknown ones (PR02), a Returns section
# (RT01) and an example (EX01) in each public docstring; with -W they fail the build
numpydoc_validation_checks = {"PR01", "PR02", "RT01", "EX01"}
# run every >>> block (user guide and docstrings) under the doctest builder
doctest_global_setup = "import numpy as np\nimport fastconv"
import doctest  # noqa: E402

doctest_default_flags = (doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
                         | doctest.IGNORE_EXCEPTION_DETAIL | doctest.DONT_ACCEPT_TRUE_FOR_1)
exclude_patterns = ["_build", "generated/*.rst~"]
templates_path = []
html_theme = "alabaster"
html_static_path = ["_static"]
html_title = f"fastconv {release}"
