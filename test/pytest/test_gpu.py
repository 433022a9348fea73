"""device="cuda": plain-NumPy programs compiled for NVIDIA GPUs.

Three kinds of tests:

* Compiling where there is no GPU: every program and operation lowers to
  GPU kernels, PTX and host code calling the CUDA runtime wrappers; only
  the call fails, with DeviceError naming the missing driver.
* With the fake driver (fake_cuda/fake_cuda.c), each in a fresh process:
  "GPU memory" is host memory and kernels are counted, not run, so the whole
  host side of calls runs (copies, launches, frees, the caches, exported
  artifacts) but results hold whatever their buffers held: only their types,
  shapes and dtypes are checked, never their values.
* Results against NumPy's: with a GPU, of device="cuda"; without one, of
  the same kernels run on the host (ml-gpu-emulation-pipeline). The tests
  that need GPU memory itself (device_put, exported code, out of memory)
  skip where there is no GPU.
"""

import ctypes
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import checks
import gpu_programs as programs
import mljit
from fake_driver import HERE, build_fake, environment
from mljit import _native, aot, compiler, cuda

F32, F64 = np.float32, np.float64


def _probe_reason() -> str:
    """Why the runtime finds no usable GPU ("" where it finds one)."""
    message = ctypes.create_string_buffer(4096)
    cuda.bind(_native.RUNTIME)
    devices = _native.RUNTIME.mljit_cuda_probe(message, len(message))
    return "" if devices > 0 else message.value.decode()


REASON = _probe_reason()
CHIP = cuda.chip(_native.RUNTIME)  # None without a usable GPU
TARGET = CHIP or compiler.DEFAULT_CHIP  # what device="cuda" compiles for here
needs_gpu = pytest.mark.skipif(CHIP is None, reason=f"no usable NVIDIA GPU: {REASON}")
NO_DRIVER = "libcuda.so.1 could not be loaded" in REASON
# Without a GPU, the execution tests run the same kernels on the host
# (ml-gpu-emulation-pipeline: each gpu.launch as loops over its blocks and,
# between barriers, its threads): what the kernels compute is checked here,
# what the GPU's arithmetic and the NVVM lowering add only on a GPU.
EMULATED = CHIP is None


def gpu_jit(function):
    if EMULATED:
        return mljit.jit(function, pipeline="ml-gpu-emulation-pipeline")
    return mljit.jit(function, device="cuda")
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


# --- Compiling without a GPU ----------------------------------------------

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
    function, args = programs.example(name, dtype)
    jitted = mljit.jit(function, device="cuda")
    lowered = jitted.lower(*args)
    kernels = check_stages(lowered, llvm_stage=dtype == F32 and "_relu" not in name)
    assert kernels >= {"softmax": 4, "layer_norm": 4}.get(name, 3)
    expect_no_gpu(lambda: jitted(*args))


def test_host_code_calls_the_cuda_runtime():
    function, args = programs.example("softmax")
    ir = mljit.jit(function, device="cuda").lower(*args).as_text("llvm-ir")
    for symbol in ("mgpuLaunchKernel", "mgpuModuleLoad", "mgpuModuleGetFunction",
                   "mgpuMemAlloc", "mgpuMemcpy", "mgpuMemFree", "mgpuStreamSynchronize"):
        assert f"@{symbol}(" in ir, symbol


def _ints(rng, shape, low, high, dtype=np.int32):
    return rng.integers(low, high, size=shape).astype(dtype)


def _floats(rng, shape, dtype=F32, low=-3.0, high=3.0):
    return rng.uniform(low, high, size=shape).astype(dtype)


# Operations beyond the programs: name -> (function, inputs from a generator).
MISC = {
    "matmul_1x1": (lambda a, b: a @ b, lambda r: (_floats(r, (1, 1)), _floats(r, (1, 1)))),
    "matmul_15x17x33": (lambda a, b: a @ b,
                        lambda r: (_floats(r, (15, 17)), _floats(r, (17, 33)))),
    "matmul_64": (lambda a, b: a @ b, lambda r: (_floats(r, (64, 64)), _floats(r, (64, 64)))),
    "matmul_f64_odd": (lambda a, b: a @ b,
                       lambda r: (_floats(r, (33, 65), F64), _floats(r, (65, 17), F64))),
    "matmul_batched": (lambda a, b: a @ b,
                       lambda r: (_floats(r, (3, 15, 17)), _floats(r, (3, 17, 9)))),
    "matmul_broadcast_batch": (lambda a, b: np.matmul(a, b),
                               lambda r: (_floats(r, (2, 1, 5, 6)), _floats(r, (3, 6, 4)))),
    "matmul_int32": (lambda a, b: a @ b,
                     lambda r: (_ints(r, (15, 17), -9, 10), _ints(r, (17, 33), -9, 10))),
    "matvec_vecmat_dot": (lambda m, v, w: (m @ v, w @ m, v @ v),
                          lambda r: (_floats(r, (15, 17)), _floats(r, 17), _floats(r, 15))),
    "reductions_keepdims": (
        lambda x: [(x.sum(axis=a, keepdims=True), x.max(axis=a, keepdims=True),
                    x.min(axis=a, keepdims=True), x.mean(axis=a, keepdims=True))
                   for a in (0, 1, 2, (0, 2))] + [x.sum(), x.max(keepdims=True)],
        lambda r: (_floats(r, (3, 40, 300)),)),
    "argmax_argmin": (lambda x, i: (np.argmax(x, axis=0), x.argmax(axis=1), np.argmin(x),
                                    i.argmax(axis=-1), i.argmin(axis=0)),
                      lambda r: (_floats(r, (37, 300)), _ints(r, (37, 300), -3, 4))),
    "cumsum": (lambda x, i: (np.cumsum(x, axis=0), np.cumsum(x, axis=1), np.cumsum(i)),
               lambda r: (_floats(r, (37, 60)), _ints(r, 50, -5, 5, np.int64))),
    "gather_indexing": (lambda x, i, j: (x[i], x[:, i], np.take(x, j, axis=1), x[i, j],
                                         x[::2, 1:-1], x[-1], x[1:4, ::-3]),
                        lambda r: (_floats(r, (37, 30)), np.array([0, 5, 3, 29, -1]),
                                   np.array([29, 0, 7, -2, 1]))),
    "concatenate_stack": (lambda a, b: (np.concatenate([a, b], axis=1),
                                        np.concatenate([a, a, a]), np.stack([a, a], axis=-1),
                                        np.hstack([a, b]), np.vstack([a, a])),
                          lambda r: (_floats(r, (4, 5)), _floats(r, (4, 3)))),
    "bool_int_dtypes": (lambda a, b, n, m: (
        (a > b) & (a < 1), (a > b) | ~(b > 0), (a > 0) ^ (b > 0), np.where(a > b, n, m),
        n // m, n % m, (n * m).astype(np.int8), n.astype(F32) / 3, (a > 0).astype(np.int32),
        n.astype(bool), np.logical_not(a > 0), np.minimum(n, m), abs(m) + n),
        lambda r: (_floats(r, (7, 45)), _floats(r, (7, 45)), _ints(r, (7, 45), -50, 50, np.int64),
                   np.where(_ints(r, (7, 45), -7, 8, np.int64) == 0, 3,
                            _ints(r, (7, 45), -7, 8, np.int64)))),
    "float16_int8": (lambda h, i: (np.exp(h) + h, h.sum(axis=0), (i * 3 + 1), i.max(axis=1),
                                   h.astype(F32) * 2),
                     lambda r: (_floats(r, (6, 70), np.float16, -2, 2),
                                _ints(r, (6, 70), -40, 40, np.int8))),
    "zero_d": (lambda a, b: (a * b + 1, np.exp(a), np.maximum(a, b), a.sum(), (a > b)),
               lambda r: (np.array(1.5, F32), np.array(-2.0, F32))),
    "size_0": (lambda a, m, n: (a * 2, a.sum(axis=0), a.sum(axis=1), a.mean(axis=1),
                                m @ n, np.concatenate([a, a])),
               lambda r: (np.ones((0, 5), F32), np.ones((3, 0), F32), np.ones((0, 4), F32))),
}


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
    pipeline = compiler.gpu_pipeline(chip, format="bin")
    cases = [programs.example("transformer_block")]
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
    sm80 = mljit.jit(programs.softmax, device="cuda",
                     pipeline=compiler.gpu_pipeline("sm_80", format="isa"))
    ptx = sm80.lower(x).as_text("ptx")
    assert ".target sm_80" in ptx and ".target sm_90" not in ptx
    assert compiler.gpu_pipeline("sm_90a").startswith("ml-gpu-pipeline{chip=sm_90a ")
    assert "host-arguments=false" in compiler.gpu_pipeline(host_arguments=False)
    with pytest.raises(ValueError, match="chip must name an NVIDIA architecture"):
        compiler.gpu_pipeline("gfx90a")
    with pytest.raises(ValueError, match="device must be 'cpu' or 'cuda'"):
        mljit.jit(programs.softmax, device="gpu")
    lowered = mljit.jit(programs.softmax, device="cuda").lower(x)
    with pytest.raises(ValueError, match="'ptx'"):
        lowered.as_text("sass")
    with pytest.raises(ValueError, match="unknown stage 'gpu'"):
        mljit.jit(programs.softmax).lower(x).as_text("gpu")  # a CPU function


def test_export_builds_without_a_gpu(tmp_path):
    function, args = programs.example("block_with_stats")
    path = mljit.export(function, *args, path=str(tmp_path / "art"), device="cuda")
    assert {"manifest.json", "libmljit_runtime.so", "mljit_loader.py",
            "mljit_cuda.py"} <= set(os.listdir(path))
    manifest = json.load(open(os.path.join(path, "manifest.json")))
    assert manifest["device"] == "cuda"
    assert f"chip={compiler.DEFAULT_CHIP}" in manifest["pipeline"]
    with pytest.raises(ValueError, match="chip applies to device='cuda' only"):
        mljit.export(function, *args, path=str(tmp_path / "cpu"), chip="sm_80")
    if CHIP is None:
        with pytest.raises(mljit.DeviceError, match="holds code for an NVIDIA GPU"):
            mljit.load(path)


def test_ml_compile_for_cuda(tmp_path):
    function, args = programs.example("mlp_gelu")
    source = tmp_path / "mlp.mlir"
    source.write_text(mljit.jit(function).lower(*args).as_text("ml"))
    out = tmp_path / "out"
    assert aot.main([str(source), "-o", str(out), "--device", "cuda", "--chip", "sm_80"]) == 0
    manifest = json.load(open(out / "manifest.json"))
    assert manifest["device"] == "cuda" and "chip=sm_80" in manifest["pipeline"]
    assert [s["shape"] for s in manifest["outputs"]] == [[37, 20]]


# Runs where the packages in BLOCKED cannot be imported (test_export.py's way).
NO_MLIR = checks.BLOCK_IMPORTS.replace("import sys", "import ctypes, sys")


@no_driver
def test_artifact_loader_without_driver_explains(tmp_path):
    """The artifact's own loader, with neither mljit nor MLIR importable."""
    path = mljit.export(programs.softmax, np.ones((3, 40), F32), path=str(tmp_path / "a"),
                        device="cuda")
    script = NO_MLIR.replace("BLOCKED", repr(("mlir", "mljit", "llvm"))) + textwrap.dedent('''
        sys.path.insert(0, sys.argv[1])
        import mljit_loader
        try:
            mljit_loader.load(sys.argv[1])
        except Exception as error:
            print(type(error).__name__, error)
    ''')
    process = subprocess.run([sys.executable, "-c", script, path], capture_output=True,
                             text=True, cwd=str(tmp_path))
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("DeviceError device='cuda' needs an NVIDIA GPU")
    assert "libcuda.so.1" in process.stdout and "holds code for an NVIDIA GPU" in process.stdout


# --- With the fake driver ---------------------------------------------------

# What scripts run with the fake driver start with: `seen(name)` reads a
# counter of the fake.
FAKE_PRELUDE = textwrap.dedent("""
    import ctypes, gc, os, sys
    import numpy as np
    sys.path.insert(0, HERE)
    import gpu_programs as programs
    FAKE = ctypes.CDLL("libcuda.so.1")

    def seen(name):
        return ctypes.c_int.in_dll(FAKE, name).value

    def last_launch():
        dims = lambda name: tuple((ctypes.c_uint * 3).in_dll(FAKE, name))
        return dims("fake_grid"), dims("fake_block")

    assert seen("fake_launches") == 0  # the fake, not a real driver
""").replace("HERE", repr(HERE))


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    return build_fake(tmp_path_factory.mktemp("fake-cuda"))


def _default_stack():
    """Linux's usual 8 MiB stack, whatever this shell's `ulimit -s` says."""
    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    soft = 8 << 20 if hard == resource.RLIM_INFINITY else min(8 << 20, hard)
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))


def run_fake(code: str, driver: str, *argv, prelude: str = FAKE_PRELUDE, **env) -> str:
    """Runs `prelude` + `code` in a fresh Python loading the fake driver;
    its stdout. Fails on a crash or an uncaught exception."""
    process = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code), *argv],
                             env=environment(driver, **env), capture_output=True, text=True,
                             timeout=300, preexec_fn=_default_stack)
    assert process.returncode == 0, (f"exit {process.returncode}\n{process.stdout}\n"
                                     f"{process.stderr}")
    return process.stdout


def test_fake_calls_return_numpy_and_leave_nothing_allocated(fake, tmp_path):
    out = run_fake('''
        import mljit
        cases = [("softmax", np.float32), ("layer_norm", np.float32),
                 ("mlp_relu", np.float32), ("mlp_gelu", np.float64),
                 ("causal_attention", np.float32), ("transformer_block", np.float32)]
        for name, dtype in cases:
            function, args = programs.example(name, dtype)
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
            assert len(jitted._cache) == 1
            assert seen("fake_allocations") == before[0]
            assert seen("fake_context_depth") == 0 and seen("fake_streams") == 0
            print(name, launches)
    ''', fake, MLJIT_CACHE_DIR=str(tmp_path))
    launches = {name: int(count) for name, count in map(str.split, out.splitlines())}
    assert launches["softmax"] >= 4  # max, exp and sum, divide: some kernels each
    assert launches["transformer_block"] > launches["causal_attention"]


def test_fake_pytrees_scalars_and_edge_shapes(fake, tmp_path):
    run_fake('''
        import mljit
        function, args = programs.example("block_with_stats")
        got = mljit.jit(function, device="cuda")(*args)
        expected = function(*args)
        assert type(got) is dict and sorted(got) == ["stats", "y"]
        assert type(got["stats"]) is tuple and type(got["stats"][1]) is list
        for g, e in [(got["y"], expected["y"]), (got["stats"][0], expected["stats"][0]),
                     (got["stats"][1][0], expected["stats"][1][0]),
                     (got["stats"][1][1], expected["stats"][1][1])]:
            e = np.asarray(e)
            assert type(g) is np.ndarray and (g.shape, g.dtype) == (e.shape, e.dtype)

        # Python scalars, static arguments, keyword arguments.
        scale = mljit.jit(lambda x, k, *, offset: x * k + offset, device="cuda",
                          static_argnums=1)
        x = np.ones((4, 5), np.float32)
        assert scale(x, 3, offset=0.5).dtype == np.float32
        assert scale(x, 4, offset=np.float64(0.5)).dtype == np.float64
        assert len(scale._cache) == 2

        base = seen("fake_allocations")
        edge = mljit.jit(lambda a, z: (a * 2, a.sum(), z.sum(axis=0), z.sum(axis=1), z + 1),
                         device="cuda")
        a, z = np.array(2.0, np.float32), np.ones((0, 5), np.float64)
        results = edge(a, z)
        assert [(r.shape, r.dtype) for r in results] == [
            ((), np.float32), ((), np.float32), ((5,), np.float64), ((0,), np.float64),
            ((0, 5), np.float64)]
        assert seen("fake_allocations") == base
        # Non-contiguous arguments are copied contiguous first.
        strided = mljit.jit(lambda a: a + 1, device="cuda")(np.ones((6, 8), np.int32)[::2, ::3])
        assert strided.shape == (3, 3) and strided.dtype == np.int32
    ''', fake, MLJIT_CACHE_DIR=str(tmp_path))


def test_fake_device_arrays_stay_on_the_device(fake, tmp_path):
    run_fake('''
        import mljit
        rng = np.random.default_rng(0)
        x = rng.standard_normal((37, 100)).astype(np.float32)
        d = mljit.device_put(x)
        assert isinstance(d, mljit.DeviceArray) and d.device == "cuda"
        assert (d.shape, d.dtype) == (x.shape, x.dtype) and mljit.device_put(d) is d
        np.testing.assert_array_equal(np.asarray(d), x)  # the fake's copies are real
        assert seen("fake_allocations") == 1

        jitted = mljit.jit(programs.softmax, device="cuda")
        host = jitted(x)
        launches = seen("fake_launches")
        on_device = jitted(d)
        per_call = seen("fake_launches") - launches
        assert per_call == launches  # the same kernels as the host variant
        assert isinstance(on_device, mljit.DeviceArray)
        assert (on_device.shape, on_device.dtype) == (host.shape, host.dtype)
        assert len(jitted._cache) == 2  # host and device variants: separate entries
        assert seen("fake_allocations") == 2  # d and the result
        modules = seen("fake_modules_loaded")
        again = jitted(d)
        assert seen("fake_modules_loaded") == modules and len(jitted._cache) == 2
        assert seen("fake_launches") - launches == 2 * per_call
        np.asarray(again)  # copies back
        del again, on_device
        gc.collect()
        assert seen("fake_allocations") == 1

        # Mixed: DeviceArrays and NumPy arrays; the result feeds another call.
        function, args = programs.example("mlp_relu")
        mlp = mljit.jit(function, device="cuda")
        mixed = mlp(mljit.device_put(args[0]), *args[1:])
        assert isinstance(mixed, mljit.DeviceArray) and mixed.shape == (37, 20)
        mixed2 = mlp(args[0], mljit.device_put(args[1]), *args[2:])
        assert len(mlp._cache) == 1  # same signature, same placement
        chained = jitted(mixed)
        assert isinstance(chained, mljit.DeviceArray) and chained.shape == (37, 20)
        gc.collect()  # the arguments' pytree holds them in a cycle: see below
        assert seen("fake_allocations") == 4

        # Pytrees, 0-d and size-0 results on the device.
        function, args = programs.example("block_with_stats")
        tree = mljit.jit(function, device="cuda")(mljit.device_put(args[0]), args[1])
        assert type(tree) is dict and isinstance(tree["stats"][1][0], mljit.DeviceArray)
        assert tree["stats"][1][0].shape == () and tree["y"].shape == (19, 32)
        assert tree["stats"][1][1].dtype == np.int64
        empty = mljit.jit(lambda a: (a * 2, a.sum(axis=1)), device="cuda")(
            mljit.device_put(np.ones((0, 3), np.float32)))
        assert [e.shape for e in empty] == [(0, 3), (0,)] and empty[0].pointer == 0
        assert np.asarray(empty[0]).shape == (0, 3)

        # What needs a cuda function, or NumPy arrays, says so.
        try:
            mljit.jit(programs.softmax)(d)
        except TypeError as error:
            assert "compile with device='cuda'" in str(error), error
        else:
            raise AssertionError("a CPU function took a DeviceArray")
        try:
            mljit.export(jitted, d, path="unused")
        except TypeError as error:
            assert "not DeviceArrays" in str(error)
        else:
            raise AssertionError("exported with a DeviceArray")
        try:
            mljit.device_put(np.ones(3, np.complex64))
        except mljit.UnsupportedError:
            pass
        else:
            raise AssertionError("complex64 on the device")

        del d, mixed, mixed2, chained, tree, empty
        gc.collect()
        assert seen("fake_allocations") == 0
        assert seen("fake_context_depth") == 0 and seen("fake_streams") == 0
    ''', fake, MLJIT_CACHE_DIR=str(tmp_path))


DISK_SCRIPT = '''
    import mljit
    function, args = programs.example("layer_norm")
    jitted = mljit.jit(function, device="cuda")
    got = jitted(*args)
    (compiled,) = jitted._cache.values()
    assert got.shape == (37, 100) and got.dtype == np.float32
    assert seen("fake_allocations") == 0
    print("from-disk" if compiled._from_disk else "compiled",
          seen("fake_modules_loaded"), seen("fake_launches"))
'''


def test_fake_disk_cache_holds_gpu_code(fake, tmp_path, monkeypatch):
    first = run_fake(DISK_SCRIPT, fake, MLJIT_CACHE_DIR=str(tmp_path)).split()
    assert first[0] == "compiled"
    entries = [e for e in os.listdir(tmp_path) if not e.startswith(".")]
    assert len(entries) == 1
    second = run_fake(DISK_SCRIPT, fake, MLJIT_CACHE_DIR=str(tmp_path)).split()
    assert second[0] == "from-disk"
    # Loading the library loaded its kernels; the call launched them.
    assert int(second[1]) == int(first[1]) > 0 and int(second[2]) == int(first[2]) > 0
    # The CPU code of the same function is another entry.
    monkeypatch.setenv("MLJIT_CACHE_DIR", str(tmp_path))
    function, args = programs.example("layer_norm")
    mljit.jit(function)(*args)
    assert len([e for e in os.listdir(tmp_path) if not e.startswith(".")]) == 2


EXPORT_SCRIPT = '''
    LOAD
    fake = ctypes.CDLL("libcuda.so.1")
    seen = lambda name: ctypes.c_int.in_dll(fake, name).value
    assert seen("fake_modules_loaded") > 0  # loading the library loads its kernels
    sys.path.insert(0, HERE)
    import gpu_programs as programs
    function, args = programs.example("block_with_stats")
    result = f(*args)
    expected = function(*args)
    assert type(result) is dict and type(result["stats"]) is tuple
    assert result["y"].shape == (19, 32) and result["y"].dtype == np.float32
    assert result["stats"][1][1].dtype == expected["stats"][1][1].dtype
    launches = seen("fake_launches")
    assert launches > 0 and seen("fake_allocations") == 0
    f(*args)
    assert seen("fake_launches") == 2 * launches
    assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED]
    print("ok", launches)
'''


@pytest.fixture(scope="module")
def gpu_artifact(tmp_path_factory):
    """An exported device="cuda" function, moved away from where it was built."""
    root = tmp_path_factory.mktemp("gpu-artifact")
    function, args = programs.example("block_with_stats")
    built = mljit.export(function, *args, path=str(root / "built"), device="cuda")
    moved = shutil.copytree(built, str(root / "elsewhere" / "artifact"))
    shutil.rmtree(built)
    return moved


@pytest.mark.parametrize("blocked, load", [
    (("mlir", "llvm"), "import mljit; f = mljit.load(sys.argv[1])"),
    (("mlir", "llvm", "mljit"),
     "sys.path.insert(0, sys.argv[1]); import mljit_loader; f = mljit_loader.load(sys.argv[1])"),
], ids=["mljit.load", "mljit_loader"])
def test_fake_exported_artifact_runs_without_mlir(fake, gpu_artifact, blocked, load):
    script = (NO_MLIR + textwrap.dedent(EXPORT_SCRIPT)).replace("BLOCKED", repr(blocked)) \
        .replace("LOAD", load).replace("HERE", repr(HERE))
    out = run_fake(script, fake, gpu_artifact, prelude="")
    assert out.startswith("ok ")


def test_fake_out_of_memory_is_memory_error(fake, tmp_path):
    """A temporary of 2**40 bytes, which the fake refuses: MemoryError, and
    everything allocated before is freed."""
    out = run_fake('''
        import mljit

        def centered(x, y):
            outer = x[:, None] * y[None, :]  # (2**19, 2**19) float32: 1 TiB
            return (outer - outer.max(axis=1, keepdims=True)).sum(axis=1)

        jitted = mljit.jit(centered, device="cuda")
        x = np.ones(1 << 19, np.float32)
        for attempt in range(2):
            try:
                jitted(x, x)
            except MemoryError as error:
                print(error)
            else:
                raise AssertionError("a 1 TiB temporary was allocated")
            assert seen("fake_allocations") == 0 and seen("fake_context_depth") == 0
        small = np.ones(8, np.float32)
        assert jitted(small, small).shape == (8,)  # works again
        d = mljit.device_put(x)
        try:
            jitted(d, d)
        except MemoryError:
            pass
        else:
            raise AssertionError("a 1 TiB temporary was allocated")
        assert seen("fake_allocations") == 1
    ''', fake, MLJIT_CACHE_DIR=str(tmp_path))
    assert out.splitlines()[0] == ("cuMemAlloc_v2 (mgpuMemAlloc, 1099511627776 bytes) failed: "
                                   "CUDA_ERROR_OUT_OF_MEMORY (out of memory)")


def test_fake_without_devices_raises_device_error(fake, gpu_artifact, tmp_path):
    out = run_fake('''
        import mljit
        function, args = programs.example("softmax")
        for attempt in (lambda: mljit.jit(function, device="cuda")(*args),
                        lambda: mljit.device_put(args[0]),
                        lambda: mljit.load(sys.argv[1])):
            try:
                attempt()
            except mljit.DeviceError as error:
                print(error)
            else:
                raise AssertionError("ran without a device")
    ''', fake, gpu_artifact, FAKE_CUDA_DEVICES="0", MLJIT_CACHE_DIR=str(tmp_path))
    lines = out.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert line.startswith("device='cuda' needs an NVIDIA GPU and its driver, and none is "
                               "usable here: cuInit failed: CUDA_ERROR_NO_DEVICE"), line
    assert "holds code for an NVIDIA GPU" in lines[2]


def test_fake_argument_device_memory_is_freed_after_the_call(fake, tmp_path):
    run_fake('''
        import mljit
        add = mljit.jit(lambda a, b: a + b, device="cuda")
        x = np.ones(1000, np.float32)
        add(mljit.device_put(x), x)  # compiles
        gc.collect()
        gc.disable()
        base = seen("fake_allocations")
        for _ in range(3):
            add(mljit.device_put(x), x)  # a temporary argument and result
            assert seen("fake_allocations") == base, seen("fake_allocations") - base
    ''', fake, MLJIT_CACHE_DIR=str(tmp_path))


def test_fake_long_cumsum_does_not_crash(fake, tmp_path):
    run_fake('''
        import mljit
        got = mljit.jit(np.cumsum, device="cuda")(np.ones(100_000, np.float32))
        assert got.shape == (100_000,)
    ''', fake, MLJIT_CACHE_DIR=str(tmp_path))


# --- With a GPU -------------------------------------------------------------

# Tolerances against NumPy, by the dtype computed in. Elementwise: a few ulp
# (the GPU's exp, tanh, division... are not NumPy's, and it may fuse a * b + c
# into one rounding). Sums (reductions, matmul, programs): the GPU adds in
# another order, so errors are relative to the sum of magnitudes, which
# callers pass as `scale`.
ELEMENTWISE_RTOL = {np.dtype(np.float16): 4e-3, np.dtype(F32): 4e-6, np.dtype(F64): 1e-12}
SUM_RTOL = {np.dtype(np.float16): 1e-2, np.dtype(F32): 1e-4, np.dtype(F64): 1e-10}


def assert_close(got, expected, rtol=ELEMENTWISE_RTOL, scale=0.0, what=""):
    """`got` (a NumPy array) is NumPy's `expected`: same type, shape and
    dtype; integers and booleans equal; floats within rtol * (|expected| +
    scale), NaN and infinities where NumPy has them. `rtol` may be a dict by
    dtype, `scale` an array broadcasting to the result, or "max": the largest
    finite |expected|."""
    expected = np.asarray(expected)
    if checks.assert_exact_kind(got, expected, what):
        return
    if isinstance(rtol, dict):
        rtol = rtol[expected.dtype]
    g, e = got.astype(F64), expected.astype(F64)
    if isinstance(scale, str):
        finite = np.abs(e[np.isfinite(e)])
        scale = finite.max() if finite.size else 0.0
    with np.errstate(invalid="ignore"):
        close = np.abs(g - e) <= rtol * (np.abs(e) + scale)
        good = (g == e) | (np.isnan(g) & np.isnan(e)) | close
    assert good.all(), (f"{what}: {(~good).sum()} of {good.size} differ (rtol {rtol}); first "
                        f"at {tuple(np.argwhere(~good)[0])}: {g[~good][0]!r} != {e[~good][0]!r}")


def leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in leaves(tree[key])]
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in leaves(item)]
    return [tree]


def compare(got, expected, rtol=ELEMENTWISE_RTOL, scale=0.0, what=""):
    """Pytrees `got` and `expected` have equal structure and close leaves."""
    assert type(got) is type(expected) or not isinstance(expected, (dict, tuple, list)), \
        f"{what}: a {type(got).__name__}, not a {type(expected).__name__}"
    got, expected = leaves(got), leaves(expected)
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert_close(g, e, rtol, scale, f"{what} leaf {i}")


def elementwise(a, b):
    """NumPy's arithmetic and ufuncs on `a` and `b` (b nonzero)."""
    if a.dtype == np.bool_:
        return {"and": a & b, "or": a | b, "xor": a ^ b, "not": ~a, "where": np.where(a, b, a),
                "eq": a == b}
    out = {"add": a + b, "sub": a - b, "mul": a * b, "max": np.maximum(a, b),
           "min": np.minimum(a, b), "where": np.where(a > b, a, b), "ge": a >= b,
           "eq": a == b, "neg": -a, "abs": np.abs(a), "square": a * a}
    if a.dtype.kind == "f":
        out.update(div=a / b, exp=np.exp(a), log=np.log(np.abs(a) + 1), tanh=np.tanh(a),
                   sqrt=np.sqrt(np.abs(a)), pow=a ** 2, floor=np.floor(a), sin=np.sin(a),
                   sigmoid=1 / (1 + np.exp(-a)), fma=a * b + 1.5)
    else:
        out.update(floordiv=a // b, mod=a % b)
    return out


ELEMENTWISE_SHAPES = [
    ((), ()), ((1,), (7,)), ((33,), (33,)), ((5, 1), (1, 257)), ((3, 1, 70), (4, 1)),
    ((1000,), ()), ((0, 3), (3,)), (((1 << 21) + 3,), (1,))]


def _operands(rng, shape, dtype):
    """Random values of `dtype`, none zero (nor tiny)."""
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind == "i":
        values = rng.integers(-20, 21, size=shape)
        return np.where(values == 0, 7, values).astype(dtype)
    values = rng.uniform(-4, 4, size=shape)
    return np.where(np.abs(values) < 1e-2, 0.5, values).astype(dtype)


@pytest.mark.parametrize("dtype", [F32, F64, np.int32, np.int64, np.bool_, np.float16], ids=str)
@pytest.mark.parametrize("shapes", ELEMENTWISE_SHAPES, ids=str)
def test_gpu_elementwise_matches_numpy(dtype, shapes, rng):
    if dtype == np.float16 and shapes not in ELEMENTWISE_SHAPES[3:5]:
        pytest.skip("float16: two shapes are enough")
    a, b = (_operands(rng, shape, dtype) for shape in shapes)
    got = gpu_jit(elementwise)(a, b)
    with np.errstate(all="ignore"):
        expected = elementwise(a, b)
    assert sorted(got) == sorted(expected)
    for key in expected:
        scale = 0.0
        if key == "fma":  # a * b + c may be much smaller than its terms
            scale = np.abs(a.astype(F64) * b) + 1.5
        elif key == "sin":  # fast sine: absolute error near its zeros
            scale = 1.0
        assert_close(got[key], expected[key], scale=scale, what=key)


REDUCTION_SHAPES = [(5, 33), (3, 257), (300, 7), (1, 1000), (2, 31, 65), (1030,)]


def reductions(x, p, ties):
    """Every reduction over every axis, by "op axis keepdims": `x` any values,
    `p` values whose product stays in range, `ties` integers with repeats
    (argmax and argmin must pick the first, as NumPy does)."""
    out = {}
    for axis in (None, *range(x.ndim), -1):
        for keepdims in (False, True):
            def put(name, value):
                out[f"{name} {axis} {keepdims}"] = value
            put("sum", x.sum(axis=axis, keepdims=keepdims))
            put("max", x.max(axis=axis, keepdims=keepdims))
            put("min", np.min(x, axis=axis, keepdims=keepdims))
            put("mean", x.mean(axis=axis, keepdims=keepdims))
            put("argmax-ties", ties.argmax(axis=axis, keepdims=keepdims))
            if keepdims:
                continue
            put("prod", p.prod(axis=axis))
            put("all", np.all(x > -2, axis=axis))
            put("any", np.any(x > 2, axis=axis))
            put("argmax", np.argmax(x, axis=axis))
            put("argmin", x.argmin(axis=axis))
            put("argmin-ties", ties.argmin(axis=axis))
            put("var", x.var(axis=axis))
    return out


@pytest.mark.parametrize("dtype", [F32, F64, np.int32], ids=str)
@pytest.mark.parametrize("shape", REDUCTION_SHAPES, ids=str)
def test_gpu_reductions_match_numpy(dtype, shape, rng):
    if np.dtype(dtype).kind == "f":
        x = rng.uniform(-3, 3, size=shape).astype(dtype)
        p = rng.uniform(0.97, 1.03, size=shape).astype(dtype)
    else:
        x = rng.integers(-3, 4, size=shape).astype(dtype)
        p = np.where(rng.random(shape) < 0.5, -1, 1).astype(dtype)
    ties = rng.integers(-2, 3, size=shape).astype(np.int32)
    got = gpu_jit(reductions)(x, p, ties)
    expected = reductions(x, p, ties)
    assert sorted(got) == sorted(expected)
    x64 = x.astype(F64)
    for key, value in expected.items():
        name, axis, keepdims = key.split()
        axis, keepdims = eval(axis), keepdims == "True"
        scale = 0.0  # max, min: exact; prod: relative
        if name == "sum":
            scale = np.abs(x64).sum(axis=axis, keepdims=keepdims)
        elif name == "mean":
            scale = np.abs(x64).mean(axis=axis, keepdims=keepdims)
        elif name == "var":
            scale = (x64 ** 2).mean(axis=axis)
        rtol = 0.0 if name in ("max", "min") else SUM_RTOL
        assert_close(got[key], value, rtol, scale, what=key)


@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
def test_gpu_reductions_propagate_nan_and_inf(dtype):
    x = np.zeros((3, 300), dtype)
    x[0, 7] = x[0, 250] = x[2, 200] = np.nan
    x[1, 299], x[2, 3] = -np.inf, np.inf

    def special(x):
        return (x.max(axis=1), x.min(axis=1), x.argmax(axis=1), x.argmin(axis=1),
                x.sum(axis=1), x.max(), np.argmax(x), np.maximum(x, 1.0).sum(axis=0))

    with np.errstate(all="ignore"):
        expected = special(x)
    compare(gpu_jit(special)(x), expected)


MATMULS = [((1, 1), (1, 1)), ((15, 17), (17, 33)), ((64, 64), (64, 64)),
           ((3, 15, 17), (3, 17, 9)), ((2, 1, 5, 6), (3, 6, 4)), ((17,), (17, 33)),
           ((15, 17), (17,)), ((17,), (17,)), ((257, 300), (300, 129)), ((3, 0), (0, 4)),
           ((0, 4), (4, 2))]


@pytest.mark.parametrize("dtype", [F32, F64, np.int32], ids=str)
@pytest.mark.parametrize("shapes", MATMULS, ids=str)
def test_gpu_matmul_matches_numpy(dtype, shapes, rng):
    if dtype != F32 and 0 in shapes[0] + shapes[1]:
        pytest.skip("one dtype is enough for empty products")
    a, b = (_operands(rng, shape, dtype) for shape in shapes)
    got = gpu_jit(lambda a, b: a @ b)(a, b)
    scale = np.abs(a.astype(F64)) @ np.abs(b.astype(F64))
    assert_close(got, a @ b, SUM_RTOL, scale)


# Sums of many terms among MISC: compared relative to their largest result.
_MISC_SUMS = {"reductions_keepdims", "cumsum", "matvec_vecmat_dot", "float16_int8",
              "argmax_argmin", "size_0"}


@pytest.mark.parametrize("name", [n for n in MISC if not n.startswith("matmul")])
def test_gpu_operations_match_numpy(name, rng):
    function, make = MISC[name]
    args = make(rng)
    got = gpu_jit(function)(*args)
    with np.errstate(all="ignore"):
        expected = function(*args)
    if name in _MISC_SUMS:
        compare(got, expected, SUM_RTOL, "max", what=name)
    else:
        compare(got, expected, what=name)


PROGRAM_RUNS = [(name, dtype, size) for name in programs.PROGRAMS
                for dtype, size in ((F32, 1), (F64, 1), (F32, 3))]


@pytest.mark.parametrize("name, dtype, size", PROGRAM_RUNS,
                         ids=[f"{n}-{np.dtype(d)}-x{s}" for n, d, s in PROGRAM_RUNS])
def test_gpu_programs_match_numpy(name, dtype, size, rng):
    function, args = programs.example(name, dtype, rng, size)
    with np.errstate(all="ignore"):
        expected = function(*args)
    jitted = gpu_jit(function)
    # By the dtype computed in: float32 attention returns float64.
    rtol = SUM_RTOL[np.dtype(dtype)]
    compare(jitted(*args), expected, rtol, "max", what=name)
    if EMULATED:
        return
    # The device variant computes the same.
    on_device = jitted(*[mljit.device_put(a) if isinstance(a, np.ndarray) else a for a in args])
    assert all(isinstance(leaf, mljit.DeviceArray) for leaf in leaves(on_device))
    compare([np.asarray(leaf) for leaf in leaves(on_device)], leaves(expected), rtol, "max",
            what=f"{name} on the device")


@needs_gpu
def test_gpu_device_put_round_trips_and_chains(rng):
    for host in (np.arange(12, dtype=F32).reshape(3, 4), rng.standard_normal(100_003),
                 rng.integers(-5, 5, (4, 5, 6)).astype(np.int8), np.array(True),
                 np.zeros((0, 7), np.int64), rng.standard_normal((3, 5)).astype(np.float16),
                 np.arange(20.0)[::3]):
        back = np.asarray(mljit.device_put(host))
        assert back.dtype == host.dtype and back.shape == host.shape
        np.testing.assert_array_equal(back, host)
    _, (x, w1, b1, w2, b2) = programs.example("mlp_relu", F32, rng)
    mlp = mljit.jit(programs.mlp_relu, device="cuda")
    softmax = mljit.jit(programs.softmax, device="cuda")
    hidden = mlp(mljit.device_put(x), w1, b1, w2, b2)
    probabilities = softmax(hidden)  # from the device to the device
    assert isinstance(probabilities, mljit.DeviceArray)
    expected = programs.softmax(programs.mlp_relu(x, w1, b1, w2, b2))
    assert_close(np.asarray(probabilities), expected, SUM_RTOL, "max")
    assert_close(softmax(np.asarray(hidden)), expected, SUM_RTOL, "max")


@needs_gpu
def test_gpu_exported_function_matches_numpy(tmp_path, rng):
    function, args = programs.example("block_with_stats", F32, rng)
    path = mljit.export(function, *args, path=str(tmp_path / "art"), device="cuda", chip=CHIP)
    loaded = mljit.load(path)
    for _ in range(2):
        compare(loaded(*args), function(*args), SUM_RTOL, "max")


@needs_gpu
def test_gpu_out_of_memory_is_memory_error():
    def centered(x, y):
        outer = x[:, None] * y[None, :]  # 2**38 float32: 1 TiB
        return (outer - outer.max(axis=1, keepdims=True)).sum(axis=1)

    jitted = mljit.jit(centered, device="cuda")
    x = np.ones(1 << 19, F32)
    with pytest.raises(MemoryError, match="CUDA_ERROR_OUT_OF_MEMORY"):
        jitted(x, x)
    small = np.arange(8, dtype=F32)
    assert_close(jitted(small, small), centered(small, small), SUM_RTOL, "max")
