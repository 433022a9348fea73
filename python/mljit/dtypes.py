"""The NumPy dtypes mljit compiles, and their MLIR element types.

`bfloat16`, `float8_e4m3fn` and `float8_e5m2` come from the `ml_dtypes`
package (as in JAX), where the program uses it; it is never required, nor
imported here.
"""

import sys

import numpy as np
from mlir import ir

from .errors import UnsupportedError
from .symbolic import Dim

_NATIVE = tuple(
    np.dtype(t)
    for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
              np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128)
)

_TO_MLIR = {
    np.dtype(np.bool_): lambda: ir.IntegerType.get_signless(1),
    np.dtype(np.int8): lambda: ir.IntegerType.get_signless(8),
    np.dtype(np.int16): lambda: ir.IntegerType.get_signless(16),
    np.dtype(np.int32): lambda: ir.IntegerType.get_signless(32),
    np.dtype(np.int64): lambda: ir.IntegerType.get_signless(64),
    np.dtype(np.uint8): lambda: ir.IntegerType.get_unsigned(8),
    np.dtype(np.uint16): lambda: ir.IntegerType.get_unsigned(16),
    np.dtype(np.uint32): lambda: ir.IntegerType.get_unsigned(32),
    np.dtype(np.uint64): lambda: ir.IntegerType.get_unsigned(64),
    np.dtype(np.float16): ir.F16Type.get,
    np.dtype(np.float32): ir.F32Type.get,
    np.dtype(np.float64): ir.F64Type.get,
    np.dtype(np.complex64): lambda: ir.ComplexType.get(ir.F32Type.get()),
    np.dtype(np.complex128): lambda: ir.ComplexType.get(ir.F64Type.get()),
}

_FROM_MLIR = {
    "i1": np.dtype(np.bool_),
    "i8": np.dtype(np.int8),
    "i16": np.dtype(np.int16),
    "i32": np.dtype(np.int32),
    "i64": np.dtype(np.int64),
    "ui8": np.dtype(np.uint8),
    "ui16": np.dtype(np.uint16),
    "ui32": np.dtype(np.uint32),
    "ui64": np.dtype(np.uint64),
    "f16": np.dtype(np.float16),
    "f32": np.dtype(np.float32),
    "f64": np.dtype(np.float64),
    "complex<f32>": np.dtype(np.complex64),
    "complex<f64>": np.dtype(np.complex128),
}


# ml_dtypes' floats mljit supports: (name in ml_dtypes, MLIR type, its name).
_EXTENSION_FLOATS = (
    ("bfloat16", lambda: ir.BF16Type.get(), "bf16"),
    ("float8_e4m3fn", lambda: ir.Float8E4M3FNType.get(), "f8E4M3FN"),
    ("float8_e5m2", lambda: ir.Float8E5M2Type.get(), "f8E5M2"),
)


def _extension_floats() -> tuple:
    """ml_dtypes' floats mljit supports (kind "V" to NumPy), once the
    program has imported ml_dtypes: arrays of them exist only then, and
    importing it here would add a second to every first compile."""
    module = sys.modules.get("ml_dtypes")
    if module is None:
        return ()
    found = []
    for name, mlir_type, mlir_name in _EXTENSION_FLOATS:
        dtype = np.dtype(getattr(module, name))
        if dtype not in _TO_MLIR:
            _TO_MLIR[dtype] = mlir_type
            _FROM_MLIR[mlir_name] = dtype
        found.append(dtype)
    return tuple(found)


def supported() -> tuple:
    """The dtypes mljit compiles now."""
    return _NATIVE + _extension_floats()


def is_float(dtype) -> bool:
    """Whether `dtype` is a floating-point one, NumPy's or ml_dtypes'."""
    dtype = np.dtype(dtype)
    return dtype.kind == "f" or dtype in _extension_floats()


def is_complex(dtype) -> bool:
    return np.dtype(dtype).kind == "c"


def check(dtype, what="array") -> np.dtype:
    """`dtype` as a NumPy dtype, or UnsupportedError naming it."""
    dtype = np.dtype(dtype)
    if dtype.newbyteorder("=") not in supported():
        names = ", ".join(str(d) for d in supported())
        raise UnsupportedError(
            f"mljit does not support {what} dtype {dtype}; supported: {names}"
        )
    return dtype.newbyteorder("=")


def to_mlir(dtype) -> ir.Type:
    """The MLIR element type of a supported NumPy dtype (needs a context)."""
    return _TO_MLIR[check(dtype)]()


def from_mlir(element_type: ir.Type) -> np.dtype:
    _extension_floats()
    return _FROM_MLIR[str(element_type)]


def tensor_type(shape, dtype) -> ir.RankedTensorType:
    """The tensor type of `shape` (symbolic sizes are dynamic) and `dtype`."""
    dynamic = ir.ShapedType.get_dynamic_size()
    return ir.RankedTensorType.get([dynamic if isinstance(d, Dim) else d for d in shape],
                                   to_mlir(dtype))
