"""Runs the affine_tanh artifact of ml-compile.mlir on fixed inputs and prints
its signature and result; with a second argument, the same through that
library's `_mlir_ciface_affine_tanh` (built by the upstream tools), called
with descriptors made by the artifact's loader."""

import ctypes
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import mljit_loader  # noqa: E402

x = np.zeros((2, 3), np.float32)
b = np.array([1, 2, 3], np.float32)
if len(sys.argv) > 2:
    result = np.empty((2, 3), np.float32)
    descriptors = [mljit_loader._descriptor(a) for a in (x, b, result)]
    ctypes.CDLL(sys.argv[2])._mlir_ciface_affine_tanh(*map(ctypes.byref, descriptors))
else:
    function = mljit_loader.load(sys.argv[1])
    print("function", function.__name__)
    print("inputs", [(s, d.name) for s, d, _ in function._inputs])
    result = function(x, b)
print("result", " ".join(f"{v:.4f}" for v in result.ravel()))
