"""Executables: compiled functions as machine code, and calling them.

Compiled functions use caller-allocated results (`buffer-results-to-out-params`):
`_mlir_ciface_<name>(in_0*, ..., out_0*, ...)`, each argument a pointer to a
strided memref descriptor. The calls themselves are made in C
(`mljit._call.Kernel`, python/extension/call.c) through the packed wrapper
the ExecutionEngine generates, `_mlir__mlir_ciface_<name>(void **)`.

The machine code comes either from a fresh compile (native_code.py on the
CPU, MLIR's ExecutionEngine for GPU code) or from a shared library: the
compile's object files linked by the system's C compiler driver, as the disk
cache and `mljit.export` store it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import subprocess
from typing import Any, NamedTuple, Sequence

from mlir import ir
from mlir.execution_engine import ExecutionEngine

import numpy as np

from . import _call, _native, compiler, cuda, loader, native_code, pytree, symbolic
from .errors import CompileError
from .tracing import ArgSpec

OPT_LEVEL = 3


def packed_symbol(name: str) -> str:
    """The packed wrapper of the C interface of function `name`."""
    return f"_mlir__mlir_ciface_{name}"


# How a Kernel (python/extension/call.c) returns its results: the only
# result itself, a tuple of them, or (else) a callable applied to that tuple.
RESULT_ITSELF, RESULT_TUPLE = 0, 1


def result_packing(out_tree: pytree.TreeDef) -> Any:
    """How results of the structure `out_tree` come back from a Kernel."""
    if out_tree == pytree.LEAF:
        return RESULT_ITSELF
    if out_tree.kind is tuple and all(child == pytree.LEAF for child in out_tree.children):
        return RESULT_TUPLE
    return functools.partial(pytree.unflatten, out_tree)


class Interface(NamedTuple):
    """What a compiled function takes and gives: a spec per argument leaf,
    a spec per result leaf, and the structure results come back in."""

    in_specs: Sequence[ArgSpec]
    out_specs: Sequence[ArgSpec]
    out_tree: pytree.TreeDef


# Kernels a dynamic variant keeps, one per set of sizes (the oldest goes).
_KERNELS_KEPT = 256


def _not_implemented(args):
    return NotImplemented


class Executable:
    """Machine code for one traced function and one signature.

    `owner` keeps the code loaded (an ExecutionEngine or a ctypes library);
    results come back in the structure `out_tree`. GPU code
    (`device="cuda"`) reports CUDA failures through the runtime library,
    checked after every call.
    """

    def __init__(self, address: int, owner: Any, interface: Interface, device: str = "cpu",
                 code: native_code.ObjectCode | None = None):
        self.owner = owner
        # The object files of a fresh CPU compile (else None).
        self.code = code
        self._gpu = device == "cuda"
        self._address = address
        self._interface = interface
        # Symbolic sizes (a dynamic variant): a Kernel per set of sizes,
        # made at its first call; the symbols are read from the arguments'
        # shapes, at the first dimension that has each, and from the int
        # arguments that result shapes depend on (axis None).
        self._symbols = {}
        for position, spec in enumerate(interface.in_specs):
            for axis, size in enumerate(spec.shape):
                if isinstance(size, symbolic.Dim):
                    self._symbols.setdefault(repr(size), (position, axis))
        in_results = {name for spec in interface.out_specs for size in spec.shape
                      for name in symbolic.names(size)}
        for position, spec in enumerate(interface.in_specs):
            if isinstance(spec.value, symbolic.Dim) and repr(spec.value) in in_results:
                self._symbols[repr(spec.value)] = (position, None)
        self._kernels: dict = {}
        self.kernel = None if self._symbols else self._kernel({})
        # try_call(args): the whole call when `args` are exactly the
        # signature's arrays, passed positionally; NotImplemented if not.
        if self.kernel is None:
            self.try_call = _not_implemented
        else:
            self.try_call = self._checked_try_call if self._gpu else self.kernel.try_call

    def _kernel(self, bindings: dict):
        """The C call path for the sizes `bindings` gives the symbols."""
        def specs(of):
            return [(s.dtype, tuple(symbolic.evaluate(d, bindings) for d in s.shape))
                    for s in of]
        return _call.Kernel(self._address, self.owner, specs(self._interface.in_specs),
                            specs(self._interface.out_specs),
                            result_packing(self._interface.out_tree))

    def _kernel_for(self, inputs: Sequence):
        """The Kernel of these inputs' sizes (a dynamic variant)."""
        return self.kernel_of_sizes(tuple(int(inputs[position]) if axis is None
                                          else np.shape(inputs[position])[axis]
                                          for position, axis in self._symbols.values()))

    @property
    def symbol_names(self) -> list:
        """The symbols of a dynamic variant, in the order of its sizes."""
        return list(self._symbols)

    def sizes_of(self, args: Sequence) -> tuple | None:
        """The symbols' sizes in positional array arguments `args` (None
        where a symbol is an int argument's, or `args` are not such arrays)."""
        try:
            return tuple(args[position].shape[axis]
                         for position, axis in self._symbols.values())
        except (AttributeError, IndexError, TypeError):
            return None

    def has_kernel(self, sizes: tuple) -> bool:
        """Whether a Kernel for these sizes of the symbols exists (callers
        make one only for sizes the variant's guards accept)."""
        return sizes in self._kernels

    def try_call_sized(self, sizes: tuple, args: Sequence) -> Any:
        """try_call of a dynamic variant for the symbols' `sizes`."""
        result = self.kernel_of_sizes(sizes).try_call(args)
        if self._gpu and result is not NotImplemented:
            cuda.check(_native.runtime_library)
        return result

    def kernel_of_sizes(self, sizes: tuple):
        """The Kernel for these sizes of the symbols (in `_symbols` order)."""
        kernel = self._kernels.get(sizes)
        if kernel is None:
            if len(self._kernels) >= _KERNELS_KEPT:
                self._kernels.pop(next(iter(self._kernels)))
            kernel = self._kernels[sizes] = self._kernel(dict(zip(self._symbols, sizes)))
        return kernel

    def _checked_try_call(self, args) -> Any:
        result = self.kernel.try_call(args)
        if result is not NotImplemented:
            cuda.check(_native.runtime_library)
        return result

    @classmethod
    def from_module(cls, module: ir.Module, name: str, interface: Interface,
                    device: str = "cpu") -> "Executable":
        """JIT-compiles an LLVM-dialect module; position-independent code, so
        that its object files can also become a shared library."""
        if device != "cuda":
            _refuse_gpu_binaries(module)
            code = native_code.ObjectCode(module)
            loaded = native_code.Loaded(code.objects)
            return cls(loaded.lookup(packed_symbol(name)), loaded, interface, device, code)
        if device == "cuda":
            # Before any GPU code runs: loading it needs the driver.
            cuda.require(_native.runtime_library)
        engine = _engine(module, device)
        if device == "cuda":
            # Its global constructors load the GPU binaries. (Not for CPU
            # code: initializing compiles every function, wrappers of the
            # runtime's functions included, which the JIT cannot link.)
            engine.initialize()
            cuda.check(_native.runtime_library)
        # raw_lookup prefixes `_mlir_`.
        address = engine.raw_lookup(f"_mlir_ciface_{name}")
        if not address:
            # LLVM has reported the unresolved symbols on stderr.
            raise CompileError(
                f"the JIT could not link '{name}': a symbol it calls is missing "
                "from the process (see the message above)"
            )
        return cls(address, engine, interface, device)

    @classmethod
    def from_library(cls, path: str, name: str, interface: Interface,
                     device: str = "cpu") -> "Executable":
        """Loads a shared library made by `link_shared_library`; OSError or
        AttributeError if it cannot be loaded or lacks the function."""
        if device == "cuda":
            cuda.require(_native.runtime_library)
        library = ctypes.CDLL(path)
        if device == "cuda":
            cuda.check(_native.runtime_library)
        address = ctypes.cast(getattr(library, packed_symbol(name)), ctypes.c_void_p).value
        return cls(address, library, interface, device)

    def save_objects(self, directory: str) -> list[str]:
        """Writes the compiled object files into `directory` (fresh compiles
        only): their paths."""
        if self.code is not None:
            return self.code.write(directory)
        path = os.path.join(directory, "kernel.o")
        save_object(self.owner, path)
        return [path]

    def __call__(self, inputs: Sequence) -> Any:
        """The results for `inputs`, leaves matching the compiled signature."""
        kernel = self.kernel if self.kernel is not None else self._kernel_for(inputs)
        result = kernel.call(inputs)
        if self._gpu:
            cuda.check(_native.runtime_library)
        return result


def _refuse_gpu_binaries(module: ir.Module) -> None:
    if any(op.operation.name == "gpu.binary" for op in module.body.operations):
        # Its kernels would never be loaded: every launch would fail.
        raise CompileError("the pipeline built GPU code (gpu.binary), which runs only "
                           "with device='cuda'")


def _engine(module: ir.Module, device: str) -> ExecutionEngine:
    """The JIT of an LLVM-dialect module for `device`, its global
    constructors not run."""
    if device != "cuda":
        _refuse_gpu_binaries(module)
    compiler.tune_for_host(module)
    return ExecutionEngine(module, opt_level=OPT_LEVEL,
                           shared_libs=[_native.RUNTIME_LIBRARY_PATH], enable_pic=True)


def save_object(engine: ExecutionEngine, path: str) -> None:
    """Writes the object file the engine compiled."""
    with _signal_handlers_kept():
        engine.dump_to_object_file(path)


def compile_objects(module: ir.Module, name: str, directory: str, device: str) -> list[str]:
    """Compiles an LLVM-dialect module with function `name` for `device`
    into object files in `directory` without running any of it (GPU code can
    be built where no GPU is): their paths."""
    if device != "cuda":
        _refuse_gpu_binaries(module)
        return native_code.ObjectCode(module).write(directory)
    path = os.path.join(directory, "kernel.o")
    engine = _engine(module, device)
    # Looking the function up compiles the module; dumping an engine that
    # has compiled nothing would try to compile wrappers of every function
    # declared, the runtime's too, and abort.
    if not engine.raw_lookup(f"_mlir_ciface_{name}"):
        raise CompileError(f"the JIT could not link '{name}' (see the message above)")
    save_object(engine, path)
    return [path]


class DeviceExecutable:
    """GPU code compiled with device-buffer arguments
    (`ml-gpu-pipeline{host-arguments=false}`): called with DeviceArrays
    (other arrays are copied to the GPU first), it returns DeviceArrays."""

    def __init__(self, module: ir.Module, name: str, interface: Interface):
        cuda.require(_native.runtime_library)
        self.owner = _engine(module, "cuda")
        self.owner.initialize()
        cuda.check(_native.runtime_library)
        address = self.owner.raw_lookup(f"_mlir_ciface_{name}")  # the packed form
        if not address:
            raise CompileError(f"the JIT could not link '{name}' (see the message above)")
        self._function = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address)
        self._interface = interface

    def try_call(self, args) -> Any:
        """Device arrays have no C call path: every call takes __call__."""
        return NotImplemented

    def __call__(self, inputs: Sequence) -> Any:
        runtime = _native.runtime_library
        arrays = []
        for value, spec in zip(inputs, self._interface.in_specs):
            if not isinstance(value, cuda.DeviceArray):
                value = cuda.DeviceArray.from_numpy(
                    runtime, np.asarray(value, dtype=spec.dtype))
            arrays.append(value)
        results = [cuda.DeviceArray.empty(runtime, s.shape, s.dtype)
                   for s in self._interface.out_specs]
        descriptors = [loader.device_descriptor(a.pointer, a.shape) for a in arrays + results]
        arguments, pointers = loader.packed_arguments(descriptors)
        self._function(ctypes.addressof(arguments))
        cuda.check(runtime)
        return pytree.unflatten(self._interface.out_tree, results)


_libc = ctypes.CDLL(None)


@contextlib.contextmanager
def _signal_handlers_kept():
    """Puts back every signal handler (and the alternate signal stack) as it
    was: LLVM's object file writer installs its own, process-wide, which
    would then run first on every signal (its stack dump on a crash, in
    place of Python's faulthandler) in a library that promises to install
    none."""
    # struct sigaction and stack_t are kept as opaque bytes: no layout assumed.
    saved = []
    for number in range(1, signal.NSIG):
        action = ctypes.create_string_buffer(512)
        if _libc.sigaction(number, None, action) == 0:
            saved.append((number, action))
    stack = ctypes.create_string_buffer(64)
    has_stack = _libc.sigaltstack(None, stack) == 0
    try:
        yield
    finally:
        for number, action in saved:
            _libc.sigaction(number, action, None)
        if has_stack:
            _libc.sigaltstack(stack, None)


_ORC_INIT = "__orc_init_func.LLVMDialectModule"


def linker() -> str | None:
    """The C compiler driver that links shared libraries (`$CC`, else `cc`)."""
    return shutil.which(os.environ.get("CC") or "cc")


def link_shared_library(object_paths: Sequence[str], output: str, runtime_dir: str) -> None:
    """Links kernel objects into a shared library that finds
    libmljit_runtime.so in `runtime_dir` (`$ORIGIN` for one next to it)."""
    driver = linker()
    if driver is None:
        raise CompileError("linking compiled code into a shared library needs a C "
                           "compiler driver: install `cc` or set CC")
    search_dir = (os.path.dirname(output) if runtime_dir == "$ORIGIN" else runtime_dir)
    # --no-as-needed: the runtime is always a dependency, even of code that
    # calls none of it, so that its functions can be found through the library.
    command = [driver, "-shared", "-o", output, *object_paths, f"-L{search_dir}",
               "-Wl,--no-as-needed", "-l:libmljit_runtime.so", "-Wl,--as-needed",
               f"-Wl,-rpath,{runtime_dir}", "-lm"]
    # The JIT turned the module's global constructors (GPU code: loading its
    # binaries) into one function; loading the library must run it.
    for path in object_paths:
        with open(path, "rb") as file:
            if _ORC_INIT.encode() in file.read():
                command.append(f"-Wl,-init,{_ORC_INIT}")
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode != 0:
        raise CompileError(f"linking {output} failed ({' '.join(command)}):\n"
                           f"{process.stderr.strip()}")
