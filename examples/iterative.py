"""Iterative algorithms whose loops run until the data says stop, in JAX's
explicit forms (`cf.while_loop`, `cf.scan`): with `cf=mljit` they compile
under `mljit.jit` to loops in the machine code, called outside `jit` they
run as the plain Python loops they stand for, and with `xp=jax.numpy,
cf=jax.lax` they are JAX programs (bench/control_flow.py times all three).
The `*_loop` versions are the same algorithms as plain Python `while`
loops, which mljit compiles just the same.

    python examples/iterative.py
"""

import numpy as np

import mljit


def newton_sqrt(a, tol, xp=np, cf=mljit):
    """sqrt(a) by Newton's method, to a tolerance."""
    return cf.while_loop(lambda x: xp.max(xp.abs(x * x - a)) > tol,
                         lambda x: 0.5 * (x + a / x), xp.ones_like(a))


def power_iteration(a, tol, xp=np, cf=mljit):
    """The dominant eigenvector and eigenvalue of the symmetric `a`,
    iterating until the eigenvalue stops changing; (vector, value, previous
    value, steps)."""
    def changing(state):
        _, value, previous, steps = state
        return (xp.abs(value - previous) > tol) & (steps < 1000)

    def step(state):
        v, value, _, steps = state
        w = a @ v
        v = w / xp.linalg.norm(w)
        return v, v @ a @ v, value, steps + 1

    v = xp.ones(a.shape[0]) / np.sqrt(a.shape[0])
    return cf.while_loop(changing, step, (v, v @ a @ v, xp.asarray(np.inf), 0))


def kmeans(points, centers, xp=np, cf=mljit):
    """Lloyd's k-means until the assignments stop changing (at most 100
    steps); (centers, labels, changed, steps)."""
    k = centers.shape[0]

    def assign(centers):
        return xp.argmin(((points[:, None, :] - centers[None, :, :]) ** 2).sum(-1), axis=1)

    def step(state):
        centers, labels, _, steps = state
        members = (labels[:, None] == xp.arange(k)[None, :]).astype(points.dtype)
        centers = (members.T @ points) / xp.maximum(members.sum(0), 1.0)[:, None]
        new = assign(centers)
        return centers, new, xp.any(new != labels), steps + 1

    return cf.while_loop(lambda s: s[2] & (s[3] < 100), step,
                         (centers, assign(centers), xp.asarray(True), 0))


def power_iteration_loop(a, tol):
    """power_iteration as plain Python."""
    v = np.ones(a.shape[0]) / np.sqrt(a.shape[0])
    value, previous, steps = v @ a @ v, np.inf, 0
    while abs(value - previous) > tol and steps < 1000:
        w = a @ v
        v = w / np.linalg.norm(w)
        previous, value = value, v @ a @ v
        steps += 1
    return v, value, previous, steps


def kmeans_loop(points, centers):
    """kmeans as plain Python."""
    k = centers.shape[0]
    labels = np.argmin(((points[:, None, :] - centers[None, :, :]) ** 2).sum(-1), axis=1)
    changed, steps = True, 0
    while changed and steps < 100:
        members = (labels[:, None] == np.arange(k)[None, :]).astype(points.dtype)
        centers = (members.T @ points) / np.maximum(members.sum(0), 1.0)[:, None]
        new = np.argmin(((points[:, None, :] - centers[None, :, :]) ** 2).sum(-1), axis=1)
        changed = np.any(new != labels)
        labels = new
        steps += 1
    return centers, labels, changed, steps


def rnn(h, xs, w, u, xp=np, cf=mljit):
    """An Elman RNN over the rows of `xs`: the last state and every state."""
    def step(h, x):
        h = xp.tanh(h @ w + x @ u)
        return h, h
    return cf.scan(step, h, xs)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    m = rng.standard_normal((64, 64))
    a = m @ m.T / 64
    points = np.concatenate([rng.normal(c, 0.5, (100, 2)) for c in (0.0, 4.0, 8.0)])
    for name, function, args in (
            ("newton_sqrt", newton_sqrt, (rng.uniform(1, 100, 8), 1e-12)),
            ("power_iteration", power_iteration, (a, 1e-12)),
            ("kmeans", kmeans, (points, points[[0, 1, 2]].copy())),
            ("kmeans_loop", kmeans_loop, (points, points[[0, 1, 2]].copy())),
            ("power_iteration_loop", power_iteration_loop, (a, 1e-12)),
            ("rnn", rnn, (np.zeros(16), rng.standard_normal((10, 4)),
                          rng.standard_normal((16, 16)) * 0.3, rng.standard_normal((4, 16))))):
        compiled, plain = mljit.jit(function)(*args), function(*args)
        same = all(np.allclose(c, p) for c, p in zip(compiled, plain))
        print(f"{name:16} compiled == NumPy: {same}")
