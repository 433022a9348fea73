# lit configuration for mljit: FileCheck tests of the ml dialect, the passes,
# the pipelines, ml-opt and the Python tracer, run against the installed
# package (`pip install .`) and the tools of the xtc-* wheels.
#
# `-D build_dir=<dir>` (or MLJIT_BUILD_DIR=<dir>) runs ml-opt and the runtime
# library of a CMake build tree instead, so that a pass rebuilt with
# `ninja -C <dir> ml-opt` is tested without installing it. Python tests and
# ml-compile still use the installed package.

import importlib.util
import os
import shutil
import sys

import lit.formats

config.name = "mljit"
config.test_format = lit.formats.ShTest()
config.suffixes = [".mlir"]
config.excludes = ["pytest", "Inputs", "lit.cfg.py", "lit.local.cfg"]
config.test_source_root = os.path.dirname(__file__)
# Keep lit's Output/ folders out of the source tree.
config.test_exec_root = os.path.join(
    os.path.dirname(config.test_source_root), "build", "lit"
)


def installed(package, *parts):
    """A file inside an installed package (namespace and editable included)."""
    spec = importlib.util.find_spec(package)
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(location, *parts)
        if os.path.exists(path):
            return path
    lit_config.fatal(f"{os.path.join(package, *parts)} not found; run `pip install .` first")


def built(*parts):
    """A file of the build tree `build_dir`."""
    path = os.path.join(build_dir, *parts)
    if not os.path.exists(path):
        lit_config.fatal(f"{path} not found; build it with `ninja -C {build_dir}`")
    return path


build_dir = lit_config.params.get("build_dir") or os.environ.get("MLJIT_BUILD_DIR")
if build_dir:
    build_dir = os.path.abspath(build_dir)
    ml_opt = built("tools", "ml-opt", "ml-opt")
    runtime_library = built("runtime", "libmljit_runtime.so")
else:
    ml_opt = installed("mljit", "_bin", "ml-opt")
    runtime_library = installed("mljit", "_lib", "libmljit_runtime.so")
lit_config.note(f"ml-opt: {ml_opt}")

tool_dirs = [
    os.path.dirname(ml_opt),
    os.path.dirname(installed("llvm", "bin", "FileCheck")),
    os.path.dirname(installed("mlir", "bin", "mlir-runner")),
    # Console scripts (ml-compile) of the environment running lit.
    os.path.dirname(sys.executable),
]
config.environment["PATH"] = os.pathsep.join(tool_dirs + [config.environment.get("PATH", "")])
mlir_lib_dir = os.path.dirname(installed("mlir", "lib", "libmlir_runner_utils.so"))
config.substitutions.append(("%mlir_lib_dir", mlir_lib_dir))
# The functions compiled kernels call (allocator, BLAS, OpenMP entry points).
# (%mljit_runtime_dir before %mljit_runtime: lit substitutes in order.)
config.substitutions.append(("%mljit_runtime_dir", os.path.dirname(runtime_library)))
config.substitutions.append(("%mljit_runtime", runtime_library))
config.substitutions.append(("%python", sys.executable))
# Python tests must see the same environment (and mljit) as this lit run.
for name in ("PYTHONPATH", "HOME", "TMPDIR", "MLJIT_CACHE_DIR"):
    if name in os.environ:
        config.environment[name] = os.environ[name]


# gpu-module-to-binary (ml-gpu-pipeline's format=bin and the default
# format=fatbin) runs the CUDA toolkit's ptxas and fatbinary, found on PATH or
# in /usr/local/cuda/bin (lit does not pass CUDA_ROOT/CUDA_HOME/CUDA_PATH on).
# Machines without the toolkit skip the tests that need them; format=isa
# (PTX) needs neither.
for tool in ("ptxas", "fatbinary"):
    if shutil.which(tool, path=config.environment["PATH"]) or os.access(
        os.path.join("/usr/local/cuda/bin", tool), os.X_OK
    ):
        config.available_features.add(tool)
