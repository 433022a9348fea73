"""complex64 as signal code writes it: an elementwise chain (a mix, a
normalization, a decay, the phase), a complex matmul and a power spectrum
sum, each timed per call and at its first call: mljit, NumPy and, where
installed, JAX.

    python bench/complex.py [--rounds 3]

The table shows the median time of a call (the best over rounds), the
first call of a fresh function (tracing and compiling; NumPy has none) and
each system's time against NumPy's. Results must agree with NumPy's to
complex64's precision.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from timing import median_time

N = 1 << 20


def chain(x, c, t, xp=np):
    mixed = x * c + xp.conj(x) * 0.25
    mixed = mixed / (xp.abs(mixed) + 1)
    return mixed * xp.exp(-3 * (1 - 1j) * t), xp.angle(mixed)


def matmul(a, b, xp=np):
    return a @ b


def spectrum(z, xp=np):
    return xp.sum(xp.real(z * xp.conj(z)), axis=-1)


def inputs(name):
    rng = np.random.default_rng(0)

    def signal(*shape):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)

    if name == "chain":
        t = np.linspace(0, 1, N, dtype=np.float32).astype(np.complex64)
        return [signal(N), np.exp(2j * np.pi * 50 * t).astype(np.complex64), t]
    if name == "matmul":
        return [signal(256, 256), signal(256, 256)]
    return [signal(64, 16384)]


WORKLOADS = {"chain": chain, "matmul": matmul, "spectrum": spectrum}


def first_call(make, args):
    function = make()
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def systems(workload):
    import mljit

    found = {"mljit": (lambda: mljit.jit(workload), lambda a: a),
             "NumPy": (lambda: workload, lambda a: a)}
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return found

    def make():
        jitted = jax.jit(lambda *a: workload(*a, xp=jnp))
        return lambda *a: jax.block_until_ready(jitted(*a))

    found["JAX"] = (make, jax.device_put)
    return found


def check(name, result, expected):
    for got, want in zip(result if isinstance(result, tuple) else (result,),
                         expected if isinstance(expected, tuple) else (expected,)):
        got = np.asarray(got)
        if got.dtype != want.dtype:
            raise AssertionError(f"{name}: dtype {got.dtype}, NumPy {want.dtype}")
        scale = np.abs(want).max()
        if np.abs(got - want).max() > 1e-4 * scale:
            raise AssertionError(f"{name}: wrong result")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    os.environ["MLJIT_CACHE_DIR"] = ""  # a first call compiles, as a new program's does
    best, first = {}, {}
    for _ in range(options.rounds):
        for workload_name, workload in WORKLOADS.items():
            data = inputs(workload_name)
            expected = workload(*data)
            for name, (make, put) in systems(workload).items():
                args = [put(a) for a in data]
                key = (workload_name, name)
                if name != "NumPy":
                    first[key] = min(first.get(key, np.inf), first_call(make, args))
                function = make()
                check(f"{workload_name} {name}", function(*args), expected)
                best[key] = min(best.get(key, np.inf), median_time(function, args))
    print("| workload | system | per call | first call | / NumPy |")
    print("|---|---|---|---|---|")
    for (workload_name, name), seconds in best.items():
        compile_seconds = first.get((workload_name, name))
        ratio = seconds / best[(workload_name, "NumPy")]
        print(f"| {workload_name} | {name} | {seconds * 1e3:.2f} ms | "
              f"{'' if compile_seconds is None else f'{compile_seconds:.2f} s'} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
