"""The CUDA wrappers of the runtime library (runtime/Cuda.c) and mljit.cuda.

Without a GPU: the runtime loads, reports why no device is usable, and turns
every call into one recorded error instead of a crash. With a fake driver
(fake_cuda/fake_cuda.c, host memory behind the driver API, built here as
libcuda.so.1): the wrappers drive it correctly. Each case runs in a fresh
process, so that a crash fails the test instead of pytest, and the driver is
chosen by LD_LIBRARY_PATH. The tests needing a real GPU skip without one."""

import ctypes
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from fake_driver import build_fake, environment
from mljit import _native, cuda

# Loads mljit/cuda.py on its own, as exported artifacts do, and binds the
# wrappers' signatures for ctypes.
PRELUDE = '''
import ctypes, importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("cuda", sys.argv[1])
cuda = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cuda)
assert not any(m.split(".")[0] in ("mljit", "mlir") for m in sys.modules), "cuda.py imports mljit"
runtime = ctypes.CDLL(sys.argv[2])
cuda.bind(runtime)
P, I, S = ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_size_t

def bind(name, restype, *argtypes):
    function = getattr(runtime, name)
    function.restype, function.argtypes = restype, list(argtypes)
    return function

mem_alloc = bind("mgpuMemAlloc", P, ctypes.c_uint64, P, ctypes.c_bool)
mem_free = bind("mgpuMemFree", None, P, P)
memcpy = bind("mgpuMemcpy", None, P, P, S, P)
memset32 = bind("mgpuMemset32", None, P, ctypes.c_uint, S, P)
memset16 = bind("mgpuMemset16", None, P, ctypes.c_ushort, S, P)
module_load = bind("mgpuModuleLoad", P, P, S)
module_load_jit = bind("mgpuModuleLoadJIT", P, ctypes.c_char_p, ctypes.c_int)
module_unload = bind("mgpuModuleUnload", None, P)
get_function = bind("mgpuModuleGetFunction", P, P, ctypes.c_char_p)
launch = bind("mgpuLaunchKernel", None, P, I, I, I, I, I, I, ctypes.c_int32, P,
              ctypes.POINTER(P), ctypes.POINTER(P), S)
stream_create = bind("mgpuStreamCreate", P)
stream_destroy = bind("mgpuStreamDestroy", None, P)
stream_sync = bind("mgpuStreamSynchronize", None, P)
stream_wait = bind("mgpuStreamWaitEvent", None, P, P)
event_create = bind("mgpuEventCreate", P)
event_destroy = bind("mgpuEventDestroy", None, P)
event_sync = bind("mgpuEventSynchronize", None, P)
event_record = bind("mgpuEventRecord", None, P, P)
set_default_device = bind("mgpuSetDefaultDevice", None, ctypes.c_int32)

def take():
    """The pending error's message, or None."""
    message = ctypes.create_string_buffer(4096)
    return message.value.decode() if runtime.mljit_cuda_take_error(message, 4096) else None

def probe():
    message = ctypes.create_string_buffer(4096)
    return runtime.mljit_cuda_probe(message, 4096), message.value.decode()

def fake():
    """The fake driver, to read what it saw."""
    return ctypes.CDLL("libcuda.so.1")

def seen(name, kind=ctypes.c_int):
    return kind.in_dll(fake(), name).value

def launch_dims(function, grid, block, smem=0, stream=None, params=None):
    launch(function, *grid, *block, smem, stream, params, None, 0 if params is None else 1)
'''


def run(code: str, driver_dir: str = None, **env) -> str:
    """Runs PRELUDE + code in a fresh Python; its stdout. Fails on a crash or
    on anything written to stderr (the runtime must never print)."""
    process = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code), cuda.__file__,
         _native.RUNTIME_LIBRARY_PATH],
        env=environment(driver_dir, **env), capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, f"exit {process.returncode}\n{process.stderr}"
    assert process.stderr == ""
    return process.stdout


def _probe_here():
    runtime = ctypes.CDLL(_native.RUNTIME_LIBRARY_PATH)
    cuda.bind(runtime)
    message = ctypes.create_string_buffer(4096)
    return runtime.mljit_cuda_probe(message, len(message)), message.value.decode()


DEVICES, REASON = _probe_here()
no_driver = pytest.mark.skipif("libcuda.so.1 could not be loaded" not in REASON,
                               reason="an NVIDIA driver is installed here")
needs_gpu = pytest.mark.skipif(DEVICES <= 0, reason=f"no usable GPU: {REASON}")


@pytest.fixture(scope="module")
def fake_driver(tmp_path_factory):
    return build_fake(tmp_path_factory.mktemp("fake-cuda"))


# --- Without a driver ------------------------------------------------------


@no_driver
def test_probe_without_driver_names_libcuda_and_require_explains():
    out = run('''
        devices, reason = probe()
        assert devices == -1 and "libcuda.so.1" in reason, (devices, reason)
        assert take() is None  # probing records nothing
        try:
            cuda.require(runtime)
        except cuda.DeviceError as error:
            print(error)
        else:
            raise AssertionError("require passed")
        try:
            cuda.DeviceArray.from_numpy(runtime, np.ones(3))
        except cuda.DeviceError:
            pass
        else:
            raise AssertionError("from_numpy passed")
    ''')
    assert out.startswith("device='cuda' needs an NVIDIA GPU and its driver, and none is "
                          "usable here: the NVIDIA driver library libcuda.so.1 could not be "
                          "loaded: ")
    assert "Use device='cpu', or mljit.export(..., device='cuda')" in out


@no_driver
def test_require_in_process_raises_device_error():
    runtime = ctypes.CDLL(_native.RUNTIME_LIBRARY_PATH)
    with pytest.raises(cuda.DeviceError, match="libcuda.so.1"):
        cuda.require(runtime)


@no_driver
def test_wrappers_without_driver_record_one_error_and_do_nothing():
    out = run('''
        assert mem_alloc(4096, None, False) is None
        assert module_load(b"\\0" * 16, 16) is None
        assert module_load_jit(b"// ptx", 2) is None
        assert get_function(None, b"kernel") is None
        launch_dims(None, (4, 1, 1), (128, 1, 1))
        assert stream_create() is None and event_create() is None
        memcpy(None, None, 64, None)
        stream_sync(None); mem_free(None, None); module_unload(None)
        major, minor = ctypes.c_int(), ctypes.c_int()
        assert runtime.mljit_cuda_compute_capability(ctypes.byref(major), ctypes.byref(minor)) == -1
        print(take())
        assert take() is None
        cuda.check(runtime)  # nothing pending: no exception
        assert runtime.mljit_cuda_alloc(16) is None
        try:
            cuda.check(runtime)
        except cuda.DeviceError as error:
            assert "libcuda.so.1" in str(error)
        else:
            raise AssertionError("check passed")
    ''')
    assert out.startswith("the NVIDIA driver library libcuda.so.1 could not be loaded: ")
    assert out.count("\n") == 1


# --- With the fake driver --------------------------------------------------


def test_fake_probe_counts_devices(fake_driver):
    out = run('''
        print(probe()[0])
        major, minor = ctypes.c_int(), ctypes.c_int()
        assert runtime.mljit_cuda_compute_capability(ctypes.byref(major), ctypes.byref(minor)) == 0
        print(major.value, minor.value)
        cuda.require(runtime)
        assert take() is None and seen("fake_context_depth") == 0
    ''', fake_driver)
    assert out.split("\n")[:2] == ["1", "9 0"]
    assert run('print(probe()[0])', fake_driver, FAKE_CUDA_DEVICES="2").strip() == "2"


def test_fake_without_devices_fails_in_cuinit(fake_driver):
    out = run('''
        devices, reason = probe()
        assert devices == -1
        print(reason)
        try:
            cuda.require(runtime)
        except cuda.DeviceError as error:
            assert reason in str(error)
        else:
            raise AssertionError("require passed")
        assert mem_alloc(64, None, False) is None
        print(take())
    ''', fake_driver, FAKE_CUDA_DEVICES="0")
    assert out.split("\n")[:2] == [
        "cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)",
        "cuInit (mgpuMemAlloc) failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)"]


def test_fake_driver_missing_a_function_is_reported(tmp_path):
    old = build_fake(tmp_path / "old", "-DFAKE_CUDA_OLD")
    out = run('''
        devices, reason = probe()
        assert devices == -1
        print(reason)
        assert mem_alloc(64, None, False) is None
        assert take() == reason
    ''', old)
    assert out.strip() == ("the NVIDIA driver library libcuda.so.1 is too old: "
                           "it lacks cuFuncSetAttribute")


def test_fake_device_array_round_trip(fake_driver):
    run('''
        rng = np.random.default_rng(0)
        cases = [rng.standard_normal((2, 3)).astype(np.float32),
                 rng.standard_normal(1000),
                 rng.integers(-100, 100, (4, 5, 6), dtype=np.int64),
                 rng.integers(0, 255, 17, dtype=np.uint8),
                 rng.standard_normal((3, 4)).astype(np.float16),
                 np.array([True, False, True]),
                 (rng.standard_normal((4, 4)) + 1j).astype(np.complex64),
                 np.arange(30.0).reshape(5, 6)[:, ::2],  # not contiguous
                 np.array(7.5),  # zero-dimensional
                 np.zeros((0, 3), np.float32), np.zeros(0, np.int8)]
        for host in cases:
            device = cuda.DeviceArray.from_numpy(runtime, host)
            assert (device.shape, device.dtype, device.size, device.nbytes, device.ndim) == \\
                (host.shape, host.dtype, host.size, host.nbytes, host.ndim)
            assert device.device == "cuda"
            assert (device.pointer == 0) == (host.size == 0)
            back = device.numpy()
            assert back.dtype == host.dtype and back.flags.c_contiguous
            np.testing.assert_array_equal(back, host)
            np.testing.assert_array_equal(np.asarray(device), host)
            try:
                np.asarray(device, copy=False)
            except ValueError:
                pass
            else:
                raise AssertionError("copy=False gave a view of device memory")
        first = cuda.DeviceArray.from_numpy(runtime, cases[0])
        assert repr(first) == "DeviceArray(shape=(2, 3), dtype=float32, device='cuda')"
        np.testing.assert_array_equal(np.asarray(first, dtype=np.float64), cases[0])
        del first, device
        empty = cuda.DeviceArray.empty(runtime, (3, 2), np.int32)
        assert empty.shape == (3, 2) and empty.nbytes == 24 and empty.numpy().shape == (3, 2)
        assert cuda.DeviceArray.empty(runtime, 5, "f8").shape == (5,)
        assert seen("fake_allocations") == 1  # `empty` only: the rest are freed
        del empty
        assert seen("fake_allocations") == 0 and seen("fake_context_depth") == 0
        assert take() is None
        kept = cuda.DeviceArray.from_numpy(runtime, np.ones(3))  # freed at exit, quietly
    ''', fake_driver)


def test_fake_out_of_memory_becomes_memory_error(fake_driver):
    out = run('''
        try:
            cuda.DeviceArray.empty(runtime, (1 << 38,), np.float32)
        except MemoryError as error:
            print(error)
        else:
            raise AssertionError("a 1 TiB allocation succeeded")
        assert take() is None
        small = cuda.DeviceArray.from_numpy(runtime, np.arange(4))  # works again
        np.testing.assert_array_equal(small.numpy(), np.arange(4))
        assert mem_alloc(1 << 40, None, False) is None
        print(take())
    ''', fake_driver)
    assert out.split("\n")[:2] == [
        "cuMemAlloc_v2 (mljit_cuda_alloc, 1099511627776 bytes) failed: "
        "CUDA_ERROR_OUT_OF_MEMORY (out of memory)",
        "cuMemAlloc_v2 (mgpuMemAlloc, 1099511627776 bytes) failed: "
        "CUDA_ERROR_OUT_OF_MEMORY (out of memory)"]


def test_fake_error_skips_device_work_until_taken(fake_driver):
    """After a failure, launches, copies and allocations are skipped and no
    further error is recorded; frees and unloads still happen."""
    out = run('''
        module = module_load(b"cubin", 5)
        function = get_function(module, b"kernel")
        buffer = mem_alloc(64, None, False)
        launch_dims(function, (1, 1, 1), (32, 1, 1))
        assert seen("fake_launches") == 1 and take() is None

        assert mem_alloc(1 << 41, None, False) is None  # the failure
        launch_dims(function, (2, 1, 1), (32, 1, 1))
        assert seen("fake_launches") == 1
        host = (ctypes.c_char * 64)(*b"x" * 64)
        memcpy(ctypes.addressof(host), buffer, 64, None)
        assert bytes(host) == b"x" * 64
        assert mem_alloc(64, None, False) is None
        assert get_function(module, b"missing") is None  # skipped: no second error
        stream_sync(None)
        mem_free(buffer, None)
        module_unload(module)
        assert seen("fake_allocations") == 0 and seen("fake_modules_unloaded") == 1
        print(take())
        assert take() is None
        try:
            cuda.check(runtime)
        except Exception as error:
            raise AssertionError(f"reported twice: {error}")

        module = module_load(b"cubin", 5)
        launch_dims(get_function(module, b"kernel"), (3, 1, 1), (32, 1, 1))
        assert seen("fake_launches") == 2 and take() is None
        assert seen("fake_context_depth") == 0
    ''', fake_driver)
    assert out.strip() == ("cuMemAlloc_v2 (mgpuMemAlloc, 2199023255552 bytes) failed: "
                           "CUDA_ERROR_OUT_OF_MEMORY (out of memory)")


def test_fake_kernel_sequence(fake_driver):
    """The calls gpu-to-llvm's host code makes, in its order."""
    run('''
        host_in = np.arange(256, dtype=np.float32)
        host_out = np.zeros(256, np.float32)
        stream = stream_create()
        assert stream and seen("fake_stream_flags") == 1  # CU_STREAM_NON_BLOCKING
        buffer = mem_alloc(host_in.nbytes, stream, False)
        memcpy(buffer, host_in.ctypes.data, host_in.nbytes, stream)
        module = module_load(b"fatbin image", 12)
        function = get_function(module, b"main_kernel")
        argument = ctypes.c_void_p(buffer)
        params = (P * 1)(ctypes.addressof(argument))
        launch_dims(function, (2, 3, 4), (128, 2, 1), 0, stream, params)
        stream_sync(stream)
        memcpy(host_out.ctypes.data, buffer, host_out.nbytes, stream)
        np.testing.assert_array_equal(host_out, host_in)
        assert seen("fake_launches") == 1
        assert list((ctypes.c_uint * 3).in_dll(fake(), "fake_grid")) == [2, 3, 4]
        assert list((ctypes.c_uint * 3).in_dll(fake(), "fake_block")) == [128, 2, 1]
        assert seen("fake_stream", P) == stream
        assert seen("fake_params0", P) == ctypes.addressof(argument)
        assert seen("fake_stream_syncs") == 1

        # Dynamic shared memory: opted into per function, then launched with.
        launch_dims(function, (1, 1, 1), (64, 1, 1), 65536, stream)
        assert seen("fake_dynamic_smem_attribute") == 65536 and seen("fake_smem") == 65536
        assert seen("fake_launches") == 2

        # Sized by an empty array: nothing to launch, and no error.
        launch_dims(function, (0, 1, 1), (128, 1, 1), 0, stream)
        assert seen("fake_launches") == 2 and take() is None

        memset32(buffer, 0x3F800000, 256, stream)
        memcpy(host_out.ctypes.data, buffer, host_out.nbytes, stream)
        assert (host_out == 1).all()
        memset16(buffer, 0x3C00, 4, stream)
        memcpy(host_out.ctypes.data, buffer, 8, stream)
        assert (host_out[:2].view(np.float16) == 1).all()

        event = event_create()
        assert event and seen("fake_event_flags") == 2  # CU_EVENT_DISABLE_TIMING
        event_record(event, stream)
        other = stream_create()
        stream_wait(other, event)
        event_sync(event)
        event_destroy(event)
        stream_destroy(other)

        managed = mem_alloc(32, stream, True)
        assert managed and seen("fake_managed_flags") == 1  # CU_MEM_ATTACH_GLOBAL
        mem_free(managed, stream)

        # Zero bytes: no driver call (it would refuse), no error.
        assert mem_alloc(0, stream, False) is None
        mem_free(None, stream)
        memcpy(None, None, 0, stream)
        memset32(None, 0, 0, stream)

        mem_free(buffer, stream)
        stream_destroy(stream)
        module_unload(module)
        assert take() is None
        assert (seen("fake_allocations"), seen("fake_streams"), seen("fake_events")) == (0, 0, 0)
        assert seen("fake_modules_loaded") == seen("fake_modules_unloaded") == 1
        assert seen("fake_context_depth") == 0 and seen("fake_max_context_depth") == 1
    ''', fake_driver)


def test_fake_failures_are_described(fake_driver):
    out = run('''
        module = module_load_jit(b".version 8.0 // ok", 3)
        assert module and seen("fake_jit_opt_level") == 3 and seen("fake_jit_option_count") == 3
        module_unload(module)
        assert take() is None
        assert module_load_jit(b"syntax error", 2) is None
        print(take())
        module = module_load(b"cubin", 5)
        assert get_function(module, b"missing") is None
        print(take())
        function = get_function(module, b"kernel")
        launch_dims(function, (1, 1, 1), (32, 1, 1), 300000)
        print(take())
        launch_dims(function, (-1, 1, 1), (32, 1, 1))
        print(take())
        set_default_device(5)
        assert mem_alloc(8, None, False) is None
        print(take())
        set_default_device(0)
        assert seen("fake_launches") == 0 and seen("fake_context_depth") == 0
    ''', fake_driver)
    assert out.split("\n")[:5] == [
        "cuModuleLoadDataEx (mgpuModuleLoadJIT, compiling PTX: ptxas fatal: syntax error at "
        "line 1) failed: CUDA_ERROR_INVALID_VALUE (invalid argument)",
        "cuModuleGetFunction (mgpuModuleGetFunction, missing) failed: "
        "CUDA_ERROR_NOT_FOUND (named symbol not found)",
        "cuFuncSetAttribute (mgpuLaunchKernel, 300000 bytes of dynamic shared memory) failed: "
        "CUDA_ERROR_INVALID_VALUE (invalid argument)",
        "mgpuLaunchKernel: grid -1x1x1, block 32x1x1 is out of range",
        "cuDeviceGet (mgpuMemAlloc, device 5) failed: CUDA_ERROR_INVALID_VALUE (invalid argument)"]


# --- With a GPU ------------------------------------------------------------


@needs_gpu
def test_gpu_device_array_round_trip():
    runtime = ctypes.CDLL(_native.RUNTIME_LIBRARY_PATH)
    cuda.require(runtime)
    for host in (np.arange(12, dtype=np.float32).reshape(3, 4), np.zeros(0),
                 np.random.default_rng(1).standard_normal(1 << 20)):
        device = cuda.DeviceArray.from_numpy(runtime, host)
        np.testing.assert_array_equal(device.numpy(), host)
    major, minor = ctypes.c_int(), ctypes.c_int()
    assert runtime.mljit_cuda_compute_capability(ctypes.byref(major), ctypes.byref(minor)) == 0
    assert major.value >= 3
    with pytest.raises(MemoryError, match="CUDA_ERROR_OUT_OF_MEMORY"):
        cuda.DeviceArray.empty(runtime, (1 << 50,), np.uint8)
    cuda.check(runtime)
