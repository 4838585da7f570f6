"""The command line: python -m fastconv info | bench."""
import json
import subprocess
import sys

import pytest

import fastconv


def cli(*args, check=True):
    return subprocess.run([sys.executable, "-m", "fastconv", *args], capture_output=True,
                          text=True, check=check)


def test_info_prints_show_config():
    out = cli("info").stdout
    assert out.startswith("fastconv ") and fastconv.__version__ in out
    for key in ("simd_path", "openmp", "default_workers", "result_cache_limit_mb",
                "fft_tile_l2_kib", "method_prices"):
        assert key in out


def test_info_json():
    cfg = json.loads(cli("info", "--json").stdout)
    assert cfg["fastconv"] == fastconv.__version__
    assert cfg["default_workers"] >= 1


def test_unknown_command_fails_with_usage():
    res = cli("nonsense", check=False)
    assert res.returncode == 2 and "usage: python -m fastconv" in res.stderr


def test_bench_help():
    out = cli("bench", "--help").stdout
    assert "usage: python -m fastconv bench" in out
    assert "--quick" in out and "--plot" in out


def test_bench_one_row(tmp_path):
    """A real run, cut to one small row: the table, the check, the JSON and exit 0."""
    pytest.importorskip("scipy")
    out_json = tmp_path / "bench.json"
    res = cli("bench", "--quick", "--filter", "1e6 f64   64 taps", "--no-baseline",
              "--repeats", "1", "--json", str(out_json), check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "fastconv benchmark suite (quick run" in res.stdout
    rows = json.loads(out_json.read_text())["rows"]
    assert [r["name"] for r in rows] == ["1e6 f64   64 taps same"]
    assert rows[0]["check"] == "ok"
