"""The runtime library compiled kernels call: half-precision conversions
(used on CPUs without F16C), gemm through BLAS split over the thread pool
and its fallback loops, and the caching allocator behind large results
(memrefCopy is covered by test_jit.py::test_strided_result_of_an_argument_is_copied)."""

import ctypes
import glob
import os
import signal
import struct
import subprocess
import sys

import numpy as np
import pytest

from mljit import _native

runtime = ctypes.CDLL(_native.RUNTIME_LIBRARY_PATH)


def half_bits_as_xmm(bits: int) -> ctypes.c_float:
    """An argument whose XMM register holds `bits` in its low 16 bits, which
    is how the _Float16 ABI passes a half."""
    return ctypes.c_float.from_buffer_copy(struct.pack("<I", bits))


def test_extend_half_to_float_for_every_half():
    extend = runtime.__extendhfsf2
    extend.argtypes = [ctypes.c_float]
    extend.restype = ctypes.c_float
    halves = np.arange(1 << 16, dtype=np.uint32)
    got = np.array([extend(half_bits_as_xmm(int(h))) for h in halves], np.float32)
    expected = halves.astype(np.uint16).view(np.float16).astype(np.float32)
    nan = np.isnan(expected)
    np.testing.assert_array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got[~nan].view(np.uint32), expected[~nan].view(np.uint32))


def test_truncate_float_to_half_rounds_to_nearest_even(rng):
    truncate = runtime.__truncsfhf2
    truncate.argtypes = [ctypes.c_float]
    truncate.restype = ctypes.c_float

    def half_bits(value: np.float32) -> int:
        result = truncate(ctypes.c_float(value))
        return struct.unpack("<I", struct.pack("<f", result))[0] & 0xFFFF

    edges = np.array([0.0, -0.0, 65504.0, 65519.99, 65520.0, 1e10, -1e10, 6e-8, 3e-8,
                      2.98e-8, 5.96e-8, 6.1e-5, 6.09e-5, 1.0 + 2**-11, 1.0 + 3 * 2**-11,
                      np.inf, -np.inf, 2049.0, 2051.0], np.float32)
    samples = np.concatenate([edges, rng.integers(0, 1 << 32, 20000, dtype=np.uint64)
                              .astype(np.uint32).view(np.float32)])
    with np.errstate(over="ignore"):
        expected = samples.astype(np.float16)
    for value, want in zip(samples, expected):
        got = half_bits(value)
        if np.isnan(want):
            assert (got & 0x7C00) == 0x7C00 and (got & 0x3FF), f"{value!r} -> {got:#06x}"
        else:
            assert got == int(want.view(np.uint16)), f"{value!r} -> {got:#06x}, want {want!r}"


def test_truncate_float_to_bfloat16_rounds_to_nearest_even(rng):
    ml_dtypes = pytest.importorskip("ml_dtypes", reason="bfloat16's reference is ml_dtypes")
    truncate = runtime.__truncsfbf2
    truncate.argtypes = [ctypes.c_float]
    truncate.restype = ctypes.c_float
    edges = np.array([0.0, -0.0, 1.0 + 2**-8, 1.0 + 3 * 2**-8, 3.4e38, -3.4e38, 1e-40,
                      np.inf, -np.inf, np.nan, -np.nan], np.float32)
    samples = np.concatenate([edges, rng.integers(0, 1 << 32, 20000, dtype=np.uint64)
                              .astype(np.uint32).view(np.float32)])
    with np.errstate(invalid="ignore"):
        expected = samples.astype(ml_dtypes.bfloat16).view(np.uint16)
    for value, want in zip(samples, expected):
        result = truncate(ctypes.c_float(value))
        got = struct.unpack("<I", struct.pack("<f", result))[0] & 0xFFFF
        if np.isnan(value):
            assert (got & 0x7F80) == 0x7F80 and (got & 0x7F), f"{value!r} -> {got:#06x}"
        else:
            assert got == int(want), f"{value!r} -> {got:#06x}, want {int(want):#06x}"


def test_gemm_without_blas_falls_back_to_loops(rng):
    import mljit

    a = rng.standard_normal((70, 80)).astype(np.float32)
    b = rng.standard_normal((80, 90)).astype(np.float32)
    c = rng.standard_normal((3, 80, 40))
    f = mljit.jit(lambda a, b, c: (a @ b, a.T.T @ b[:, ::-1], c.transpose(0, 2, 1) @ c))
    runtime.mljit_set_blas(None, None, None, None)
    try:
        assert not runtime.mljit_has_blas()
        got = f(a, b, c)
    finally:
        runtime.mljit_use_loaded_blas()
    assert runtime.mljit_has_blas() == _native.BLAS
    np.testing.assert_allclose(got[0], a @ b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[1], a @ b[:, ::-1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[2], c.transpose(0, 2, 1) @ c, rtol=1e-12)


def _openblas_threads():
    libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in glob.glob(os.path.join(libs, "*openblas*.so*")):
        library = ctypes.CDLL(path)
        getter = getattr(library, "scipy_openblas_get_num_threads64_", None)
        if getter:
            return getter
    pytest.skip("NumPy's OpenBLAS exposes no thread-count getter")


@pytest.mark.skipif(not _native.BLAS, reason="no BLAS installed in the runtime")
def test_split_products_match_numpy_and_restore_blas_threads(rng):
    """Large products are split by rows, by columns and by batch entries over
    the runtime's threads; OpenBLAS's own thread count is untouched after."""
    import mljit

    threads = _openblas_threads()
    before = threads()
    tall = rng.standard_normal((300, 200)).astype(np.float32)
    wide = rng.standard_normal((200, 500)).astype(np.float32)
    heads = rng.standard_normal((5, 64, 96))
    one_head = rng.standard_normal((1, 300, 300))
    f = mljit.jit(lambda t, w, h, o: (t @ w, t[:8] @ w, w.T @ t.T, h @ h.transpose(0, 2, 1),
                                      o @ o))
    got = f(tall, wide, heads, one_head)
    want = (tall @ wide, tall[:8] @ wide, wide.T @ tall.T, heads @ heads.transpose(0, 2, 1),
            one_head @ one_head)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-3)
    assert threads() == before


def test_large_results_are_reused_only_once_dropped(rng):
    """Results of 64 KiB and more come from the runtime's caching allocator:
    a result the caller still holds is never handed out again, a dropped one
    is reused by the next call instead of being faulted in afresh."""
    import mljit
    from mljit import _call

    f = mljit.jit(lambda x: x * 2)
    x = rng.standard_normal(100_000).astype(np.float32)
    first = f(x)
    second = f(x + 1)
    assert first.ctypes.data != second.ctypes.data
    np.testing.assert_array_equal(first, x * 2)
    np.testing.assert_array_equal(second, (x + 1) * 2)
    address = first.ctypes.data
    del first
    assert _call.cached_bytes() >= x.nbytes
    third = f(x)
    assert third.ctypes.data == address
    np.testing.assert_array_equal(third, x * 2)
    np.testing.assert_array_equal(second, (x + 1) * 2)


def test_result_cache_can_be_disabled():
    """MLJIT_CACHE_BYTES bounds what the allocator keeps; 0 keeps nothing."""
    code = (
        "import numpy as np, mljit; from mljit import _call\n"
        "f = mljit.jit(lambda x: x + 1)\n"
        "r = f(np.zeros(100_000, np.float32)); del r\n"
        "print(_call.cached_bytes())\n"
    )
    for limit, expect_cached in (("0", False), ("", True)):
        env = dict(os.environ, MLJIT_CACHE_BYTES=limit)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout
        assert (int(out) > 0) == expect_cached, (limit, out)


def test_a_parallel_region_passing_too_many_values_aborts_naming_the_limit():
    """Skipping a region's work would be a wrong answer: a region passing its
    body more values than the runtime can forward stops the process loudly."""
    code = (
        "import ctypes\n"
        f"runtime = ctypes.CDLL({_native.RUNTIME_LIBRARY_PATH!r})\n"
        "body = ctypes.CFUNCTYPE(None)(lambda: None)\n"
        "runtime.__kmpc_fork_call(None, 5, body, None, None, None, None, None)\n"
        "print('returned')\n"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == -signal.SIGABRT, process
    assert "returned" not in process.stdout
    assert "passes 5 values to its body; the runtime supports at most 4" in process.stderr


@pytest.mark.parametrize("setting, capped", [("1", True), ("", False), ("abc", False),
                                             ("1x", False), ("0", False), ("-2", False)])
def test_one_thread_count_for_the_runtime_and_the_pipeline(setting, capped):
    """MLJIT_NUM_THREADS caps the thread pool when it is a positive integer;
    the count the pipeline tiles loops for is the runtime's own."""
    code = (
        "import mljit, numpy as np; from mljit import _native\n"
        "print(_native.THREADS, mljit.Target().pipeline)\n"
    )
    env = dict(os.environ, MLJIT_NUM_THREADS=setting)
    threads, pipeline = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    cores = len(os.sched_getaffinity(0))
    assert int(threads) == (1 if capped else cores)
    assert f"threads={threads}" in pipeline


class _Matrix(ctypes.Structure):
    """A 2-D strided memref descriptor (pointers as void*)."""
    _fields_ = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * 2),
                ("strides", ctypes.c_int64 * 2)]

    @classmethod
    def of(cls, array: np.ndarray) -> "_Matrix":
        strides = [s // array.itemsize for s in array.strides]
        return cls(array.ctypes.data, array.ctypes.data, 0, tuple(array.shape), tuple(strides))


# Every tile shape of the kernel: rows of 1 to 5 (tiles of four rows and the
# rest), 16 and 17; columns in vectors of 64, 16 and 8 and single ones; the
# largest split over the thread pool.
@pytest.mark.parametrize("m", [0, 1, 2, 3, 4, 5, 7, 16, 17])
@pytest.mark.parametrize("k, n", [(1, 1), (33, 7), (96, 129), (300, 517)], ids=str)
@pytest.mark.parametrize("layout", ["rows", "columns", "strided"])
def test_float64_by_float32_products_read_the_weight_as_stored(m, k, n, layout, rng):
    gemm = runtime._mlir_ciface_mljit_gemm_f64_f32
    gemm.argtypes = [ctypes.POINTER(_Matrix)] * 3 + [ctypes.c_double]
    a = rng.standard_normal((m, k))
    stored = rng.standard_normal({"rows": (k, n), "columns": (n, k),
                                  "strided": (2 * k, 3 * n)}[layout]).astype(np.float32)
    b = {"rows": stored, "columns": stored.T, "strided": stored[::2, 1::3]}[layout]
    want = a @ b.astype(np.float64)
    for beta in (0.0, 1.0, 0.5):
        c = rng.standard_normal((m, n))
        if beta == 0:
            c[...] = np.nan  # garbage the product must not read
        expected = want + (beta * c if beta else 0)
        gemm(_Matrix.of(a), _Matrix.of(b), _Matrix.of(c), beta)
        np.testing.assert_allclose(c, expected, rtol=1e-12, atol=1e-12 * k)
