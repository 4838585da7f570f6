"""threadpoolctl lists fastconv by name and limits its default thread count."""
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import fastconv

threadpoolctl = pytest.importorskip("threadpoolctl", minversion="3.0")


def fastconv_entries():
    return [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "fastconv"]


def test_threadpool_info_lists_fastconv():
    (entry,) = fastconv_entries()
    assert entry["internal_api"] == "fastconv"
    assert entry["version"] == fastconv.__version__
    assert entry["num_threads"] == fastconv.get_workers()
    assert os.path.dirname(os.path.realpath(entry["filepath"])) == \
        os.path.dirname(os.path.realpath(fastconv.__file__))
    assert entry["simd_path"] == fastconv._config.config()["simd_path"]


@pytest.mark.parametrize("user_api", [None, "fastconv"])
def test_threadpool_limits_limits_the_default(user_api):
    before = fastconv.get_workers()
    a, k = np.random.default_rng(0).standard_normal((300, 300)), np.ones((9, 9))
    expected = fastconv.convolve2d(a, k)
    with threadpoolctl.threadpool_limits(1, user_api=user_api):
        assert fastconv.get_workers() == 1
        assert fastconv_entries()[0]["num_threads"] == 1
        np.testing.assert_array_equal(fastconv.convolve2d(a, k), expected)
        with fastconv.set_workers(2):  # explicit counts are not capped, as with OpenMP
            assert fastconv.get_workers() == 2
    assert fastconv.get_workers() == before
    assert fastconv._threads._default_limit is None


def test_limit_of_another_api_leaves_fastconv_entry_alone():
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        assert fastconv_entries()[0]["num_threads"] == fastconv.get_workers()


def run(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, check=True).stdout


def test_a_foreign_library_with_the_same_prefix_is_not_listed(tmp_path):
    """A library named like the compiled core but outside the package is refused."""
    so = fastconv._direct.__file__
    copy = tmp_path / os.path.basename(so)
    shutil.copyfile(so, copy)
    out = run(f"""
        import ctypes, fastconv, threadpoolctl
        ctypes.CDLL({str(copy)!r})
        print(sorted(i["filepath"] for i in threadpoolctl.threadpool_info()
                     if i["user_api"] == "fastconv"))
    """)
    assert str(copy) not in out and os.path.basename(so) in out


def test_fastconv_imports_without_threadpoolctl():
    out = run("""
        import sys
        sys.modules["threadpoolctl"] = None   # as if not installed
        import fastconv
        print(fastconv._threadpoolctl.register(), fastconv.convolve([1, 2], [1, 1]))
    """)
    assert out.split()[0] == "False"
