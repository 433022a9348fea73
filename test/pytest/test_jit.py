"""`mljit.jit` itself: tracing once per signature, static arguments, pytrees,
the calling convention and the errors users see."""

import collections

import numpy as np
import pytest

import mljit
import mljit.numpy as mnp
from checks import assert_same, random_array


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
def test_model_matches_numpy_and_traces_once(dtype, rng):
    traces = []

    @mljit.jit
    def model(x, w, b):
        traces.append(1)
        hidden = mnp.tanh(x @ w + b)
        return hidden.sum(axis=1), hidden.T

    x, w, b = (random_array(rng, s, dtype, low=-1, high=1) for s in ((8, 5), (5, 3), (3,)))
    expected_hidden = np.tanh(x @ w + b)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for _ in range(3):
        total, transposed = model(x, w, b)
        assert_same(total, expected_hidden.sum(axis=1), rtol=rtol)
        assert_same(transposed, expected_hidden.T, rtol=rtol)
    assert len(traces) == 1
    assert model._cache_size() == 1


def test_new_shapes_and_dtypes_retrace(rng):
    traces = []

    @mljit.jit
    def double(x):
        traces.append(x.shape)
        return x * 2

    double(np.ones(3, np.float32))
    double(np.ones(3, np.float32))
    double(np.ones(4, np.float32))
    double(np.ones(3, np.float64))
    double(np.ones(3, np.float64))
    assert len(traces) == 3


def test_decorator_with_options_and_static_arguments(rng):
    traces = []

    @mljit.jit(static_argnums=(1,), static_argnames=("mode",))
    def scale(x, factor, mode="mul"):
        traces.append((factor, mode))
        return x * factor if mode == "mul" else x + factor

    x = random_array(rng, (4,), np.float32)
    assert_same(scale(x, 3), x * 3)
    assert_same(scale(x, 3), x * 3)
    assert_same(scale(x, 3, mode="add"), x + 3)
    assert_same(scale(x, 2.5), x * 2.5)
    assert traces == [(3, "mul"), (3, "add"), (2.5, "mul")]
    # A static parameter is static however it is passed.
    assert_same(scale(x, factor=4), x * 4)
    assert traces[-1] == (4, "mul")


def test_static_argument_must_be_hashable():
    f = mljit.jit(lambda x, shape: x.reshape(shape), static_argnums=1)
    with pytest.raises(TypeError, match="static argument #1 has type list, which is not hashable"):
        f(np.ones(4), [2, 2])
    assert_same(f(np.ones(4), (2, 2)), np.ones((2, 2)))


def test_keyword_and_default_arguments(rng):
    @mljit.jit
    def affine(x, *, scale, shift=None):
        return x * scale if shift is None else x * scale + shift

    x = random_array(rng, (3,), np.float64)
    s = random_array(rng, (3,), np.float64)
    assert_same(affine(x, scale=s), x * s)
    assert_same(affine(x, scale=s, shift=s), x * s + s)


Pair = collections.namedtuple("Pair", "first second")


def test_pytrees_in_and_out(rng):
    @mljit.jit
    def tree(params, inputs):
        w, b = params["w"], params["b"]
        outputs = [x @ w + b for x in inputs]
        return {"outputs": outputs, "pair": Pair(outputs[0].sum(), None), "norm": (w * w).sum()}

    params = {"w": random_array(rng, (3, 2), np.float32), "b": random_array(rng, (2,), np.float32)}
    inputs = [random_array(rng, (4, 3), np.float32), random_array(rng, (1, 3), np.float32)]
    got = tree(params, inputs)
    assert set(got) == {"outputs", "pair", "norm"}
    for g, x in zip(got["outputs"], inputs):
        assert_same(g, x @ params["w"] + params["b"], rtol=1e-6, atol=1e-4)
    assert isinstance(got["pair"], Pair) and got["pair"].second is None
    assert_same(got["pair"].first, np.asarray((inputs[0] @ params["w"] + params["b"]).sum()), rtol=1e-5)
    assert_same(got["norm"], np.asarray((params["w"] ** 2).sum()), rtol=1e-6)


def test_python_scalars_are_weakly_typed_arguments(rng):
    f = mljit.jit(lambda x, s: x * s)
    x = random_array(rng, (3,), np.float16)
    assert_same(f(x, 2.5), x * 2.5)
    assert_same(f(x, 3), x * 3)
    assert_same(mljit.jit(lambda a, b: a + b)(2.5, 1), np.asarray(3.5))


def test_numpy_scalars_are_strong(rng):
    x = random_array(rng, (3,), np.float32)
    got = mljit.jit(lambda x, s: x * s)(x, np.float64(2.0))
    assert_same(got, x * np.float64(2.0))
    assert got.dtype == np.float64


def test_non_contiguous_big_endian_and_readonly_inputs(rng):
    base = random_array(rng, (6, 8), np.float64)
    f = mljit.jit(lambda x: x * 2 + 1)
    for view in (base.T, base[::-2, 1::3], base[:, ::-1], base.astype(">f8")):
        assert_same(f(view), np.asarray(view * 2 + 1, dtype=np.float64))
    frozen = base.copy()
    frozen.flags.writeable = False
    assert_same(f(frozen), base * 2 + 1)


def test_results_are_fresh_arrays(rng):
    f = mljit.jit(lambda x: (x, x + 1, x[1:], np.arange(3)))
    x = random_array(rng, (4,), np.float32)
    first = f(x)
    second = f(x * 10)
    assert_same(first[0], x)
    assert_same(first[1], x + 1)
    assert_same(first[2], x[1:])
    assert_same(first[3], np.arange(3))
    assert not np.shares_memory(first[0], x)
    assert not np.shares_memory(first[0], second[0])


def test_strided_result_of_an_argument_is_copied(rng):
    x = random_array(rng, (5, 6), np.int32)
    f = mljit.jit(lambda x: (x[::2, 1::2], x.T))
    # The strided view is copied out by the runtime library's memrefCopy.
    assert "llvm.call @memrefCopy" in f.lower(x).compile().as_text()
    got = f(x)
    assert_same(got[0], x[::2, 1::2])
    assert_same(got[1], x.T)


def test_closure_constants_become_ml_constants(rng):
    table = random_array(rng, (3, 4), np.float32)
    f = mljit.jit(lambda x: x @ table + 1)
    assert "ml.constant dense<" in f.lower(np.ones((2, 3), np.float32)).as_text()
    x = random_array(rng, (2, 3), np.float32)
    assert_same(f(x), x @ table + 1, rtol=1e-6)


def test_lower_shows_ml_ir_and_compiles(rng):
    f = mljit.jit(lambda x: mnp.exp(x).sum())
    x = random_array(rng, (2, 3), np.float32)
    lowered = f.lower(x)
    text = lowered.as_text()
    assert "ml.exp" in text and "ml.reduce sum" in text
    assert 'loc("' in lowered.as_text(debug_info=True)
    compiled = lowered.compile()
    assert "llvm.func" in compiled.as_text()
    assert_same(compiled(x), np.asarray(np.exp(x).sum()), rtol=1e-5)
    with pytest.raises(TypeError, match="do not match the signature"):
        compiled(np.ones((3, 3), np.float32))


def test_lowered_and_compiled_hold_their_signature_and_target(rng):
    """What a compiled function is specialized to, and where it runs, are
    public values, written once: static values bound, arrays by spec."""
    f = mljit.jit(lambda x, n, *, scale: x * n * scale, static_argnums=1)
    x = random_array(rng, (3, 2), np.float32)
    lowered = f.lower(x, 4, scale=0.5)
    signature = lowered.signature
    assert signature.static == ((1, 4),)
    assert [(s.shape, s.dtype, s.weak_type) for s in signature.specs] == [
        ((3, 2), np.dtype(np.float32), None), ((), np.dtype(np.float64), float)]
    assert not signature.device_arrays
    assert lowered.target == mljit.Target("cpu") == f.target
    assert lowered.target.pipeline.startswith("ml-cpu-pipeline{")
    compiled = lowered.compile()
    assert (compiled.signature, compiled.target) == (signature, lowered.target)
    assert_same(compiled(x, 4, scale=0.5), x * 4 * 0.5, rtol=1e-6)
    with pytest.raises(TypeError, match="do not match the signature"):
        compiled(x, 5, scale=0.5)  # another static value: another signature


def test_unsupported_inputs_are_named():
    f = mljit.jit(lambda x: x + 1)
    with pytest.raises(mljit.UnsupportedError, match="dtype float128"):
        f(np.ones(3, np.longdouble))
    with pytest.raises(mljit.UnsupportedError, match="dtype datetime64"):
        f(np.ones(3, "datetime64[s]"))
    with pytest.raises(mljit.UnsupportedError, match="a str is not an array"):
        f("text")


def test_python_control_flow_on_traced_values_compiles():
    @mljit.jit
    def relu(x):
        return x if x > 0 else -x

    assert relu(np.float32(1)) == 1 and relu(np.float32(-2)) == 2
    # A lambda is not converted: a traced condition in it is a clear error.
    with pytest.raises(mljit.ConcretizationError,
                       match=r"test_jit.py:\d+: bool\(\).*because it is a lambda"):
        mljit.jit(lambda x: x if x > 0 else -x)(np.float32(1))
    with pytest.raises(mljit.ConcretizationError, match="int()"):
        mljit.jit(lambda x: int(x))(np.int32(3))


def test_static_control_flow_works():
    @mljit.jit(static_argnames="depth")
    def repeat(x, depth):
        for _ in range(depth):
            x = mnp.tanh(x)
        return x

    x = np.linspace(-2, 2, 5)
    expected = x
    for _ in range(3):
        expected = np.tanh(expected)
    assert_same(repeat(x, depth=3), expected, rtol=1e-12)


def test_escaped_tracers_are_rejected():
    leaked = []
    f = mljit.jit(lambda x: leaked.append(x) or x)
    f(np.ones(2))
    g = mljit.jit(lambda y: y + leaked[0])
    with pytest.raises(mljit.TraceError, match="another"):
        g(np.ones(2))


def test_verifier_errors_are_value_errors_with_the_line():
    with pytest.raises(ValueError, match=r"test_jit.py:\d+: 'ml.reduce' op max over axis 0 of size zero"):
        mljit.jit(lambda x: mnp.max(x, axis=0))(np.ones((0, 3)))
