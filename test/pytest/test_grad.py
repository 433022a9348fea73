"""mljit.grad and value_and_grad against central finite differences (float64,
along random directions) on plain NumPy loss code: pytrees of parameters,
argnums, has_aux, closures, jit around them, grad of grad, and the errors
JAX's users expect."""

import numpy as np
import pytest

import mljit

STEP = 1e-6


def leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in leaves(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in leaves(item)]
    return [tree]


def moved(tree, directions, scale):
    """`tree` with each leaf moved by `scale` times its direction."""
    iterator = iter(directions)

    def move(node):
        if isinstance(node, dict):
            return {key: move(node[key]) for key in sorted(node)}
        if isinstance(node, (list, tuple)):
            return type(node)(move(item) for item in node)
        return node + scale * next(iterator)
    return move(tree)


def check_gradient(loss, params, *rest, rtol=1e-6, seed=0):
    """The directional derivative of `loss` at `params` along a random
    direction, by central differences, against <gradient, direction>."""
    gradient = mljit.grad(loss)(params, *rest)
    rng = np.random.default_rng(seed)
    directions = [rng.standard_normal(np.shape(leaf)) for leaf in leaves(params)]
    ahead = loss(moved(params, directions, STEP), *rest)
    behind = loss(moved(params, directions, -STEP), *rest)
    expected = (ahead - behind) / (2 * STEP)
    got = sum(np.sum(g * d) for g, d in zip(leaves(gradient), directions))
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-9)
    for g, p in zip(leaves(gradient), leaves(params)):
        assert np.shape(g) == np.shape(p) and np.asarray(g).dtype == np.asarray(p).dtype


RNG = np.random.default_rng(42)
X = RNG.standard_normal((16, 8))
LABELS = RNG.integers(0, 4, 16)
TARGETS = RNG.standard_normal((16, 4))


def mlp(params, x):
    hidden = np.maximum(x @ params[0]["w"] + params[0]["b"], 0.0)
    return np.tanh(hidden) @ params[1]["w"] + params[1]["b"]


def mlp_params(seed=1):
    rng = np.random.default_rng(seed)
    return [{"w": rng.standard_normal((8, 6)) * 0.5, "b": rng.standard_normal(6) * 0.1},
            {"w": rng.standard_normal((6, 4)) * 0.5, "b": rng.standard_normal(4) * 0.1}]


def squared_error(params, x, y):
    return ((mlp(params, x) - y) ** 2).mean()


def cross_entropy(params, x, labels):
    logits = mlp(params, x)
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


def layer_norm_loss(params, x):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    y = (x - mean) / np.sqrt(var + 1e-5) * params["g"] + params["b"]
    return np.sum(np.sin(y) * y)


def attention_loss(w, x):
    q, k, v = np.split(x @ w, 3, axis=1)
    scores = q @ k.T / np.sqrt(q.shape[1])
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    attended = scores / scores.sum(axis=1, keepdims=True) @ v
    return (attended ** 2).sum()


@pytest.mark.parametrize("loss, params, rest", [
    (squared_error, mlp_params(), (X, TARGETS)),
    (cross_entropy, mlp_params(2), (X, LABELS)),
    (layer_norm_loss, {"g": RNG.standard_normal(8), "b": RNG.standard_normal(8)}, (X,)),
    (attention_loss, RNG.standard_normal((8, 12)) * 0.3, (X,)),
], ids=["squared_error", "cross_entropy", "layer_norm", "attention"])
def test_gradients_of_numpy_losses_match_finite_differences(loss, params, rest):
    check_gradient(loss, params, *rest)


def test_value_and_grad_under_jit_is_one_compiled_function():
    params = mlp_params()
    step = mljit.jit(mljit.value_and_grad(squared_error))
    value, gradient = step(params, X, TARGETS)
    np.testing.assert_allclose(value, squared_error(params, X, TARGETS), rtol=1e-12)
    eager = mljit.grad(squared_error)(params, X, TARGETS)
    for a, b in zip(leaves(gradient), leaves(eager)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # Forward and backward in one traced function: no ml.vjp is left after
    # the pipeline, and the linalg stage holds both.
    text = step.lower(params, X, TARGETS).as_text()
    assert "ml.vjp" in text
    assert "ml.vjp" not in step.lower(params, X, TARGETS).as_text("linalg")


def test_argnums_has_aux_and_closures():
    x, y = RNG.standard_normal(5), RNG.standard_normal(5)

    def f(a, b):
        return np.sum(np.sin(a) * b ** 2), a * 2

    (value, aux), (ga, gb) = mljit.value_and_grad(f, argnums=(0, 1), has_aux=True)(x, y)
    np.testing.assert_allclose(value, np.sum(np.sin(x) * y ** 2), rtol=1e-12)
    np.testing.assert_allclose(aux, x * 2)
    np.testing.assert_allclose(ga, np.cos(x) * y ** 2, rtol=1e-12)
    np.testing.assert_allclose(gb, 2 * np.sin(x) * y, rtol=1e-12)
    gb_only, aux_again = mljit.grad(f, argnums=1, has_aux=True)(x, y)
    np.testing.assert_allclose(gb_only, 2 * np.sin(x) * y, rtol=1e-12)
    # A closure over a traced array is a constant of the derivative.
    outer = mljit.jit(lambda a, b: mljit.grad(lambda v: np.sum(np.exp(v * b)))(a))
    np.testing.assert_allclose(outer(x, y), y * np.exp(x * y), rtol=1e-12)


def test_float32_gradients_stay_float32():
    x = RNG.standard_normal(7).astype(np.float32)
    g = mljit.grad(lambda v: np.sum(np.tanh(v)))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 1 - np.tanh(x) ** 2, rtol=1e-5)


def test_grad_of_grad():
    x = np.float64(0.7)
    second = mljit.grad(mljit.grad(lambda v: np.sin(v) * v))(x)
    np.testing.assert_allclose(second, 2 * np.cos(x) - x * np.sin(x), rtol=1e-10)


def integer_loss(w, n):
    return np.sum(w * n)


def test_errors_name_the_problem_and_the_line():
    with pytest.raises(mljit.TraceError, match=r"differentiates float arrays.*dtype int64"):
        mljit.grad(integer_loss, argnums=1)(np.ones(3), np.arange(3))
    with pytest.raises(mljit.TraceError, match=r"test_grad\.py:\d+: mljit.grad needs a function "
                                               r"returning a float scalar.*shape \(3,\)"):
        mljit.grad(lambda v: v * 2)(np.ones(3))
    with pytest.raises(mljit.TraceError, match="needs a function returning a pair"):
        mljit.grad(lambda v: np.sum(v), has_aux=True)(np.ones(3))
    with pytest.raises(TypeError, match="argnums must be"):
        mljit.grad(integer_loss, argnums=())
    with pytest.raises(mljit.TraceError, match="argnums 2 names argument 2"):
        mljit.grad(integer_loss, argnums=2)(np.ones(3), np.arange(3))


def test_not_yet_differentiable_is_a_compile_error_at_the_line():
    def product_loss(v):
        return np.prod(v)  # the line the error must name

    line = product_loss.__code__.co_firstlineno + 1
    with pytest.raises(mljit.CompileError,
                       match=rf"test_grad\.py:{line}:\d+: error: 'ml.reduce' op has no "
                             "derivative yet"):
        mljit.grad(product_loss)(np.ones(3))


def test_training_example_reaches_95_percent():
    pytest.importorskip("sklearn", reason="the example's data comes from scikit-learn")
    import train_digits

    assert train_digits.main(epochs=30) >= 0.95


def test_gradients_match_jax_on_the_benchmark_losses():
    jax = pytest.importorskip("jax", reason="JAX is the reference here, when installed")
    import functools

    import importlib.util
    import os

    import jax.numpy as jnp

    path = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "training.py")
    spec = importlib.util.spec_from_file_location("training", path)
    training = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(training)
    x64 = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        for name in training.PROGRAMS:
            loss, params, x, y = training.inputs(name)
            params = {k: v.astype(np.float64) for k, v in params.items()}
            x, y = x.astype(np.float64), y.astype(np.float64)
            ours = mljit.grad(loss)(params, x, y)
            theirs = jax.grad(functools.partial(loss, xp=jnp))(params, x, y)
            for key in params:
                np.testing.assert_allclose(ours[key], np.asarray(theirs[key]), rtol=1e-9,
                                           atol=1e-12, err_msg=f"{name}: {key}")
    finally:
        jax.config.update("jax_enable_x64", x64)


def test_vjp_matches_the_transposed_jacobian():
    w, x = RNG.standard_normal((4, 3)), RNG.standard_normal((5, 4))

    def f(w, x):
        return {"y": np.tanh(x @ w), "s": np.sum(w ** 2)}

    out, vjp_fn = mljit.vjp(f, w, x)
    np.testing.assert_allclose(out["y"], np.tanh(x @ w), rtol=1e-12)
    ct = {"y": RNG.standard_normal((5, 3)), "s": np.float64(0.5)}
    gw, gx = vjp_fn(ct)
    slope = (1 - np.tanh(x @ w) ** 2) * ct["y"]
    np.testing.assert_allclose(gw, x.T @ slope + 2 * w * 0.5, rtol=1e-12)
    np.testing.assert_allclose(gx, slope @ w.T, rtol=1e-12)
    # Traced: the cotangent may be a traced array.
    traced = mljit.jit(lambda w, x, c: mljit.vjp(lambda w: np.sin(w) * x[0, :3], w)[1](c))
    c = RNG.standard_normal((4, 3))
    np.testing.assert_allclose(traced(w, x, c)[0], np.cos(w) * x[0, :3] * c, rtol=1e-12)
    with pytest.raises(mljit.TraceError, match="the cotangent must have the structure"):
        vjp_fn({"y": np.ones((5, 3))})
