#!/usr/bin/env python
"""A/B timing of two builds of one SIMD micro-kernel, without Python in the
loop: for trying a change to csrc/fc_simd_impl.h (or a block shape of
csrc/fc_kernels_<isa>.c) against the current code on a loaded machine.

    python benchmarks/kernel_ab.py [--a DIR] [--b DIR] [--a-flags="-D..."]
        [--b-flags="-DFC_PFROWS=0"] [--isa avx512] [--type f64]
        [--rounds 9] CASE [CASE ...]        (CASE: NxKHxKW, e.g. 2048x9x9)

Each side's csrc/fc_kernels_<isa>.c is compiled for the type's row of
csrc/fc_types.h with setup.py's flags (-O3, the ISA's -m flags) plus its
own --X-flags (written --b-flags="-D...": a value starting with a dash
needs the =); DIR is a source tree (default: this one, so --a-flags /
--b-flags alone compare two settings of a macro; `git worktree add` or
`git archive HEAD csrc | tar -x -C DIR` gives an old tree).  The two
objects are linked into benchmarks/kernel_ab.c, which runs the band of an
N x N 'same' correlation (zero-filled edge vectors, streaming stores)
with a and b alternately, in thread CPU seconds, and prints both medians,
the median ratio a/b (> 1: b faster) with its quartiles, and how many
outputs differ in their bits (0: the change keeps the order of every sum).
float32 / float64 only; x86-64 GCC or Clang.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

ISA_FLAGS = {
    "baseline": [],
    "avx2": ["-mavx2", "-mfma", "-DFC_HAVE_AVX2=1"],
    "avx512": ["-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mfma",
               "-DFC_HAVE_AVX2=1", "-DFC_HAVE_AVX512=1"],
}
SCALAR = {"f32": "float", "f64": "double"}


def type_row(tree, tn):
    """The argument text of fc_types.h's row for type `tn` (as setup.py's
    kernel_types reads it)."""
    with open(os.path.join(tree, "csrc", "fc_types.h")) as f:
        text = f.read().split("#define FC_TYPES(X)", 1)[1]
    for m in re.finditer(r"X\(([^)]*)\)", text):
        row = " ".join(m.group(1).split())
        if row.split(",")[1].strip() == tn:
            return row
    raise SystemExit(f"no type {tn!r} in {tree}/csrc/fc_types.h")


def build(tmp, a, b, isa, tn, cc):
    objs = []
    procs = []
    for side, (tree, flags) in (("a", a), ("b", b)):
        obj = os.path.join(tmp, f"{side}.o")
        cmd = [cc, "-O3", "-g0", "-fno-math-errno", "-Wno-unused-function", "-c",
               *ISA_FLAGS[isa], f"-DFC_UNIT={type_row(tree, tn)}",
               "-I", os.path.join(tree, "csrc"), *flags,
               os.path.join(tree, "csrc", f"fc_kernels_{isa}.c"), "-o", obj]
        procs.append((subprocess.Popen(cmd), cmd))
        objs.append((obj, side))
    for p, cmd in procs:
        if p.wait():
            raise SystemExit("compile failed: " + shlex.join(cmd))
    for obj, side in objs:
        subprocess.run(["objcopy", "--redefine-sym",
                        f"fc_corr2d_valid_{tn}_{isa}=kernel_{side}", obj], check=True)
    exe = os.path.join(tmp, "kernel_ab")
    subprocess.run([cc, "-O2", f"-DS={SCALAR[tn]}", "-I", os.path.join(ROOT, "csrc"),
                    os.path.join(HERE, "kernel_ab.c"), *(o for o, _ in objs), "-o", exe, "-lm"],
                   check=True)
    return exe


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", default=ROOT, help="source tree of side a (default: this one)")
    ap.add_argument("--b", default=ROOT, help="source tree of side b (default: this one)")
    ap.add_argument("--a-flags", default="", help="extra compiler flags of side a")
    ap.add_argument("--b-flags", default="", help="extra compiler flags of side b")
    ap.add_argument("--isa", default="avx512", choices=sorted(ISA_FLAGS))
    ap.add_argument("--type", default="f64", choices=sorted(SCALAR))
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--chunk", type=int, default=96, help="rows per kernel call")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    ap.add_argument("cases", nargs="+", help="NxKHxKW")
    opts = ap.parse_args(argv)
    cases = []
    for c in opts.cases:
        m = re.fullmatch(r"(\d+)x(\d+)x(\d+)", c)
        if not m:
            ap.error(f"case {c!r}: expected NxKHxKW")
        cases.append(m.groups())
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp, (opts.a, shlex.split(opts.a_flags)), (opts.b, shlex.split(opts.b_flags)),
                    opts.isa, opts.type, opts.cc)
        print(f"{opts.type} {opts.isa}: a = {opts.a} {opts.a_flags}, b = {opts.b} {opts.b_flags}")
        for n, kh, kw in cases:
            sys.stdout.flush()
            subprocess.run([exe, n, kh, kw, str(opts.rounds), str(opts.chunk)], check=True)


if __name__ == "__main__":
    main()
