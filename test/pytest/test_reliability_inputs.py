"""Bad input at the call boundary: each gives NumPy's answer or a Python
exception that names the problem; none kills the process."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mljit
from checks import assert_same, random_array


def add(x, y):
    return x + y


def test_wrong_argument_count_and_names():
    f = mljit.jit(add)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'y'"):
        f(np.ones(3))
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        f(np.ones(3), np.ones(3), z=np.ones(3))
    with pytest.raises(TypeError, match="takes 2 positional arguments but 3 were given"):
        f(np.ones(3), np.ones(3), np.ones(3))


@pytest.mark.parametrize("value, dtype_name", [
    (np.array([1, None], dtype=object), "object"),
    (np.array(["a", "b"]), "<U1"),
    (np.array([b"a", b"b"]), "|S1"),
    (np.array([1, 2], "timedelta64[s]"), "timedelta64"),
    (np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[D]"), "datetime64"),
    (np.array([1, 2], np.longdouble), "float128"),
])
def test_unsupported_dtypes_are_named(value, dtype_name):
    with pytest.raises(mljit.UnsupportedError, match=f"dtype {dtype_name}.*supported: bool, int8"):
        mljit.jit(add)(value, np.ones(2))


@pytest.mark.parametrize("value", ["text", b"bytes", object()])
def test_non_array_arguments_are_named(value):
    with pytest.raises(mljit.UnsupportedError, match="is not an array"):
        mljit.jit(add)(value, np.ones(2))


def test_none_is_an_empty_pytree_as_in_jax():
    # NumPy raises the same TypeError for None + array.
    with pytest.raises(TypeError, match="unsupported operand type"):
        mljit.jit(add)(None, np.ones(2))


def test_a_list_where_numpy_wants_one_array_explains_pytrees():
    f = mljit.jit(lambda x: np.sum(x, axis=0))
    with pytest.raises(mljit.ConcretizationError, match=r"list argument .* pytree .* np\.asarray"):
        f([np.ones(3), np.ones(3)])
    assert_same(f(np.asarray([np.ones(3), np.ones(3)])), np.full(3, 2.0))


def test_wrong_rank_for_a_compiled_signature():
    compiled = mljit.jit(add).lower(np.ones((2, 3)), np.ones(3)).compile()
    with pytest.raises(TypeError, match="do not match the signature"):
        compiled(np.ones(6), np.ones(3))
    with pytest.raises(TypeError, match="do not match the signature"):
        compiled(np.ones((2, 3), np.float32), np.ones(3))


def test_views_byte_orders_and_read_only_inputs(rng):
    big = random_array(rng, (14, 27), np.float32)
    base = big[:7, :9].copy()
    f = mljit.jit(lambda x, y: (x * y - x.sum(axis=0), x.T @ y))
    views = [big[::-2, ::-3], big[1::2, 2::3], np.flip(big)[::2, ::3], big.T[:9, :7].T,
             big[:7, :9].astype(">f4"), np.broadcast_to(big[:1, :9], (7, 9))]
    for view in views:
        expected = (view * base - view.sum(axis=0), view.T @ base)
        got = f(view, base)
        for g, e in zip(got, expected):
            assert_same(g, e.astype(np.float32), rtol=1e-5, atol=1e-5)
    frozen = base.copy()
    frozen.flags.writeable = False
    assert_same(f(frozen, base)[1], base.T @ base, rtol=1e-5, atol=1e-5)


def test_nan_and_inf_propagate_as_in_numpy():
    x = np.array([0.5, np.nan, np.inf, -np.inf, -0.0, 3.0], np.float64)
    f = mljit.jit(lambda x: (x * 2, np.maximum(x, 1), x.max(), x.argmax(), np.exp(x),
                             x > 0, np.sqrt(x), np.isnan(x), np.minimum(x, np.nan)))
    with np.errstate(all="ignore"):
        expected = (x * 2, np.maximum(x, 1), x.max(), x.argmax(), np.exp(x), x > 0,
                    np.sqrt(x), np.isnan(x), np.minimum(x, np.nan))
        got = f(x)
    for g, e in zip(got, expected):
        assert_same(g, e, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_integer_overflow_wraps_as_in_numpy(dtype):
    info = np.iinfo(dtype)
    x = np.array([info.max, info.min, info.max // 2 + 1, -1], dtype)
    f = mljit.jit(lambda x: (x + x, x * x, -x, np.abs(x), x - 1))
    with np.errstate(all="ignore"):
        expected = (x + x, x * x, -x, np.abs(x), x - 1)
    for g, e in zip(f(x), expected):
        assert_same(g, e)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.float32, np.float64])
def test_division_by_zero_as_in_numpy(dtype):
    x = np.array([7, -7, 0, 5], dtype)
    y = np.array([0, 0, 0, 2], dtype)
    f = mljit.jit(lambda x, y: (x // y, x % y, x / y))
    with np.errstate(all="ignore"):
        expected = (x // y, x % y, x / y)
    for g, e in zip(f(x, y), expected):
        assert_same(g, e)


def test_python_int_beyond_int64_is_numpys_overflow_error():
    with pytest.raises(OverflowError):
        mljit.jit(add)(2**70, np.ones(2))


def test_shapes_beyond_memory():
    f = mljit.jit(lambda x: np.broadcast_to(x, (10**6, 10**6)) + 1)
    with pytest.raises(MemoryError, match=r"cannot allocate 4000000000000 bytes for a result "
                                          r"of shape \(1000000, 1000000\) and dtype float32"):
        f(np.ones(1, np.float32))
    with pytest.raises(ValueError, match="too large"):  # NumPy's own refusal
        mljit.jit(lambda x: np.broadcast_to(x, (10**10, 10**10)))(np.ones(1))


def test_temporary_beyond_memory_is_a_memory_error_and_the_process_goes_on(tmp_path):
    # Address space capped a little above what the process uses: the 6.4 GB
    # temporary of the outer product cannot be allocated.
    script = textwrap.dedent("""
        import resource, sys, numpy as np, mljit
        f = mljit.jit(lambda x: (x @ x.T).sum())
        assert f(np.ones((30, 1), np.float32)) == 900
        big = np.ones((40000, 1), np.float32)
        exported = mljit.load(mljit.export(f, big, path=sys.argv[1]))
        used = int(open("/proc/self/statm").read().split()[0]) * 4096
        resource.setrlimit(resource.RLIMIT_AS, (used + (2 << 30), resource.RLIM_INFINITY))
        for function in (f, exported):
            try:
                function(big)
            except MemoryError as error:
                print("MemoryError:", error)
        assert f(np.ones((300, 1), np.float32)) == 90000
        print("still running")
    """)
    process = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                             text=True, env=dict(os.environ, MLJIT_CACHE_DIR=""))
    assert process.returncode == 0, process.stderr
    assert ("MemoryError: the compiled function could not allocate a temporary of "
            "6400000000 bytes") in process.stdout
    assert "MemoryError: <lambda> could not allocate a temporary of 6400000000 bytes" in process.stdout
    assert "still running" in process.stdout


@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (0, 0, 2)])
def test_zero_d_and_empty_inputs(shape):
    x = np.ones(shape, np.float32)
    f = mljit.jit(lambda x: (x * 2, x.sum(), x.reshape(-1)))
    for g, e in zip(f(x), (x * 2, x.sum(), x.reshape(-1))):
        assert_same(g, e)
