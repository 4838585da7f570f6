#!/usr/bin/env bash
# Type checks of fastconv's stubs (src/fastconv/__init__.pyi, py.typed):
#   1. mypy --strict accepts the typed example tests/typing/example.py;
#   2. mypy rejects wrong calls (tests/typing/rejected.py: each line marked
#      "# E" must give an error, so the stubs are really in use);
#   3. stubtest: the stubs match the importable fastconv (no allowlist).
# Uses the fastconv that `python -c "import fastconv"` finds (installed, or
# PYTHONPATH=src after `python setup.py build_ext --inplace`).
#   pip install ".[typing]"; tools/typecheck.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
root=$("$PY" -c 'import fastconv, os; print(os.path.dirname(os.path.dirname(os.path.abspath(fastconv.__file__))))')
case "$root" in  # mypy finds an installed package itself, and refuses site-packages in MYPYPATH
    *site-packages*|*dist-packages*) ;;
    *) export MYPYPATH="$root" ;;
esac
cache=$(mktemp -d "${TMPDIR:-/tmp}/fastconv-mypy.XXXXXX")
trap 'rm -rf "$cache"' EXIT

echo "== mypy --strict tests/typing/example.py"
"$PY" -m mypy --strict --cache-dir "$cache" tests/typing/example.py

echo "== mypy tests/typing/rejected.py (every '# E' line must be an error)"
out=$("$PY" -m mypy --strict --cache-dir "$cache" tests/typing/rejected.py 2>&1 || true)
want=$(grep -n '# E$' tests/typing/rejected.py | cut -d: -f1 | sort -n | uniq)
got=$(printf '%s\n' "$out" | sed -n 's/^tests\/typing\/rejected.py:\([0-9]*\): error.*/\1/p' | sort -n | uniq)
if [ "$want" != "$got" ]; then
    printf '%s\n' "$out"
    echo "FAIL: error lines $(echo $got) but the marked lines are $(echo $want)"
    exit 1
fi
echo "ok: $(echo "$want" | wc -l) wrong calls rejected"

echo "== stubtest fastconv"
# The stub alone on MYPYPATH (copied from the package python imports): stubtest
# then compares the public API only, not the unannotated private modules.
pkg=$("$PY" -c 'import fastconv, os; print(os.path.dirname(os.path.abspath(fastconv.__file__)))')
mkdir "$cache/stubs" "$cache/stubs/fastconv" "$cache/stubs/fastconv/dask"
cp "$pkg"/*.pyi "$pkg/py.typed" "$cache/stubs/fastconv/"
cp "$pkg"/dask/*.pyi "$cache/stubs/fastconv/dask/"
MYPYPATH="$cache/stubs" "$PY" -m mypy.stubtest fastconv
