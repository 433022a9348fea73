"""Runs the affine_tanh artifact of ml-compile.mlir on fixed inputs and prints
its signature and result; with a second argument, calls that library's
`_mlir_ciface_affine_tanh` in place of the artifact's own (same loader)."""

import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import mljit_loader  # noqa: E402

function = mljit_loader.load(sys.argv[1])
if len(sys.argv) > 2:
    import ctypes
    library = ctypes.CDLL(sys.argv[2])
    function._entry = library._mlir_ciface_affine_tanh
    function._entry.argtypes = [ctypes.c_void_p] * 3
print("function", function.__name__)
print("inputs", function._inputs and [(s, d.name) for s, d in function._inputs])
x = np.zeros((2, 3), np.float32)
b = np.array([1, 2, 3], np.float32)
print("result", " ".join(f"{v:.4f}" for v in function(x, b).ravel()))
