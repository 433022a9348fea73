"""The fake NVIDIA driver (fake_cuda/fake_cuda.c) for tests on machines
without a GPU: building it as libcuda.so.1, and the environment of a fresh
Python that loads it instead of any real driver. Shared by
test_cuda_runtime.py and test_gpu_fake_driver.py."""

import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "fake_cuda", "fake_cuda.c")


def build_fake(directory, *flags) -> str:
    """Compiles the fake driver into `directory`/libcuda.so.1 (extra C
    compiler `flags`, e.g. -DFAKE_CUDA_OLD); the directory. Skips the test
    without a C compiler."""
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler (cc) to build the fake CUDA driver")
    directory = str(directory)
    os.makedirs(directory, exist_ok=True)
    subprocess.run([compiler, "-shared", "-fPIC", "-O1", *flags,
                    "-Wl,-soname,libcuda.so.1", "-o", os.path.join(directory, "libcuda.so.1"),
                    SOURCE], check=True)
    return directory


def environment(driver_dir: str | None = None, **env) -> dict:
    """This process's environment plus `env`, with `driver_dir` (if given)
    first on LD_LIBRARY_PATH: a process started with it loads that
    libcuda.so.1, even where a real driver is installed."""
    environment = dict(os.environ, **env)
    if driver_dir:
        environment["LD_LIBRARY_PATH"] = os.pathsep.join(
            filter(None, [str(driver_dir), os.environ.get("LD_LIBRARY_PATH")]))
    return environment
