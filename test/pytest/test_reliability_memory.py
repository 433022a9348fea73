"""The cached call path and the generated code free what they allocate, and
results handed to the user are theirs: later calls never write into them."""

import numpy as np
import pytest

import mljit
from checks import assert_same


def resident_bytes() -> int:
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * 4096


def growth_over(calls: int, call) -> int:
    """Resident memory growth over `calls` calls, after a warm-up that fills
    caches (allocator, NumPy's small-block cache)."""
    for _ in range(1000):
        call()
    before = resident_bytes()
    for _ in range(calls):
        call()
    return resident_bytes() - before


TINY = np.linspace(-1, 1, 8, dtype=np.float32)
WIDE = np.linspace(-1, 1, 128 * 1024, dtype=np.float32).reshape(256, 512)  # 512 KiB


@pytest.mark.parametrize("name, make_call", [
    # The C fast path: positional arrays, one signature.
    ("fast path", lambda: (lambda f: lambda: f(TINY))(mljit.jit(lambda x: np.tanh(x) * 2))),
    # Keywords and pytrees go through the signature check in Python.
    ("pytree path", lambda: (lambda f: lambda: f(x={"a": TINY, "b": (TINY, 2.0)}))(
        mljit.jit(lambda x: {"s": x["a"] + x["b"][0] * x["b"][1], "m": x["a"].max()}))),
    # Results from the runtime's pool, temporaries inside the kernel.
    ("large results", lambda: (lambda f: lambda: f(WIDE))(
        mljit.jit(lambda x: (np.exp(x - x.max(axis=1, keepdims=True)), x[:64] @ x[:64].T)))),
    # An exported function called through ctypes.
    ("exported", None),
])
def test_rss_stays_flat(name, make_call, tmp_path):
    if make_call is None:
        loaded = mljit.load(mljit.export(lambda x: (np.tanh(x) * x, x.sum()), TINY,
                                         path=str(tmp_path)))
        call = lambda: loaded(TINY)  # noqa: E731
        calls = 10000
    else:
        call = make_call()
        calls = {"large results": 2000, "pytree path": 30000}.get(name, 100000)
    growth = growth_over(calls, call)
    # Leaking the 32-byte result array of each call (~130 bytes with its
    # object) would be 13 MB over 100000 calls; one 512 KiB result, 1 GB.
    assert growth < 4 << 20, f"{name}: RSS grew {growth / 2**20:.1f} MiB over {calls} calls"


def test_results_stay_valid_after_later_calls(rng):
    f = mljit.jit(lambda x: (x * 2, np.exp(x).sum(axis=0), x.T + 1))
    inputs = [rng.standard_normal((300, 200)).astype(np.float32) for _ in range(40)]
    kept = [f(x) for x in inputs]  # pooled results among them (>= 64 KiB)
    for _ in range(20):
        f(inputs[0] * 3)
    for x, (doubled, sums, transposed) in zip(inputs, kept):
        assert_same(doubled, x * 2)
        assert_same(sums, np.exp(x).sum(axis=0), rtol=1e-5)
        assert_same(transposed, x.T + 1)


def test_results_never_alias_inputs_or_each_other(rng):
    x = rng.standard_normal((256, 256))
    f = mljit.jit(lambda x: (x, x.reshape(-1), x + 0, x))
    results = f(x)
    arrays = [x, *results]
    for i, a in enumerate(arrays):
        for b in arrays[i + 1:]:
            assert not np.shares_memory(a, b)
    results[0][:] = 0  # the user may write into results
    assert_same(results[3], x)
