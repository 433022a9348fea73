//===- Builders.cpp - tensor-level builders shared by ml-to-linalg -------===//

#include "passes/MLToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::ml;

Type ml::signlessType(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer || !integer.isUnsigned())
    return type;
  return IntegerType::get(type.getContext(), integer.getWidth());
}

Value ml::scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto complex = dyn_cast<ComplexType>(type)) {
    Type part = complex.getElementType();
    ArrayAttr parts = b.getArrayAttr(
        {b.getFloatAttr(part, value), b.getFloatAttr(part, 0.0)});
    return complex::ConstantOp::create(b, loc, type, parts);
  }
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

BoolAsBytesTypeConverter::BoolAsBytesTypeConverter() {
  addConversion([](Type type) { return signlessType(type); });
  addConversion([](RankedTensorType type) -> Type {
    Type element = type.getElementType();
    if (element.isInteger(1))
      return type.clone(IntegerType::get(type.getContext(), 8));
    return type.clone(signlessType(element));
  });
}

Value ml::loadScalar(OpBuilder &b, Location loc, Value element,
                     Type logicalType) {
  if (!logicalType.isInteger(1) || element.getType() == logicalType)
    return element;
  Value zero = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(element.getType(), 0));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, element,
                               zero);
}

Value ml::storeScalar(OpBuilder &b, Location loc, Value value) {
  if (!value.getType().isInteger(1))
    return value;
  return arith::ExtUIOp::create(b, loc, b.getI8Type(), value);
}

SmallVector<OpFoldResult> ml::sizesOf(OpBuilder &b, Location loc, Value value) {
  return tensor::getMixedSizes(b, loc, value);
}

Value ml::createEmptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                            ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, sizes[d]));
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType(), dynamic);
}

Value ml::createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                             Value value, ArrayRef<OpFoldResult> sizes) {
  Value empty = createEmptyTensor(b, loc, type, sizes);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value ml::createElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                            ValueRange inputs, ScalarBodyFn body) {
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  SmallVector<OpFoldResult> sizes;
  if (!type.hasStaticShape())
    sizes = sizesOf(b, loc, inputs.front());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, createEmptyTensor(b, loc, type, sizes),
      maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

SmallVector<ReassociationIndices>
ml::groupDroppedDims(int64_t rank, function_ref<bool(int64_t)> isDropped) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t d = 0; d < rank; ++d) {
    pending.push_back(d);
    if (!isDropped(d)) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  // Trailing dropped dimensions join the last group; with no kept dimension
  // at all the collapsed value is 0-d and the reassociation is empty.
  if (!pending.empty() && !groups.empty())
    groups.back().append(pending.begin(), pending.end());
  return groups;
}

Value ml::createBroadcast(OpBuilder &b, Location loc, Value value,
                          RankedTensorType type, ArrayRef<OpFoldResult> sizes) {
  auto inType = cast<RankedTensorType>(value.getType());
  if (inType == type)
    return value;
  int64_t lead = type.getRank() - inType.getRank();
  // Unit dimensions that stretch to another size cannot be expressed by
  // linalg.broadcast, which only adds dimensions: collapse them away first.
  auto stretched = [&](int64_t d) {
    return inType.getDimSize(d) == 1 && type.getDimSize(lead + d) != 1;
  };
  SmallVector<int64_t> keptShape, addedDims;
  for (int64_t d = 0; d < lead; ++d)
    addedDims.push_back(d);
  for (int64_t d = 0; d < inType.getRank(); ++d) {
    if (stretched(d))
      addedDims.push_back(lead + d);
    else
      keptShape.push_back(inType.getDimSize(d));
  }
  if (static_cast<int64_t>(keptShape.size()) != inType.getRank()) {
    auto collapsedType =
        RankedTensorType::get(keptShape, inType.getElementType());
    value = tensor::CollapseShapeOp::create(
        b, loc, collapsedType, value,
        groupDroppedDims(inType.getRank(), stretched));
  }
  // Static sizes that a dynamic result dimension takes: the same tensor,
  // seen with the result's type.
  if (addedDims.empty())
    return value.getType() == type
               ? value
               : tensor::CastOp::create(b, loc, type, value).getResult();
  Value init = createEmptyTensor(b, loc, type, sizes);
  return linalg::BroadcastOp::create(b, loc, value, init, addedDims)
      .getResult()[0];
}

Value ml::createReshape(OpBuilder &b, Location loc, Value value,
                        RankedTensorType type, ArrayRef<OpFoldResult> sizes) {
  auto inType = cast<RankedTensorType>(value.getType());
  if (inType == type)
    return value;
  // Row-major reshape == flatten then unflatten; canonicalization merges the
  // pair into a single collapse or expand where one suffices. A 0-d side
  // (a single element) is reached directly with an empty reassociation.
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, value,
                                           ArrayRef<ReassociationIndices>{});
  if (inType.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, value,
                                         ArrayRef<ReassociationIndices>{});
  auto allInOne = [](int64_t rank) {
    return SmallVector<ReassociationIndices>{
        llvm::to_vector(llvm::seq<int64_t>(0, rank))};
  };
  Value flat = value;
  if (inType.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(
        b, loc,
        RankedTensorType::get({inType.hasStaticShape() ? inType.getNumElements()
                                                       : ShapedType::kDynamic},
                              inType.getElementType()),
        value, allInOne(inType.getRank()));
  // A dynamic operand reshaped to a static shape (the tracer guarded its
  // size): the flat tensor is cast to its known length first, so that no
  // expansion mixes a dynamic source with a static result (upstream
  // canonicalization asserts on collapse(expand) pairs that do).
  auto flatType = cast<RankedTensorType>(flat.getType());
  if (type.hasStaticShape() && !flatType.hasStaticShape())
    flat = tensor::CastOp::create(
        b, loc,
        RankedTensorType::get({type.getNumElements()}, flatType.getElementType()),
        flat);
  // And the reverse: a static operand (a size guarded to be 0 or 1)
  // reshaped to a dynamic shape is flattened to a length seen as unknown;
  // expand-strided-metadata asserts on a static size expanded into dynamic
  // ones. Canonicalization folds the cast where the sizes follow from it.
  else if (!type.hasStaticShape() && flatType.hasStaticShape())
    flat = tensor::CastOp::create(
        b, loc,
        RankedTensorType::get({ShapedType::kDynamic}, flatType.getElementType()),
        flat);
  if (flat.getType() == type)
    return flat;
  return createExpandShape(b, loc, type, flat, allInOne(type.getRank()), sizes);
}

Value ml::createExpandShape(OpBuilder &b, Location loc, RankedTensorType type,
                            Value value,
                            ArrayRef<ReassociationIndices> groups,
                            ArrayRef<OpFoldResult> sizes) {
  if (type.hasStaticShape())
    return tensor::ExpandShapeOp::create(b, loc, type, value, groups);
  // Lowering to LLVM (expand-strided-metadata) takes one dynamic size per
  // group; with more, the sizes go into a tensor.reshape.
  bool oneDynamicPerGroup = llvm::all_of(groups, [&](const auto &group) {
    return llvm::count_if(group, [&](int64_t d) {
             return type.isDynamicDim(d);
           }) <= 1;
  });
  if (oneDynamicPerGroup)
    return tensor::ExpandShapeOp::create(b, loc, type, value, groups, sizes);
  SmallVector<Value> extents;
  for (OpFoldResult size : sizes)
    extents.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  Value shape = tensor::FromElementsOp::create(b, loc, extents);
  return tensor::ReshapeOp::create(b, loc, type, value, shape);
}
