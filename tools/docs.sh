#!/usr/bin/env bash
# Build the documentation with warnings as errors, then run its examples (the
# user guide's and every docstring's) under Sphinx's doctest builder.
#   pip install ".[docs]"; tools/docs.sh      (output: docs/_build/html)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
rm -rf docs/generated
"$PY" -m sphinx -W --keep-going -q -b html docs docs/_build/html
"$PY" -m sphinx -W --keep-going -q -b doctest docs docs/_build/doctest
sed -n '/Doctest summary/,$p' docs/_build/doctest/output.txt
