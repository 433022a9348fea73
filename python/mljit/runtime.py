"""Running compiled functions: the ExecutionEngine and the calling convention.

Compiled functions use caller-allocated results (`buffer-results-to-out-params`):
`_mlir_ciface_<name>(in_0*, ..., out_0*, ...)`, each argument a pointer to a
strided memref descriptor. NumPy allocates the results, so they are ordinary
arrays owned by Python; inputs are made C-contiguous in the compiled dtype.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Sequence

import numpy as np
from mlir import ir
from mlir.execution_engine import ExecutionEngine

from . import _native
from .errors import CompileError
from .tracing import ArgSpec

OPT_LEVEL = 3


@functools.lru_cache(maxsize=None)
def _descriptor_class(rank: int) -> type:
    """ctypes layout of MLIR's StridedMemRefType<T, rank>."""
    fields = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
    ]
    if rank:
        fields += [("sizes", ctypes.c_int64 * rank), ("strides", ctypes.c_int64 * rank)]
    return type(f"MemRef{rank}D", (ctypes.Structure,), {"_fields_": fields})


def _row_major_strides(shape: tuple) -> list:
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return strides[::-1]


class Executable:
    """Machine code for one traced function and one signature."""

    def __init__(self, module: ir.Module, name: str, in_specs: Sequence[ArgSpec],
                 out_specs: Sequence[ArgSpec]):
        self._engine = ExecutionEngine(
            module, opt_level=OPT_LEVEL, shared_libs=[_native.RUNTIME_LIBRARY]
        )
        self._in_specs = list(in_specs)
        self._out_specs = list(out_specs)
        specs = self._in_specs + self._out_specs
        address = self._engine.raw_lookup(f"ciface_{name}")
        if not address:
            # LLVM has reported the unresolved symbols on stderr.
            raise CompileError(
                f"the JIT could not link '{name}': a symbol it calls is missing "
                "from the process (see the message above)"
            )
        self._function = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * len(specs))(address)
        # Shapes are static: sizes and strides are filled in once per signature.
        self._templates = []
        for spec in specs:
            descriptor = _descriptor_class(len(spec.shape))()
            if spec.shape:
                descriptor.sizes[:] = list(spec.shape)
                descriptor.strides[:] = _row_major_strides(spec.shape)
            self._templates.append(descriptor)

    def __call__(self, inputs: Sequence) -> list:
        arrays = [np.asarray(x, dtype=s.dtype, order="C") for x, s in zip(inputs, self._in_specs)]
        outputs = [np.empty(s.shape, s.dtype) for s in self._out_specs]
        descriptors = [type(t).from_buffer_copy(t) for t in self._templates]
        for descriptor, array in zip(descriptors, arrays + outputs):
            descriptor.allocated = descriptor.aligned = array.ctypes.data
        self._function(*[ctypes.addressof(d) for d in descriptors])
        return outputs
