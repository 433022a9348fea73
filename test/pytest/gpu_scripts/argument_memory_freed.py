"""A DeviceArray made for one call's argument, and the call's result, are
freed after the call (the fake driver counts what is allocated)."""

import gc

import numpy as np

import mljit
from fake_counts import seen

add = mljit.jit(lambda a, b: a + b, device="cuda")
x = np.ones(1000, np.float32)
add(mljit.device_put(x), x)  # compiles
gc.collect()
gc.disable()
base = seen("fake_allocations")
for _ in range(3):
    add(mljit.device_put(x), x)  # a temporary argument and result
    assert seen("fake_allocations") == base, seen("fake_allocations") - base
