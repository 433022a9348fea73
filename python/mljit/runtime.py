"""Running compiled functions: machine code and the calling convention.

Compiled functions use caller-allocated results (`buffer-results-to-out-params`):
`_mlir_ciface_<name>(in_0*, ..., out_0*, ...)`, each argument a pointer to a
strided memref descriptor. The calls themselves are made in C
(`mljit._call.Kernel`, python/extension/call.c) through the packed wrapper
the ExecutionEngine generates, `_mlir__mlir_ciface_<name>(void **)`.

The machine code comes either from the ExecutionEngine (a fresh compile) or
from a shared library: the engine's object file linked by the system's C
compiler driver, as the disk cache and `mljit.export` store it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
from typing import Any, Sequence

from mlir import ir
from mlir.execution_engine import ExecutionEngine

from . import _call, _native, compiler
from .errors import CompileError
from .tracing import ArgSpec

OPT_LEVEL = 3


def packed_symbol(name: str) -> str:
    """The packed wrapper of the C interface of function `name`."""
    return f"_mlir__mlir_ciface_{name}"


class Executable:
    """Machine code for one traced function and one signature.

    `result` says how results come back: 0 for the only result itself, 1 for
    a tuple of them, or a callable applied to that tuple. `owner` keeps the
    code loaded (an ExecutionEngine or a ctypes library).
    """

    def __init__(self, address: int, owner: Any, in_specs: Sequence[ArgSpec],
                 out_specs: Sequence[ArgSpec], result: Any = 1):
        self.owner = owner
        self.kernel = _call.Kernel(
            address, owner,
            [(s.dtype, tuple(s.shape)) for s in in_specs],
            [(s.dtype, tuple(s.shape)) for s in out_specs],
            result,
        )

    @classmethod
    def from_module(cls, module: ir.Module, name: str, *specs) -> "Executable":
        """JIT-compiles an LLVM-dialect module; position-independent code, so
        that its object file can also become a shared library."""
        compiler.tune_for_host(module)
        engine = ExecutionEngine(module, opt_level=OPT_LEVEL,
                                 shared_libs=[_native.RUNTIME_LIBRARY], enable_pic=True)
        # raw_lookup prefixes `_mlir_`.
        address = engine.raw_lookup(f"_mlir_ciface_{name}")
        if not address:
            # LLVM has reported the unresolved symbols on stderr.
            raise CompileError(
                f"the JIT could not link '{name}': a symbol it calls is missing "
                "from the process (see the message above)"
            )
        return cls(address, engine, *specs)

    @classmethod
    def from_library(cls, path: str, name: str, *specs) -> "Executable":
        """Loads a shared library made by `link_shared_library`; OSError or
        AttributeError if it cannot be loaded or lacks the function."""
        library = ctypes.CDLL(path)
        address = ctypes.cast(getattr(library, packed_symbol(name)), ctypes.c_void_p).value
        return cls(address, library, *specs)

    def save_object(self, path: str) -> None:
        """Writes the JIT-compiled object file (fresh compiles only)."""
        with _signal_handlers_kept():
            self.owner.dump_to_object_file(path)

    def __call__(self, inputs: Sequence) -> Any:
        """The results for `inputs`, leaves matching the compiled signature."""
        return self.kernel.call(inputs)


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


def linker() -> str | None:
    """The C compiler driver that links shared libraries (`$CC`, else `cc`)."""
    return shutil.which(os.environ.get("CC") or "cc")


def link_shared_library(object_path: str, output: str, runtime_dir: str) -> None:
    """Links a kernel object into a shared library that finds
    libmljit_runtime.so in `runtime_dir` (`$ORIGIN` for one next to it)."""
    driver = linker()
    if driver is None:
        raise CompileError("linking compiled code into a shared library needs a C "
                           "compiler driver: install `cc` or set CC")
    search_dir = (os.path.dirname(output) if runtime_dir == "$ORIGIN" else runtime_dir)
    # --no-as-needed: the runtime is always a dependency, even of code that
    # calls none of it, so that its functions can be found through the library.
    command = [driver, "-shared", "-o", output, object_path, f"-L{search_dir}",
               "-Wl,--no-as-needed", "-l:libmljit_runtime.so", "-Wl,--as-needed",
               f"-Wl,-rpath,{runtime_dir}", "-lm"]
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode != 0:
        raise CompileError(f"linking {output} failed ({' '.join(command)}):\n"
                           f"{process.stderr.strip()}")
