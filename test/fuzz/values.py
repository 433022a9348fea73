"""Random input values and shapes for fuzzed programs."""

import numpy as np

DTYPES = [np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                                "uint32", "uint64", "float16", "float32", "float64",
                                "complex64", "complex128")]
# Multiply-adds a contraction may take: bounds the time (and memory) NumPy
# and mljit spend on one statement.
MAX_WORK = 1 << 23
_SPECIAL_FLOATS = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e4, 1e-6, 0.5, -2.5]


def random_value(rng, shape, dtype):
    """Small values with repeats, zeros and, now and then, extremes: ties,
    NaNs, infinities and integer wrap-around."""
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    special = rng.random(shape) < 0.1
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        small = rng.integers(0 if dtype.kind == "u" else -10, 11, shape)
        extremes = np.array([info.min, info.max, 0], dtype)
        return np.where(special, rng.choice(extremes, shape), small.astype(dtype))
    if dtype.kind == "c":  # each part as a float, equal real parts now and then
        real = random_value(rng, shape, np.dtype(np.float64))
        imag = random_value(rng, shape, np.dtype(np.float64))
        value = np.empty(shape, dtype)  # parts set as they are (1j * inf is NaN + inf j)
        value.real, value.imag = real, np.where(rng.random(shape) < 0.2, 0.0, imag)
        return value
    if rng.random() < 0.3:  # halves: exact ties for rounding and comparisons
        values = rng.integers(-20, 21, shape) / 2
    else:
        values = rng.uniform(-10, 10, shape)
    values = np.where(special, rng.choice(_SPECIAL_FLOATS, shape), values)
    return values.astype(dtype)


def partner_shape(rng, shape) -> tuple:
    """A shape that broadcasts with `shape`: a suffix of it with some sizes
    1, sometimes under a new leading axis."""
    dims = list(shape[len(shape) - rng.integers(0, len(shape) + 1):])
    whole = len(dims) == len(shape)
    dims = [1 if rng.random() < 0.3 else d for d in dims]
    if whole and rng.random() < 0.15:
        dims.insert(0, int(rng.integers(1, 4)))
    return tuple(dims)


def random_dims(rng, ndim, large=False) -> tuple:
    """Sizes up to 5, a size 0 now and then; or, if `large`, sizes that
    reach the compiled code's parallel loops, BLAS calls and allocators."""
    if large:
        return tuple(int(d) for d in rng.choice([1, 3, 17, 64, 130], ndim))
    return tuple(int(d) for d in rng.choice(6, ndim, p=[0.04, 0.2, 0.24, 0.24, 0.16, 0.12]))


class Unfit(Exception):
    """The statement being written does not fit here: no value suits it, or
    it would need one beyond the size limits."""


def check_work(x_shape, y_shape, shared: int):
    """Raises Unfit if contracting arrays of these shapes over `shared`
    common elements (1 for an outer product) takes more than MAX_WORK."""
    if np.prod(x_shape) * np.prod(y_shape) > MAX_WORK * max(shared, 1):
        raise Unfit
