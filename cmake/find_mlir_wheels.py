"""Prints the site-packages folder holding the xtc-mlir-dev CMake package.

`mlir` is a namespace package spread over the xtc-* wheels; the folder that
has `mlir/lib/cmake/mlir` is the one to build against.
"""
import importlib.util
import os
import sys

spec = importlib.util.find_spec("mlir")
for location in spec.submodule_search_locations if spec else []:
    if os.path.isdir(os.path.join(location, "lib", "cmake", "mlir")):
        print(os.path.dirname(location))
        sys.exit(0)
sys.exit("mljit: no MLIR CMake package found; install xtc-mlir-dev==22.1.8.4")
