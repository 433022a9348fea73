"""The NumPy dtypes mljit compiles, and their MLIR element types.

`bfloat16` comes from the `ml_dtypes` package (as in JAX), where it is
installed; it is never required.
"""

import numpy as np
from mlir import ir

from .errors import UnsupportedError
from .symbolic import Dim

try:
    import ml_dtypes
except ImportError:  # optional: its dtypes are then simply not supported
    ml_dtypes = None

# Floats NumPy knows only through ml_dtypes: their dtype kind is "V".
EXTENSION_FLOATS = (np.dtype(ml_dtypes.bfloat16),) if ml_dtypes else ()

SUPPORTED = tuple(
    np.dtype(t)
    for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
              np.uint64, np.float16, np.float32, np.float64)
) + EXTENSION_FLOATS

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
}
if ml_dtypes:
    _TO_MLIR[np.dtype(ml_dtypes.bfloat16)] = ir.BF16Type.get

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
}
if ml_dtypes:
    _FROM_MLIR["bf16"] = np.dtype(ml_dtypes.bfloat16)


def is_float(dtype) -> bool:
    """Whether `dtype` is a floating-point one, NumPy's or ml_dtypes'."""
    dtype = np.dtype(dtype)
    return dtype.kind == "f" or dtype in EXTENSION_FLOATS


def check(dtype, what="array") -> np.dtype:
    """`dtype` as a NumPy dtype, or UnsupportedError naming it."""
    dtype = np.dtype(dtype)
    if dtype.newbyteorder("=") not in _TO_MLIR:
        names = ", ".join(str(d) for d in SUPPORTED)
        raise UnsupportedError(
            f"mljit does not support {what} dtype {dtype}; supported: {names}"
        )
    return dtype.newbyteorder("=")


def to_mlir(dtype) -> ir.Type:
    """The MLIR element type of a supported NumPy dtype (needs a context)."""
    return _TO_MLIR[check(dtype)]()


def from_mlir(element_type: ir.Type) -> np.dtype:
    return _FROM_MLIR[str(element_type)]


def tensor_type(shape, dtype) -> ir.RankedTensorType:
    """The tensor type of `shape` (symbolic sizes are dynamic) and `dtype`."""
    dynamic = ir.ShapedType.get_dynamic_size()
    return ir.RankedTensorType.get([dynamic if isinstance(d, Dim) else d for d in shape],
                                   to_mlir(dtype))
