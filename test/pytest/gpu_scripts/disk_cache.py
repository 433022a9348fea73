"""Calls a device="cuda" layer norm against the fake driver, with the disk
cache of MLJIT_CACHE_DIR. Prints whether its code came from the disk or was
compiled, the modules loaded and the kernels launched."""

import numpy as np

import mljit
import models
from fake_counts import seen

function, args = models.example("layer_norm")
jitted = mljit.jit(function, device="cuda")
got = jitted(*args)
(compiled,) = jitted._cache.values()
assert got.shape == (37, 100) and got.dtype == np.float32
assert seen("fake_allocations") == 0
print("from-disk" if compiled.loaded_from_disk_cache else "compiled",
      seen("fake_modules_loaded"), seen("fake_launches"))
