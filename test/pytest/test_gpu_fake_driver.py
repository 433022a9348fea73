"""device="cuda" against the fake driver (fake_cuda/fake_cuda.c), each test
running a script of gpu_scripts/ in a fresh process: "GPU memory" is host
memory and kernels are counted, not run, so the whole host side of calls
runs (copies, launches, frees, the caches, exported artifacts) but results
hold whatever their buffers held: only their types, shapes and dtypes are
checked, never their values."""

import os
import resource
import shutil
import subprocess
import sys

import pytest

import mljit
import models
from fake_driver import build_fake, environment
from gpu_checks import SCRIPT_PATH, SCRIPTS


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    return build_fake(tmp_path_factory.mktemp("fake-cuda"))


def _default_stack():
    """Linux's usual 8 MiB stack, whatever this shell's `ulimit -s` says."""
    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    soft = 8 << 20 if hard == resource.RLIM_INFINITY else min(8 << 20, hard)
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))


def run_fake(script: str, driver: str, *argv, **env) -> str:
    """Runs gpu_scripts/`script`.py in a fresh Python loading the fake
    driver, with SCRIPT_PATH importable; its stdout. Fails on a crash or an
    uncaught exception."""
    process = subprocess.run([sys.executable, os.path.join(SCRIPTS, script + ".py"), *argv],
                             env=environment(driver, PYTHONPATH=SCRIPT_PATH, **env),
                             capture_output=True, text=True, timeout=300,
                             preexec_fn=_default_stack)
    assert process.returncode == 0, (f"exit {process.returncode}\n{process.stdout}\n"
                                     f"{process.stderr}")
    return process.stdout


@pytest.fixture(scope="module")
def gpu_artifact(tmp_path_factory):
    """An exported device="cuda" function, moved away from where it was built."""
    root = tmp_path_factory.mktemp("gpu-artifact")
    function, args = models.example("block_with_stats")
    built = mljit.export(function, *args, path=str(root / "built"), device="cuda")
    moved = shutil.copytree(built, str(root / "elsewhere" / "artifact"))
    shutil.rmtree(built)
    return moved


def test_fake_calls_return_numpy_and_leave_nothing_allocated(fake, tmp_path):
    out = run_fake("calls_return_numpy", fake, MLJIT_CACHE_DIR=str(tmp_path))
    launches = {name: int(count) for name, count in map(str.split, out.splitlines())}
    assert launches["softmax"] >= 4  # max, exp and sum, divide: some kernels each
    assert launches["transformer_block"] > launches["causal_attention"]


def test_fake_pytrees_scalars_and_edge_shapes(fake, tmp_path):
    run_fake("pytrees_scalars_and_edge_shapes", fake, MLJIT_CACHE_DIR=str(tmp_path))


def test_fake_device_arrays_stay_on_the_device(fake, tmp_path):
    run_fake("device_arrays_stay_on_the_device", fake, MLJIT_CACHE_DIR=str(tmp_path))


def test_fake_disk_cache_holds_gpu_code(fake, tmp_path, monkeypatch):
    first = run_fake("disk_cache", fake, MLJIT_CACHE_DIR=str(tmp_path)).split()
    assert first[0] == "compiled"
    entries = [e for e in os.listdir(tmp_path) if not e.startswith(".")]
    assert len(entries) == 1
    second = run_fake("disk_cache", fake, MLJIT_CACHE_DIR=str(tmp_path)).split()
    assert second[0] == "from-disk"
    # Loading the library loaded its kernels; the call launched them.
    assert int(second[1]) == int(first[1]) > 0 and int(second[2]) == int(first[2]) > 0
    # The CPU code of the same function is another entry.
    monkeypatch.setenv("MLJIT_CACHE_DIR", str(tmp_path))
    function, args = models.example("layer_norm")
    mljit.jit(function)(*args)
    assert len([e for e in os.listdir(tmp_path) if not e.startswith(".")]) == 2


@pytest.mark.parametrize("blocked, load", [
    (("mlir", "llvm"), "mljit.load"),
    (("mlir", "llvm", "mljit"), "mljit_loader"),
], ids=["mljit.load", "mljit_loader"])
def test_fake_exported_artifact_runs_without_mlir(fake, gpu_artifact, blocked, load):
    out = run_fake("exported_artifact_runs", fake, gpu_artifact, load, *blocked)
    assert out.startswith("ok ")


def test_fake_out_of_memory_is_memory_error(fake, tmp_path):
    """A temporary of 2**40 bytes, which the fake refuses: MemoryError, and
    everything allocated before is freed."""
    out = run_fake("out_of_memory", fake, MLJIT_CACHE_DIR=str(tmp_path))
    assert out.splitlines()[0] == ("cuMemAlloc_v2 (mgpuMemAlloc, 1099511627776 bytes) failed: "
                                   "CUDA_ERROR_OUT_OF_MEMORY (out of memory)")


def test_fake_without_devices_raises_device_error(fake, gpu_artifact, tmp_path):
    out = run_fake("without_devices", fake, gpu_artifact, FAKE_CUDA_DEVICES="0",
                   MLJIT_CACHE_DIR=str(tmp_path))
    lines = out.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert line.startswith("device='cuda' needs an NVIDIA GPU and its driver, and none is "
                               "usable here: cuInit failed: CUDA_ERROR_NO_DEVICE"), line
    assert "holds code for an NVIDIA GPU" in lines[2]


def test_fake_argument_device_memory_is_freed_after_the_call(fake, tmp_path):
    run_fake("argument_memory_freed", fake, MLJIT_CACHE_DIR=str(tmp_path))


def test_fake_long_cumsum_does_not_crash(fake, tmp_path):
    run_fake("long_cumsum", fake, MLJIT_CACHE_DIR=str(tmp_path))
