"""Results of device="cuda" against NumPy's: with a GPU, of the compiled
code; without one, of the same kernels run on the host
(ml-gpu-emulation-pipeline). The tests that need GPU memory itself
(device_put, exported code, out of memory) skip where there is no GPU."""

import numpy as np
import pytest

import checks
import mljit
import models
from gpu_checks import CHIP, MISC, REASON

F32, F64 = np.float32, np.float64
needs_gpu = pytest.mark.skipif(CHIP is None, reason=f"no usable NVIDIA GPU: {REASON}")
# Without a GPU, the execution tests run the same kernels on the host
# (ml-gpu-emulation-pipeline: each gpu.launch as loops over its blocks and,
# between barriers, its threads): what the kernels compute is checked here,
# what the GPU's arithmetic and the NVVM lowering add only on a GPU.
EMULATED = CHIP is None


def gpu_jit(function, **options):
    if EMULATED:
        return mljit.jit(function, pipeline="ml-gpu-emulation-pipeline", **options)
    return mljit.jit(function, device="cuda", **options)


# Tolerances against NumPy, by the dtype computed in. Elementwise: a few ulp
# (the GPU's exp, tanh, division... are not NumPy's, and it may fuse a * b + c
# into one rounding). Sums (reductions, matmul, programs): the GPU adds in
# another order, so errors are relative to the sum of magnitudes, which
# callers pass as `scale`.
ELEMENTWISE_RTOL = {np.dtype(np.float16): 4e-3, np.dtype(F32): 4e-6, np.dtype(F64): 1e-12}
SUM_RTOL = {np.dtype(np.float16): 1e-2, np.dtype(F32): 1e-4, np.dtype(F64): 1e-10}


def assert_close(got, expected, rtol=ELEMENTWISE_RTOL, scale=0.0, what=""):
    """`got` (a NumPy array) is NumPy's `expected`: same type, shape and
    dtype; integers and booleans equal; floats within rtol * (|expected| +
    scale), NaN and infinities where NumPy has them. `rtol` may be a dict by
    dtype, `scale` an array broadcasting to the result, or "max": the largest
    finite |expected|."""
    expected = np.asarray(expected)
    if checks.assert_exact_kind(got, expected, what):
        return
    if isinstance(rtol, dict):
        rtol = rtol[expected.dtype]
    g, e = got.astype(F64), expected.astype(F64)
    if isinstance(scale, str):
        finite = np.abs(e[np.isfinite(e)])
        scale = finite.max() if finite.size else 0.0
    with np.errstate(invalid="ignore"):
        close = np.abs(g - e) <= rtol * (np.abs(e) + scale)
        good = (g == e) | (np.isnan(g) & np.isnan(e)) | close
    assert good.all(), (f"{what}: {(~good).sum()} of {good.size} differ (rtol {rtol}); first "
                        f"at {tuple(np.argwhere(~good)[0])}: {g[~good][0]!r} != {e[~good][0]!r}")


def leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in leaves(tree[key])]
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in leaves(item)]
    return [tree]


def compare(got, expected, rtol=ELEMENTWISE_RTOL, scale=0.0, what=""):
    """Pytrees `got` and `expected` have equal structure and close leaves."""
    assert type(got) is type(expected) or not isinstance(expected, (dict, tuple, list)), \
        f"{what}: a {type(got).__name__}, not a {type(expected).__name__}"
    got, expected = leaves(got), leaves(expected)
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert_close(g, e, rtol, scale, f"{what} leaf {i}")


def elementwise(a, b):
    """NumPy's arithmetic and ufuncs on `a` and `b` (b nonzero)."""
    if a.dtype == np.bool_:
        return {"and": a & b, "or": a | b, "xor": a ^ b, "not": ~a, "where": np.where(a, b, a),
                "eq": a == b}
    out = {"add": a + b, "sub": a - b, "mul": a * b, "max": np.maximum(a, b),
           "min": np.minimum(a, b), "where": np.where(a > b, a, b), "ge": a >= b,
           "eq": a == b, "neg": -a, "abs": np.abs(a), "square": a * a}
    if a.dtype.kind == "f":
        out.update(div=a / b, exp=np.exp(a), log=np.log(np.abs(a) + 1), tanh=np.tanh(a),
                   sqrt=np.sqrt(np.abs(a)), pow=a ** 2, floor=np.floor(a), sin=np.sin(a),
                   sigmoid=1 / (1 + np.exp(-a)), fma=a * b + 1.5)
    else:
        out.update(floordiv=a // b, mod=a % b)
    return out


ELEMENTWISE_SHAPES = [
    ((), ()), ((1,), (7,)), ((33,), (33,)), ((5, 1), (1, 257)), ((3, 1, 70), (4, 1)),
    ((1000,), ()), ((0, 3), (3,)), (((1 << 21) + 3,), (1,))]


def _operands(rng, shape, dtype):
    """Random values of `dtype`, none zero (nor tiny)."""
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind == "i":
        values = rng.integers(-20, 21, size=shape)
        return np.where(values == 0, 7, values).astype(dtype)
    values = rng.uniform(-4, 4, size=shape)
    return np.where(np.abs(values) < 1e-2, 0.5, values).astype(dtype)


@pytest.mark.parametrize("dtype", [F32, F64, np.int32, np.int64, np.bool_, np.float16], ids=str)
@pytest.mark.parametrize("shapes", ELEMENTWISE_SHAPES, ids=str)
def test_gpu_elementwise_matches_numpy(dtype, shapes, rng):
    if dtype == np.float16 and shapes not in ELEMENTWISE_SHAPES[3:5]:
        pytest.skip("float16: two shapes are enough")
    a, b = (_operands(rng, shape, dtype) for shape in shapes)
    got = gpu_jit(elementwise)(a, b)
    with np.errstate(all="ignore"):
        expected = elementwise(a, b)
    assert sorted(got) == sorted(expected)
    for key in expected:
        scale = 0.0
        if key == "fma":  # a * b + c may be much smaller than its terms
            scale = np.abs(a.astype(F64) * b) + 1.5
        elif key == "sin":  # fast sine: absolute error near its zeros
            scale = 1.0
        assert_close(got[key], expected[key], scale=scale, what=key)


REDUCTION_SHAPES = [(5, 33), (3, 257), (300, 7), (1, 1000), (2, 31, 65), (1030,)]


def reductions(x, p, ties):
    """Every reduction over every axis, by "op axis keepdims": `x` any values,
    `p` values whose product stays in range, `ties` integers with repeats
    (argmax and argmin must pick the first, as NumPy does)."""
    out = {}
    for axis in (None, *range(x.ndim), -1):
        for keepdims in (False, True):
            def put(name, value):
                out[f"{name} {axis} {keepdims}"] = value
            put("sum", x.sum(axis=axis, keepdims=keepdims))
            put("max", x.max(axis=axis, keepdims=keepdims))
            put("min", np.min(x, axis=axis, keepdims=keepdims))
            put("mean", x.mean(axis=axis, keepdims=keepdims))
            put("argmax-ties", ties.argmax(axis=axis, keepdims=keepdims))
            if keepdims:
                continue
            put("prod", p.prod(axis=axis))
            put("all", np.all(x > -2, axis=axis))
            put("any", np.any(x > 2, axis=axis))
            put("argmax", np.argmax(x, axis=axis))
            put("argmin", x.argmin(axis=axis))
            put("argmin-ties", ties.argmin(axis=axis))
            put("var", x.var(axis=axis))
    return out


@pytest.mark.parametrize("dtype", [F32, F64, np.int32], ids=str)
@pytest.mark.parametrize("shape", REDUCTION_SHAPES, ids=str)
def test_gpu_reductions_match_numpy(dtype, shape, rng):
    if np.dtype(dtype).kind == "f":
        x = rng.uniform(-3, 3, size=shape).astype(dtype)
        p = rng.uniform(0.97, 1.03, size=shape).astype(dtype)
    else:
        x = rng.integers(-3, 4, size=shape).astype(dtype)
        p = np.where(rng.random(shape) < 0.5, -1, 1).astype(dtype)
    ties = rng.integers(-2, 3, size=shape).astype(np.int32)
    got = gpu_jit(reductions)(x, p, ties)
    expected = reductions(x, p, ties)
    assert sorted(got) == sorted(expected)
    x64 = x.astype(F64)
    for key, value in expected.items():
        name, axis, keepdims = key.split()
        axis, keepdims = eval(axis), keepdims == "True"
        scale = 0.0  # max, min: exact; prod: relative
        if name == "sum":
            scale = np.abs(x64).sum(axis=axis, keepdims=keepdims)
        elif name == "mean":
            scale = np.abs(x64).mean(axis=axis, keepdims=keepdims)
        elif name == "var":
            scale = (x64 ** 2).mean(axis=axis)
        rtol = 0.0 if name in ("max", "min") else SUM_RTOL
        assert_close(got[key], value, rtol, scale, what=key)


@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
def test_gpu_reductions_propagate_nan_and_inf(dtype):
    x = np.zeros((3, 300), dtype)
    x[0, 7] = x[0, 250] = x[2, 200] = np.nan
    x[1, 299], x[2, 3] = -np.inf, np.inf

    def special(x):
        return (x.max(axis=1), x.min(axis=1), x.argmax(axis=1), x.argmin(axis=1),
                x.sum(axis=1), x.max(), np.argmax(x), np.maximum(x, 1.0).sum(axis=0))

    with np.errstate(all="ignore"):
        expected = special(x)
    compare(gpu_jit(special)(x), expected)


MATMULS = [((1, 1), (1, 1)), ((15, 17), (17, 33)), ((64, 64), (64, 64)),
           ((3, 15, 17), (3, 17, 9)), ((2, 1, 5, 6), (3, 6, 4)), ((17,), (17, 33)),
           ((15, 17), (17,)), ((17,), (17,)), ((257, 300), (300, 129)), ((3, 0), (0, 4)),
           ((0, 4), (4, 2))]


@pytest.mark.parametrize("dtype", [F32, F64, np.int32], ids=str)
@pytest.mark.parametrize("shapes", MATMULS, ids=str)
def test_gpu_matmul_matches_numpy(dtype, shapes, rng):
    if dtype != F32 and 0 in shapes[0] + shapes[1]:
        pytest.skip("one dtype is enough for empty products")
    a, b = (_operands(rng, shape, dtype) for shape in shapes)
    got = gpu_jit(lambda a, b: a @ b)(a, b)
    scale = np.abs(a.astype(F64)) @ np.abs(b.astype(F64))
    assert_close(got, a @ b, SUM_RTOL, scale)


# Sums of many terms among MISC: compared relative to their largest result.
_MISC_SUMS = {"reductions_keepdims", "cumsum", "matvec_vecmat_dot", "float16_int8",
              "argmax_argmin", "size_0"}


@pytest.mark.parametrize("name", [n for n in MISC if not n.startswith("matmul")])
def test_gpu_operations_match_numpy(name, rng):
    function, make = MISC[name]
    args = make(rng)
    got = gpu_jit(function)(*args)
    with np.errstate(all="ignore"):
        expected = function(*args)
    if name in _MISC_SUMS:
        compare(got, expected, SUM_RTOL, "max", what=name)
    else:
        compare(got, expected, what=name)


PROGRAM_RUNS = [(name, dtype, size) for name in models.EXAMPLES
                for dtype, size in ((F32, 1), (F64, 1), (F32, 3))]


@pytest.mark.parametrize("name, dtype, size", PROGRAM_RUNS,
                         ids=[f"{n}-{np.dtype(d)}-x{s}" for n, d, s in PROGRAM_RUNS])
def test_gpu_programs_match_numpy(name, dtype, size, rng):
    function, args = models.example(name, dtype, rng, size)
    with np.errstate(all="ignore"):
        expected = function(*args)
    jitted = gpu_jit(function)
    # By the dtype computed in: float32 attention returns float64.
    rtol = SUM_RTOL[np.dtype(dtype)]
    compare(jitted(*args), expected, rtol, "max", what=name)
    if EMULATED:
        return
    # The device variant computes the same.
    on_device = jitted(*[mljit.device_put(a) if isinstance(a, np.ndarray) else a for a in args])
    assert all(isinstance(leaf, mljit.DeviceArray) for leaf in leaves(on_device))
    compare([np.asarray(leaf) for leaf in leaves(on_device)], leaves(expected), rtol, "max",
            what=f"{name} on the device")


@pytest.mark.parametrize("name", models.EXAMPLES)
def test_gpu_programs_serve_every_size_with_one_variant(name, rng):
    # Sizes read on the host, grids computed at launch (ml-gpu-map-loops).
    jitted = gpu_jit(models.EXAMPLES[name], dynamic=True)
    for size in (1, 2):
        function, args = models.example(name, F32, rng, size)
        with np.errstate(all="ignore"):
            expected = function(*args)
        compare(jitted(*args), expected, SUM_RTOL[np.dtype(F32)], "max",
                what=f"{name} x{size}")
    assert jitted._cache_size() == 1


@needs_gpu
def test_gpu_device_put_round_trips_and_chains(rng):
    for host in (np.arange(12, dtype=F32).reshape(3, 4), rng.standard_normal(100_003),
                 rng.integers(-5, 5, (4, 5, 6)).astype(np.int8), np.array(True),
                 np.zeros((0, 7), np.int64), rng.standard_normal((3, 5)).astype(np.float16),
                 np.arange(20.0)[::3]):
        back = np.asarray(mljit.device_put(host))
        assert back.dtype == host.dtype and back.shape == host.shape
        np.testing.assert_array_equal(back, host)
    _, (x, w1, b1, w2, b2) = models.example("mlp_relu", F32, rng)
    mlp = mljit.jit(models.mlp_relu, device="cuda")
    softmax = mljit.jit(models.softmax, device="cuda")
    hidden = mlp(mljit.device_put(x), w1, b1, w2, b2)
    probabilities = softmax(hidden)  # from the device to the device
    assert isinstance(probabilities, mljit.DeviceArray)
    expected = models.softmax(models.mlp_relu(x, w1, b1, w2, b2))
    assert_close(np.asarray(probabilities), expected, SUM_RTOL, "max")
    assert_close(softmax(np.asarray(hidden)), expected, SUM_RTOL, "max")


@needs_gpu
def test_gpu_exported_function_matches_numpy(tmp_path, rng):
    function, args = models.example("block_with_stats", F32, rng)
    path = mljit.export(function, *args, path=str(tmp_path / "art"), device="cuda", chip=CHIP)
    loaded = mljit.load(path)
    for _ in range(2):
        compare(loaded(*args), function(*args), SUM_RTOL, "max")


@needs_gpu
def test_gpu_out_of_memory_is_memory_error():
    def centered(x, y):
        outer = x[:, None] * y[None, :]  # 2**38 float32: 1 TiB
        return (outer - outer.max(axis=1, keepdims=True)).sum(axis=1)

    jitted = mljit.jit(centered, device="cuda")
    x = np.ones(1 << 19, F32)
    with pytest.raises(MemoryError, match="CUDA_ERROR_OUT_OF_MEMORY"):
        jitted(x, x)
    small = np.arange(8, dtype=F32)
    assert_close(jitted(small, small), centered(small, small), SUM_RTOL, "max")
