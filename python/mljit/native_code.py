"""Machine code from mljit's own LLVM driver (python/capi/NativeCode.cpp).

An LLVM-dialect module is split into partitions (the glue functions
ml-outline-kernels leaves, and groups of kernels), each optimized and
compiled to an object file concurrently: kernels at O3, glue at O0. The
objects are linked into the process by ORC (`Loaded`), or written out for
the disk cache and export to link into a shared library. GPU code, whose
global constructors load its binaries, stays with MLIR's ExecutionEngine.
"""

from __future__ import annotations

import ctypes
import os

from mlir import ir

from . import _native, compiler
from .errors import CompileError

# The phases NativeCode times, by their index in mljitObjectsSeconds.
PHASES = ("llvm-translate", "llvm-optimize", "llvm-codegen")


def compile_threads() -> int:
    """Threads LLVM compiles on: the cores the runtime uses (capped by
    MLJIT_NUM_THREADS)."""
    return max(1, _native.THREADS)


class ObjectCode:
    """The object files of one LLVM-dialect module, and the wall-clock
    seconds of each phase (PHASES) that made them."""

    def __init__(self, module: ir.Module):
        compiler.tune_for_host(module)
        cpu, features = compiler.host_target()
        capi = _native.capi
        handle = capi.mljitCompileObjects(_native.operation_handle(module.operation),
                                          cpu.encode(), features.encode(), compile_threads())
        try:
            error = compiler.collect_bytes(capi.mljitObjectsError, handle).decode()
            if error:
                raise CompileError(error)
            self.objects = [compiler.collect_bytes(capi.mljitObjectsGet, handle, i)
                            for i in range(capi.mljitObjectsCount(handle))]
            self.seconds = {phase: capi.mljitObjectsSeconds(handle, i)
                            for i, phase in enumerate(PHASES)}
        finally:
            capi.mljitObjectsDestroy(handle)

    def write(self, directory: str) -> list[str]:
        """Writes the objects into `directory`: their paths."""
        paths = []
        for i, data in enumerate(self.objects):
            path = os.path.join(directory, f"kernel-{i}.o")
            with open(path, "wb") as file:
                file.write(data)
            paths.append(path)
        return paths


class Loaded:
    """Object files linked into this process; the code lives as long as
    this object."""

    def __init__(self, objects: list[bytes]):
        count = len(objects)
        data = (ctypes.c_char_p * count)(*objects)
        sizes = (ctypes.c_size_t * count)(*map(len, objects))
        errors: list[str] = []
        callback = compiler.STRING_CALLBACK(
            lambda ref, _: errors.append(ctypes.string_at(ref.data, ref.length).decode()))
        self._handle = _native.capi.mljitLoadObjects(
            data, sizes, count, _native.RUNTIME_LIBRARY_PATH.encode(), callback, None)
        if not self._handle:
            raise CompileError(f"linking the compiled code failed: {''.join(errors)}")

    def lookup(self, symbol: str) -> int:
        """The address of `symbol`, linking what it needs."""
        errors: list[str] = []
        callback = compiler.STRING_CALLBACK(
            lambda ref, _: errors.append(ctypes.string_at(ref.data, ref.length).decode()))
        address = _native.capi.mljitLoadedLookup(self._handle, symbol.encode(), callback, None)
        if not address:
            raise CompileError(f"the compiled code could not be linked: {''.join(errors)}")
        return address

    def __del__(self):
        if getattr(self, "_handle", None):
            _native.capi.mljitLoadedDestroy(self._handle)
            self._handle = None
