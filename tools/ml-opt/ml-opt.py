#!python
"""`ml-opt` on PATH: runs the binary inside the installed mljit package.

It finds the package without importing it, so starting it costs no more than
starting Python.
"""
import importlib.util
import os
import sys

spec = importlib.util.find_spec("mljit")
if spec is None or not spec.submodule_search_locations:
    sys.exit("ml-opt: the mljit package is not installed in " + sys.prefix)
binary = os.path.join(spec.submodule_search_locations[0], "_bin", "ml-opt")
os.execv(binary, [binary, *sys.argv[1:]])
