"""The model programs called with device="cuda" against the fake driver:
NumPy arrays of NumPy's shapes and dtypes come back, kernels launch, no GPU
memory stays allocated, and a second call runs the same code. Prints each
program's launches per call."""

import numpy as np

import mljit
import models
from fake_counts import last_launch, seen

cases = [("softmax", np.float32), ("layer_norm", np.float32),
         ("mlp_relu", np.float32), ("mlp_gelu", np.float64),
         ("causal_attention", np.float32), ("transformer_block", np.float32)]
for name, dtype in cases:
    function, args = models.example(name, dtype)
    expected = function(*args)  # for its shape and dtype only
    jitted = mljit.jit(function, device="cuda")
    before = seen("fake_allocations"), seen("fake_launches"), seen("fake_modules_loaded")
    got = jitted(*args)
    assert type(got) is np.ndarray, type(got)
    assert (got.shape, got.dtype) == (expected.shape, expected.dtype), (name, got.dtype)
    launches = seen("fake_launches") - before[1]
    modules = seen("fake_modules_loaded") - before[2]
    assert launches > 0 and modules > 0, (launches, modules)
    assert seen("fake_allocations") == before[0], "GPU memory left allocated"
    grid, block = last_launch()
    assert 0 < np.prod(block) <= 1024 and min(grid) > 0, (grid, block)
    # The second call runs the same code: no new compile, no new load.
    again = jitted(*args)
    assert (again.shape, again.dtype) == (expected.shape, expected.dtype)
    assert seen("fake_launches") - before[1] == 2 * launches
    assert seen("fake_modules_loaded") - before[2] == modules
    assert jitted._cache_size() == 1
    assert seen("fake_allocations") == before[0]
    assert seen("fake_context_depth") == 0 and seen("fake_streams") == 0
    print(name, launches)
