"""Compilation: the traced `ml` module through a registered pipeline.

The pipelines themselves are defined once, in C++ (passes/Pipelines.cpp), and
run here by name, so `ml-opt --ml-cpu-pipeline` reproduces exactly what the
JIT does.
"""

from __future__ import annotations

from mlir import ir
from mlir.passmanager import PassManager

from . import _native
from .errors import CompileError
from .tracing import TracedFunction

# Large f32/f64 matmuls call NumPy's BLAS when the runtime has it; parallel
# loops are tiled for the threads the runtime will use.
CPU_PIPELINE = (f"ml-cpu-pipeline{{blas={str(_native.BLAS).lower()} "
                f"threads={_native.THREADS}}}")


def lower_to_llvm(traced: TracedFunction, pipeline: str = CPU_PIPELINE) -> ir.Module:
    """A copy of the traced module lowered to the LLVM dialect."""
    with traced.context:
        # Printed with locations and parsed back: an independent copy whose ops
        # still point at the user's lines.
        text = traced.module.operation.get_asm(enable_debug_info=True)
        module = ir.Module.parse(text)
        manager = PassManager.parse(f"builtin.module({pipeline})")
        try:
            manager.run(module.operation)
        except ir.MLIRError as error:
            details = "\n".join(
                f"{d.location}: {d.message}" for d in error.error_diagnostics
            )
            raise CompileError(
                f"compiling '{traced.name}' with {pipeline} failed:\n{details}"
            ) from None
    return module
