"""Running compiled functions: the ExecutionEngine and the calling convention.

Compiled functions use caller-allocated results (`buffer-results-to-out-params`):
`_mlir_ciface_<name>(in_0*, ..., out_0*, ...)`, each argument a pointer to a
strided memref descriptor. The calls themselves are made in C
(`mljit._call.Kernel`, python/extension/call.c) through the packed wrapper
the ExecutionEngine generates, `_mlir__mlir_ciface_<name>(void **)`.
"""

from __future__ import annotations

from typing import Any, Sequence

from mlir import ir
from mlir.execution_engine import ExecutionEngine

from . import _call, _native
from .errors import CompileError
from .tracing import ArgSpec

OPT_LEVEL = 3


class Executable:
    """Machine code for one traced function and one signature.

    `result` says how results come back: 0 for the only result itself, 1 for
    a tuple of them, or a callable applied to that tuple.
    """

    def __init__(self, module: ir.Module, name: str, in_specs: Sequence[ArgSpec],
                 out_specs: Sequence[ArgSpec], result: Any = 1):
        self._engine = ExecutionEngine(
            module, opt_level=OPT_LEVEL, shared_libs=[_native.RUNTIME_LIBRARY]
        )
        # raw_lookup prefixes `_mlir_`: this is the packed wrapper of the
        # C interface function.
        address = self._engine.raw_lookup(f"_mlir_ciface_{name}")
        if not address:
            # LLVM has reported the unresolved symbols on stderr.
            raise CompileError(
                f"the JIT could not link '{name}': a symbol it calls is missing "
                "from the process (see the message above)"
            )
        self.kernel = _call.Kernel(
            address, self._engine,
            [(s.dtype, tuple(s.shape)) for s in in_specs],
            [(s.dtype, tuple(s.shape)) for s in out_specs],
            result,
        )

    def __call__(self, inputs: Sequence) -> Any:
        """The results for `inputs`, leaves matching the compiled signature."""
        return self.kernel.call(inputs)
