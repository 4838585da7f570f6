"""Build script for fastconv's compiled extension.

The build is portable: no -march=native and no -ffast-math.  OpenMP is used
when the compiler accepts it and the build still succeeds without it (the
Cython ``prange`` loops then run serially).

Release builds carry no debug information (-g0 after Python's own CFLAGS,
which bring -g, and the extension stripped at link on Linux).

The micro-kernels are compiled once per instruction set and element type
(csrc/fc_types.h lists the types; csrc/fc_kernels_<isa>.c is compiled with
-DFC_UNIT=<a row>), and every C file of every extension goes to a pool of
compiler processes (setuptools' -j only builds extensions side by side),
the longest first.  The Cython modules are translated to C inside that pool
(one at a time, while the compilers run), not before it, and their C is
glue around the C kernels: it is compiled at -O1 (not _direct: its border
loops and the per-unit conversions of csrc/fc_convert.h need -O3's
vectoriser: at -O2 a uint8 image summed into int32 took 1.7x as long).
An object newer than its source
and its extension's `depends` (the headers it includes) is reused.

Environment switches
--------------------
FASTCONV_DEBUG=1     Cython bounds/wraparound checks back on, -O0 -g.
FASTCONV_NO_OPENMP=1 build without OpenMP even if the compiler has it.
FASTCONV_SANITIZE=1  add -fsanitize=address,undefined (implies FASTCONV_DEBUG).
FASTCONV_BUILD_JOBS=N compiler processes at once (default: the CPU count,
                     or build_ext's -j N).
"""
import glob
import os
import platform
import re
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

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


# Instruction-set variants of the micro-kernels (their flags are used only
# for the csrc/fc_kernels_<isa>.c objects; the rest of the build stays
# portable).
ISA_VARIANTS = [
    ("avx2", ["-mavx2", "-mfma"], "FC_HAVE_AVX2"),
    ("avx512", ["-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mfma"], "FC_HAVE_AVX512"),
]

_OMP_PROBE = "#include <omp.h>\nint main(void){int n=0;\n#pragma omp parallel\n{n=omp_get_num_threads();}\nreturn n<0;}\n"


def kernel_types():
    """The rows of FC_TYPES in csrc/fc_types.h, each the text of its
    arguments ("F32, f32, float, float, 4, FC_K_REAL")."""
    with open("csrc/fc_types.h") as f:
        lines = f.read().split("#define FC_TYPES(X)", 1)[1].splitlines()[1:]
    rows = []
    for line in lines:
        m = re.match(r"\s*X\((.*)\)\s*\\?\s*$", line)
        if not m:
            break
        rows.append(" ".join(m.group(1).split()))
    return rows


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
            # (after Python's CFLAGS, so -g0 overrides their -g)
            compile_args += ["-O0", "-g", "-DFC_DEBUG_BUILD=1"] if DEBUG else ["-O3", "-g0"]
            compile_args += ["-fno-math-errno", "-Wno-unused-function"]
            if not DEBUG and sys.platform.startswith("linux"):
                link_args.append("-s")
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
        jobs = []   # (object directory, source, extension, extra macros, extra args)
        for ext in self.extensions:
            ext.extra_compile_args = list(ext.extra_compile_args or []) + compile_args
            ext.extra_link_args = list(ext.extra_link_args or []) + link_args
            jobs += [(self.build_temp, src, ext, [], []) for src in ext.sources]
            if ext.name == "fastconv._direct":
                jobs += self._kernel_units(ext)
        objects = self._compile_all(jobs)
        # every object is built: the extensions only link them
        for ext in self.extensions:
            ext.extra_objects = list(ext.extra_objects or []) + objects[ext.name]
            ext.depends = list(ext.depends or []) + objects[ext.name]
            ext.sources = []
            ext.language = ext.language or "c"
        super().build_extensions()

    def _kernel_units(self, ext):
        """A compile job per instruction set (baseline, and on x86-64 with
        GCC/Clang the AVX2 and AVX-512 variants the compiler accepts) and
        element type of csrc/fc_types.h; fc_dispatch.c picks an ISA at run
        time."""
        isas = [("baseline", [], None)]
        if self.compiler.compiler_type != "msvc" and platform.machine().lower() in ("x86_64", "amd64"):
            isas += ISA_VARIANTS
        jobs = []
        for isa, flags, macro in isas:
            if flags and not _compiler_accepts(self.compiler, flags, link=False):
                self.announce(f"fastconv: compiler lacks {flags}; no {isa} kernels", level=2)
                continue
            if macro:
                ext.define_macros = list(ext.define_macros or []) + [(macro, "1")]
            for row in kernel_types():
                tn = row.split(",")[1].strip()
                jobs.append((os.path.join(self.build_temp, "kernels", f"{isa}_{tn}"),
                             f"csrc/fc_kernels_{isa}.c", ext, [("FC_UNIT", row)], flags))
        return jobs

    def _compile_all(self, jobs):
        """Compile every job in a pool of compiler processes, the longest
        first; return the object files by extension name.  A .pyx source
        is first translated to C (under a lock: Cython's compiler is not
        thread-safe; the other threads' compilers run meanwhile)."""
        cython_lock = threading.Lock()

        def run(job):
            outdir, src, ext, macros, flags = job
            if src.endswith(".pyx"):
                with cython_lock:
                    src = _cythonize(ext, src, self.force)
                if not DEBUG and self.compiler.compiler_type != "msvc":
                    flags = flags + ([] if ext.name == "fastconv._direct" else ["-O1"])
            obj = self.compiler.object_filenames([src], output_dir=outdir)[0]
            deps = [src] + list(ext.depends or [])   # (each extension lists its headers)
            if (not self.force and os.path.exists(obj) and
                    max(map(os.path.getmtime, deps)) < os.path.getmtime(obj)):
                return obj   # up to date
            return self.compiler.compile(
                [src], output_dir=outdir, macros=list(ext.define_macros or []) + macros,
                include_dirs=ext.include_dirs, debug=self.debug,
                extra_postargs=ext.extra_compile_args + flags)[0]

        for job in jobs:
            src = job[1][:-4] + ".c" if job[1].endswith(".pyx") else job[1]
            os.makedirs(os.path.dirname(self.compiler.object_filenames([src], output_dir=job[0])[0]),
                        exist_ok=True)
        n = int(os.environ.get("FASTCONV_BUILD_JOBS", 0)) or (
            self.parallel if isinstance(self.parallel, int) and self.parallel > 1 else os.cpu_count() or 1)
        objects = {ext.name: [] for ext in self.extensions}
        order = sorted(jobs, key=_job_seconds, reverse=True)
        with ThreadPoolExecutor(max_workers=n) as pool:
            for job, obj in zip(order, pool.map(run, order)):
                objects[job[2].name].append(obj)
        return objects


def _job_seconds(job):
    """A rough compile time of a job (seconds on one core of the 2-core
    machine of issue 15's measurement), to start the longest first."""
    src, macros = job[1], job[3]
    if src.endswith(".pyx"):
        return 25 if job[2].name == "fastconv._direct" else 8   # Cython, then the C compiler
    if macros:   # a kernel unit: float and complex rows are the long ones
        return 6 if "FC_K_UINT" in macros[0][1] else 12
    return 10 if "fc_sep_" in src else 4 if "fc_fft_" in src else 1


def _cythonize(ext, pyx, force):
    """Translate `pyx` (a source of `ext`) to C, unless its C is up to date;
    return the C file's path."""
    one = Extension(ext.name, sources=[pyx], include_dirs=ext.include_dirs)
    cythonize([one], compiler_directives=directives, force=force, quiet=True,
              compile_time_env={"FASTCONV_DEBUG": DEBUG})
    return pyx[:-4] + ".c"


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
        sources=["src/fastconv/_direct.pyx", "csrc/fc_dispatch.c", "csrc/fc_pairs.c",
                 "csrc/fc_nanunit.c", "csrc/fc_rowfft.c", "csrc/fc_team.c"],
        include_dirs=[np.get_include(), "csrc"],
        # (compiled per ISA and element type by BuildExt._kernel_units)
        depends=["csrc/" + h for h in ("fc_boundary.h", "fc_convert.h", "fc_kernels.h",
                                        "fc_nanunit.h", "fc_nanunit_impl.h", "fc_pairs.h",
                                        "fc_rowfft.h",
                                        "fc_row.h", "fc_target.h", "fc_team.h", "fc_types.h",
                                        "fc_simd_unit.h",
                                        "fc_simd_impl.h", "fc_wide_impl.h",
                                        "fc_transpose.h")]
        + sorted(glob.glob("csrc/fc_kernels_*.c")),
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    Extension(
        "fastconv._memory",
        sources=["src/fastconv/_memory.pyx", "csrc/fc_pool.c"],
        include_dirs=[np.get_include(), "csrc"],
        depends=["csrc/fc_pool.h", "csrc/fc_aligned.h"],
        # NumPy's memory-handler API (NEP 49) is in NumPy >= 1.22.
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                       ("NPY_TARGET_VERSION", "NPY_1_25_API_VERSION")],
    ),
    Extension(
        "fastconv._fftcore",
        # the AVX2/AVX-512 files select their instruction set with a target
        # pragma (x86-64 GCC/Clang), so no special flags are needed here
        sources=["src/fastconv/_fftcore.pyx", "csrc/fc_fft.c", "csrc/fc_cachesize.c",
                 "csrc/fc_fft_baseline.c", "csrc/fc_fft_avx2.c", "csrc/fc_fft_avx512.c",
                 "csrc/fc_team.c"],
        include_dirs=[np.get_include(), "csrc"],
        depends=["csrc/fc_fft.h", "csrc/fc_fft_all.h", "csrc/fc_fft_impl.h",
                 "csrc/fc_fft_part_impl.h", "csrc/fc_runs.h", "csrc/fc_team.h",
                 "csrc/fc_aligned.h", "csrc/fc_cachesize.h"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    Extension(
        "fastconv._winsum",
        # running box sums (match_template's window statistics, nanconvolve's counts)
        # (fc_ncc2d.c: per instruction set by target pragmas, as the FFT engine)
        sources=["src/fastconv/_winsum.pyx", "csrc/fc_winsum.c", "csrc/fc_ncc2d.c"],
        include_dirs=["csrc"],
        depends=["csrc/fc_winsum.h", "csrc/fc_ncc2d.h", "csrc/fc_ncc2d_impl.h",
                 "csrc/fc_target.h"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    Extension(
        "fastconv._nanpass",
        # nanconvolve's element-wise passes
        sources=["src/fastconv/_nanpass.pyx", "csrc/fc_nanpass.c"],
        include_dirs=["csrc"],
        depends=["csrc/fc_nanpass.h", "csrc/fc_nansplit_impl.h", "csrc/fc_target.h"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
]

extensions.append(Extension(
    "fastconv._sepcore",
    # separable passes: the AVX2/AVX-512 files select their instruction set
    # with a target pragma, like the FFT engine's
    sources=["src/fastconv/_sepcore.pyx", "csrc/fc_sep.c", "csrc/fc_sep_baseline.c",
             "csrc/fc_sep_avx2.c", "csrc/fc_sep_avx512.c", "csrc/fc_team.c"],
    include_dirs=[np.get_include(), "csrc"],
    depends=["csrc/fc_sep.h", "csrc/fc_sep_all.h", "csrc/fc_sep_impl.h", "csrc/fc_boundary.h",
             "csrc/fc_runs.h", "csrc/fc_team.h", "csrc/fc_transpose.h"],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
))

setup(
    ext_modules=extensions,
    cmdclass={"build_ext": BuildExt},
    package_dir={"": "src"},
)
