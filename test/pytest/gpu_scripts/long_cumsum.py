"""A cumulative sum of 100,000 elements against the fake driver: no crash."""

import numpy as np

import mljit
import fake_counts  # noqa: F401  (importing it checks that the driver is the fake)

got = mljit.jit(np.cumsum, device="cuda")(np.ones(100_000, np.float32))
assert got.shape == (100_000,)
