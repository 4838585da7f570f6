"""A seeded, deterministic table of bad (and some good) calls of the eight
public functions, to compare fastconv with scipy.signal.

`cases(n, seed)` returns rows ``(function name, args, kwargs, label)``;
`label` describes every argument so a failing row can be read (and rebuilt)
from the test report.  Most arguments of a row are ordinary; one to three
are picked from pools of bad values of every sort (None, scalars where
arrays are needed, strings, datetime/str/bytes/bool/object arrays,
mismatched ndim, empty arrays, unknown or unhashable flags, bad fill
values and axes).
"""
import numpy as np

__all__ = ["cases", "FUNCTIONS"]

FUNCTIONS = ("convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve",
             "oaconvolve", "choose_conv_method", "correlation_lags")


def _arrays():
    """(label, factory) pairs: the factory builds a fresh value each call so
    no row can modify another's input."""
    f = np.arange(1.0, 6.0)
    m = np.arange(1, 13).reshape(3, 4)
    return {
        # ordinary inputs
        "f64[5]": lambda: f.copy(),
        "i64[3]": lambda: np.array([1, -2, 3]),
        "c128[4]": lambda: np.array([1 + 2j, 3, -1j, 2]),
        "i64[3,4]": lambda: m.copy(),
        "f32[2,2]": lambda: np.array([[1.5, -2], [0.25, 4]], dtype=np.float32),
        "c64[2,3]": lambda: np.array([[1j, 2, 3], [4, 5j, 6]], dtype=np.complex64),
        "u8[2,2]": lambda: np.array([[200, 7], [3, 255]], dtype=np.uint8),
        "list[4]": lambda: [1, 2, 3, 4],
        "list[2,2]": lambda: [[1, 2], [3, 4]],
        "f64[2,2,2]": lambda: np.arange(8.0).reshape(2, 2, 2),
        "f64[]": lambda: np.array(2.5),
        "scalar 3": lambda: 3,
        "scalar 2.5": lambda: 2.5,
        "bool[4]": lambda: np.array([True, False, True, True]),
        "bool[2,2]": lambda: np.array([[True, False], [False, True]]),
        "f16[3]": lambda: np.array([1, 2, 3], dtype=np.float16),
        "f16[2,2]": lambda: np.ones((2, 2), dtype=np.float16),
        ">f8[3]": lambda: np.array([1.0, 2.0, 3.0], dtype=">f8"),
        "obj int[3]": lambda: np.array([1, 2, 3], dtype=object),
        "obj big[3]": lambda: np.array([2**70, -1, 3], dtype=object),
        "obj int[2,2]": lambda: np.array([[1, 2], [3, 4]], dtype=object),
        # bad sorts
        "None": lambda: None,
        "str 'abc'": lambda: "abc",
        "bytes b'ab'": lambda: b"ab",
        "dict {}": lambda: {},
        "set {1}": lambda: {1},
        "ragged": lambda: [[1, 2], [3]],
        "list[1,'a']": lambda: [1, "a"],
        "M8[3]": lambda: np.array(["2020-01-01", "2020-01-02", "2020-01-03"],
                                  dtype="datetime64[D]"),
        "m8[3]": lambda: np.array([1, 2, 3], dtype="timedelta64[s]"),
        "m8[2,2]": lambda: np.ones((2, 2), dtype="timedelta64[s]"),
        "U[3]": lambda: np.array(["a", "b", "c"]),
        "S[3]": lambda: np.array([b"a", b"b", b"c"]),
        "U[2,2]": lambda: np.array([["a", "b"], ["c", "d"]]),
        "obj str[3]": lambda: np.array(["a", "b", "c"], dtype=object),
        "obj None[3]": lambda: np.array([None, None, None], dtype=object),
        "obj mixed[3]": lambda: np.array([1, "a", None], dtype=object),
        "obj None[2,2]": lambda: np.array([[None, 1], [2, 3]], dtype=object),
        "V8[3]": lambda: np.zeros(3, dtype="V8"),
        "rec[3]": lambda: np.zeros(3, dtype=[("a", "f8")]),
        "empty[0]": lambda: np.zeros(0),
        "empty[0,3]": lambda: np.zeros((0, 3)),
        "empty[2,0]": lambda: np.zeros((2, 0), dtype=np.int64),
        "empty list": lambda: [],
        "f64[1]": lambda: np.ones(1),
        "f64[1,1]": lambda: np.ones((1, 1)),
        "f64[4,1]": lambda: np.ones((4, 1)),
        "f64[1,5]": lambda: np.arange(5.0).reshape(1, 5),
        "nan[3]": lambda: np.array([np.nan, 1.0, np.inf]),
        "i8[5]": lambda: np.array([100, -100, 27, 3, -128], dtype=np.int8),
        "masked": lambda: np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0]),
    }


ARRAYS = _arrays()
GOOD_1D = ["f64[5]", "i64[3]", "c128[4]", "list[4]", "f16[3]", "bool[4]", ">f8[3]",
           "i8[5]", "f64[1]"]
GOOD_2D = ["i64[3,4]", "f32[2,2]", "c64[2,3]", "u8[2,2]", "list[2,2]", "f64[1,1]",
           "f64[4,1]", "f64[1,5]"]

MODES = ["full", "same", "valid", "fulll", "FULL", "", None, 1, ["full"], {"full": 1},
         b"full", ("same",), 2.5]
METHODS = ["auto", "direct", "fft", "fftt", "Direct", None, ["fft"], {}, 0, b"fft"]
BOUNDARIES = ["fill", "wrap", "symm", "pad", "circular", "symmetric", "reflect", "bogus",
              "", None, ["fill"], {"wrap": 0}, 0, b"fill", "Fill"]
FILLVALUES = [0, 1, -3, 2.5, True, None, 1 + 2j, 0j, np.complex128(1j), np.array([2]),
              np.array([1, 2]), np.array([[1.0]]), "a", "1", [], [3], [1, 2], np.nan,
              np.inf, 1e300, -1e300, 2**70, 300, -1, np.float32(2), np.int8(-4),
              np.array(5), {}, np.datetime64("2020-01-01"), b"x"]
AXES = [None, 0, 1, -1, 2, -3, [0], [1], [0, 1], [1, 0], [0, 0], [-1, 1], [0.5], 0.5,
        [], (), "a", "0", np.array([0]), np.array([0.0]), [True], np.int64(1), [[0]],
        {0: 1}, [None], 10**20]
MEASURES = [False, True, None, 0, 1, "yes"]
LAG_LENS = [5, 2, 0, 1, -1, 2.5, None, "3", np.int64(4), np.uint8(3), True, [3],
            np.array(3), np.array([3]), 10**20, np.float64(3.0)]


def _pick(rng, pool):
    return pool[int(rng.integers(len(pool)))]


def _good_pair(rng, two_d):
    if two_d or rng.random() < 0.4:
        return _pick(rng, GOOD_2D), _pick(rng, GOOD_2D)
    return _pick(rng, GOOD_1D), _pick(rng, GOOD_1D)


def cases(n=6000, seed=20261202):
    """`n` deterministic rows ``(name, args, kwargs, label)``.

    Each row starts from a valid call of a function (chosen round-robin)
    and replaces one to three of its arguments, each with probability ~1/2,
    by a value drawn from the pools above (which mix good and bad values).
    """
    rng = np.random.default_rng(seed)
    rows = []
    names = list(ARRAYS)
    for i in range(n):
        name = FUNCTIONS[i % len(FUNCTIONS)]
        if name == "correlation_lags":
            a = [5, 3, "full"]
            pools = [LAG_LENS, LAG_LENS, MODES]
            kw_pools = {}
        else:
            two_d = name in ("convolve2d", "correlate2d")
            a = list(_good_pair(rng, two_d)) + ["full"]
            pools = [names, names, MODES]
            if name in ("convolve", "correlate"):
                a.append("auto")
                pools.append(METHODS)
            elif two_d:
                a += ["fill", 0]
                pools += [BOUNDARIES, FILLVALUES]
            elif name in ("fftconvolve", "oaconvolve"):
                a.append(None)
                pools.append(AXES)
            else:   # choose_conv_method
                a.append(False)
                pools.append(MEASURES)
        changed = rng.permutation(len(a))[: int(rng.integers(1, 4))]
        for j in changed:
            if rng.random() < 0.8:
                a[j] = _pick(rng, pools[j])
        # measure=True times real runs: keep it to small, valid inputs
        if name == "choose_conv_method" and a[3] not in (False, None, 0) and i % 5:
            a[3] = False
        label = f"{name}(" + ", ".join(
            v if (k < 2 and name != "correlation_lags") else repr(v)
            for k, v in enumerate(a)) + ")"
        rows.append((name, a, label))
    return rows


def build_args(name, a):
    """Fresh argument values for a row (array labels -> new arrays)."""
    if name == "correlation_lags":
        return list(a)
    return [ARRAYS[a[0]](), ARRAYS[a[1]]()] + list(a[2:])


def scipy_crashes(name, a):
    """True for rows on which scipy 1.17 kills the interpreter (SIGFPE):
    convolve2d/correlate2d of an empty 2-D in1, mode 'full', with a
    'wrap' or 'symm' boundary.  scipy is not called for them."""
    return (name in ("convolve2d", "correlate2d") and a[0] in ("empty[0,3]", "empty[2,0]")
            and isinstance(a[2], str) and a[2] == "full"
            and isinstance(a[3], str) and a[3] in ("wrap", "circular", "symm", "symmetric"))
