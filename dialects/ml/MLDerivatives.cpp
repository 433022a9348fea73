//===- MLDerivatives.cpp - the JVP rule of every ml op --------------------===//
//
// One rule per op, in MLOps.td's order. A rule sees its operands' tangents
// (null: zero) and builds its results' tangents with ops linear in them,
// their other operands primal values, so that reverse mode can transpose
// them. Where a function is not differentiable the rule follows JAX:
// comparisons, rounding, sign, integer and boolean ops have zero tangents;
// abs has zero slope at 0; max and min split ties evenly.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlir::ml;

#include "dialects/ml/MLInterfaces.cpp.inc"

namespace {

/// The sizes of `value`'s dynamic dimensions, as ml ops take them.
SmallVector<Value> dynamicSizes(OpBuilder &b, Location loc, Value value) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(value.getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, value, d));
  return sizes;
}

/// A tensor of `like`'s type (and sizes) filled with `number`.
Value filled(OpBuilder &b, Location loc, Value like, double number) {
  auto type = cast<RankedTensorType>(like.getType());
  Type element = type.getElementType();
  Attribute scalar = isa<FloatType>(element)
                         ? Attribute(b.getFloatAttr(element, number))
                         : Attribute(b.getIntegerAttr(element, int64_t(number)));
  if (type.hasStaticShape())
    return ConstantOp::create(b, loc, type,
                              DenseElementsAttr::get(type, scalar));
  auto scalarType = RankedTensorType::get({}, element);
  Value one = ConstantOp::create(b, loc, scalarType,
                                 DenseElementsAttr::get(scalarType, scalar));
  return BroadcastOp::create(b, loc, type, one, dynamicSizes(b, loc, like));
}

/// `tangent`, or zeros like `primal` where it is null.
Value orZeros(OpBuilder &b, Location loc, Value tangent, Value primal) {
  return tangent ? tangent : filled(b, loc, primal, 0.0);
}

Value plus(OpBuilder &b, Location loc, Value x, Value y) {
  if (!x || !y)
    return x ? x : y;
  return AddOp::create(b, loc, x.getType(), x, y);
}

Value negated(OpBuilder &b, Location loc, Value x) {
  return x ? Value(NegOp::create(b, loc, x.getType(), x)) : Value();
}

/// `tangent * factor()`; the factor (a primal value) is built only for a
/// non-zero tangent.
template <typename Factor>
Value scaled(OpBuilder &b, Location loc, Value tangent, Factor factor) {
  if (!tangent)
    return {};
  return MulOp::create(b, loc, tangent.getType(), tangent, factor());
}

/// `tangent / divisor()`, likewise.
template <typename Divisor>
Value divided(OpBuilder &b, Location loc, Value tangent, Divisor divisor) {
  if (!tangent)
    return {};
  return DivOp::create(b, loc, tangent.getType(), tangent, divisor());
}

template <typename OpTy>
Value unary(OpBuilder &b, Location loc, Value x) {
  return OpTy::create(b, loc, x.getType(), x);
}

template <typename OpTy>
Value binary(OpBuilder &b, Location loc, Value x, Value y) {
  return OpTy::create(b, loc, x.getType(), x, y);
}

/// The op itself applied to tangents in place of the operands at
/// `linear`: the tangent of an op linear in those operands (a view, a
/// reshape, a sum). Null operands at `linear` are zeros; all null, the
/// result is null. Other operands (indices, sizes) stay.
Value sameOpOnTangents(OpBuilder &b, Operation *op, ArrayRef<Value> tangents,
                       ArrayRef<unsigned> linear) {
  if (llvm::all_of(linear, [&](unsigned i) { return !tangents[i]; }))
    return {};
  IRMapping mapping;
  for (unsigned i : linear)
    mapping.map(op->getOperand(i),
                orZeros(b, op->getLoc(), tangents[i], op->getOperand(i)));
  Operation *copy = b.clone(*op, mapping);
  // An operand used twice (x[...] = x) is mapped once, which is right: the
  // same tangent at both places.
  return copy->getResult(0);
}

/// `x` reduced over `axes` by `reduce`, shaped back like `operand` by
/// re-inserting the reduced axes (as size 1) and broadcasting.
Value broadcastBack(OpBuilder &b, Location loc, ReduceOp reduce, Value x) {
  auto operandType = cast<RankedTensorType>(reduce.getOperand().getType());
  auto xType = cast<RankedTensorType>(x.getType());
  if (!reduce.getKeepdims()) {
    SmallVector<int64_t> shape(operandType.getShape());
    for (int64_t axis : reduce.getAxes())
      shape[axis] = 1;
    auto kept = RankedTensorType::get(shape, xType.getElementType());
    x = ReshapeOp::create(b, loc, kept, x, dynamicSizes(b, loc, x));
  }
  auto target = RankedTensorType::get(operandType.getShape(),
                                      xType.getElementType());
  return BroadcastOp::create(b, loc, target, x,
                             dynamicSizes(b, loc, reduce.getOperand()));
}

/// 1 where `mask` holds, else 0, in the type of `like`.
Value indicator(OpBuilder &b, Location loc, Value mask, Value like) {
  Value one = filled(b, loc, like, 1);
  Value zero = filled(b, loc, like, 0);
  return SelectOp::create(b, loc, like.getType(), mask, one, zero);
}

Value compared(OpBuilder &b, Location loc, ComparisonDirection direction,
               Value x, Value y) {
  return CompareOp::create(b, loc, direction, x, y);
}

/// Rules of the ops whose results have zero tangents whatever their
/// operands' (comparisons, rounding, integer ops, constants).
LogicalResult zeroTangents(Operation *op, SmallVectorImpl<Value> &results) {
  results.append(op->getNumResults(), Value());
  return success();
}

} // namespace

bool ml::isDifferentiable(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

Value ml::buildZerosLike(OpBuilder &builder, Location loc, Value like) {
  return filled(builder, loc, like, 0.0);
}

//===----------------------------------------------------------------------===//
// Constants and elementwise binary ops
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::buildJVP(OpBuilder &, ArrayRef<Value>,
                                   SmallVectorImpl<Value> &results) {
  return zeroTangents(*this, results);
}

// Tangents pass by the barrier: it only keeps optimizations from merging
// the primal values behind it.
LogicalResult OptimizationBarrierOp::buildJVP(OpBuilder &, ArrayRef<Value> t,
                                              SmallVectorImpl<Value> &results) {
  llvm::append_range(results, t);
  return success();
}

LogicalResult AddOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  results.push_back(plus(b, getLoc(), t[0], t[1]));
  return success();
}

LogicalResult SubOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  results.push_back(t[0] && t[1] ? binary<SubOp>(b, loc, t[0], t[1])
                                 : plus(b, loc, t[0], negated(b, loc, t[1])));
  return success();
}

// d(xy) = dx y + x dy.
LogicalResult MulOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value fromLhs = scaled(b, loc, t[0], [&] { return getRhs(); });
  Value fromRhs = scaled(b, loc, t[1], [&] { return getLhs(); });
  results.push_back(plus(b, loc, fromLhs, fromRhs));
  return success();
}

// d(x/y) = dx / y - (x/y) dy / y.
LogicalResult DivOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value fromLhs = divided(b, loc, t[0], [&] { return getRhs(); });
  Value fromRhs = divided(b, loc, scaled(b, loc, t[1], [&] {
                            return unary<NegOp>(b, loc, getResult());
                          }),
                          [&] { return getRhs(); });
  results.push_back(plus(b, loc, fromLhs, fromRhs));
  return success();
}

// Piecewise constant, as JAX has it.
LogicalResult FloorDivOp::buildJVP(OpBuilder &, ArrayRef<Value>,
                                   SmallVectorImpl<Value> &results) {
  return zeroTangents(*this, results);
}

// x - trunc-or-floor(x / y) y: slope 1 in x, -floor(x / y) in y (JAX's rem
// rule, with NumPy's floored quotient).
LogicalResult RemOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value fromRhs = scaled(b, loc, t[1], [&] {
    Value quotient = binary<DivOp>(b, loc, getLhs(), getRhs());
    return unary<NegOp>(b, loc, unary<FloorOp>(b, loc, quotient));
  });
  results.push_back(plus(b, loc, t[0], fromRhs));
  return success();
}

// d(x^y) = y x^(y-1) dx + log(x) x^y dy; the first is 0 where y is 0, the
// second 0 where x is 0 (JAX's pow rules).
LogicalResult PowOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value x = getLhs(), y = getRhs();
  Value fromLhs = scaled(b, loc, t[0], [&] {
    Value slope = binary<MulOp>(
        b, loc, y,
        binary<PowOp>(b, loc, x, binary<SubOp>(b, loc, y, filled(b, loc, y, 1))));
    Value zero = filled(b, loc, y, 0);
    Value atZero = compared(b, loc, ComparisonDirection::EQ, y, zero);
    return SelectOp::create(b, loc, y.getType(), atZero, zero, slope);
  });
  Value fromRhs = scaled(b, loc, t[1], [&] {
    Value zero = compared(b, loc, ComparisonDirection::EQ, x,
                          filled(b, loc, x, 0));
    Value safe = SelectOp::create(b, loc, x.getType(), zero,
                                  filled(b, loc, x, 1), x);
    return binary<MulOp>(b, loc, unary<LogOp>(b, loc, safe), getResult());
  });
  results.push_back(plus(b, loc, fromLhs, fromRhs));
  return success();
}

/// max (or min, `wins` being gt or lt) of x and y: the tangent of the one
/// chosen, half of each at a tie (JAX's balanced rule).
static Value chooserTangent(OpBuilder &b, Location loc, Value x, Value y,
                            Value tx, Value ty, ComparisonDirection wins,
                            ComparisonDirection loses) {
  auto share = [&](ComparisonDirection direction) {
    Value one = filled(b, loc, x, 1.0), half = filled(b, loc, x, 0.5),
          zero = filled(b, loc, x, 0.0);
    Value tie = compared(b, loc, ComparisonDirection::EQ, x, y);
    Value split = SelectOp::create(b, loc, x.getType(), tie, half, zero);
    return Value(SelectOp::create(b, loc, x.getType(),
                                  compared(b, loc, direction, x, y), one,
                                  split));
  };
  Value fromX = scaled(b, loc, tx, [&] { return share(wins); });
  Value fromY = scaled(b, loc, ty, [&] { return share(loses); });
  return plus(b, loc, fromX, fromY);
}

LogicalResult MaximumOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                  SmallVectorImpl<Value> &results) {
  results.push_back(chooserTangent(b, getLoc(), getLhs(), getRhs(), t[0], t[1],
                                   ComparisonDirection::GT,
                                   ComparisonDirection::LT));
  return success();
}

LogicalResult MinimumOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                  SmallVectorImpl<Value> &results) {
  results.push_back(chooserTangent(b, getLoc(), getLhs(), getRhs(), t[0], t[1],
                                   ComparisonDirection::LT,
                                   ComparisonDirection::GT));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops: the tangent times the derivative
//===----------------------------------------------------------------------===//

LogicalResult NegOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  results.push_back(negated(b, getLoc(), t[0]));
  return success();
}

// sign(x): slope 0 at 0.
LogicalResult AbsOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                              SmallVectorImpl<Value> &results) {
  results.push_back(scaled(b, getLoc(), t[0], [&] {
    return unary<SignOp>(b, getLoc(), getOperand());
  }));
  return success();
}

#define ML_ZERO_TANGENT(Op)                                                   \
  LogicalResult Op::buildJVP(OpBuilder &, ArrayRef<Value>,                    \
                             SmallVectorImpl<Value> &results) {               \
    return zeroTangents(*this, results);                                      \
  }

ML_ZERO_TANGENT(SignOp)

/// d f(x) = dx * slope, slope built from x (`operand`) and f(x) (`result`).
#define ML_UNARY_RULE(Op, slope)                                              \
  LogicalResult Op::buildJVP(OpBuilder &b, ArrayRef<Value> t,                 \
                             SmallVectorImpl<Value> &results) {               \
    Location loc = getLoc();                                                  \
    Value operand = getOperand(), result = getResult();                       \
    (void)operand;                                                            \
    (void)result;                                                             \
    results.push_back(scaled(b, loc, t[0], [&]() -> Value { return slope; })); \
    return success();                                                         \
  }

// Slopes are written with these, each building its ops in one order
// (arguments of one call are never two ops to build: C++ leaves their order
// open).
namespace {
Value square(OpBuilder &b, Location loc, Value x) {
  return binary<MulOp>(b, loc, x, x);
}
Value times(OpBuilder &b, Location loc, Value x, double c) {
  return binary<MulOp>(b, loc, x, filled(b, loc, x, c));
}
/// c / x.
Value over(OpBuilder &b, Location loc, double c, Value x) {
  Value numerator = filled(b, loc, x, c);
  return binary<DivOp>(b, loc, numerator, x);
}
Value onePlus(OpBuilder &b, Location loc, Value x) {
  Value one = filled(b, loc, x, 1.0);
  return binary<AddOp>(b, loc, one, x);
}
Value oneMinus(OpBuilder &b, Location loc, Value x) {
  Value one = filled(b, loc, x, 1.0);
  return binary<SubOp>(b, loc, one, x);
}
} // namespace

ML_UNARY_RULE(ExpOp, result)
ML_UNARY_RULE(LogOp, over(b, loc, 1.0, operand))
ML_UNARY_RULE(Log1pOp, over(b, loc, 1.0, onePlus(b, loc, operand)))
ML_UNARY_RULE(TanhOp, oneMinus(b, loc, square(b, loc, result)))
ML_UNARY_RULE(SqrtOp, over(b, loc, 0.5, result))
// d x^-1/2 = -1/2 x^-3/2 = -1/2 rsqrt(x) / x.
ML_UNARY_RULE(RsqrtOp, binary<DivOp>(b, loc, times(b, loc, result, -0.5),
                                     operand))
ML_UNARY_RULE(SinOp, unary<CosOp>(b, loc, operand))
ML_UNARY_RULE(CosOp, unary<NegOp>(b, loc, unary<SinOp>(b, loc, operand)))
ML_ZERO_TANGENT(FloorOp)
ML_ZERO_TANGENT(CeilOp)
ML_ZERO_TANGENT(TruncOp)
ML_ZERO_TANGENT(RintOp)
ML_UNARY_RULE(Expm1Op, onePlus(b, loc, result))
ML_UNARY_RULE(Exp2Op, times(b, loc, result, M_LN2))
ML_UNARY_RULE(Log2Op, over(b, loc, 1.0, times(b, loc, operand, M_LN2)))
ML_UNARY_RULE(Log10Op, over(b, loc, 1.0, times(b, loc, operand, M_LN10)))
// 1/3 x^-2/3 = 1/3 / cbrt(x)^2.
ML_UNARY_RULE(CbrtOp, over(b, loc, 1.0 / 3.0, square(b, loc, result)))
ML_UNARY_RULE(TanOp, onePlus(b, loc, square(b, loc, result)))
ML_UNARY_RULE(AsinOp, unary<RsqrtOp>(b, loc, oneMinus(b, loc, square(b, loc, operand))))
ML_UNARY_RULE(AcosOp,
              unary<NegOp>(b, loc, unary<RsqrtOp>(b, loc, oneMinus(b, loc, square(b, loc, operand)))))
ML_UNARY_RULE(AtanOp, over(b, loc, 1.0, onePlus(b, loc, square(b, loc, operand))))
ML_UNARY_RULE(SinhOp, unary<CoshOp>(b, loc, operand))
ML_UNARY_RULE(CoshOp, unary<SinhOp>(b, loc, operand))

#undef ML_UNARY_RULE

// Complex operands never carry tangents (see CastOp).
ML_ZERO_TANGENT(ConjOp)
ML_ZERO_TANGENT(RealOp)
ML_ZERO_TANGENT(ImagOp)
ML_ZERO_TANGENT(ComplexAbsOp)

// atan2(y, x): d = (x dy - y dx) / (x^2 + y^2).
LogicalResult Atan2Op::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value y = getLhs(), x = getRhs();
  if (!t[0] && !t[1]) {
    results.push_back({});
    return success();
  }
  Value xx = square(b, loc, x);
  Value norm = binary<AddOp>(b, loc, xx, square(b, loc, y));
  Value fromY = scaled(b, loc, t[0], [&] { return binary<DivOp>(b, loc, x, norm); });
  Value fromX = scaled(b, loc, t[1], [&] {
    return binary<DivOp>(b, loc, unary<NegOp>(b, loc, y), norm);
  });
  results.push_back(plus(b, loc, fromY, fromX));
  return success();
}

// Integers and booleans only.
ML_ZERO_TANGENT(AndOp)
ML_ZERO_TANGENT(OrOp)
ML_ZERO_TANGENT(XorOp)
ML_ZERO_TANGENT(ShiftLeftOp)
ML_ZERO_TANGENT(ShiftRightOp)

//===----------------------------------------------------------------------===//
// Comparison, selection and conversion
//===----------------------------------------------------------------------===//

ML_ZERO_TANGENT(CompareOp)

LogicalResult SelectOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                 SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {1, 2}));
  return success();
}

// Float to float: the tangent converted; to or from integers: none. Complex
// values have no tangents, so a float's cannot flow into one: refused rather
// than dropped (which would make the derivative silently zero).
LogicalResult CastOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                               SmallVectorImpl<Value> &results) {
  if (t[0] && isa<ComplexType>(getType().getElementType()))
    return emitOpError("cannot differentiate through complex numbers (a "
                       "float with a tangent converted to ")
           << getType().getElementType() << ")";
  bool floats = isDifferentiable(getOperand().getType()) &&
                isDifferentiable(getResult().getType());
  results.push_back(floats ? sameOpOnTangents(b, *this, t, {0}) : Value());
  return success();
}

//===----------------------------------------------------------------------===//
// Shape ops: linear in their tensor operands
//===----------------------------------------------------------------------===//

LogicalResult BroadcastOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                    SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0}));
  return success();
}

LogicalResult ReshapeOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                  SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0}));
  return success();
}

ML_ZERO_TANGENT(IotaOp)

LogicalResult TransposeOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                    SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0}));
  return success();
}

LogicalResult SliceOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0}));
  return success();
}

LogicalResult GatherOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                 SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0}));
  return success();
}

LogicalResult UpdateSliceOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                      SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0, 1}));
  return success();
}

LogicalResult DynamicSliceOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                       SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0}));
  return success();
}

LogicalResult DynamicUpdateSliceOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                             SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0, 1}));
  return success();
}

// Written (or, accumulating, added) slices: linear in the operand and the
// updates alike.
LogicalResult ScatterOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                  SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0, 2}));
  return success();
}

LogicalResult ConcatenateOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                      SmallVectorImpl<Value> &results) {
  SmallVector<unsigned> all(getNumOperands());
  for (unsigned i = 0; i < all.size(); ++i)
    all[i] = i;
  results.push_back(sameOpOnTangents(b, *this, t, all));
  return success();
}

//===----------------------------------------------------------------------===//
// Contractions and reductions
//===----------------------------------------------------------------------===//

// d(AB) = dA B + A dB.
LogicalResult MatmulOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                 SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Type type = getResult().getType();
  Value fromLhs =
      t[0] ? Value(MatmulOp::create(b, loc, type, t[0], getRhs())) : Value();
  Value fromRhs =
      t[1] ? Value(MatmulOp::create(b, loc, type, getLhs(), t[1])) : Value();
  results.push_back(plus(b, loc, fromLhs, fromRhs));
  return success();
}

// Sums: the tangents summed. Max and min: the tangent where the operand
// equals the result, shared evenly between ties (JAX's chooser rule).
// Products: not yet (a zero element needs products of the others).
LogicalResult ReduceOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                 SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  if (!t[0]) {
    results.push_back({});
    return success();
  }
  switch (getKind()) {
  case ReduceKind::Sum:
    results.push_back(sameOpOnTangents(b, *this, t, {0}));
    return success();
  case ReduceKind::Max:
  case ReduceKind::Min: {
    Value operand = getOperand();
    Value chosen = compared(b, loc, ComparisonDirection::EQ, operand,
                            broadcastBack(b, loc, *this, getResult()));
    Value ones = indicator(b, loc, chosen, operand);
    auto sum = [&](Value x) {
      return ReduceOp::create(b, loc, getResult().getType(), ReduceKind::Sum, x,
                              getAxes(), getKeepdims());
    };
    Value counts = sum(ones);
    results.push_back(binary<DivOp>(
        b, loc, sum(binary<MulOp>(b, loc, t[0], ones)), counts));
    return success();
  }
  case ReduceKind::Prod:
    return emitOpError("has no derivative yet: products (`reduce prod`) are "
                       "not differentiable");
  }
  llvm_unreachable("unknown reduction");
}

LogicalResult CumsumOp::buildJVP(OpBuilder &b, ArrayRef<Value> t,
                                 SmallVectorImpl<Value> &results) {
  results.push_back(sameOpOnTangents(b, *this, t, {0}));
  return success();
}

ML_ZERO_TANGENT(ArgMaxOp)
ML_ZERO_TANGENT(ArgMinOp)

#undef ML_ZERO_TANGENT

//===----------------------------------------------------------------------===//
// Transpose rules of the linear ops: the cotangent of the result, sent back
// to the operands the map is linear in (`linear`); null for the others.
//===----------------------------------------------------------------------===//

namespace {

/// `x` summed down to `like`'s shape, which broadcasts to `x`'s by NumPy's
/// rules: over the leading dimensions `like` lacks and those it stretches
/// from 1.
Value sumTo(OpBuilder &b, Location loc, Value x, Value like) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto likeType = cast<RankedTensorType>(like.getType());
  if (xType == likeType)
    return x;
  int64_t extra = xType.getRank() - likeType.getRank();
  SmallVector<int64_t> axes;
  SmallVector<int64_t> kept(xType.getShape());
  for (int64_t d = 0; d < xType.getRank(); ++d)
    if (d < extra || (likeType.getDimSize(d - extra) == 1 &&
                      xType.getDimSize(d) != 1)) {
      axes.push_back(d);
      kept[d] = 1;
    }
  if (!axes.empty())
    x = ReduceOp::create(b, loc, xType.clone(kept), ReduceKind::Sum, x, axes,
                         /*keepdims=*/true);
  if (x.getType() == likeType)
    return x;
  return ReshapeOp::create(b, loc, likeType, x, dynamicSizes(b, loc, like));
}

/// `x` with its last two dimensions swapped.
Value swapLastTwo(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> permutation, shape(type.getShape());
  for (int64_t d = 0; d < rank; ++d)
    permutation.push_back(d);
  std::swap(permutation[rank - 1], permutation[rank - 2]);
  std::swap(shape[rank - 1], shape[rank - 2]);
  return TransposeOp::create(b, loc, type.clone(shape), x, permutation);
}

/// The product `x @ y` of the cotangent and a primal value, with the batch
/// dimensions of `resultType` (the forward product's).
Value product(OpBuilder &b, Location loc, Value x, Value y,
              RankedTensorType resultType) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto yType = cast<RankedTensorType>(y.getType());
  SmallVector<int64_t> shape(resultType.getShape().drop_back(2));
  shape.push_back(xType.getDimSize(xType.getRank() - 2));
  shape.push_back(yType.getDimSize(yType.getRank() - 1));
  return MatmulOp::create(b, loc, resultType.clone(shape), x, y);
}

} // namespace

LogicalResult AddOp::buildTranspose(OpBuilder &, Value ct, ArrayRef<bool> linear,
                                    SmallVectorImpl<Value> &results) {
  results.push_back(linear[0] ? ct : Value());
  results.push_back(linear[1] ? ct : Value());
  return success();
}

LogicalResult SubOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool> linear,
                                    SmallVectorImpl<Value> &results) {
  results.push_back(linear[0] ? ct : Value());
  results.push_back(linear[1] ? negated(b, getLoc(), ct) : Value());
  return success();
}

LogicalResult MulOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool> linear,
                                    SmallVectorImpl<Value> &results) {
  assert(!(linear[0] && linear[1]) && "JVP rules multiply a tangent by a "
                                       "primal value only");
  Location loc = getLoc();
  results.push_back(linear[0] ? binary<MulOp>(b, loc, ct, getRhs()) : Value());
  results.push_back(linear[1] ? binary<MulOp>(b, loc, ct, getLhs()) : Value());
  return success();
}

LogicalResult DivOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool> linear,
                                    SmallVectorImpl<Value> &results) {
  assert(!linear[1] && "JVP rules divide by primal values only");
  results.push_back(linear[0] ? binary<DivOp>(b, getLoc(), ct, getRhs()) : Value());
  results.push_back({});
  return success();
}

LogicalResult NegOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool>,
                                    SmallVectorImpl<Value> &results) {
  results.push_back(negated(b, getLoc(), ct));
  return success();
}

LogicalResult SelectOp::buildTranspose(OpBuilder &b, Value ct,
                                       ArrayRef<bool> linear,
                                       SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  results.push_back({});
  Value zero = linear[1] || linear[2] ? filled(b, loc, ct, 0) : Value();
  results.push_back(linear[1] ? Value(SelectOp::create(b, loc, ct.getType(),
                                                       getCondition(), ct, zero))
                              : Value());
  results.push_back(linear[2] ? Value(SelectOp::create(b, loc, ct.getType(),
                                                       getCondition(), zero, ct))
                              : Value());
  return success();
}

LogicalResult CastOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool>,
                                     SmallVectorImpl<Value> &results) {
  assert(isDifferentiable(getOperand().getType()) &&
         "only float-to-float casts carry tangents");
  results.push_back(CastOp::create(b, getLoc(), getOperand().getType(), ct));
  return success();
}

LogicalResult BroadcastOp::buildTranspose(OpBuilder &b, Value ct,
                                          ArrayRef<bool> linear,
                                          SmallVectorImpl<Value> &results) {
  results.push_back(sumTo(b, getLoc(), ct, getOperand()));
  results.append(getDims().size(), Value());
  return success();
}

LogicalResult ReshapeOp::buildTranspose(OpBuilder &b, Value ct,
                                        ArrayRef<bool> linear,
                                        SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  results.push_back(ReshapeOp::create(b, loc, getOperand().getType(), ct,
                                      dynamicSizes(b, loc, getOperand())));
  results.append(getDims().size(), Value());
  return success();
}

LogicalResult TransposeOp::buildTranspose(OpBuilder &b, Value ct,
                                          ArrayRef<bool>,
                                          SmallVectorImpl<Value> &results) {
  ArrayRef<int64_t> permutation = getPermutation();
  SmallVector<int64_t> inverse(permutation.size());
  for (auto [to, from] : llvm::enumerate(permutation))
    inverse[from] = to;
  results.push_back(TransposeOp::create(b, getLoc(), getOperand().getType(), ct,
                                        inverse));
  return success();
}

// Into zeros at the slice; a backwards slice writes the reversed cotangent
// through the ascending one (update_slice takes positive strides).
LogicalResult SliceOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool>,
                                      SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  auto ctType = cast<RankedTensorType>(ct.getType());
  SmallVector<int64_t> start(getStart()), limit(getLimit()), stride(getStride());
  SmallVector<int64_t> flipStart, flipLimit, flipStride;
  bool backwards = false;
  for (int64_t d = 0; d < ctType.getRank(); ++d) {
    int64_t count = ctType.getDimSize(d);
    bool reversed = stride[d] < 0;
    backwards |= reversed;
    flipStart.push_back(reversed ? count - 1 : 0);
    flipLimit.push_back(reversed ? -1 : count);
    flipStride.push_back(reversed ? -1 : 1);
    if (reversed) {
      int64_t last = start[d] + stride[d] * (count - 1);
      limit[d] = start[d] + 1;
      start[d] = last;
      stride[d] = -stride[d];
    }
  }
  if (backwards)
    ct = SliceOp::create(b, loc, ctType, ct, flipStart, flipLimit, flipStride);
  Value zeros = filled(b, loc, getOperand(), 0);
  results.push_back(UpdateSliceOp::create(b, loc, zeros.getType(), zeros, ct,
                                          start, limit, stride));
  return success();
}

// Added back at the gathered indices (repeated ones accumulate).
LogicalResult GatherOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool>,
                                       SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value zeros = filled(b, loc, getOperand(), 0);
  results.push_back(ScatterOp::create(b, loc, zeros.getType(), zeros,
                                      getIndices(), ct, getAxis(),
                                      /*accumulate=*/true));
  results.push_back({});
  return success();
}

LogicalResult UpdateSliceOp::buildTranspose(OpBuilder &b, Value ct,
                                            ArrayRef<bool> linear,
                                            SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  if (linear[0]) {
    Value zeros = filled(b, loc, getUpdate(), 0);
    results.push_back(UpdateSliceOp::create(b, loc, ct.getType(), ct, zeros,
                                            getStart(), getLimit(), getStride()));
  } else {
    results.push_back({});
  }
  results.push_back(linear[1] ? Value(SliceOp::create(
                                    b, loc, getUpdate().getType(), ct,
                                    getStart(), getLimit(), getStride()))
                              : Value());
  return success();
}

LogicalResult DynamicSliceOp::buildTranspose(OpBuilder &b, Value ct,
                                             ArrayRef<bool>,
                                             SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value zeros = filled(b, loc, getOperand(), 0);
  results.push_back(DynamicUpdateSliceOp::create(b, loc, zeros.getType(), zeros,
                                                 ct, getStarts()));
  results.append(getStarts().size() + getDims().size(), Value());
  return success();
}

LogicalResult DynamicUpdateSliceOp::buildTranspose(
    OpBuilder &b, Value ct, ArrayRef<bool> linear,
    SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  if (linear[0]) {
    Value zeros = filled(b, loc, getUpdate(), 0);
    results.push_back(DynamicUpdateSliceOp::create(b, loc, ct.getType(), ct,
                                                   zeros, getStarts()));
  } else {
    results.push_back({});
  }
  results.push_back(
      linear[1] ? Value(DynamicSliceOp::create(
                      b, loc, getUpdate().getType(), ct, getStarts(),
                      dynamicSizes(b, loc, getUpdate())))
                : Value());
  results.append(getStarts().size(), Value());
  return success();
}

// Accumulating: the cotangent reaches the operand whole and each update at
// its indices. Overwriting (x[idx] = u) hides what a later repeated index
// overwrote, which the indices alone do not tell: not yet.
LogicalResult ScatterOp::buildTranspose(OpBuilder &b, Value ct,
                                        ArrayRef<bool> linear,
                                        SmallVectorImpl<Value> &results) {
  if (!getAccumulate())
    return emitOpError("has no transpose yet: an overwriting scatter "
                       "(x[idx] = u) may repeat indices");
  Location loc = getLoc();
  results.push_back(linear[0] ? ct : Value());
  results.push_back({});
  results.push_back(linear[2] ? Value(GatherOp::create(
                                    b, loc, getUpdates().getType(), ct,
                                    getIndices(), getAxis()))
                              : Value());
  return success();
}

// Each input's part of the cotangent, sliced along the joined dimension.
LogicalResult ConcatenateOp::buildTranspose(OpBuilder &b, Value ct,
                                            ArrayRef<bool> linear,
                                            SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  int64_t dim = getDimension();
  int64_t offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    assert(!type.isDynamicDim(dim) && "ml-vjp takes static shapes");
    if (linear[i]) {
      SmallVector<int64_t> start(type.getRank(), 0), limit, stride(type.getRank(), 1);
      for (int64_t d = 0; d < type.getRank(); ++d)
        limit.push_back(type.getDimSize(d));
      start[dim] = offset;
      limit[dim] = offset + type.getDimSize(dim);
      results.push_back(SliceOp::create(b, loc, type, ct, start, limit, stride));
    } else {
      results.push_back({});
    }
    offset += type.getDimSize(dim);
  }
  return success();
}

// C = A B: dA = dC B^T, dB = A^T dC, each summed over the batch dimensions
// its operand was broadcast along.
LogicalResult MatmulOp::buildTranspose(OpBuilder &b, Value ct,
                                       ArrayRef<bool> linear,
                                       SmallVectorImpl<Value> &results) {
  assert(!(linear[0] && linear[1]) && "JVP rules multiply a tangent by a "
                                       "primal value only");
  Location loc = getLoc();
  auto type = cast<RankedTensorType>(getResult().getType());
  if (linear[0]) {
    Value rhsT = swapLastTwo(b, loc, getRhs());
    results.push_back(sumTo(b, loc, product(b, loc, ct, rhsT, type), getLhs()));
  } else {
    results.push_back({});
  }
  if (linear[1]) {
    Value lhsT = swapLastTwo(b, loc, getLhs());
    results.push_back(sumTo(b, loc, product(b, loc, lhsT, ct, type), getRhs()));
  } else {
    results.push_back({});
  }
  return success();
}

LogicalResult ReduceOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool>,
                                       SmallVectorImpl<Value> &results) {
  assert(getKind() == ReduceKind::Sum && "JVP rules reduce tangents by sums");
  results.push_back(broadcastBack(b, getLoc(), *this, ct));
  return success();
}

// Running sums from the end: the cotangent reversed, summed, reversed.
LogicalResult CumsumOp::buildTranspose(OpBuilder &b, Value ct, ArrayRef<bool>,
                                       SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  auto type = cast<RankedTensorType>(ct.getType());
  int64_t axis = getAxis();
  assert(!type.isDynamicDim(axis) && "ml-vjp takes static shapes");
  SmallVector<int64_t> start(type.getRank(), 0), limit(type.getShape()),
      stride(type.getRank(), 1);
  start[axis] = type.getDimSize(axis) - 1;
  limit[axis] = -1;
  stride[axis] = -1;
  auto reversed = [&](Value x) {
    return Value(SliceOp::create(b, loc, type, x, start, limit, stride));
  };
  Value sums = CumsumOp::create(b, loc, type, reversed(ct), axis);
  results.push_back(reversed(sums));
  return success();
}
