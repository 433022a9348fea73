"""A temporary of 2**40 bytes, which the fake driver refuses: MemoryError
(printed), and everything allocated before is freed."""

import numpy as np

import mljit
from fake_counts import seen


def centered(x, y):
    outer = x[:, None] * y[None, :]  # (2**19, 2**19) float32: 1 TiB
    return (outer - outer.max(axis=1, keepdims=True)).sum(axis=1)


jitted = mljit.jit(centered, device="cuda")
x = np.ones(1 << 19, np.float32)
for attempt in range(2):
    try:
        jitted(x, x)
    except MemoryError as error:
        print(error)
    else:
        raise AssertionError("a 1 TiB temporary was allocated")
    assert seen("fake_allocations") == 0 and seen("fake_context_depth") == 0
small = np.ones(8, np.float32)
assert jitted(small, small).shape == (8,)  # works again
d = mljit.device_put(x)
try:
    jitted(d, d)
except MemoryError:
    pass
else:
    raise AssertionError("a 1 TiB temporary was allocated")
assert seen("fake_allocations") == 1
