"""What the GPU tests (test_gpu_*.py) share: whether this machine has a
usable NVIDIA GPU, where their subprocess scripts are, and operations beyond
the model programs, with their inputs."""

import ctypes
import os

import numpy as np

from mljit import _native, cuda

F32, F64 = np.float32, np.float64


def _probe_reason() -> str:
    """Why the runtime finds no usable GPU ("" where it finds one)."""
    message = ctypes.create_string_buffer(4096)
    cuda.bind(_native.runtime_library)
    devices = _native.runtime_library.mljit_cuda_probe(message, len(message))
    return "" if devices > 0 else message.value.decode()


REASON = _probe_reason()
CHIP = cuda.chip(_native.runtime_library)  # None without a usable GPU
# The scripts that tests run in a fresh Python each (`python SCRIPTS/name.py`),
# with SCRIPT_PATH as their PYTHONPATH: models.py and blocked_imports.py.
_HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(_HERE, "gpu_scripts")
SCRIPT_PATH = os.pathsep.join(filter(None, [
    os.path.join(os.path.dirname(os.path.dirname(_HERE)), "examples"), _HERE,
    os.environ.get("PYTHONPATH")]))


def _ints(rng, shape, low, high, dtype=np.int32):
    return rng.integers(low, high, size=shape).astype(dtype)


def _floats(rng, shape, dtype=F32, low=-3.0, high=3.0):
    return rng.uniform(low, high, size=shape).astype(dtype)


# Operations beyond the programs: name -> (function, inputs from a generator).
MISC = {
    "matmul_1x1": (lambda a, b: a @ b, lambda r: (_floats(r, (1, 1)), _floats(r, (1, 1)))),
    "matmul_15x17x33": (lambda a, b: a @ b,
                        lambda r: (_floats(r, (15, 17)), _floats(r, (17, 33)))),
    "matmul_64": (lambda a, b: a @ b, lambda r: (_floats(r, (64, 64)), _floats(r, (64, 64)))),
    "matmul_f64_odd": (lambda a, b: a @ b,
                       lambda r: (_floats(r, (33, 65), F64), _floats(r, (65, 17), F64))),
    "matmul_batched": (lambda a, b: a @ b,
                       lambda r: (_floats(r, (3, 15, 17)), _floats(r, (3, 17, 9)))),
    "matmul_broadcast_batch": (lambda a, b: np.matmul(a, b),
                               lambda r: (_floats(r, (2, 1, 5, 6)), _floats(r, (3, 6, 4)))),
    "matmul_int32": (lambda a, b: a @ b,
                     lambda r: (_ints(r, (15, 17), -9, 10), _ints(r, (17, 33), -9, 10))),
    "matvec_vecmat_dot": (lambda m, v, w: (m @ v, w @ m, v @ v),
                          lambda r: (_floats(r, (15, 17)), _floats(r, 17), _floats(r, 15))),
    "reductions_keepdims": (
        lambda x: [(x.sum(axis=a, keepdims=True), x.max(axis=a, keepdims=True),
                    x.min(axis=a, keepdims=True), x.mean(axis=a, keepdims=True))
                   for a in (0, 1, 2, (0, 2))] + [x.sum(), x.max(keepdims=True)],
        lambda r: (_floats(r, (3, 40, 300)),)),
    "argmax_argmin": (lambda x, i: (np.argmax(x, axis=0), x.argmax(axis=1), np.argmin(x),
                                    i.argmax(axis=-1), i.argmin(axis=0)),
                      lambda r: (_floats(r, (37, 300)), _ints(r, (37, 300), -3, 4))),
    "cumsum": (lambda x, i: (np.cumsum(x, axis=0), np.cumsum(x, axis=1), np.cumsum(i)),
               lambda r: (_floats(r, (37, 60)), _ints(r, 50, -5, 5, np.int64))),
    "gather_indexing": (lambda x, i, j: (x[i], x[:, i], np.take(x, j, axis=1), x[i, j],
                                         x[::2, 1:-1], x[-1], x[1:4, ::-3]),
                        lambda r: (_floats(r, (37, 30)), np.array([0, 5, 3, 29, -1]),
                                   np.array([29, 0, 7, -2, 1]))),
    "concatenate_stack": (lambda a, b: (np.concatenate([a, b], axis=1),
                                        np.concatenate([a, a, a]), np.stack([a, a], axis=-1),
                                        np.hstack([a, b]), np.vstack([a, a])),
                          lambda r: (_floats(r, (4, 5)), _floats(r, (4, 3)))),
    "bool_int_dtypes": (lambda a, b, n, m: (
        (a > b) & (a < 1), (a > b) | ~(b > 0), (a > 0) ^ (b > 0), np.where(a > b, n, m),
        n // m, n % m, (n * m).astype(np.int8), n.astype(F32) / 3, (a > 0).astype(np.int32),
        n.astype(bool), np.logical_not(a > 0), np.minimum(n, m), abs(m) + n),
        lambda r: (_floats(r, (7, 45)), _floats(r, (7, 45)), _ints(r, (7, 45), -50, 50, np.int64),
                   np.where(_ints(r, (7, 45), -7, 8, np.int64) == 0, 3,
                            _ints(r, (7, 45), -7, 8, np.int64)))),
    "float16_int8": (lambda h, i: (np.exp(h) + h, h.sum(axis=0), (i * 3 + 1), i.max(axis=1),
                                   h.astype(F32) * 2),
                     lambda r: (_floats(r, (6, 70), np.float16, -2, 2),
                                _ints(r, (6, 70), -40, 40, np.int8))),
    "zero_d": (lambda a, b: (a * b + 1, np.exp(a), np.maximum(a, b), a.sum(), (a > b)),
               lambda r: (np.array(1.5, F32), np.array(-2.0, F32))),
    "size_0": (lambda a, m, n: (a * 2, a.sum(axis=0), a.sum(axis=1), a.mean(axis=1),
                                m @ n, np.concatenate([a, a])),
               lambda r: (np.ones((0, 5), F32), np.ones((3, 0), F32), np.ones((0, 4), F32))),
}
