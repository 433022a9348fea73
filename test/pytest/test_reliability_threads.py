"""Many threads calling the same and different jitted functions at once, with
shapes that force concurrent compiles: correct results, no errors, and each
signature compiled once per jitted function."""

import collections
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import mljit
from checks import assert_same

THREADS = 8
CALLS_PER_THREAD = 60
SHAPES = [(3,), (64,), (5, 7), (300, 256), (0, 4)]  # rows short enough for float32 sums


def make_functions(traces, lock):
    def counted(name, body):
        def function(x):
            with lock:  # runs while tracing only
                traces[name, x.shape, str(x.dtype)] += 1
            return body(x)
        function.__name__ = name
        return mljit.jit(function)

    return {
        "gelu": (counted("gelu", lambda x: 0.5 * x * (1 + np.tanh(0.8 * x))),
                 lambda x: 0.5 * x * (1 + np.tanh(0.8 * x))),
        "softmax": (counted("softmax", lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
                    lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
        "shift": (counted("shift", lambda x: (x - np.maximum(x, 0).sum(axis=-1, keepdims=True)) * 2),
                   lambda x: (x - np.maximum(x, 0).sum(axis=-1, keepdims=True)) * 2),
    }


def test_concurrent_calls_and_compiles(monkeypatch, tmp_path):
    # A cache of this test's own: every signature is a real compile.
    monkeypatch.setenv("MLJIT_CACHE_DIR", str(tmp_path))
    traces, lock = collections.Counter(), threading.Lock()
    functions = make_functions(traces, lock)
    start = threading.Barrier(THREADS)

    def worker(seed):
        rng = np.random.default_rng(seed)
        start.wait()  # all threads ask for their first compiles together
        for _ in range(CALLS_PER_THREAD):
            name = list(functions)[rng.integers(len(functions))]
            shape = SHAPES[rng.integers(len(SHAPES))]
            dtype = (np.float32, np.float64)[rng.integers(2)]
            x = rng.standard_normal(shape).astype(dtype)
            jitted, reference = functions[name]
            with np.errstate(all="ignore"):
                expected = reference(x)
            assert_same(jitted(x), expected, rtol=1e-4 if dtype == np.float32 else 1e-10,
                        atol=1e-5)
        return True

    with ThreadPoolExecutor(THREADS) as pool:
        assert all(pool.map(worker, range(THREADS)))
    assert traces, "nothing was traced"
    duplicated = {key: count for key, count in traces.items() if count != 1}
    assert not duplicated, f"signatures traced more than once: {duplicated}"
    for name, (jitted, _) in functions.items():
        assert jitted._cache_size() == sum(1 for key in traces if key[0] == name)


def test_threads_sharing_the_disk_cache(monkeypatch, tmp_path):
    """Separate jitted objects of one function (as separate modules would
    have) compiling and loading the same entry at once."""
    monkeypatch.setenv("MLJIT_CACHE_DIR", str(tmp_path))
    x = np.linspace(-1, 1, 4096, dtype=np.float32).reshape(64, 64)

    def body(x):
        return np.tanh(x @ x) + 1

    def worker(_):
        return mljit.jit(body)(x)

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, range(2 * THREADS)))
    for result in results:
        assert_same(result, body(x), rtol=1e-5, atol=1e-5)
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == 1


def test_long_calls_run_in_parallel_threads():
    """Compiled calls release the GIL: two threads' results stay correct
    while both run parallel loops on the one thread pool."""
    f = mljit.jit(lambda x: np.exp(x).sum(axis=1))
    inputs = [np.full((2048, 512), i / 100, np.float32) for i in range(THREADS)]

    def worker(i):
        for _ in range(10):
            assert_same(f(inputs[i]), np.exp(inputs[i]).sum(axis=1), rtol=1e-5)
        return True

    with ThreadPoolExecutor(THREADS) as pool:
        assert all(pool.map(worker, range(THREADS)))
