"""DeviceArrays (mljit.device_put) against the fake driver: calls on them
return DeviceArrays, mixed with NumPy arrays too, and free what they
allocated once dropped; what needs NumPy arrays says so."""

import gc

import numpy as np

import mljit
import models
from fake_counts import seen

rng = np.random.default_rng(0)
x = rng.standard_normal((37, 100)).astype(np.float32)
d = mljit.device_put(x)
assert isinstance(d, mljit.DeviceArray) and d.device == "cuda"
assert (d.shape, d.dtype) == (x.shape, x.dtype) and mljit.device_put(d) is d
np.testing.assert_array_equal(np.asarray(d), x)  # the fake's copies are real
assert seen("fake_allocations") == 1

jitted = mljit.jit(models.softmax, device="cuda")
host = jitted(x)
launches = seen("fake_launches")
on_device = jitted(d)
per_call = seen("fake_launches") - launches
assert per_call == launches  # the same kernels as the host variant
assert isinstance(on_device, mljit.DeviceArray)
assert (on_device.shape, on_device.dtype) == (host.shape, host.dtype)
assert jitted._cache_size() == 2  # host and device variants: separate entries
assert seen("fake_allocations") == 2  # d and the result
modules = seen("fake_modules_loaded")
again = jitted(d)
assert seen("fake_modules_loaded") == modules and jitted._cache_size() == 2
assert seen("fake_launches") - launches == 2 * per_call
np.asarray(again)  # copies back
del again, on_device
gc.collect()
assert seen("fake_allocations") == 1

# Mixed: DeviceArrays and NumPy arrays; the result feeds another call.
function, args = models.example("mlp_relu")
mlp = mljit.jit(function, device="cuda")
mixed = mlp(mljit.device_put(args[0]), *args[1:])
assert isinstance(mixed, mljit.DeviceArray) and mixed.shape == (37, 20)
mixed2 = mlp(args[0], mljit.device_put(args[1]), *args[2:])
assert mlp._cache_size() == 1  # same signature, same memory
chained = jitted(mixed)
assert isinstance(chained, mljit.DeviceArray) and chained.shape == (37, 20)
gc.collect()  # the arguments' pytree holds them in a cycle: see below
assert seen("fake_allocations") == 4

# Pytrees, 0-d and size-0 results on the device.
function, args = models.example("block_with_stats")
tree = mljit.jit(function, device="cuda")(mljit.device_put(args[0]), args[1])
assert type(tree) is dict and isinstance(tree["stats"][1][0], mljit.DeviceArray)
assert tree["stats"][1][0].shape == () and tree["y"].shape == (19, 32)
assert tree["stats"][1][1].dtype == np.int64
empty = mljit.jit(lambda a: (a * 2, a.sum(axis=1)), device="cuda")(
    mljit.device_put(np.ones((0, 3), np.float32)))
assert [e.shape for e in empty] == [(0, 3), (0,)] and empty[0].pointer == 0
assert np.asarray(empty[0]).shape == (0, 3)

# What needs a cuda function, or NumPy arrays, says so.
try:
    mljit.jit(models.softmax)(d)
except TypeError as error:
    assert "compile with device='cuda'" in str(error), error
else:
    raise AssertionError("a CPU function took a DeviceArray")
try:
    mljit.export(jitted, d, path="unused")
except TypeError as error:
    assert "not DeviceArrays" in str(error)
else:
    raise AssertionError("exported with a DeviceArray")
try:
    mljit.device_put(np.ones(3, np.complex64))
except mljit.UnsupportedError:
    pass
else:
    raise AssertionError("complex64 on the device")

del d, mixed, mixed2, chained, tree, empty
gc.collect()
assert seen("fake_allocations") == 0
assert seen("fake_context_depth") == 0 and seen("fake_streams") == 0
