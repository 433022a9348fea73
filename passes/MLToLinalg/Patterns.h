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
/// lower to LLVM), unsigned integers as signless ones of their width (arith
/// takes only those; the ops chosen carry the signedness), every other
/// type is unchanged.
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
/// scf ops on ml tensors, and the scalars going in and out of those tensors,
/// with booleans as bytes; their legality goes into `target`.
void populateControlFlowConversions(const TypeConverter &converter,
                                    RewritePatternSet &patterns,
                                    ConversionTarget &target);

/// A stored element as the scalar the op computes on: an i8 byte as an i1
/// (non-zero is true) when `logicalType` is i1, else `element` itself.
Value loadScalar(OpBuilder &b, Location loc, Value element, Type logicalType);

/// A computed scalar as the element to store: i1 becomes an i8 0 or 1.
Value storeScalar(OpBuilder &b, Location loc, Value value);

using ScalarBodyFn =
    function_ref<Value(OpBuilder &, Location, ValueRange /*elements*/)>;

/// The size of every dimension of the tensor `value`: a constant where its
/// type has it, tensor.dim where the dimension is dynamic.
SmallVector<OpFoldResult> sizesOf(OpBuilder &b, Location loc, Value value);

/// A `tensor.empty` of `type`; `sizes` (one per dimension) gives its dynamic
/// dimensions and may be empty where it has none.
Value createEmptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<OpFoldResult> sizes = {});

/// A tensor of `type` (dynamic sizes as for createEmptyTensor) filled with
/// the scalar `value` (linalg.fill).
Value createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value value, ArrayRef<OpFoldResult> sizes = {});

/// A `linalg.generic` applying `body` to same-shaped `inputs` elementwise
/// (dynamic sizes read from the first input).
Value createElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                        ValueRange inputs, ScalarBodyFn body);

/// Groups dimensions `[0, rank)` so that every dropped dimension joins a kept
/// neighbour: the reassociation that collapses the dropped (unit) dimensions
/// away, or expands them back.
SmallVector<ReassociationIndices>
groupDroppedDims(int64_t rank, function_ref<bool(int64_t)> isDropped);

/// Broadcasts `value` to `type` by NumPy's rules (collapse the stretched unit
/// dimensions, then linalg.broadcast); `sizes` as for createEmptyTensor. A
/// dynamic dimension of `value` keeps its size.
Value createBroadcast(OpBuilder &b, Location loc, Value value,
                      RankedTensorType type, ArrayRef<OpFoldResult> sizes = {});

/// Reshapes `value` to `type` (same element count) with collapse/expand;
/// `sizes` as for createEmptyTensor.
Value createReshape(OpBuilder &b, Location loc, Value value,
                    RankedTensorType type, ArrayRef<OpFoldResult> sizes = {});

/// `value` expanded to `type` by `groups`, `sizes` giving every dimension's
/// size (tensor.expand_shape, or tensor.reshape where a group has two
/// dynamic sizes, which expand_shape cannot lower).
Value createExpandShape(OpBuilder &b, Location loc, RankedTensorType type,
                        Value value, ArrayRef<ReassociationIndices> groups,
                        ArrayRef<OpFoldResult> sizes);

/// The scalar `value` of a numeric element type (a complex one gets it as
/// its real part).
Value scalarConstant(OpBuilder &b, Location loc, Type type, double value);

/// `type` with an unsigned integer as the signless one of its width: the
/// type its values are computed in.
Type signlessType(Type type);

/// Converts the scalar `value`, of the element type `from` (its own type
/// when null; for an unsigned type, the signless one it is computed in), to
/// `elementType` (likewise) with NumPy's `astype` rules.
Value convertScalar(OpBuilder &b, Location loc, Value value, Type elementType,
                    Type from = {});

/// NumPy's `x + y` on two scalars of one numeric type (f16/bf16 computed in
/// f32 and rounded once).
Value addElements(OpBuilder &b, Location loc, Value x, Value y);

/// f32 for f16/bf16 (NumPy computes them in float32), else `type` itself.
Type computeType(Type elementType);

} // namespace mlir::ml

#endif // MLJIT_PASSES_MLTOLINALG_PATTERNS_H
