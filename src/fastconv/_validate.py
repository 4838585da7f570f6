"""Argument checks shared by every public function.

Every user-facing error is raised here (or in the function that calls these
helpers), never inside a compiled kernel.  Messages name the argument and the
offending value.
"""
import operator
import os

import numpy as np

__all__ = [
    "InputTypeError", "FlagTypeError", "ElementArithmeticError", "DimensionError",
    "check_object_product", "fft_numbers", "check_object_magnitudes", "as_input_array", "check_mode", "check_method", "check_boundary",
    "check_same_ndim", "check_valid_shapes", "normalize_axes",
    "check_fillvalue", "check_allocation", "check_dtype", "check_out",
    "check_maxlag", "check_broadcast", "check_mask", "MODES", "BOUNDARIES",
]

MODES = ("full", "same", "valid")

# Public boundary names -> canonical name.  scipy's three (with their
# aliases) come first; the rest are fastconv extensions.
BOUNDARIES = {
    "fill": "fill", "pad": "fill",
    "wrap": "wrap", "circular": "wrap",
    "symm": "symm", "symmetric": "symm",
    "reflect": "reflect", "mirror": "reflect",
    "nearest": "nearest", "edge": "nearest",
}

_NUMERIC_KINDS = set("biufc")


def _describe(x, limit=60):
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class InputTypeError(TypeError, ValueError):
    """An input of a type fastconv cannot convolve (None, strings, datetime64,
    structured arrays ...).  A TypeError that is also a ValueError: scipy
    raises either for these, depending on the function and the argument
    checked first, so ``except`` clauses written for scipy keep working."""


class FlagTypeError(ValueError, TypeError):
    """An unhashable flag (a list or dict as ``mode``, ``method`` or
    ``boundary``): a ValueError like every bad flag, and the TypeError that
    scipy's dictionary look-up raises."""


class ElementArithmeticError(TypeError, ValueError):
    """The elements of object inputs do not multiply or add (None, strings
    times strings ...).  A TypeError like numpy's (scipy's 1-D object path),
    and the ValueError scipy raises for N-D object arrays."""


def as_input_array(x, name):
    """Return `x` as a NumPy array of a dtype fastconv can convolve.

    Lists, scalars and array-likes are converted with ``np.asarray``.
    Numeric dtypes (bool, integer, float, complex) and object arrays (whose
    elements' own arithmetic is used) are accepted; anything else raises
    `InputTypeError` naming the argument.
    """
    if x is None:
        raise InputTypeError(f"{name} must be an array-like of numbers, got None")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype.kind not in _NUMERIC_KINDS and arr.dtype.kind != "O":
        raise InputTypeError(
            f"{name} must hold numbers (bool, integer, float or complex) or be an "
            f"object array; got dtype {arr.dtype} ({_describe(x)})")
    return arr


def fft_numbers(in1, in2):
    """The inputs as the FFT reads them: object arrays become float64
    (complex128 beside a complex input), as scipy's FFTs convert them;
    elements that do not convert raise `InputTypeError` naming the input."""
    complex_ = "c" in (in1.dtype.kind, in2.dtype.kind)
    arrays = []
    for arr, name in ((in1, "in1"), (in2, "in2")):
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(np.complex128 if complex_ else np.float64)
            except (TypeError, ValueError, OverflowError) as exc:
                raise InputTypeError(
                    f"{name} is an object array whose elements the FFT cannot read as "
                    f"{'complex' if complex_ else 'real'} numbers: {exc}") from None
        arrays.append(arr)
    return arrays


def check_object_magnitudes(in1, in2):
    """scipy's choose_conv_method takes ``abs()`` of both inputs when one is
    an integer array; object elements without ``abs()`` (None, strings)
    raise its TypeError there, and fastconv's answer follows scipy's."""
    kinds = (in1.dtype.kind, in2.dtype.kind)
    if "O" not in kinds or not set(kinds) & set("iu"):
        return
    for arr, name in ((in1, "in1"), (in2, "in2")):
        if arr.dtype.kind == "O":
            try:
                np.abs(arr)
            except (TypeError, ValueError) as exc:
                raise ElementArithmeticError(
                    f"the elements of {name} (an object array) are not numbers: "
                    f"{type(exc).__name__}: {exc}") from None


def check_object_product(in1, in2):
    """Two 0-d inputs, one of objects: scipy multiplies them before looking
    at any other argument, so elements that do not multiply (a dict ...)
    raise its TypeError first; fastconv's error is that class too."""
    if "O" not in (in1.dtype.kind, in2.dtype.kind):
        return
    try:
        np.multiply(in1, in2)
    except (TypeError, ValueError) as exc:
        raise ElementArithmeticError(
            "the elements of in1 and in2 (0-d, objects) could not be multiplied: "
            f"{type(exc).__name__}: {exc}") from None


class DimensionError(ValueError, IndexError):
    """in1 and in2 of different ndim: the ValueError of scipy's convolution
    functions, and the IndexError scipy's choose_conv_method raises there."""


def _flag_error(value, message):
    try:
        hash(value)
    except TypeError:
        return FlagTypeError(message)
    return ValueError(message)


def check_mode(mode):
    if not isinstance(mode, str) or mode not in MODES:
        raise _flag_error(mode,
                          "acceptable mode flags are 'valid', 'same', or 'full'; "
                          f"got mode={mode!r}")
    return mode


def check_method(method, allowed=("auto", "direct", "fft")):
    if not isinstance(method, str) or method not in allowed:
        flags = ", ".join(repr(m) for m in allowed[:-1]) + f", or {allowed[-1]!r}"
        raise _flag_error(method, f"acceptable method flags are {flags}; got method={method!r}")
    return method


def check_boundary(boundary):
    """Map a boundary name (or alias) to its canonical name."""
    if not isinstance(boundary, str) or boundary not in BOUNDARIES:
        raise _flag_error(
            boundary,
            "acceptable boundary flags are 'fill' (or 'pad'), 'wrap' (or "
            "'circular'), 'symm' (or 'symmetric'), and the fastconv extensions "
            "'reflect' (or 'mirror') and 'nearest' (or 'edge'); "
            f"got boundary={boundary!r}")
    return BOUNDARIES[boundary]


def check_same_ndim(in1, in2):
    if in1.ndim != in2.ndim:
        raise DimensionError(
            "in1 and in2 should have the same dimensionality; got "
            f"in1.ndim={in1.ndim} (shape {in1.shape}) and in2.ndim={in2.ndim} "
            f"(shape {in2.shape})")


def check_valid_shapes(shape1, shape2, axes=None):
    """Raise unless one shape is at least as large as the other on `axes`.

    Returns True when in1 is the smaller one (the inputs must be swapped for
    'valid' mode), False otherwise.
    """
    if axes is None:
        axes = range(len(shape1))
    ge = all(shape1[a] >= shape2[a] for a in axes)
    le = all(shape1[a] <= shape2[a] for a in axes)
    if not (ge or le):
        raise ValueError(
            "For 'valid' mode, one must be at least as large as the other in "
            f"every dimension; got in1.shape={tuple(shape1)} and "
            f"in2.shape={tuple(shape2)}")
    return not ge


def normalize_axes(axes, ndim):
    """Check an ``axes`` argument (scalar or iterable of ints) for `ndim`.

    Returns a list of non-negative, unique axes.  ``None`` means all axes.
    """
    if axes is None:
        return list(range(ndim))
    try:    # (an int, or any iterable of ints, as scipy.fft reads axes)
        axes_list = [operator.index(axes)]
    except TypeError:
        try:
            axes_list = [operator.index(a) for a in axes]
        except TypeError:
            raise ValueError(
                f"axes must be a scalar or iterable of integers; got axes={_describe(axes)}"
            ) from None
    if not axes_list:
        raise ValueError("when provided, axes cannot be empty")
    if any(a >= ndim or a < -ndim for a in axes_list):
        raise ValueError(f"axes exceeds dimensionality of input: axes={axes_list}, ndim={ndim}")
    axes_list = [a % ndim if ndim else a for a in axes_list]
    if len(set(axes_list)) != len(axes_list):
        raise ValueError(f"all axes must be unique; got axes={axes_list}")
    return axes_list


def check_fillvalue(fillvalue, result):
    """Check `fillvalue` against the result dtype and return it as that dtype.

    scipy's rules (``convolve2d``), with clearer errors:
    - the value is first read as a complex number, as numpy converts to
      complex128: ``None`` is NaN, numeric strings such as ``'1'`` are
      numbers, a datetime64/timedelta64 scalar is its count; an ndarray
      must cast safely to complex (TypeError otherwise);
    - a scalar or an array with exactly one element (ValueError);
    - a complex one (even with a zero imaginary part) needs a complex
      result; a string must convert to the result dtype itself;
    - an integer (or bool) result needs a finite value inside the dtype's
      range; a fractional value is truncated toward zero, as scipy does.
    - an object result takes the element as it is (``None``: NaN).
    """
    result = np.dtype(result)
    if result.kind == "O":
        return _object_fill(fillvalue)
    if type(fillvalue) is int and fillvalue == 0:   # (the default, first)
        return np.zeros((), result)
    if isinstance(fillvalue, np.ndarray) and not np.can_cast(
            fillvalue.dtype, np.complex128, casting="safe"):
        raise TypeError(
            f"fillvalue must be a number; got fillvalue={_describe(fillvalue)} "
            f"of dtype {fillvalue.dtype}")
    if isinstance(fillvalue, np.ndarray) and fillvalue.size == 1 and not np.can_cast(
            fillvalue.dtype, result, casting="safe"):
        raise ValueError(
            "could not cast `fillvalue` directly to the output type: the array "
            f"fillvalue={_describe(fillvalue)} of dtype {fillvalue.dtype} does not cast "
            f"safely to the result dtype {result}")
    if isinstance(fillvalue, int) and not isinstance(fillvalue, bool):
        fillvalue = _python_int_fill(fillvalue, result)
    try:
        fv = np.array(fillvalue, dtype=np.complex128)
        kind = np.asarray(fillvalue).dtype.kind
    except (TypeError, ValueError, OverflowError) as exc:
        raise type(exc)(
            f"fillvalue must be a number; got fillvalue={_describe(fillvalue)} "
            f"({exc})") from None
    if fv.size != 1:
        raise ValueError(
            "`fillvalue` must be scalar or an array with one element; got "
            f"fillvalue={_describe(fillvalue)} with {fv.size} elements")
    value = fv.reshape(()).item()
    if result.kind == "c":
        return np.array(value, dtype=result)
    if kind == "c" or (kind in "US" and not _converts(fillvalue, result)):
        raise ValueError(
            "could not cast `fillvalue` directly to the output type: "
            f"fillvalue={_describe(fillvalue)} is complex (or a string that is not a "
            f"{result} number) but the result dtype is {result} "
            "(a complex fillvalue needs a complex input)")
    value = value.real
    if result.kind in "biu":
        if not np.isfinite(value):
            raise ValueError(
                f"fillvalue={value!r} cannot be represented in the integer "
                f"result dtype {result}")
        value = int(fv.reshape(()).real.item()) if kind not in "iu" else \
            int(np.asarray(fillvalue).reshape(()).item())
        if result.kind == "b":
            if value not in (0, 1):
                raise ValueError(
                    f"fillvalue={value!r} is not a boolean (0 or 1) for the bool result")
            return np.array(bool(value))
        info = np.iinfo(result)
        if not info.min <= value <= info.max:
            raise ValueError(
                f"fillvalue={value!r} is out of range for the result dtype {result} "
                f"[{info.min}, {info.max}]")
        return np.array(value, dtype=result)
    return np.array(value, dtype=result)


def _converts(fillvalue, result):
    """A string fillvalue must parse as the result dtype (``'2.5'`` is no int)."""
    try:
        np.array(fillvalue, dtype=result)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _object_fill(fillvalue):
    """The fill element of an object result: the one element given."""
    fv = np.empty((), dtype=object)
    if fillvalue is None:
        fv[()] = float("nan")
        return fv
    arr = np.asarray(fillvalue) if isinstance(fillvalue, (list, tuple, np.ndarray)) else None
    if arr is not None:
        if arr.size != 1:
            raise ValueError(
                "`fillvalue` must be scalar or an array with one element; got "
                f"fillvalue={_describe(fillvalue)} with {arr.size} elements")
        fillvalue = arr.reshape(()).item() if arr.dtype.kind != "O" else arr.reshape(())[()]
    fv[()] = fillvalue
    return fv


def _python_int_fill(value, result):
    """A Python int fillvalue too large for NumPy's int64/uint64 would
    become an object array: range-check it against the result here."""
    if result.kind in "iu":
        info = np.iinfo(result)
        if not info.min <= value <= info.max:
            raise ValueError(
                f"fillvalue={value!r} is out of range for the result dtype {result} "
                f"[{info.min}, {info.max}]")
    elif not -2**63 <= value < 2**64:
        return float(value)
    return value


def _available_memory():
    """Bytes of memory available to a new allocation (MemAvailable on Linux,
    else the physical memory), or None when unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX
        return None


# Allocations up to this many bytes are not compared with the free memory.
CHECK_MEMORY_ABOVE = 256 << 20


def check_allocation(arrays, what="result"):
    """Refuse, before allocating anything, arrays that cannot exist.

    `arrays` is a list of (shape, itemsize) to be allocated together.
    ValueError when a byte count overflows 64-bit indexing, MemoryError when
    together they exceed the memory available.  Returns True when the
    answer depended on the shapes alone (not on the free memory: sizes up
    to CHECK_MEMORY_ABOVE), so that it holds for any later call as well.
    """
    total = 0
    for shape, itemsize in arrays:
        count = 1
        for n in shape:
            count *= int(n)
        nbytes = count * int(itemsize)
        if nbytes >= 2**62:
            raise ValueError(
                f"the {what} would have shape {tuple(int(n) for n in shape)}: "
                f"{nbytes} bytes, more than 64-bit indexing can address")
        total += nbytes
    # (reading /proc/meminfo costs ~60 us: only for sizes where it matters)
    avail = _available_memory() if total > CHECK_MEMORY_ABOVE else None
    if avail is not None and total > avail:
        shape = tuple(int(n) for n in arrays[0][0])
        raise MemoryError(
            f"the {what} (shape {shape}) and its work arrays would need "
            f"{total / 2**30:.1f} GiB, more than the {avail / 2**30:.1f} GiB of "
            "memory available")
    return total <= CHECK_MEMORY_ABOVE


def check_dtype(dtype, natural):
    """The result dtype asked for with ``dtype=`` (None: `natural`).

    It must be numeric and the natural result must cast to it under numpy's
    'same_kind' rule (uint8 -> int32 or float32, float32 -> float64 or
    float16; not complex -> float, float -> integer)."""
    natural = np.dtype(natural)
    if dtype is None:
        return natural
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a NumPy numeric dtype; got dtype={_describe(dtype)}") from None
    if dt.kind not in _NUMERIC_KINDS and dt.kind != "O":
        raise TypeError(
            "dtype must be numeric (bool, integer, float or complex) or object; "
            f"got dtype={dt}")
    if not np.can_cast(natural, dt, casting="same_kind"):
        raise TypeError(
            f"dtype={dt} cannot hold the result of these inputs ({natural}): "
            "numpy's 'same_kind' casting rule does not allow it")
    return dt.newbyteorder("=") if not dt.isnative else dt


def check_out(out, shape, result):
    """``out=``: a writeable ndarray of the result's shape whose dtype the
    result (dtype `result`) casts to under 'same_kind'; any strides."""
    if out is None:
        return None
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a NumPy array or None; got out={_describe(out)}")
    if tuple(out.shape) != tuple(shape):
        raise ValueError(
            f"out has shape {out.shape}, but the result has shape {tuple(shape)}")
    if not np.can_cast(result, out.dtype, casting="same_kind"):
        raise TypeError(
            f"out has dtype {out.dtype}, which the result dtype {result} cannot be cast "
            "to under numpy's 'same_kind' rule")
    if not out.flags.writeable:
        raise ValueError("out is read-only; pass a writeable array")
    return out


def check_maxlag(maxlag, n_axes, mode):
    """``maxlag=`` of correlate: None, a non-negative int, or one per
    correlated axis.  Returns a tuple of `n_axes` ints, or None."""
    if maxlag is None:
        return None
    if mode != "full":
        raise ValueError(
            f"maxlag selects lags of the 'full' correlation; got mode={mode!r} "
            "with maxlag (leave mode='full')")
    try:
        if np.ndim(maxlag) == 0:
            lags = [operator.index(maxlag)] * n_axes
        else:
            lags = [operator.index(m) for m in maxlag]
    except TypeError:
        raise TypeError(
            "maxlag must be a non-negative integer or one per correlated axis; "
            f"got maxlag={_describe(maxlag)}") from None
    if len(lags) != n_axes:
        raise ValueError(
            f"maxlag has {len(lags)} values but {n_axes} axes are correlated; "
            f"got maxlag={_describe(maxlag)}")
    if any(m < 0 for m in lags):
        raise ValueError(f"maxlag must be non-negative; got maxlag={_describe(maxlag)}")
    return tuple(lags)


def check_broadcast(shape1, shape2, conv_axes):
    """Axes not convolved must have equal lengths or length 1 (batching)."""
    for a in range(len(shape1)):
        if a not in conv_axes and not (shape1[a] == shape2[a] or 1 in (shape1[a], shape2[a])):
            raise ValueError(
                f"incompatible shapes for in1 and in2: {tuple(shape1)} and {tuple(shape2)} "
                f"(axis {a} is not convolved, so its lengths must be equal or 1)")


def check_mask(mask, shape, owner):
    """`mask` as a boolean array (nonzero = set) of `owner`'s `shape`."""
    mask = as_input_array(mask, "mask")
    if mask.shape != tuple(shape):
        raise ValueError(f"mask must have the {owner}'s shape {tuple(shape)}; "
                         f"got mask.shape={mask.shape}")
    return mask != 0
