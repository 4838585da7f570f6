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
import platform
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


# Instruction-set variants of the micro-kernels (compiled only into
# csrc/fc_kernels_<isa>.c objects; the rest of the build stays portable).
ISA_VARIANTS = [
    ("avx2", ["-mavx2", "-mfma"], "FC_HAVE_AVX2"),
    ("avx512", ["-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mfma"], "FC_HAVE_AVX512"),
]

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
            if ext.name == "fastconv._direct":
                self._add_isa_variants(ext, compile_args)
        super().build_extensions()

    def _add_isa_variants(self, ext, compile_args):
        """Compile csrc/fc_kernels_<isa>.c with that ISA's flags (x86-64,
        GCC/Clang) and link the objects in; fc_dispatch.c picks one at run
        time.  Without them the portable baseline is used."""
        if self.compiler.compiler_type == "msvc" or platform.machine().lower() not in ("x86_64", "amd64"):
            return
        tmp = os.path.join(self.build_temp, "isa")
        os.makedirs(tmp, exist_ok=True)
        for isa, flags, macro in ISA_VARIANTS:
            if not _compiler_accepts(self.compiler, flags, link=False):
                self.announce(f"fastconv: compiler lacks {flags}; no {isa} kernels", level=2)
                continue
            objs = self.compiler.compile([f"csrc/fc_kernels_{isa}.c"], output_dir=tmp,
                                         include_dirs=["csrc"],
                                         extra_postargs=compile_args + flags)
            ext.extra_objects = list(ext.extra_objects or []) + objs
            ext.define_macros = list(ext.define_macros or []) + [(macro, "1")]


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
        sources=["src/fastconv/_direct.pyx", "csrc/fc_dispatch.c",
                 "csrc/fc_kernels_baseline.c"],
        include_dirs=[np.get_include(), "csrc"],
        depends=["csrc/fc_boundary.h", "csrc/fc_kernels.h", "csrc/fc_simd_impl.h", "csrc/fc_simd_all.h",
                 "csrc/fc_kernels_avx2.c", "csrc/fc_kernels_avx512.c"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    Extension(
        "fastconv._memory",
        sources=["src/fastconv/_memory.pyx", "csrc/fc_pool.c"],
        include_dirs=[np.get_include(), "csrc"],
        depends=["csrc/fc_pool.h"],
        # NumPy's memory-handler API (NEP 49) is in NumPy >= 1.22.
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                       ("NPY_TARGET_VERSION", "NPY_1_25_API_VERSION")],
    ),
    Extension(
        "fastconv._fftcore",
        # the AVX2/AVX-512 files select their instruction set with a target
        # pragma (x86-64 GCC/Clang), so no special flags are needed here
        sources=["src/fastconv/_fftcore.pyx", "csrc/fc_fft.c", "csrc/fc_fft_baseline.c",
                 "csrc/fc_fft_avx2.c", "csrc/fc_fft_avx512.c"],
        include_dirs=[np.get_include(), "csrc"],
        depends=["csrc/fc_fft.h", "csrc/fc_fft_all.h", "csrc/fc_fft_impl.h"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
]

setup(
    ext_modules=cythonize(extensions, compiler_directives=directives,
                          compile_time_env={"FASTCONV_DEBUG": DEBUG}),
    cmdclass={"build_ext": BuildExt},
    package_dir={"": "src"},
)
