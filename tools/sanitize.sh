#!/usr/bin/env bash
# Build fastconv with AddressSanitizer + UndefinedBehaviorSanitizer and
# Cython's bounds checks, in a scratch copy of the repository, and run the
# test suite under it.
#
# Usage (from anywhere):
#     tools/sanitize.sh                     # default test selection, below
#     tools/sanitize.sh tests/test_direct.py -k convolve2d   # any pytest args
#
# Environment:
#     SANITIZE_DIR=/path   build there (default: a new mktemp -d directory,
#                          removed at the end unless KEEP=1)
#     KEEP=1               keep the build directory
#     PYTHON=python3       interpreter to build and test with (default: python)
#     ISAS="baseline avx2 avx512"  micro-kernel paths to run the suite on
#                          (FASTCONV_ISA); default: every one this CPU has
#
# What it does
#  1. Copies the tracked and untracked-but-not-ignored files of the repo
#     (no build/, no *.so, no generated src/fastconv/*.c, so Cython
#     regenerates the C with the debug directives) to the build directory.
#     The working tree in the repo is not touched.
#  2. Builds in place *in that copy* with FASTCONV_SANITIZE=1, which setup.py
#     turns into: -fsanitize=address,undefined -fno-omit-frame-pointer, -O0 -g,
#     Cython boundscheck=True and initializedcheck=True (FASTCONV_DEBUG).
#  3. Runs pytest from the copy with
#       LD_PRELOAD=$(gcc -print-file-name=libasan.so)  the interpreter is not
#           instrumented, so the ASan runtime must be loaded first;
#       PYTHONMALLOC=malloc  Python objects go through ASan's malloc too;
#       ASAN_OPTIONS=detect_leaks=0  CPython intentionally does not free
#           everything at exit (interned strings, static types, module
#           state), so LeakSanitizer would report thousands of "leaks" that
#           are not fastconv's; leaks are checked by tests/test_memory.py
#           instead (RSS over 100,000 calls);
#         allocator_may_return_null=1  the bad-input catalogue asks for
#           absurd sizes and expects MemoryError, not an ASan abort;
#       UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1  the first UB report
#           fails the run, with a stack.
#     Default selection: everything except tests marked slow, and except
#     tests/test_memory.py (RSS/peak bounds are meaningless with ASan's
#     shadow memory and quarantine), tests/test_scipy_suite.py (scipy's
#     own suites: long, and they exercise the same paths as test_direct.py
#     and test_ndimage.py) and tests/test_dask.py (a cluster of worker
#     processes; its blocks run the same core as test_direct.py).
#     It runs once per ISA in $ISAS (FASTCONV_ISA=...): in full for the
#     first, then only the tests of the code FASTCONV_ISA switches (the
#     direct, FFT, separable and NaN-unit kernels): test_direct.py,
#     test_options.py (the dtype= conversions, batching, maxlag),
#     test_fftcore.py, test_separable.py, test_nanconvolve.py and
#     test_wide.py (AVX-512's lane segments).  (test_properties.py's random
#     shapes run in the full run; test_direct.py's
#     test_every_simd_path_matches_reference runs every ISA in each run.)
#     The full run is the first ISA's (baseline) because a -O0 build's
#     vector loops round a*b+c twice where their -O3 build fuses it: the
#     tests that compare the bits of differently cut work (dask blocks
#     against the whole array) hold at -O0 only for the scalar code.
#     OMP_WAIT_POLICY=passive (unless set): threads done with their work
#     sleep instead of spinning, which on a loaded or oversubscribed CI
#     machine keeps the spinning from taking the CPU of the threads still
#     working (results do not depend on it).
#
# Exit status: 0 when every run passed with no sanitizer report.
set -euo pipefail

PYTHON=${PYTHON:-python}
CC=${CC:-gcc}
export CC
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

LIBASAN=$("$CC" -print-file-name=libasan.so)
if [[ "$LIBASAN" != /* || ! -e "$LIBASAN" ]]; then
    echo "sanitize.sh: $CC has no libasan.so (got '$LIBASAN'); install libasan / gcc" >&2
    exit 2
fi

if [[ -n "${SANITIZE_DIR:-}" ]]; then
    WORK=$SANITIZE_DIR
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/fastconv-sanitize.XXXXXX")
    if [[ "${KEEP:-0}" != 1 ]]; then
        trap 'rm -rf "$WORK"' EXIT
    fi
fi
echo "== sanitize build dir: $WORK"

# 1. copy the sources (tracked + untracked, not ignored; works outside git too)
if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
        tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | (cd "$WORK" && tar -xf -)
else
    (cd "$REPO" && tar --exclude=build --exclude='*.so' --exclude='.git' -cf - .) |
        (cd "$WORK" && tar -xf -)
fi
rm -rf "$WORK/build" "$WORK"/src/fastconv/*.so "$WORK"/src/fastconv/_direct.c

# 2. build (sanitizers + bounds checks) in the copy
echo "== building with FASTCONV_SANITIZE=1 (CC=$CC)"
(cd "$WORK" && FASTCONV_SANITIZE=1 "$PYTHON" setup.py build_ext --inplace) \
    > "$WORK/build.log" 2>&1 || { tail -50 "$WORK/build.log"; exit 1; }
grep -q -- "-fsanitize=address,undefined" "$WORK/build.log" ||
    echo "sanitize.sh: warning: -fsanitize not seen in the build log" >&2

# 3. run the tests under the sanitizers
export LD_PRELOAD="$LIBASAN"
export PYTHONMALLOC=malloc
REPORTS="$WORK/sanitizer-reports"
mkdir -p "$REPORTS"
# log_path: reports (also from child processes whose stderr a test captures)
# go to $REPORTS/<tool>.<pid>, listed and printed at the end.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:log_path=$REPORTS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:abort_on_error=1:log_path=$REPORTS/ubsan"
export PYTHONPATH="$WORK/src"
export PYTHONFAULTHANDLER=1

cd "$WORK"
# the build really is sanitized and bounds-checked
"$PYTHON" - <<'EOF'
import fastconv, fastconv._direct as d
print("== fastconv from", fastconv.__file__)
print("== ISA available:", d.isa_available(), "OpenMP:", d.openmp_info())
EOF
syms=$(nm -D src/fastconv/_direct*.so)
grep -q __asan_ <<<"$syms" || { echo "not ASan-instrumented" >&2; exit 1; }
grep -q __ubsan_ <<<"$syms" || { echo "not UBSan-instrumented" >&2; exit 1; }
grep -q __Pyx_RaiseBufferIndexError src/fastconv/_direct.c ||
    echo "sanitize.sh: warning: Cython bounds checks not found in _direct.c" >&2

if [[ -z "${ISAS:-}" ]]; then
    ISAS=$("$PYTHON" -c "import fastconv._direct as d; print(' '.join(d.isa_available()))")
fi

export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
status=0
first=1
for isa in $ISAS; do
    if [[ $# -gt 0 ]]; then
        args=("$@")
    elif [[ $first == 1 ]]; then
        args=(tests -m "not slow" --ignore=tests/test_memory.py --ignore=tests/test_scipy_suite.py
              --ignore=tests/test_dask.py)
    else
        args=(tests/test_direct.py tests/test_options.py tests/test_fftcore.py
              tests/test_separable.py tests/test_nanconvolve.py tests/test_wide.py -m "not slow")
    fi
    first=0
    echo "== FASTCONV_ISA=$isa pytest ${args[*]}"
    start=$(date +%s)
    rc=0
    FASTCONV_ISA=$isa "$PYTHON" -m pytest -q -p no:cacheprovider "${args[@]}" || rc=$?
    echo "== FASTCONV_ISA=$isa: pytest exit $rc after $(( $(date +%s) - start )) s" \
         "(1 = test failures; 134 = aborted, see the sanitizer reports)"
    [[ $rc == 0 ]] || status=1
done

shopt -s nullglob
reports=("$REPORTS"/*)
if (( ${#reports[@]} )); then
    echo "== SANITIZER REPORTS (${#reports[@]} files):"
    for f in "${reports[@]}"; do echo "---- $f"; cat "$f"; done
    exit 3
fi
echo "== no AddressSanitizer / UBSan report"
exit $status
