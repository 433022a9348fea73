//===- MLFolders.cpp - constant folding and identities of ml ops ---------===//
//
// Folds only where the result is bit-for-bit what the generated code would
// compute: IEEE add/sub/mul/div round the same in APFloat and in hardware, so
// they fold; transcendental functions do not.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

using namespace mlir;
using namespace mlir::ml;

namespace {
bool isFloatTensor(Type type) {
  return isa<FloatType>(cast<ShapedType>(type).getElementType());
}

bool isComplexTensor(Type type) {
  return isa<ComplexType>(cast<ShapedType>(type).getElementType());
}

/// Folds a binary op elementwise with `floatFn` or `intFn`, by element type
/// (complex constants are left to the generated code).
template <typename FloatFn, typename IntFn>
Attribute foldBinary(ArrayRef<Attribute> operands, Type type, FloatFn floatFn,
                     IntFn intFn) {
  if (isComplexTensor(type))
    return {};
  if (isFloatTensor(type))
    return constFoldBinaryOp<FloatAttr, APFloat, void>(operands, floatFn);
  return constFoldBinaryOp<IntegerAttr, APInt, void>(operands, intFn);
}

/// op(op(x)) == op(x) for broadcast and reshape: reads through the inner op.
template <typename OpTy>
OpFoldResult foldThroughProducer(OpTy op) {
  auto inner = op.getOperand().template getDefiningOp<OpTy>();
  if (!inner)
    return {};
  op.getOperandMutable().assign(inner.getOperand());
  return op.getResult();
}
} // namespace

bool mlir::ml::isSplatOf(Attribute attr, double f, int64_t i) {
  auto splat = dyn_cast_if_present<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elementType = splat.getElementType();
  if (isa<ComplexType>(elementType))
    return false;
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    APFloat expected(f);
    bool losesInfo;
    expected.convert(floatType.getFloatSemantics(),
                     APFloat::rmNearestTiesToEven, &losesInfo);
    return splat.getSplatValue<APFloat>().bitwiseIsEqual(expected);
  }
  return splat.getSplatValue<APInt>() ==
         APInt(elementType.getIntOrFloatBitWidth(), i, /*isSigned=*/true);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + (-0.0) == x for every float x; x + 0.0 is not (-0.0 + 0.0 == 0.0).
  if (isSplatOf(adaptor.getRhs(), -0.0, 0))
    return getLhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 0.0, 0))
    return getLhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return a - b; },
      [](const APInt &a, const APInt &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1.0, 1))
    return getLhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return a * b; },
      [](const APInt &a, const APInt &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1.0, 1))
    return getLhs();
  if (isComplexTensor(getType()))
    return {};
  return constFoldBinaryOp<FloatAttr, APFloat, void>(
      adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a / b; });
}

OpFoldResult MaximumOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  // Booleans and unsigned integers compare unsigned.
  bool isUnsigned = getType().getElementType().isInteger(1) ||
                    getType().getElementType().isUnsignedInteger();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) {
        return a.isNaN() || a.compare(b) == APFloat::cmpGreaterThan ? a : b;
      },
      [&](const APInt &a, const APInt &b) {
        return isUnsigned ? llvm::APIntOps::umax(a, b)
                          : llvm::APIntOps::smax(a, b);
      });
}

OpFoldResult MinimumOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  // Booleans and unsigned integers compare unsigned.
  bool isUnsigned = getType().getElementType().isInteger(1) ||
                    getType().getElementType().isUnsignedInteger();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) {
        return a.isNaN() || a.compare(b) == APFloat::cmpLessThan ? a : b;
      },
      [&](const APInt &a, const APInt &b) {
        return isUnsigned ? llvm::APIntOps::umin(a, b)
                          : llvm::APIntOps::smin(a, b);
      });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getOperand().getDefiningOp<NegOp>())
    return inner.getOperand();
  if (isComplexTensor(getType()))
    return {};
  if (isFloatTensor(getType()))
    return constFoldUnaryOp<FloatAttr, APFloat, void>(
        adaptor.getOperands(), [](const APFloat &a) { return -a; });
  return constFoldUnaryOp<IntegerAttr, APInt, void>(
      adaptor.getOperands(), [](const APInt &a) { return -a; });
}

OpFoldResult CompareOp::fold(FoldAdaptor adaptor) {
  ComparisonDirection direction = getDirection();
  Type resultType = getType();
  if (isComplexTensor(getLhs().getType()))
    return {};
  if (isFloatTensor(getLhs().getType())) {
    return constFoldBinaryOp<FloatAttr, APFloat, void, IntegerAttr, APInt>(
        adaptor.getOperands(), resultType,
        [&](const APFloat &a, const APFloat &b) -> std::optional<APInt> {
          APFloat::cmpResult cmp = a.compare(b);
          bool value = false;
          switch (direction) {
          case ComparisonDirection::EQ:
            value = cmp == APFloat::cmpEqual;
            break;
          case ComparisonDirection::NE:
            value = cmp != APFloat::cmpEqual;
            break;
          case ComparisonDirection::LT:
            value = cmp == APFloat::cmpLessThan;
            break;
          case ComparisonDirection::LE:
            value = cmp == APFloat::cmpLessThan || cmp == APFloat::cmpEqual;
            break;
          case ComparisonDirection::GT:
            value = cmp == APFloat::cmpGreaterThan;
            break;
          case ComparisonDirection::GE:
            value = cmp == APFloat::cmpGreaterThan || cmp == APFloat::cmpEqual;
            break;
          }
          return APInt(1, value);
        });
  }
  Type element = cast<ShapedType>(getLhs().getType()).getElementType();
  bool isUnsigned = element.isInteger(1) || element.isUnsignedInteger();
  return constFoldBinaryOp<IntegerAttr, APInt, void, IntegerAttr, APInt>(
      adaptor.getOperands(), resultType,
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        bool value = false;
        switch (direction) {
        case ComparisonDirection::EQ:
          value = a == b;
          break;
        case ComparisonDirection::NE:
          value = a != b;
          break;
        case ComparisonDirection::LT:
          value = isUnsigned ? a.ult(b) : a.slt(b);
          break;
        case ComparisonDirection::LE:
          value = isUnsigned ? a.ule(b) : a.sle(b);
          break;
        case ComparisonDirection::GT:
          value = isUnsigned ? a.ugt(b) : a.sgt(b);
          break;
        case ComparisonDirection::GE:
          value = isUnsigned ? a.uge(b) : a.sge(b);
          break;
        }
        return APInt(1, value);
      });
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  if (getOnTrue() == getOnFalse())
    return getOnTrue();
  if (auto condition =
          dyn_cast_if_present<SplatElementsAttr>(adaptor.getCondition()))
    return condition.getSplatValue<bool>() ? getOnTrue() : getOnFalse();
  return {};
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  return {};
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  if (auto splat = dyn_cast_if_present<SplatElementsAttr>(adaptor.getOperand()))
    if (getType().hasStaticShape())
      return splat.resizeSplat(getType());
  return foldThroughProducer(*this);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // With two dynamic sizes the same type may still be another shape.
  if (getOperand().getType() == getType() && getType().getNumDynamicDims() <= 1)
    return getOperand();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return foldThroughProducer(*this);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  auto isIdentity = [](ArrayRef<int64_t> p) {
    for (auto [i, axis] : llvm::enumerate(p))
      if (axis != static_cast<int64_t>(i))
        return false;
    return true;
  };
  if (isIdentity(perm))
    return getOperand();
  // transpose(transpose(x, p1), p2) == transpose(x, p1[p2[i]]).
  if (auto inner = getOperand().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t axis : perm)
      composed.push_back(innerPerm[axis]);
    if (isIdentity(composed))
      return inner.getOperand();
    getOperandMutable().assign(inner.getOperand());
    setPermutation(composed);
    return getResult();
  }
  return {};
}

/// Whether ranges of a slice of `type` take every dimension whole (a
/// dynamic one as 0:?:1, a static one as 0:size:1, any stride for size 1).
static bool takesAll(RankedTensorType type, ArrayRef<int64_t> start,
                     ArrayRef<int64_t> limit, ArrayRef<int64_t> stride) {
  for (int64_t d = 0, e = type.getRank(); d < e; ++d)
    if (start[d] != 0 || limit[d] != type.getDimSize(d) ||
        (stride[d] != 1 && type.getDimSize(d) != 1))
      return false;
  return true;
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getOperand().getType() != getType() ||
      !takesAll(getType(), getStart(), getLimit(), getStride()))
    return {};
  return getOperand();
}

OpFoldResult UpdateSliceOp::fold(FoldAdaptor) {
  RankedTensorType update = getUpdate().getType();
  if (update.hasStaticShape() && update.getNumElements() == 0)
    return getOperand();
  // An update covering the whole operand is the new value.
  if (update == getType() &&
      takesAll(getType(), getStart(), getLimit(), getStride()))
    return getUpdate();
  return {};
}

/// A slice of a static shape equal to its operand's: every start is then
/// clamped to 0, so it is the whole operand.
OpFoldResult DynamicSliceOp::fold(FoldAdaptor) {
  if (getType().hasStaticShape() && getOperand().getType() == getType())
    return getOperand();
  return {};
}

OpFoldResult DynamicUpdateSliceOp::fold(FoldAdaptor) {
  RankedTensorType update = getUpdate().getType();
  if (update.hasStaticShape() && update.getNumElements() == 0)
    return getOperand();
  if (update.hasStaticShape() && update == getType())
    return getUpdate();
  return {};
}

OpFoldResult ScatterOp::fold(FoldAdaptor) {
  RankedTensorType indices = getIndices().getType();
  if (indices.hasStaticShape() && indices.getNumElements() == 0)
    return getOperand();
  return {};
}

OpFoldResult ConcatenateOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return {};
}
