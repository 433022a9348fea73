"""complex64 and complex128 against NumPy: every binary ufunc mljit computes
on complex numbers, on complex operands and on complex with each real dtype
(NumPy's promotion), unary ufuncs, reductions, casts, the parts (real, imag,
angle, conj) and matmul, with values hypothesis draws; special values
(NaN, infinities, signed zeros) where NumPy's answer is exact; and the
clear errors for what mljit does not compute on complex numbers."""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mljit
from checks import applicable, assert_same, numpy_results

COMPLEX = [np.dtype(np.complex64), np.dtype(np.complex128)]
REAL = [np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                              "uint32", "uint64", "float16", "float32", "float64")]
BINARY = [np.add, np.subtract, np.multiply, np.true_divide, np.power, np.maximum, np.minimum,
          np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal]
SIZE = 10


def tolerance(dtype):
    return 2e-5 if np.dtype(dtype) in (np.complex64, np.float32, np.float16) else 1e-12


def arrays(dtype, magnitude=4.0):
    """Arrays of `dtype` whose elements (parts) lie within `magnitude`, with
    equal and zero parts among them (where comparisons turn on the
    imaginary part)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return st.lists(st.booleans(), min_size=SIZE, max_size=SIZE).map(
            lambda v: np.array(v, dtype))
    if dtype.kind in "iu":
        return st.lists(st.integers(0 if dtype.kind == "u" else -5, 5), min_size=SIZE,
                        max_size=SIZE).map(lambda v: np.array(v, dtype))
    part = st.one_of(st.sampled_from([0.0, 1.0, -1.0, 0.5]),
                     st.floats(-magnitude, magnitude, width=32, allow_subnormal=False))
    if dtype.kind == "f":
        return st.lists(part, min_size=SIZE, max_size=SIZE).map(lambda v: np.array(v, dtype))
    return st.lists(st.tuples(part, part), min_size=SIZE, max_size=SIZE).map(
        lambda v: np.array([complex(r, i) for r, i in v], dtype))


def check_against_numpy(got, expected, rtol):
    expected = np.asarray(expected)
    got = np.asarray(got)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert_same(got, expected, rtol=rtol, atol=rtol)


PAIRS = ([(c, d) for c in COMPLEX for d in COMPLEX]
         + [(c, r) for c in COMPLEX for r in REAL] + [(r, c) for c in COMPLEX for r in REAL])


@pytest.mark.parametrize("left, right", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_binary_ufuncs_on_complex_pairs(left, right):
    ufuncs = applicable(BINARY, (left, right))
    assert np.add in ufuncs and np.true_divide in ufuncs
    compiled = mljit.jit(lambda a, b: tuple(u(a, b) for u in ufuncs))

    @settings(max_examples=5, deadline=None, derandomize=True)
    @given(arrays(left), arrays(right))
    def check(a, b):
        # Division by zero is inf/NaN in both, by different paths: kept out.
        b = np.where(b == 0, np.ones((), b.dtype), b).astype(b.dtype)
        for ufunc, value, expected in zip(ufuncs, compiled(a, b), numpy_results(ufuncs, a, b)):
            if ufunc is np.power:
                # NumPy's complex power is exp(b log a): ULP apart in both parts.
                check_against_numpy(value, expected, 50 * tolerance(expected.dtype))
            else:
                check_against_numpy(value, expected, tolerance(expected.dtype))

    check()


UNARY = [np.negative, np.positive, np.absolute, np.square, np.reciprocal, np.conjugate, np.exp,
         np.log, np.sqrt, np.sin, np.cos, np.tanh, np.isnan, np.isinf, np.isfinite, np.real,
         np.imag, np.angle, lambda z: np.angle(z, deg=True), lambda z: z.real * z.imag,
         lambda z: z.conj(), np.sum, lambda z: np.prod(z[:4]), np.mean, np.var, np.std,
         np.cumsum, lambda z: np.sum(z.reshape(2, 5), axis=1, keepdims=True),
         lambda z: z.astype(np.complex64), lambda z: z.astype(np.complex128),
         lambda z: z.astype(bool), lambda z: np.logical_not(z),
         lambda z: z.reshape(2, 5) @ z.reshape(5, 2), lambda z: np.dot(z, z),
         lambda z: np.einsum("i,i->", z, z.conj()), lambda z: np.where(z.real > 0, z, 2j),
         lambda z: np.concatenate([z, z[::-1]])[3:12], lambda z: z + 1j, lambda z: 2 * z - 1.5j,
         np.linalg.norm, lambda z: np.linalg.norm(z, 1), lambda z: np.linalg.norm(z, np.inf),
         lambda z: np.clip(z, -1, 1 + 1j), lambda z: np.cumprod(z[:5])]


def written(z):
    """Complex values written into a complex array, in place."""
    y = z.copy()
    y[1] = 3j
    y[2:4] = z[:2] * 1j
    y += 1j
    return y


UNARY.append(written)


@pytest.mark.parametrize("dtype", COMPLEX, ids=str)
def test_unary_ufuncs_reductions_casts_and_parts(dtype):
    compiled = mljit.jit(lambda z: tuple(f(z) for f in UNARY))

    @settings(max_examples=8, deadline=None, derandomize=True)
    @given(arrays(dtype))
    def check(z):
        z = np.where(z == 0, np.ones((), dtype), z).astype(dtype)  # log(0), 1/0
        for value, expected in zip(compiled(z), numpy_results(UNARY, z)):
            check_against_numpy(value, expected, 20 * tolerance(dtype))

    check()


def test_complex_to_real_casts_drop_the_imaginary_part():
    z = np.array([1.5 - 2j, -3.25 + 1j, 0.0 + 7j], np.complex64)
    for dtype in (np.float32, np.float64, np.int32, np.uint8):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            expected = z.astype(dtype)
            got = mljit.jit(lambda z: z.astype(dtype))(z)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_unsigned_integers_become_complex_as_unsigned():
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        x = np.array([0, 1, np.iinfo(dtype).max], dtype)
        for target in COMPLEX:
            got = mljit.jit(lambda x: x.astype(target))(x)
            np.testing.assert_array_equal(got, x.astype(target))


SPECIAL_PARTS = [0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, np.nan]
SPECIAL = np.array([complex(r, i) for r, i in itertools.product(SPECIAL_PARTS, SPECIAL_PARTS)],
                   np.complex128)


@pytest.mark.parametrize("dtype", COMPLEX, ids=str)
def test_special_values_where_numpy_is_exact(dtype):
    """NaN, infinities and signed zeros: comparisons (lexicographic, NaN
    unordered), maximum/minimum (NaN wins), the NaN and infinity tests,
    abs (inf beside NaN), conj, the parts, negation, addition."""
    z = SPECIAL.astype(dtype)
    w = z[::-1].copy()
    functions = [np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
                 np.maximum, np.minimum, np.add, np.subtract,
                 lambda a, b: (np.isnan(a), np.isinf(a), np.isfinite(a)),
                 lambda a, b: (np.abs(a), np.conj(a), np.real(a), np.imag(a), -a)]
    got = mljit.jit(lambda a, b: tuple(f(a, b) for f in functions))(z, w)
    for value, expected in zip(got, numpy_results(functions, z, w)):
        for v, e in zip(value, expected) if isinstance(expected, tuple) else [(value, expected)]:
            assert v.dtype == e.dtype
            # Bit-exact parts: the signs of zeros and NaN positions included.
            if e.dtype.kind == "c":
                np.testing.assert_array_equal(np.signbit(v.real), np.signbit(e.real))
                np.testing.assert_array_equal(np.signbit(v.imag), np.signbit(e.imag))
            if e.dtype.kind == "f":  # abs: hypot, within an ULP of NumPy's
                np.testing.assert_allclose(v, e, rtol=2 * np.finfo(e.dtype).eps, atol=0)
            else:
                np.testing.assert_array_equal(v, e)


def test_complex64_elementwise_chain():
    """The issue's example: a complex64 signal chain (a phase rotation, a
    magnitude-normalized mix and a decay), in complex64 throughout."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 4096, dtype=np.float32)
    signal = (rng.standard_normal(4096) + 1j * rng.standard_normal(4096)).astype(np.complex64)
    carrier = np.exp(2j * np.pi * 50 * t).astype(np.complex64)

    def chain(x, c):
        mixed = x * c + np.conj(x) * 0.25
        mixed = mixed / (np.abs(mixed) + 1)
        return mixed * np.exp(-3 * (1 - 1j) * t.astype(np.complex64)), np.angle(mixed)

    got, expected = mljit.jit(chain)(signal, carrier), chain(signal, carrier)
    for value, want in zip(got, expected):
        assert value.dtype == want.dtype
        np.testing.assert_allclose(value, want, rtol=2e-5, atol=2e-6)


def test_python_complex_scalars_are_weak():
    z = np.array([1 + 1j, 2 - 3j], np.complex64)
    x = np.array([1.0, 2.0], np.float32)
    for f, arg in [(lambda a: a * 2j, z), (lambda a: a + 1j, x), (lambda a: a * (1 + 0j), x),
                   (lambda a: a == 1 + 1j, z)]:
        got, expected = mljit.jit(f)(arg), f(arg)
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", COMPLEX, ids=str)
def test_large_complex_products_through_blas(dtype):
    """cgemm/zgemm: plain, transposed operands read in place, a batch, and
    a single row (gemv)."""
    rng = np.random.default_rng(2)

    def signal(*shape):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)

    a, b, batch, row = signal(130, 96), signal(96, 80), signal(3, 64, 64), signal(1, 96)
    functions = [lambda a, b, c, r: a @ b, lambda a, b, c, r: a.T @ a,
                 lambda a, b, c, r: b @ b.T, lambda a, b, c, r: c @ c,
                 lambda a, b, c, r: r @ b, lambda a, b, c, r: a @ b + 1j]
    got = mljit.jit(lambda *args: tuple(f(*args) for f in functions))(a, b, batch, row)
    for value, f in zip(got, functions):
        expected = f(a, b, batch, row)
        assert value.dtype == expected.dtype
        np.testing.assert_allclose(value, expected, rtol=50 * tolerance(dtype),
                                   atol=50 * tolerance(dtype) * np.abs(expected).max())


def test_matmul_of_complex_matrices():
    rng = np.random.default_rng(1)
    for dtype in COMPLEX:
        a = (rng.standard_normal((3, 17, 9)) + 1j * rng.standard_normal((3, 17, 9))).astype(dtype)
        b = (rng.standard_normal((9, 5)) + 1j * rng.standard_normal((9, 5))).astype(dtype)
        got = mljit.jit(lambda a, b: (a @ b, a.real @ b, np.conj(a) @ b.imag))(a, b)
        expected = (a @ b, a.real @ b, np.conj(a) @ b.imag)
        for value, want in zip(got, expected):
            assert value.dtype == want.dtype
            np.testing.assert_allclose(value, want, rtol=10 * tolerance(dtype))


@pytest.mark.parametrize("function, message", [
    (lambda z: np.max(z), "numpy.max of complex numbers"),
    (lambda z: np.argmin(z), "numpy.argmin of complex numbers"),
    (lambda z: np.log1p(z), "numpy.log1p of complex numbers"),
    (lambda z: np.sign(z), "numpy.sign of complex numbers"),
    (lambda z: np.fft.fft(z), "numpy.fft.fft"),
    (lambda z: np.sort(z), "numpy.sort of complex numbers"),
    (lambda z: np.rint(z), "numpy.rint of complex numbers"),
    (lambda z: z.real.copy().__setitem__(0, 1j), "into a float32 array"),
])
def test_what_is_not_computed_on_complex_numbers_is_a_clear_error(function, message):
    z = np.array([1 + 2j, 3 - 1j], np.complex64)
    with pytest.raises(mljit.UnsupportedError, match=message) as error:
        mljit.jit(function)(z)
    assert "test_complex.py" in str(error.value)


def test_numpy_refusals_stay_numpy_errors():
    z = np.array([1 + 2j], np.complex64)
    with pytest.raises(TypeError):
        mljit.jit(lambda z: z // 2)(z)


def test_derivatives_through_complex_numbers_are_refused():
    def f(x):
        return np.sum(np.real(np.exp(1j * x)))

    with pytest.raises(mljit.CompileError, match="cannot differentiate through complex"):
        mljit.grad(f)(np.array([0.5, 1.0], np.float32))
    with pytest.raises(Exception, match="float"):
        mljit.grad(lambda z: np.sum(np.abs(z)))(np.array([1 + 1j], np.complex64))
