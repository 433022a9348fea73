"""Every ml op's derivative rules (dialects/ml/MLDerivatives.cpp) against
central finite differences in float64, along random directions, as JAX's
check_grads does: a NumPy function is traced to `ml`, `ml-jvp` or `ml-vjp`
adds its derivative, and `@<f>_jvp` / `@<f>_vjp` is compiled (ml-compile's
route) and called. Forward mode must match the difference quotient along a
tangent; reverse mode the same through <ct, J t> = <J^T ct, t>."""

import os

import numpy as np
import pytest
from mlir import ir
from mlir.passmanager import PassManager

import mljit
from mljit import _native, aot

STEP = 1e-6


def compile_derivative(function, args, tmp_path, mode="jvp"):
    """`function`'s JVP at `args`' signature, (args, tangents) -> (results,
    result tangents), or its VJP, (args, result cotangents) -> (results,
    argument cotangents)."""
    text = mljit.jit(function).lower(*args).as_text("ml")
    with _native.new_context():
        module = ir.Module.parse(text)
        PassManager.parse(f"builtin.module(ml-{mode})").run(module.operation)
        name = next(op.attributes["sym_name"].value for op in module.body.operations
                    if op.attributes["sym_name"].value.endswith(f"_{mode}"))
        source = os.path.join(tmp_path, "jvp.mlir")
        with open(source, "w") as file:
            file.write(str(module))
    artifact = os.path.join(tmp_path, "artifact")
    aot.compile_file(source, artifact, function=name)
    return mljit.load(artifact)


def check_jvp(function, args, tmp_path, rtol=1e-6, atol=1e-8, seed=0):
    jvp = compile_derivative(function, args, tmp_path)
    rng = np.random.default_rng(seed)
    tangents = [rng.standard_normal(np.shape(a)) for a in args]
    result, tangent = jvp(*args, *tangents)
    np.testing.assert_allclose(result, function(*args), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tangent, finite_difference(function, args, tangents),
                               rtol=rtol, atol=atol)


def finite_difference(function, args, tangents):
    ahead = function(*(a + STEP * t for a, t in zip(args, tangents)))
    behind = function(*(a - STEP * t for a, t in zip(args, tangents)))
    return (ahead - behind) / (2 * STEP)


def check_vjp(function, args, tmp_path, rtol=1e-6, seed=0):
    vjp = compile_derivative(function, args, tmp_path, "vjp")
    rng = np.random.default_rng(seed)
    expected = function(*args)
    cotangent = rng.standard_normal(np.shape(expected))
    result, *argument_cotangents = vjp(*args, cotangent)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)
    tangents = [rng.standard_normal(np.shape(a)) for a in args]
    forward = np.sum(cotangent * finite_difference(function, args, tangents))
    backward = sum(np.sum(c * t) for c, t in zip(argument_cotangents, tangents))
    np.testing.assert_allclose(backward, forward, rtol=rtol, atol=1e-8)


def positive(shape, seed=1):
    return np.random.default_rng(seed).uniform(0.5, 2.0, shape)


def normal(shape, seed=2):
    return np.random.default_rng(seed).standard_normal(shape)


def unit(shape, seed=3):
    return np.random.default_rng(seed).uniform(-0.9, 0.9, shape)


X, Y = normal((3, 4)), normal((3, 4), seed=5)
P, Q = positive((3, 4)), positive((3, 4), seed=6)

RULES = {
    "add": (lambda x, y: x + y, (X, Y)),
    "sub": (lambda x, y: x - y, (X, Y)),
    "mul": (lambda x, y: x * y, (X, Y)),
    "div": (lambda x, y: x / y, (X, P)),
    "remainder": (lambda x, y: np.remainder(x, y), (X, P)),
    "power": (lambda x, y: x ** y, (P, Y)),
    "maximum": (np.maximum, (X, Y)),
    "minimum": (np.minimum, (X, Y)),
    "negative": (np.negative, (X,)),
    "abs": (np.abs, (X,)),
    "exp": (np.exp, (X,)),
    "log": (np.log, (P,)),
    "log1p": (np.log1p, (P,)),
    "tanh": (np.tanh, (X,)),
    "sqrt": (np.sqrt, (P,)),
    "sin": (np.sin, (X,)),
    "cos": (np.cos, (X,)),
    "expm1": (np.expm1, (X,)),
    "exp2": (np.exp2, (X,)),
    "log2": (np.log2, (P,)),
    "log10": (np.log10, (P,)),
    "cbrt": (np.cbrt, (P,)),
    "tan": (np.tan, (unit((3, 4)),)),
    "arcsin": (np.arcsin, (unit((3, 4)),)),
    "arccos": (np.arccos, (unit((3, 4)),)),
    "arctan": (np.arctan, (X,)),
    "sinh": (np.sinh, (X,)),
    "cosh": (np.cosh, (X,)),
    "arctan2": (np.arctan2, (X, P)),
    "where": (lambda x, y: np.where(x > y, x * 2, y), (X, Y)),
    "astype": (lambda x: x.astype(np.float32).astype(np.float64) * 0 + x * 3, (X,)),
    "broadcast": (lambda x, v: x * v, (X, normal((4,)))),
    "reshape": (lambda x: np.sin(x.reshape(2, 6)), (X,)),
    "transpose": (lambda x, w: x.T @ w, (X, normal((3, 2)))),
    "slice": (lambda x: x[1:, ::-2] * 2, (X,)),
    "take": (lambda x: np.take(x, np.array([2, 0, 2, 1]), axis=0), (X,)),
    "update_slice": (lambda x, y: np.concatenate([x[:1], y[1:]]) * x, (X, Y)),
    "scatter": (lambda x, y: _scatter(x, y), (X, normal((2, 4)))),
    "concatenate": (lambda x, y: np.concatenate([x, y], axis=1), (X, Y)),
    "matmul": (lambda a, b: a @ b, (normal((3, 5)), normal((5, 2)))),
    "sum": (lambda x: x.sum(axis=1), (X,)),
    "max": (lambda x: x.max(axis=0), (X,)),
    "min": (lambda x: x.min(axis=(0, 1), keepdims=True), (X,)),
    "cumsum": (lambda x: np.cumsum(x, axis=1), (X,)),
    "mean_var": (lambda x: x.var(axis=-1) + x.mean(), (X,)),
    "softmax": (lambda x: np.exp(x - x.max(-1, keepdims=True))
                / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True), (X,)),
}


def _scatter(x, y):
    z = x.copy()
    z[np.array([2, 0])] = y
    return z * x


@pytest.mark.parametrize("name", sorted(RULES))
def test_jvp_matches_finite_differences(name, tmp_path):
    function, args = RULES[name]
    check_jvp(function, args, tmp_path)


@pytest.mark.parametrize("name", sorted(set(RULES) - {"scatter"}))
def test_vjp_is_the_transposed_jvp(name, tmp_path):
    function, args = RULES[name]
    check_vjp(function, args, tmp_path)


def test_scatter_accumulating_has_a_vjp_overwriting_not_yet(tmp_path):
    def add_at(x, y):
        z = x.copy()
        np.add.at(z, np.array([2, 0, 2]), y)
        return z * x

    check_vjp(add_at, (X, normal((3, 4))), tmp_path)
    with pytest.raises(ir.MLIRError, match="an overwriting scatter"):
        compile_derivative(RULES["scatter"][0], RULES["scatter"][1], tmp_path, "vjp")


@pytest.mark.parametrize("function", [np.floor, np.ceil, np.trunc, np.rint, np.sign,
                                      lambda x: x // 0.7],
                         ids=["floor", "ceil", "trunc", "rint", "sign", "floor_divide"])
def test_piecewise_constant_ops_have_zero_tangents(function, tmp_path):
    jvp = compile_derivative(function, (X,), tmp_path)
    result, tangent = jvp(X, normal((3, 4), seed=9))
    np.testing.assert_array_equal(result, function(X))
    np.testing.assert_array_equal(tangent, np.zeros_like(X))


def test_abs_at_zero_and_ties_of_maximum_follow_jax(tmp_path):
    x = np.array([-1.0, 0.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 2.0, 1.0])
    jvp = compile_derivative(lambda x, y: np.abs(x) + np.maximum(x, y), (x, y), tmp_path)
    _, tangent = jvp(x, y, np.ones(4), np.full(4, 10.0))
    # abs: slope 0 at 0; maximum: the larger's tangent, halves at a tie.
    np.testing.assert_array_equal(tangent, [-1 + 10, 0 + 5.5, 1 + 5.5, 1 + 1])


def test_integer_arguments_have_no_tangent(tmp_path):
    x, n = X, np.arange(4)
    jvp = compile_derivative(lambda x, n: x * n, (x, n), tmp_path)
    result, tangent = jvp(x, n, np.ones((3, 4)))
    np.testing.assert_array_equal(result, x * n)
    np.testing.assert_array_equal(tangent, np.ones((3, 4)) * n)
