"""Random differentiable NumPy programs (hypothesis): a chain of steps on a
(4, 6) float64 array and a (6,) parameter vector, summed to a scalar, each
step as it is, repeated in a `fori_loop`, or in one branch of a `cond`; the
gradient with respect to both, from `mljit.grad`, against central finite
differences along a random direction."""

import os

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import mljit

SETTINGS = settings(
    max_examples=int(os.environ.get("MLJIT_HYPOTHESIS_EXAMPLES", "30")),
    derandomize=not os.environ.get("MLJIT_HYPOTHESIS_RANDOM"),
    deadline=None,
)
STEP = 1e-6
M = np.random.default_rng(7).standard_normal((6, 6)) * 0.4

# Each step maps (x: (4, 6), v: (6,)) to a new (4, 6) array, smoothly
# where its inputs stay bounded (tanh keeps them so).
STEPS = {
    "tanh": lambda x, v: np.tanh(x),
    "sin_scaled": lambda x, v: np.sin(x) * v,
    "exp_small": lambda x, v: np.exp(np.tanh(x)),
    "log_positive": lambda x, v: np.log(1.5 + np.tanh(x)),
    "sqrt_positive": lambda x, v: np.sqrt(x * x + 1.0),
    "divide": lambda x, v: x / (2.0 + np.tanh(v)),
    "bias": lambda x, v: x + v,
    "product": lambda x, v: x @ M,
    "product_by_parameter": lambda x, v: x * (v @ M),
    "row_softmax": lambda x, v: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True),
    "centered": lambda x, v: x - x.mean(axis=0),
    "row_max": lambda x, v: x - x.max(axis=1, keepdims=True) * 0.5,
    "reversed": lambda x, v: x[:, ::-1] * 0.9,
    "rolled_rows": lambda x, v: np.concatenate([x[1:], x[:1]], axis=0),
    "where_positive": lambda x, v: np.where(x > 0.1, x * 2.0, -x),
    "transposed": lambda x, v: (x.T @ x[:, :4] @ x[:4]).T[:4] * 0.1,
    "cumsum": lambda x, v: np.cumsum(x, axis=1) * 0.3,
    "squared": lambda x, v: x ** 2 * 0.5,
    "gathered": lambda x, v: x[np.array([3, 0, 0, 2])],
    "row_scan": lambda x, v: mljit.scan(
        lambda carry, row: (np.tanh(carry * 0.5 + row), carry * row), v, x)[1],
}

# How a step runs: as it is, three times in a counted loop, or in the
# branch of a cond that the array's sum picks (the other branch: tanh); the
# threshold is off zero, where a centred array's sum sits (and finite
# differences would cross the branch).
CONTROL = {
    "plain": lambda step: step,
    "loop": lambda step: lambda x, v: mljit.fori_loop(
        0, 3, lambda i, carry: step(carry, v) * 0.5 + carry * 0.25, x),
    "branch": lambda step: lambda x, v: mljit.cond(
        x.sum() > 0.3, lambda: step(x, v), lambda: np.tanh(x) * 0.7),
}


def program(steps):
    def loss(x, v):
        for control, name in steps:
            x = CONTROL[control](STEPS[name])(x, v)
        return np.sum(x * v)
    return loss


@SETTINGS
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(CONTROL)), st.sampled_from(sorted(STEPS))),
                      min_size=1, max_size=5),
       seed=st.integers(0, 2**16))
def test_random_programs_have_the_gradient_of_finite_differences(steps, seed):
    rng = np.random.default_rng(seed)
    x, v = rng.uniform(-1, 1, (4, 6)), rng.uniform(-1, 1, 6)
    loss = program(steps)
    gx, gv = mljit.grad(loss, argnums=(0, 1))(x, v)
    dx, dv = rng.standard_normal((4, 6)), rng.standard_normal(6)
    expected = (loss(x + STEP * dx, v + STEP * dv) - loss(x - STEP * dx, v - STEP * dv)) / (2 * STEP)
    got = np.sum(gx * dx) + np.sum(gv * dv)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7, err_msg=f"steps {steps}")
