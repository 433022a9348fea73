//===- MLOps.h - ml dialect ops ---------------------------------*- C++ -*-===//

#ifndef MLJIT_DIALECTS_ML_MLOPS_H
#define MLJIT_DIALECTS_ML_MLOPS_H

#include "dialects/ml/MLDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::ml {
/// False if `type` is shaped and the product of its non-zero static
/// dimensions overflows int64 (MLIR asserts on computing its element count or
/// its strides); true otherwise.
bool isCountable(Type type);

/// A complex tensor type with its elements' parts as elements
/// (tensor<4xcomplex<f32>> -> tensor<4xf32>); other types unchanged.
Type realPartsType(Type type);
} // namespace mlir::ml

#include "dialects/ml/MLInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/ml/MLOps.h.inc"

namespace mlir::ml {
/// True if `attr` is a splat of the float `f` (bitwise, so -0.0 != 0.0) or,
/// for integer elements, of the integer `i`.
bool isSplatOf(Attribute attr, double f, int64_t i);

/// Whether `value` is zero on the box [start, limit): zeros, or zeros with
/// update_slices disjoint from the box.
bool isZeroOnSlice(Value value, DenseI64ArrayAttr start,
                   DenseI64ArrayAttr limit);

/// Whether values of `type` have tangents (float tensors).
bool isDifferentiable(Type type);

/// Zeros of `like`'s type and sizes: a tangent known to be zero, made real.
Value buildZerosLike(OpBuilder &builder, Location loc, Value like);
} // namespace mlir::ml

#endif // MLJIT_DIALECTS_ML_MLOPS_H
