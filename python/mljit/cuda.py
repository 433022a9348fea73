"""GPU support on the Python side: errors from the CUDA wrappers in
libmljit_runtime.so (runtime/Cuda.c) become exceptions, and DeviceArray holds
an array in GPU memory.

Compiled GPU code cannot report failures itself: the runtime keeps the first
CUDA failure as a message, skips device work until it is taken, and check()
raises it after the call. This module imports only ctypes, os, NumPy and the
standard library: it is copied next to the loader of exported functions,
which runs without mljit or MLIR.
"""

import ctypes

import numpy as np

__all__ = ["DeviceError", "DeviceArray", "bind", "chip", "require", "check"]

_MESSAGE_BYTES = 4096


class DeviceError(RuntimeError):
    """No usable GPU, or a CUDA call failed."""


def bind(runtime: ctypes.CDLL) -> None:
    """Declares the signatures of the runtime's mljit_cuda_* functions."""
    if getattr(runtime, "_mljit_cuda_bound", False):
        return
    size, pointer, message = ctypes.c_size_t, ctypes.c_void_p, ctypes.c_char_p
    signatures = {
        "mljit_cuda_take_error": (ctypes.c_int, [message, size]),
        "mljit_cuda_probe": (ctypes.c_int, [message, size]),
        "mljit_cuda_compute_capability": (
            ctypes.c_int, [ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]),
        "mljit_cuda_alloc": (pointer, [size]),
        "mljit_cuda_free": (None, [pointer]),
        "mljit_cuda_copy": (None, [pointer, pointer, size]),
        "mljit_cuda_synchronize": (None, []),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(runtime, name)
        function.restype, function.argtypes = restype, argtypes
    runtime._mljit_cuda_bound = True


def require(runtime: ctypes.CDLL, advice: str = "Use device='cpu', or "
            "mljit.export(..., device='cuda') to build for a GPU machine.") -> None:
    """Raises DeviceError unless the NVIDIA driver loads and sees a GPU."""
    if getattr(runtime, "_mljit_cuda_devices", 0) > 0:
        return
    bind(runtime)
    reason = ctypes.create_string_buffer(_MESSAGE_BYTES)
    devices = runtime.mljit_cuda_probe(reason, len(reason))
    if devices <= 0:
        raise DeviceError(
            "device='cuda' needs an NVIDIA GPU and its driver, and none is usable here: "
            f"{reason.value.decode(errors='replace')}. {advice}")
    runtime._mljit_cuda_devices = devices


def chip(runtime: ctypes.CDLL):
    """The architecture of this machine's GPU as LLVM names it ("sm_90"),
    or None if there is no usable GPU."""
    bind(runtime)
    reason = ctypes.create_string_buffer(_MESSAGE_BYTES)
    if runtime.mljit_cuda_probe(reason, len(reason)) <= 0:
        return None
    major, minor = ctypes.c_int(), ctypes.c_int()
    if runtime.mljit_cuda_compute_capability(ctypes.byref(major), ctypes.byref(minor)):
        runtime.mljit_cuda_take_error(reason, len(reason))
        return None
    return f"sm_{major.value}{minor.value}"


def check(runtime: ctypes.CDLL) -> None:
    """Raises the CUDA failure the last calls into the runtime left pending,
    if any: MemoryError when the device ran out of memory."""
    bind(runtime)
    message = ctypes.create_string_buffer(_MESSAGE_BYTES)
    if runtime.mljit_cuda_take_error(message, len(message)):
        text = message.value.decode(errors="replace")
        raise (MemoryError if "CUDA_ERROR_OUT_OF_MEMORY" in text else DeviceError)(text)


def _shape(shape) -> tuple:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
    shape = tuple(int(extent) for extent in shape)
    if any(extent < 0 for extent in shape):
        raise ValueError(f"negative dimensions are not allowed: {shape}")
    return shape


class DeviceArray:
    """A C-contiguous array in GPU memory, with NumPy's shape and dtype.

    np.asarray(array) and array.numpy() copy it back to the host."""

    device = "cuda"

    def __init__(self, runtime: ctypes.CDLL, shape, dtype):
        """Allocates uninitialized memory; prefer empty() or from_numpy()."""
        require(runtime)
        dtype = np.dtype(dtype)
        if dtype.hasobject:
            raise TypeError("a DeviceArray cannot hold Python objects")
        self.shape = _shape(shape)
        self.dtype = dtype
        self.size = int(np.prod(self.shape, dtype=np.int64))
        self.nbytes = self.size * dtype.itemsize
        self.pointer = 0
        self._runtime = runtime
        self._free = runtime.mljit_cuda_free  # still callable at shutdown
        if self.nbytes:
            self.pointer = runtime.mljit_cuda_alloc(self.nbytes) or 0
            check(runtime)
            if not self.pointer:
                raise DeviceError(f"could not allocate {self.nbytes} bytes on the GPU")

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @classmethod
    def empty(cls, runtime: ctypes.CDLL, shape, dtype) -> "DeviceArray":
        return cls(runtime, shape, dtype)

    @classmethod
    def from_numpy(cls, runtime: ctypes.CDLL, array) -> "DeviceArray":
        array = np.asarray(array, order="C")  # ascontiguousarray makes 0-d 1-d
        result = cls(runtime, array.shape, array.dtype)
        if result.nbytes:
            runtime.mljit_cuda_copy(result.pointer, array.ctypes.data, result.nbytes)
            check(runtime)
        return result

    def numpy(self) -> np.ndarray:
        array = np.empty(self.shape, self.dtype)
        if self.nbytes:
            self._runtime.mljit_cuda_copy(array.ctypes.data, self.pointer, self.nbytes)
            check(self._runtime)
        return array

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if copy is False:
            raise ValueError("a DeviceArray lives in GPU memory: NumPy can only copy it")
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def __repr__(self) -> str:
        return f"DeviceArray(shape={self.shape}, dtype={self.dtype}, device='cuda')"

    def __del__(self):
        pointer, self.pointer = getattr(self, "pointer", 0), 0
        if pointer:
            try:
                self._free(pointer)
            except Exception:  # interpreter shutdown: the process frees it
                pass
