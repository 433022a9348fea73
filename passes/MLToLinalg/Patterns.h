//===- Patterns.h - ml-to-linalg patterns and shared builders ---*- C++ -*-===//
//
// The conversion is split by op group; ConvertMLToLinalg.cpp collects the
// groups into one pass.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_MLTOLINALG_PATTERNS_H
#define MLJIT_PASSES_MLTOLINALG_PATTERNS_H

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ml {

/// Maps `ml` tensor types to the types of the lowered IR: booleans are
/// stored as i8 holding 0 or 1 (NumPy's layout, and memrefs of i1 do not
/// lower to LLVM), every other type is unchanged.
class BoolAsBytesTypeConverter : public TypeConverter {
public:
  BoolAsBytesTypeConverter();
};

void populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns);
void populateShapeToLinalgPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns);
void populateContractionToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns);

/// A stored element as the scalar the op computes on: an i8 byte as an i1
/// (non-zero is true) when `logicalType` is i1, else `element` itself.
Value loadScalar(OpBuilder &b, Location loc, Value element, Type logicalType);

/// A computed scalar as the element to store: i1 becomes an i8 0 or 1.
Value storeScalar(OpBuilder &b, Location loc, Value value);

using ScalarBodyFn =
    function_ref<Value(OpBuilder &, Location, ValueRange /*elements*/)>;

/// A `tensor.empty` of a static `type`.
Value createEmptyTensor(OpBuilder &b, Location loc, RankedTensorType type);

/// A tensor of `type` filled with the scalar `value` (linalg.fill).
Value createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value value);

/// A `linalg.generic` applying `body` to same-shaped `inputs` elementwise.
Value createElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                        ValueRange inputs, ScalarBodyFn body);

/// Groups dimensions `[0, rank)` so that every dropped dimension joins a kept
/// neighbour: the reassociation that collapses the dropped (unit) dimensions
/// away, or expands them back.
SmallVector<ReassociationIndices>
groupDroppedDims(int64_t rank, function_ref<bool(int64_t)> isDropped);

/// Broadcasts `value` to `type` by NumPy's rules (collapse the stretched unit
/// dimensions, then linalg.broadcast).
Value createBroadcast(OpBuilder &b, Location loc, Value value,
                      RankedTensorType type);

/// Reshapes `value` to `type` (same element count) with collapse/expand.
Value createReshape(OpBuilder &b, Location loc, Value value,
                    RankedTensorType type);

/// Converts the scalar `value` to `elementType` with NumPy's `astype` rules.
Value convertScalar(OpBuilder &b, Location loc, Value value, Type elementType);

/// NumPy's `x + y` on two scalars of one numeric type (f16/bf16 computed in
/// f32 and rounded once).
Value addElements(OpBuilder &b, Location loc, Value x, Value y);

/// f32 for f16/bf16 (NumPy computes them in float32), else `type` itself.
Type computeType(Type elementType);

} // namespace mlir::ml

#endif // MLJIT_PASSES_MLTOLINALG_PATTERNS_H
