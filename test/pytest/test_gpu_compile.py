"""device="cuda" where there is no GPU: every program and operation lowers
to GPU kernels, PTX and host code calling the CUDA runtime wrappers, and
exports build; only the call fails, with DeviceError naming the missing
driver. (With a GPU, the calls must succeed.)"""

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import mljit
import models
from gpu_checks import CHIP, MISC, REASON, SCRIPT_PATH, SCRIPTS
from mljit import aot
from mljit.target import DEFAULT_CHIP, Target

F32, F64 = np.float32, np.float64
TARGET = CHIP or DEFAULT_CHIP  # what device="cuda" compiles for here
NO_DRIVER = "libcuda.so.1 could not be loaded" in REASON
no_driver = pytest.mark.skipif(not NO_DRIVER, reason="an NVIDIA driver is installed here")


def expect_no_gpu(call):
    """Without a GPU, `call()` (which compiles first) raises DeviceError
    naming the missing driver; with one, it must succeed."""
    if CHIP is not None:
        return call()
    with pytest.raises(mljit.DeviceError, match="needs an NVIDIA GPU") as error:
        call()
    if NO_DRIVER:
        assert "libcuda.so.1" in str(error.value)
    return None


LAUNCH = re.compile(r"\bgpu\.launch\s+blocks")
ENTRY = re.compile(r"^\.visible \.entry \w+\(", re.M)


def check_stages(lowered, llvm_stage=True) -> int:
    """The "gpu", "ptx" and (with `llvm_stage`) "llvm" stages of a
    device="cuda" function are what they should be; the number of kernels."""
    gpu = lowered.as_text("gpu")
    kernels = len(LAUNCH.findall(gpu))
    assert "linalg." not in gpu, "linalg ops left outside the kernels"
    assert "gpu.launch_func" not in gpu  # not outlined yet at this stage
    ptx = lowered.as_text("ptx")
    if kernels:
        assert f".target {TARGET}" in ptx
        assert ".version" in ptx
    # Every kernel becomes one entry point in PTX.
    assert len(ENTRY.findall(ptx)) == kernels, ptx[:2000]
    if not llvm_stage:  # calls compile it too
        return kernels
    llvm = lowered.as_text("llvm")
    assert "llvm.func" in llvm and "linalg." not in llvm
    assert not re.search(r"\bgpu\.launch\s", llvm)
    if kernels:
        assert "gpu.binary" in llvm and "gpu.launch_func" in llvm
        assert "llvm.call @mgpuStreamCreate" in llvm
    return kernels


# (program, dtype): float32, and float64 for a few.
PROGRAM_CASES = [
    ("softmax", F32), ("softmax", F64), ("layer_norm", F32), ("mlp_relu", F32),
    ("mlp_gelu", F32), ("mlp_gelu", F64), ("causal_attention", F32),
    ("transformer_block", F32), ("transformer_block", F64),
]


@pytest.mark.parametrize("name, dtype", PROGRAM_CASES,
                         ids=[f"{n}-{np.dtype(d)}" for n, d in PROGRAM_CASES])
def test_program_compiles_for_the_gpu(name, dtype):
    function, args = models.example(name, dtype)
    jitted = mljit.jit(function, device="cuda")
    lowered = jitted.lower(*args)
    kernels = check_stages(lowered, llvm_stage=dtype == F32 and "_relu" not in name)
    assert kernels >= {"softmax": 4, "layer_norm": 4}.get(name, 3)
    expect_no_gpu(lambda: jitted(*args))


def test_host_code_calls_the_cuda_runtime():
    function, args = models.example("softmax")
    ir = mljit.jit(function, device="cuda").lower(*args).as_text("llvm-ir")
    for symbol in ("mgpuLaunchKernel", "mgpuModuleLoad", "mgpuModuleGetFunction",
                   "mgpuMemAlloc", "mgpuMemcpy", "mgpuMemFree", "mgpuStreamSynchronize"):
        assert f"@{symbol}(" in ir, symbol


@pytest.mark.parametrize("name", MISC)
def test_operation_compiles_for_the_gpu(name):
    function, make = MISC[name]
    args = make(np.random.default_rng(0))
    jitted = mljit.jit(function, device="cuda")
    gpu = jitted.lower(*args).as_text("gpu")
    assert "linalg." not in gpu
    assert LAUNCH.search(gpu) or name == "size_0"
    expect_no_gpu(lambda: jitted(*args))


def test_ptxas_assembles_every_kernel():
    """format=bin: ptxas turns the PTX of every kernel into a cubin (ELF),
    so it checks the PTX LLVM wrote."""
    if shutil.which("ptxas") is None:
        pytest.skip("no ptxas (CUDA toolkit) here")
    chip = TARGET
    pipeline = Target("cuda", chip, gpu_format="bin").pipeline
    cases = [models.example("transformer_block")]
    cases += [(MISC[n][0], MISC[n][1](np.random.default_rng(0)))
              for n in ("argmax_argmin", "float16_int8")]
    for function, args in cases:
        jitted = mljit.jit(function, device="cuda", pipeline=pipeline)
        llvm = jitted.lower(*args).as_text("llvm")
        objects = re.findall(r"#gpu\.object<#nvvm\.target<[^>]*>,[^\n]*?(bin|assembly|"
                             r"offload|fatbin) = \"(.{4})", llvm)
        assert objects and all(kind == "bin" and head == "\\7FE" for kind, head in objects), \
            [o for o in objects][:3]
        expect_no_gpu(lambda: jitted(*args))


def test_chip_and_pipeline_options():
    x = np.ones((5, 40), F32)
    sm80 = mljit.jit(models.softmax, device="cuda", chip="sm_80")
    ptx = sm80.lower(x).as_text("ptx")
    assert ".target sm_80" in ptx and ".target sm_90" not in ptx
    assert Target("cuda", "sm_90a").pipeline.startswith("ml-gpu-pipeline{chip=sm_90a ")
    assert "host-arguments=false" in Target("cuda", device_arrays=True).pipeline
    with pytest.raises(ValueError, match="chip must name an NVIDIA architecture"):
        Target("cuda", "gfx90a")
    with pytest.raises(ValueError, match="device must be 'cpu' or 'cuda'"):
        mljit.jit(models.softmax, device="gpu")
    lowered = mljit.jit(models.softmax, device="cuda").lower(x)
    with pytest.raises(ValueError, match="'ptx'"):
        lowered.as_text("sass")
    with pytest.raises(ValueError, match="unknown stage 'gpu'"):
        mljit.jit(models.softmax).lower(x).as_text("gpu")  # a CPU function


def test_gpu_code_runs_only_with_device_cuda():
    """A CPU function given a GPU pipeline would launch kernels that were
    never loaded: compiling it is an error naming the device to use."""
    x = np.ones((5, 40), F32)
    gpu_pipeline = Target("cuda", TARGET, gpu_format="isa").pipeline
    with pytest.raises(mljit.CompileError, match="runs only with device='cuda'"):
        mljit.jit(models.softmax, pipeline=gpu_pipeline)(x)
    with pytest.raises(ValueError, match="chip applies to device='cuda' only"):
        mljit.jit(models.softmax, chip="sm_80")


def test_export_builds_without_a_gpu(tmp_path):
    function, args = models.example("block_with_stats")
    path = mljit.export(function, *args, path=str(tmp_path / "art"), device="cuda")
    assert {"manifest.json", "libmljit_runtime.so", "mljit_loader.py",
            "mljit_cuda.py"} <= set(os.listdir(path))
    manifest = json.load(open(os.path.join(path, "manifest.json")))
    assert manifest["device"] == "cuda"
    assert f"chip={DEFAULT_CHIP}" in manifest["pipeline"]
    with pytest.raises(ValueError, match="chip applies to device='cuda' only"):
        mljit.export(function, *args, path=str(tmp_path / "cpu"), chip="sm_80")
    if CHIP is None:
        with pytest.raises(mljit.DeviceError, match="holds code for an NVIDIA GPU"):
            mljit.load(path)


def test_ml_compile_for_cuda(tmp_path):
    function, args = models.example("mlp_gelu")
    source = tmp_path / "mlp.mlir"
    source.write_text(mljit.jit(function).lower(*args).as_text("ml"))
    out = tmp_path / "out"
    assert aot.main([str(source), "-o", str(out), "--device", "cuda", "--chip", "sm_80"]) == 0
    manifest = json.load(open(out / "manifest.json"))
    assert manifest["device"] == "cuda" and "chip=sm_80" in manifest["pipeline"]
    assert [s["shape"] for s in manifest["outputs"]] == [[37, 20]]


@no_driver
def test_artifact_loader_without_driver_explains(tmp_path):
    """The artifact's own loader, with neither mljit nor MLIR importable."""
    path = mljit.export(models.softmax, np.ones((3, 40), F32), path=str(tmp_path / "a"),
                        device="cuda")
    script = os.path.join(SCRIPTS, "artifact_loader_without_driver.py")
    process = subprocess.run([sys.executable, script, path], capture_output=True,
                             text=True, cwd=str(tmp_path),
                             env=dict(os.environ, PYTHONPATH=SCRIPT_PATH))
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("DeviceError device='cuda' needs an NVIDIA GPU")
    assert "libcuda.so.1" in process.stdout and "holds code for an NVIDIA GPU" in process.stdout


def test_control_flow_stays_on_the_host_around_kernels():
    """Traced loops and branches run on the host; the conditions kernels
    compute are copied back to it, and the loop bodies launch kernels."""
    def f(x, n):
        x = mljit.fori_loop(0, n, lambda i, v: np.tanh(v) + i, x)
        x = mljit.while_loop(lambda v: v.sum() < 100, lambda v: v * 2 + 1, x)
        return mljit.cond(x[0] > 0, lambda: x * 2, lambda: -x)

    jitted = mljit.jit(f, device="cuda")
    lowered = jitted.lower(np.ones(64, F32), 3)
    check_stages(lowered)
    gpu = lowered.as_text("gpu")
    for op in ("scf.for", "scf.while", "scf.if"):
        body = gpu[gpu.index(op):]
        assert LAUNCH.search(body), op
    # The trip count and each condition (the while's and the branch's) are
    # read back through a host scalar; the loop index goes the other way.
    assert len(re.findall(r"gpu\.memcpy\s+%alloca\w*, ", gpu)) == 3
    assert len(re.findall(r"gpu\.memcpy\s+%memref\w*, %alloca", gpu)) == 1
    expect_no_gpu(lambda: jitted(np.ones(64, F32), 3))
