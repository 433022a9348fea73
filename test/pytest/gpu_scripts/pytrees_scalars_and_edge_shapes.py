"""Pytrees of results, Python scalars, static and keyword arguments, 0-d,
size-0 and non-contiguous arrays, called with device="cuda" against the fake
driver."""

import numpy as np

import mljit
import models
from fake_counts import seen

function, args = models.example("block_with_stats")
got = mljit.jit(function, device="cuda")(*args)
expected = function(*args)
assert type(got) is dict and sorted(got) == ["stats", "y"]
assert type(got["stats"]) is tuple and type(got["stats"][1]) is list
for g, e in [(got["y"], expected["y"]), (got["stats"][0], expected["stats"][0]),
             (got["stats"][1][0], expected["stats"][1][0]),
             (got["stats"][1][1], expected["stats"][1][1])]:
    e = np.asarray(e)
    assert type(g) is np.ndarray and (g.shape, g.dtype) == (e.shape, e.dtype)

# Python scalars, static arguments, keyword arguments.
scale = mljit.jit(lambda x, k, *, offset: x * k + offset, device="cuda",
                  static_argnums=1)
x = np.ones((4, 5), np.float32)
assert scale(x, 3, offset=0.5).dtype == np.float32
assert scale(x, 4, offset=np.float64(0.5)).dtype == np.float64
assert scale._cache_size() == 2

base = seen("fake_allocations")
edge = mljit.jit(lambda a, z: (a * 2, a.sum(), z.sum(axis=0), z.sum(axis=1), z + 1),
                 device="cuda")
a, z = np.array(2.0, np.float32), np.ones((0, 5), np.float64)
results = edge(a, z)
assert [(r.shape, r.dtype) for r in results] == [
    ((), np.float32), ((), np.float32), ((5,), np.float64), ((0,), np.float64),
    ((0, 5), np.float64)]
assert seen("fake_allocations") == base
# Non-contiguous arguments are copied contiguous first.
strided = mljit.jit(lambda a: a + 1, device="cuda")(np.ones((6, 8), np.int32)[::2, ::3])
assert strided.shape == (3, 3) and strided.dtype == np.int32
