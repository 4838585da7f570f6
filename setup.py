"""Build script for fastconv's compiled extension.

The build is portable: no -march=native and no -ffast-math.  OpenMP is used
when the compiler accepts it and the build still succeeds without it (the
Cython ``prange`` loops then run serially).

Environment switches
--------------------
FASTCONV_DEBUG=1     Cython bounds/wraparound checks back on, -O0 -g.
FASTCONV_NO_OPENMP=1 build without OpenMP even if the compiler has it.
FASTCONV_SANITIZE=1  add -fsanitize=address,undefined (implies FASTCONV_DEBUG).
"""
import os
import sys
import tempfile

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

DEBUG = os.environ.get("FASTCONV_DEBUG", "0") == "1" or os.environ.get("FASTCONV_SANITIZE", "0") == "1"
SANITIZE = os.environ.get("FASTCONV_SANITIZE", "0") == "1"
NO_OPENMP = os.environ.get("FASTCONV_NO_OPENMP", "0") == "1"


def _compiler_accepts(compiler, flags, code="int main(void){return 0;}\n", link=True):
    """Return True when `compiler` compiles (and links) `code` with `flags`."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write(code)
        try:
            objs = compiler.compile([src], output_dir=tmp, extra_postargs=flags)
            if link:
                compiler.link_executable(objs, os.path.join(tmp, "probe"), extra_postargs=flags)
        except Exception:
            return False
    return True


_OMP_PROBE = "#include <omp.h>\nint main(void){int n=0;\n#pragma omp parallel\n{n=omp_get_num_threads();}\nreturn n<0;}\n"


class BuildExt(build_ext):
    def build_extensions(self):
        cc = self.compiler
        ctype = cc.compiler_type
        compile_args, link_args = [], []
        if ctype == "msvc":
            compile_args += ["/O2"]
            if not NO_OPENMP:
                compile_args.append("/openmp")
        else:
            compile_args += ["-O0", "-g"] if DEBUG else ["-O3"]
            compile_args += ["-fno-math-errno", "-Wno-unused-function"]
            if SANITIZE:
                san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
                compile_args += san
                link_args += san
            if not NO_OPENMP and _compiler_accepts(cc, ["-fopenmp"], _OMP_PROBE):
                compile_args.append("-fopenmp")
                link_args.append("-fopenmp")
                self.announce("fastconv: building with OpenMP", level=2)
            else:
                self.announce("fastconv: building WITHOUT OpenMP (serial loops)", level=2)
        for ext in self.extensions:
            ext.extra_compile_args = list(ext.extra_compile_args or []) + compile_args
            ext.extra_link_args = list(ext.extra_link_args or []) + link_args
        super().build_extensions()


directives = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": False,
    "initializedcheck": DEBUG,
    "cdivision": True,
    "embedsignature": True,
    "freethreading_compatible": True,
}

extensions = [
    Extension(
        "fastconv._direct",
        sources=["src/fastconv/_direct.pyx"],
        include_dirs=[np.get_include(), "csrc"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
]

setup(
    ext_modules=cythonize(extensions, compiler_directives=directives,
                          compile_time_env={"FASTCONV_DEBUG": DEBUG}),
    cmdclass={"build_ext": BuildExt},
    package_dir={"": "src"},
)
