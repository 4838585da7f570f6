"""The FFT engine's kernel-partitioned FFT (csrc/fc_fft_part_impl.h): a long
kernel and few outputs (correlate's maxlag, 'valid' with a kernel almost as
long as x).

``_fftcore.correlate_window(..., part=N)`` forces it (N = 0: its own
transform length); without `part` or `tiles` the engine takes it where
fc_fft_choose_part prices it below overlap-save.  References: the direct
sum ``out[y] = sum_j k[j] x[y + s + j]`` in float64/complex128 (NumPy dot
products, one per output) and scipy.signal.correlate sliced to the lags.
"""
import numpy as np
import pytest
from scipy import signal

import fastconv
from fastconv import _fftcore, _method, _plan

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _data(n, dt, rng, scale=1.0):
    a = rng.standard_normal(n) * scale
    if np.dtype(dt).kind == "c":
        a = a + 1j * rng.standard_normal(n) * scale
    return a.astype(dt)


def _reference(x, k, s, L):
    """out[y] = sum_j k[j] x[y + s + j] (x read as 0 outside), in double."""
    wide = np.complex128 if x.dtype.kind == "c" else np.float64
    x = x.astype(wide)
    k = k.astype(wide)
    out = np.zeros(L, wide)
    for y in range(L):
        lo, hi = max(0, -(y + s)), min(len(k), len(x) - (y + s))
        if hi > lo:
            out[y] = np.dot(k[lo:hi], x[y + s + lo:y + s + hi])
    return out


def _rel_err(got, ref):
    return np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-300)


def _tol(dt):
    return 2e-5 if np.dtype(dt) in (np.dtype(np.float32), np.dtype(np.complex64)) else 5e-14


# (x length, kernel taps, start s, outputs L, transform length N or 0):
# B = N - L + 1 not dividing the taps, windows reaching past x on either
# side, a kernel longer and one shorter than x, one block, many blocks
GEOMETRIES = [
    (1000, 900, -30, 61, 128),
    (5000, 5000, -100, 201, 0),
    (5000, 4999, -100, 201, 450),
    (300, 2000, -1500, 50, 0),       # kernel longer than x: most taps meet zeros
    (300, 2000, -1900, 50, 64),      # the window past x's start
    (2000, 1500, 0, 501, 600),       # 'valid'-like: a kernel almost as long as x
    (10000, 3000, 7500, 200, 256),   # the window past x's end
    (700, 650, 40, 1, 16),           # one output
    (64, 50, -60, 3, 0),             # a single block
    (400, 5000, -4800, 40, 0),       # most blocks meet no x
]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("geom", GEOMETRIES)
def test_forced_against_direct_sum(dt, geom):
    nx, K, s, L, N = geom
    rng = np.random.default_rng(nx + K + L)
    x, k = _data(nx, dt, rng), _data(K, dt, rng)
    out = np.empty(L, dt)
    _fftcore.correlate_window(x, k, (s,), (L,), out, 1, part=N)
    assert _rel_err(out, _reference(x, k, s, L)) < _tol(dt)


@pytest.mark.parametrize("dt", DTYPES)
def test_workers_bit_identical(dt):
    rng = np.random.default_rng(7)
    x, k = _data(30000, dt, rng), _data(29000, dt, rng)
    outs = []
    for n in (1, 2, 3):
        out = np.empty(301, dt)
        _fftcore.correlate_window(x, k, (-150,), (301,), out, n, part=500)
        outs.append(out)
    assert np.array_equal(outs[0], outs[1]) and np.array_equal(outs[0], outs[2])


def test_window_outside_x_is_zeros():
    rng = np.random.default_rng(1)
    x, k = _data(100, np.float64, rng), _data(500, np.float64, rng)
    out = np.full(20, np.nan)
    _fftcore.correlate_window(x, k, (1000,), (20,), out, 1, part=0)
    assert np.array_equal(out, np.zeros(20))


def test_nonfinite_flag():
    rng = np.random.default_rng(2)
    x, k = _data(3000, np.float64, rng), _data(3000, np.float64, rng)
    out = np.empty(41)
    assert _fftcore.correlate_window(x, k, (-20,), (41,), out, 1, part=0, check=True)[1]
    x[1500] = np.nan
    assert not _fftcore.correlate_window(x, k, (-20,), (41,), out, 1, part=0, check=True)[1]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("scales", [(1.0, 1.0), (1e6, 1e-6), (1e-8, 1e8), (1.0, 1e-12)])
def test_accuracy_against_scipy(dt, scales):
    """Relative error within 4x scipy.signal.correlate's (FFT) on the same
    inputs, also when x and the kernel differ in scale by many orders (the
    real-data transform's per-lane balance)."""
    rng = np.random.default_rng(11)
    n, lag = 20000, 100
    x, k = _data(n, dt, rng, scales[0]), _data(n, dt, rng, scales[1])
    ref = _reference(x, k, -lag, 2 * lag + 1)
    out = np.empty(2 * lag + 1, dt)
    _fftcore.correlate_window(x, k, (-lag,), (2 * lag + 1,), out, 1, part=0)
    sp = signal.correlate(x, k, method="fft")[n - 1 - lag:n + lag]
    assert _rel_err(out, ref) <= 4 * max(_rel_err(sp, ref), 8 * np.finfo(dt).eps)


def test_engine_choice():
    # a long kernel and few outputs: partitioned; a short kernel: overlap-save
    N = _fftcore.part_choice((10**6,), (201,), np.float64)
    assert N >= 201 and N == _fftcore.part_length(10**6, 201, np.float64)
    assert _fftcore.part_choice((64,), (10**5,), np.float64) == 0
    assert _fftcore.part_choice((64, 64), (100, 100), np.float64) == 0
    P = _fftcore.tile_shape((10**6,), (201,), np.float64)
    assert (_fftcore.part_cost(10**6, 201, N, np.float64)
            < _fftcore.tile_cost((10**6,), (201,), P, np.float64))


@pytest.mark.parametrize("dt", DTYPES)
def test_engine_auto_equals_forced(dt):
    """Without tiles the engine runs the geometry it takes by the
    partitioned FFT exactly as the forced call with its own length."""
    rng = np.random.default_rng(3)
    x, k = _data(200000, dt, rng), _data(200000, dt, rng)
    assert _fftcore.part_choice((200000,), (201,), dt) > 0
    a, b = np.empty(201, dt), np.empty(201, dt)
    _fftcore.correlate_window(x, k, (-100,), (201,), a, 1)
    _fftcore.correlate_window(x, k, (-100,), (201,), b, 2, part=0)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("dt", [np.float64, np.complex64])
def test_kernel_plan(dt):
    rng = np.random.default_rng(4)
    x, k = _data(100000, dt, rng), _data(90000, dt, rng)
    plan = _fftcore.KernelPlan(k, x.shape, (-60,), (121,))
    assert plan.part and plan.tiles == (_fftcore.part_choice((90000,), (121,), dt),)
    k0 = k.copy()
    k[:] = 0   # (the plan keeps its own copy)
    a, b = np.empty(121, dt), np.empty(121, dt)
    plan.run(x, a, 2)
    _fftcore.correlate_window(x, k0, (-60,), (121,), b, 1, part=plan.tiles[0])
    assert np.array_equal(a, b)
    forced = _fftcore.KernelPlan(k0, x.shape, (-60,), (121,), part=300)
    assert forced.part and forced.tiles == (300,)
    forced.run(x, a, 1)
    assert _rel_err(a, _reference(x, k0, -60, 121)) < _tol(dt)
    assert not _fftcore.KernelPlan(k0, x.shape, (-60,), (121,), tiles=(90000,)).part


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("lag", [0, 7, 100])
def test_correlate_maxlag_fft(dt, lag):
    """fastconv.correlate(maxlag=, method='fft') against scipy's full
    correlation sliced to the lags (conjugating complex in2)."""
    rng = np.random.default_rng(lag)
    a, b = _data(30000, dt, rng), _data(28000, dt, rng)
    got = fastconv.correlate(a, b, maxlag=lag, method="fft", workers=1)
    full = signal.correlate(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64),
                            b.astype(np.complex128 if b.dtype.kind == "c" else np.float64),
                            method="direct")
    lags = signal.correlation_lags(a.size, b.size)
    want = full[(lags >= -lag) & (lags <= lag)]
    assert got.dtype == np.dtype(dt) and got.shape == (2 * lag + 1,)
    assert _rel_err(got, want) < _tol(dt)
    assert np.array_equal(got, fastconv.correlate(a, b, maxlag=lag, method="fft", workers=2))


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex128])
def test_auto_chooses_partitioned(dt):
    """The issue's row: 10^6 x 10^6 samples, maxlag=100: method='auto' takes
    the FFT (by the partitioned engine) and matches the direct method.
    (float32: a close call, priced either way by the generic table
    (FASTCONV_PRICES=generic): only the values are checked.)"""
    rng = np.random.default_rng(5)
    a, b = _data(10**6, dt, rng), _data(10**6, dt, rng)
    plan = _plan.make_plan("correlate", a, b, maxlag=100, workers=1)
    if dt != np.float32:
        assert plan.method == "fft" and _method._plan_part(plan) is not None
    got = fastconv.correlate(a, b, maxlag=100, workers=1)
    wide = np.complex128 if a.dtype.kind == "c" else np.float64
    want = fastconv.correlate(a.astype(wide), b.astype(wide), maxlag=100, method="direct",
                              workers=1)
    assert got.dtype == np.dtype(dt)
    assert _rel_err(got, want) < (1e-4 if dt == np.float32 else 1e-13)


def test_auto_keeps_direct_where_faster():
    # few outputs of short signals: the direct method
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal(3000), rng.standard_normal(3000)
    assert _plan.make_plan("correlate", a, b, maxlag=30, workers=1).method == "direct"


@pytest.mark.parametrize("dt", [np.int32, np.int64])
def test_integers_stay_direct_and_exact(dt):
    rng = np.random.default_rng(8)
    a = rng.integers(-50, 50, 10**6).astype(dt)
    b = rng.integers(-50, 50, 10**6).astype(dt)
    plan = _plan.make_plan("correlate", a, b, maxlag=20, workers=1)
    assert plan.method == "direct"
    got = fastconv.correlate(a, b, maxlag=20, workers=1)
    want = np.array([np.dot(a[max(0, m):a.size + min(0, m)].astype(np.int64),
                            b[max(0, -m):b.size - max(0, m)].astype(np.int64))
                     for m in range(-20, 21)])
    assert np.array_equal(got, want.astype(got.dtype))


def test_valid_long_kernel():
    """'valid' with a kernel almost as long as x: few outputs, the same
    engine path (forced) against scipy."""
    rng = np.random.default_rng(9)
    a, b = rng.standard_normal(50000), rng.standard_normal(49900)
    got = fastconv.correlate(a, b, mode="valid", method="fft", workers=1)
    want = signal.correlate(a, b, mode="valid", method="direct")
    assert _rel_err(got, want) < 5e-14
