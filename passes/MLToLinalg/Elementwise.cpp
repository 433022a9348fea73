//===- Elementwise.cpp - elementwise ml ops to linalg.generic ------------===//
//
// Each elementwise op becomes a linalg.generic whose body computes one
// element. The bodies spell out NumPy's scalar semantics, including the cases
// where LLVM's instructions differ: integer division by zero (which traps in
// hardware), Python's floored division and modulo, NaN in maximum/minimum.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/MLToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APInt.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::ml;

namespace {

bool isNarrowFloat(Type type) {
  return type.isF16() || type.isBF16() ||
         isa<Float8E4M3FNType, Float8E5M2Type>(type);
}

/// Scalar arithmetic helpers bound to one builder and location, and to the
/// signedness of the integers the op computes on (unsigned ones arrive as
/// signless values).
struct Scalar {
  OpBuilder &b;
  Location loc;
  bool isUnsigned = false;

  static bool isFloat(Value v) { return isa<FloatType>(v.getType()); }
  static bool isComplex(Value v) { return isa<ComplexType>(v.getType()); }
  static bool isBool(Value v) { return v.getType().isInteger(1); }

  Value constant(Type type, double value) {
    if (auto floatType = dyn_cast<FloatType>(type))
      return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
    return arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
  }
  Value intMin(Type type) {
    return arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(type, APInt::getSignedMinValue(
                                   type.getIntOrFloatBitWidth())));
  }
  Value cmpf(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value cmpi(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value andi(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value ori(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value xori(Value x, Value y) { return arith::XOrIOp::create(b, loc, x, y); }
  Value re(Value z) { return complex::ReOp::create(b, loc, z); }
  Value complexConstant(Type type, double real, double imag) {
    Type part = cast<ComplexType>(type).getElementType();
    return complex::ConstantOp::create(
        b, loc, type,
        b.getArrayAttr({b.getFloatAttr(part, real), b.getFloatAttr(part, imag)}));
  }
  Value isComplexZero(Value z) {
    Value zero = constant(cast<ComplexType>(z.getType()).getElementType(), 0);
    Value realZero = cmpf(arith::CmpFPredicate::OEQ, re(z), zero);
    return andi(realZero, cmpf(arith::CmpFPredicate::OEQ, im(z), zero));
  }
  Value im(Value z) { return complex::ImOp::create(b, loc, z); }

  /// NumPy's order of complex numbers: lexicographic, real parts first. A
  /// NaN part makes every ordering false (and `ne` true), as NumPy's CLT,
  /// CLE, CGT and CGE do.
  Value compareComplex(ComparisonDirection direction, Value x, Value y) {
    using P = arith::CmpFPredicate;
    Value xr = re(x), xi = im(x), yr = re(y), yi = im(y);
    if (direction == ComparisonDirection::EQ) {
      Value realsEqual = cmpf(P::OEQ, xr, yr);
      return andi(realsEqual, cmpf(P::OEQ, xi, yi));
    }
    if (direction == ComparisonDirection::NE) {
      Value realsDiffer = cmpf(P::UNE, xr, yr);
      return ori(realsDiffer, cmpf(P::UNE, xi, yi));
    }
    bool below = direction == ComparisonDirection::LT ||
                 direction == ComparisonDirection::LE;
    P imagPredicate = direction == ComparisonDirection::LT   ? P::OLT
                      : direction == ComparisonDirection::LE ? P::OLE
                      : direction == ComparisonDirection::GT ? P::OGT
                                                             : P::OGE;
    Value realsOrdered = cmpf(below ? P::OLT : P::OGT, xr, yr);
    Value imagsNumbers = cmpf(P::ORD, xi, yi);
    Value byReal = andi(realsOrdered, imagsNumbers);
    Value realsEqual = cmpf(P::OEQ, xr, yr);
    Value byImag = andi(realsEqual, cmpf(imagPredicate, xi, yi));
    return ori(byReal, byImag);
  }

  /// NumPy's complex maximum/minimum: `x` if it has a NaN part or is at
  /// least (at most) `y`, else `y`.
  Value complexExtreme(bool isMax, Value x, Value y) {
    using P = arith::CmpFPredicate;
    Value xr = re(x), xi = im(x);
    Value realIsNan = cmpf(P::UNO, xr, xr);
    Value imagIsNan = cmpf(P::UNO, xi, xi);
    Value ordered = compareComplex(
        isMax ? ComparisonDirection::GE : ComparisonDirection::LE, x, y);
    Value pickX = ori(ori(realIsNan, imagIsNan), ordered);
    return select(pickX, x, y);
  }

  /// Whether a truncated remainder `rem` is one `divisor` off floor
  /// semantics (Python's and NumPy's): it is non-zero and its sign differs
  /// from the divisor's.
  Value offFloor(Value rem, Value divisor) {
    // Named steps: the ops are created in this order whatever the compiler's
    // order of argument evaluation.
    using F = arith::CmpFPredicate;
    using I = arith::CmpIPredicate;
    bool flt = isFloat(rem);
    Value zero = constant(rem.getType(), 0);
    auto negative = [&](Value v) {
      return flt ? cmpf(F::OLT, v, zero) : cmpi(I::slt, v, zero);
    };
    Value remNegative = negative(rem);
    Value divisorNegative = negative(divisor);
    Value signsDiffer = xori(remNegative, divisorNegative);
    Value remNonZero = flt ? cmpf(F::UNE, rem, zero) : cmpi(I::ne, rem, zero);
    return andi(remNonZero, signsDiffer);
  }

  Value addf(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value subf(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value addi(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value muli(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  /// Whether the sign bit of float `y` is set (-0.0 and -NaN included).
  Value signBit(Value y) {
    Type bitsType = b.getIntegerType(cast<FloatType>(y.getType()).getWidth());
    Value bits = arith::BitcastOp::create(b, loc, bitsType, y);
    return cmpi(arith::CmpIPredicate::slt, bits, constant(bitsType, 0));
  }
  /// 0.0 with the sign bit of `y` (copysign(0, y) without math.copysign,
  /// which convert-math-to-libm rejects).
  Value signedZero(Value y) {
    Type type = y.getType();
    return select(signBit(y), constant(type, -0.0), constant(type, 0.0));
  }

  /// NumPy's integer-division guard: the divisor to use so that neither a
  /// zero divisor nor INT_MIN / -1 can trap, and whether `rhs` was zero.
  std::pair<Value, Value> safeDivisor(Value lhs, Value rhs) {
    Type type = rhs.getType();
    Value zero = constant(type, 0), one = constant(type, 1);
    Value minusOne = constant(type, -1), min = intMin(type);
    Value isZero = cmpi(arith::CmpIPredicate::eq, rhs, zero);
    Value lhsIsMin = cmpi(arith::CmpIPredicate::eq, lhs, min);
    Value rhsIsMinusOne = cmpi(arith::CmpIPredicate::eq, rhs, minusOne);
    Value overflows = andi(lhsIsMin, rhsIsMinusOne);
    Value unsafe = ori(isZero, overflows);
    return {select(unsafe, one, rhs), isZero};
  }

  /// Unsigned `x / y` or `x % y` (DivOp: arith.divui or remui), 0 where y
  /// is 0, as NumPy gives.
  template <typename DivOp>
  Value unsignedDivision(Value x, Value y) {
    Type type = y.getType();
    Value zero = constant(type, 0), one = constant(type, 1);
    Value isZero = cmpi(arith::CmpIPredicate::eq, y, zero);
    Value divisor = select(isZero, one, y);
    Value result = DivOp::create(b, loc, x, divisor);
    return select(isZero, zero, result);
  }
};

//===----------------------------------------------------------------------===//
// Scalar semantics, one function per op. Float arguments arrive widened to
// computeType(); the pattern rounds the result back. Ops are created in
// statement order so the IR is the same whatever the C++ compiler.
//===----------------------------------------------------------------------===//

Value lowerScalar(AddOp, Scalar &s, ValueRange a) {
  if (Scalar::isComplex(a[0]))
    return complex::AddOp::create(s.b, s.loc, a[0], a[1]);
  return Scalar::isFloat(a[0]) ? s.addf(a[0], a[1]) : s.addi(a[0], a[1]);
}

Value lowerScalar(SubOp, Scalar &s, ValueRange a) {
  if (Scalar::isComplex(a[0]))
    return complex::SubOp::create(s.b, s.loc, a[0], a[1]);
  if (Scalar::isFloat(a[0]))
    return s.subf(a[0], a[1]);
  return arith::SubIOp::create(s.b, s.loc, a[0], a[1]);
}

Value lowerScalar(MulOp, Scalar &s, ValueRange a) {
  if (Scalar::isComplex(a[0]))
    return complex::MulOp::create(s.b, s.loc, a[0], a[1]);
  if (Scalar::isFloat(a[0]))
    return arith::MulFOp::create(s.b, s.loc, a[0], a[1]);
  return s.muli(a[0], a[1]);
}

// Complex division by Smith's algorithm (complex-to-standard's), as NumPy.
Value lowerScalar(DivOp, Scalar &s, ValueRange a) {
  if (Scalar::isComplex(a[0]))
    return complex::DivOp::create(s.b, s.loc, a[0], a[1]);
  return arith::DivFOp::create(s.b, s.loc, a[0], a[1]);
}

// NumPy's npy_divmod: mod = fmod(a, b), corrected towards the divisor's sign;
// div = (a - mod) / b rounded to the nearest integer of its floor.
Value lowerScalar(FloorDivOp, Scalar &s, ValueRange a) {
  Value x = a[0], y = a[1];
  if (!Scalar::isFloat(x) && s.isUnsigned)
    return s.unsignedDivision<arith::DivUIOp>(x, y);
  if (!Scalar::isFloat(x)) {
    // Truncating division, one less when the remainder and the divisor
    // differ in sign (what arith.floordivsi means, spelled out so no
    // arith-expand is needed).
    auto [divisor, isZero] = s.safeDivisor(x, y);
    Value zero = s.constant(x.getType(), 0), one = s.constant(x.getType(), 1);
    Value quotient = arith::DivSIOp::create(s.b, s.loc, x, divisor);
    Value rem = arith::RemSIOp::create(s.b, s.loc, x, divisor);
    Value adjust = s.offFloor(rem, divisor);
    Value lower = arith::SubIOp::create(s.b, s.loc, quotient, one);
    quotient = s.select(adjust, lower, quotient);
    return s.select(isZero, zero, quotient);
  }
  using P = arith::CmpFPredicate;
  Type type = x.getType();
  Value zero = s.constant(type, 0), one = s.constant(type, 1);
  Value half = s.constant(type, 0.5);
  Value mod = arith::RemFOp::create(s.b, s.loc, x, y);
  Value plain = arith::DivFOp::create(s.b, s.loc, x, y);
  Value difference = s.subf(x, mod);
  Value div = arith::DivFOp::create(s.b, s.loc, difference, y);
  Value adjust = s.offFloor(mod, y);
  Value divMinusOne = s.subf(div, one);
  div = s.select(adjust, divMinusOne, div);
  Value floor = math::FloorOp::create(s.b, s.loc, div);
  Value fraction = s.subf(div, floor);
  Value roundUp = s.cmpf(P::OGT, fraction, half);
  Value floorPlusOne = s.addf(floor, one);
  floor = s.select(roundUp, floorPlusOne, floor);
  Value divNonZero = s.cmpf(P::UNE, div, zero);
  Value signedZero = s.signedZero(plain);
  Value result = s.select(divNonZero, floor, signedZero);
  Value yZero = s.cmpf(P::OEQ, y, zero);
  return s.select(yZero, plain, result);
}

Value lowerScalar(RemOp, Scalar &s, ValueRange a) {
  Value x = a[0], y = a[1];
  Type type = x.getType();
  Value zero = s.constant(type, 0);
  if (!Scalar::isFloat(x) && s.isUnsigned)
    return s.unsignedDivision<arith::RemUIOp>(x, y);
  if (!Scalar::isFloat(x)) {
    auto [divisor, isZero] = s.safeDivisor(x, y);
    Value rem = arith::RemSIOp::create(s.b, s.loc, x, divisor);
    Value adjust = s.offFloor(rem, divisor);
    Value adjusted = s.addi(rem, divisor);
    rem = s.select(adjust, adjusted, rem);
    return s.select(isZero, zero, rem);
  }
  using P = arith::CmpFPredicate;
  Value mod = arith::RemFOp::create(s.b, s.loc, x, y);
  Value nonZero = s.cmpf(P::UNE, mod, zero);
  Value adjust = s.offFloor(mod, y);
  Value modPlusY = s.addf(mod, y);
  Value adjusted = s.select(adjust, modPlusY, mod);
  Value signedZero = s.signedZero(y);
  Value result = s.select(nonZero, adjusted, signedZero);
  Value yZero = s.cmpf(P::OEQ, y, zero);
  return s.select(yZero, mod, result);
}

// Integer power by squaring; a negative exponent gives the truncated value of
// the real power (0 unless the base is 1 or -1) instead of NumPy's error.
Value lowerScalar(PowOp, Scalar &s, ValueRange a) {
  Value base = a[0], exponent = a[1];
  if (Scalar::isComplex(base)) {
    // NumPy's npy_cpow: x ** 0 is 1; 0 ** y is 0 where Re y > 0, else NaN;
    // otherwise exp(y log x).
    Type type = base.getType();
    Value power = complex::PowOp::create(s.b, s.loc, base, exponent);
    Value zero = s.constant(cast<ComplexType>(type).getElementType(), 0);
    Value positive = s.cmpf(arith::CmpFPredicate::OGT, s.re(exponent), zero);
    Value complexZero = s.complexConstant(type, 0, 0);
    Value complexNan = s.complexConstant(type, std::nan(""), std::nan(""));
    Value ofZero = s.select(positive, complexZero, complexNan);
    Value result = s.select(s.isComplexZero(base), ofZero, power);
    Value complexOne = s.complexConstant(type, 1, 0);
    return s.select(s.isComplexZero(exponent), complexOne, result);
  }
  if (Scalar::isFloat(base))
    return math::PowFOp::create(s.b, s.loc, base, exponent);
  using P = arith::CmpIPredicate;
  Type type = base.getType();
  Value zero = s.constant(type, 0), one = s.constant(type, 1);
  Value minusOne = s.constant(type, -1);
  Value negative = s.isUnsigned ? s.constant(s.b.getI1Type(), 0)
                                : s.cmpi(P::slt, exponent, zero);
  Value loopExponent = s.select(negative, zero, exponent);
  auto loop = scf::WhileOp::create(
      s.b, s.loc, TypeRange{type, type, type},
      ValueRange{one, base, loopExponent},
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value more = arith::CmpIOp::create(b, loc, P::ne, args[2], zero);
        scf::ConditionOp::create(b, loc, more, args);
      },
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Scalar inner{b, loc};
        Value lowBit = inner.andi(args[2], one);
        Value odd = inner.cmpi(P::ne, lowBit, zero);
        Value product = inner.muli(args[0], args[1]);
        Value result = inner.select(odd, product, args[0]);
        Value square = inner.muli(args[1], args[1]);
        Value half = arith::ShRUIOp::create(b, loc, args[2], one);
        scf::YieldOp::create(b, loc, ValueRange{result, square, half});
      });
  Value exponentBit = s.andi(exponent, one);
  Value oddExponent = s.cmpi(P::ne, exponentBit, zero);
  Value minusOnePower = s.select(oddExponent, minusOne, one);
  Value baseIsMinusOne = s.cmpi(P::eq, base, minusOne);
  Value otherwise = s.select(baseIsMinusOne, minusOnePower, zero);
  Value baseIsOne = s.cmpi(P::eq, base, one);
  Value fraction = s.select(baseIsOne, one, otherwise);
  return s.select(negative, fraction, loop.getResult(0));
}

// NumPy: maximum(a, b) = (a > b || isnan(a)) ? a : b, which also fixes which
// zero wins (maximum(-0.0, 0.0) is 0.0, maximum(0.0, -0.0) is -0.0); i1
// compares unsigned.
Value lowerScalar(MaximumOp, Scalar &s, ValueRange a) {
  Value x = a[0], y = a[1];
  if (Scalar::isComplex(x))
    return s.complexExtreme(/*isMax=*/true, x, y);
  if (Scalar::isFloat(x)) {
    using P = arith::CmpFPredicate;
    Value greater = s.cmpf(P::OGT, x, y);
    Value xIsNan = s.cmpf(P::UNO, x, x);
    Value pickX = s.ori(greater, xIsNan);
    return s.select(pickX, x, y);
  }
  return Scalar::isBool(x) || s.isUnsigned
             ? arith::MaxUIOp::create(s.b, s.loc, x, y).getResult()
             : arith::MaxSIOp::create(s.b, s.loc, x, y).getResult();
}

Value lowerScalar(MinimumOp, Scalar &s, ValueRange a) {
  Value x = a[0], y = a[1];
  if (Scalar::isComplex(x))
    return s.complexExtreme(/*isMax=*/false, x, y);
  if (Scalar::isFloat(x)) {
    using P = arith::CmpFPredicate;
    Value less = s.cmpf(P::OLT, x, y);
    Value xIsNan = s.cmpf(P::UNO, x, x);
    Value pickX = s.ori(less, xIsNan);
    return s.select(pickX, x, y);
  }
  return Scalar::isBool(x) || s.isUnsigned
             ? arith::MinUIOp::create(s.b, s.loc, x, y).getResult()
             : arith::MinSIOp::create(s.b, s.loc, x, y).getResult();
}

Value lowerScalar(NegOp, Scalar &s, ValueRange a) {
  if (Scalar::isComplex(a[0]))
    return complex::NegOp::create(s.b, s.loc, a[0]);
  if (Scalar::isFloat(a[0]))
    return arith::NegFOp::create(s.b, s.loc, a[0]);
  Value zero = s.constant(a[0].getType(), 0);
  return arith::SubIOp::create(s.b, s.loc, zero, a[0]);
}

// x < 0 ? 0 - x : x (INT_MIN stays INT_MIN, as NumPy). Not math.absi:
// convert-math-to-libm rejects it.
Value lowerScalar(AbsOp, Scalar &s, ValueRange a) {
  Value x = a[0];
  if (Scalar::isFloat(x))
    return math::AbsFOp::create(s.b, s.loc, x);
  if (s.isUnsigned)
    return x;
  Value zero = s.constant(x.getType(), 0);
  Value negative = s.cmpi(arith::CmpIPredicate::slt, x, zero);
  Value negated = arith::SubIOp::create(s.b, s.loc, zero, x);
  return s.select(negative, negated, x);
}

// NumPy: sign(x) = x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x (NaN stays NaN).
Value lowerScalar(SignOp, Scalar &s, ValueRange a) {
  Value x = a[0];
  Type type = x.getType();
  Value zero = s.constant(type, 0), one = s.constant(type, 1);
  Value minusOne = s.constant(type, -1);
  if (Scalar::isFloat(x)) {
    using P = arith::CmpFPredicate;
    Value isZero = s.cmpf(P::OEQ, x, zero);
    Value zeroOrNan = s.select(isZero, zero, x);
    Value isNegative = s.cmpf(P::OLT, x, zero);
    Value notPositive = s.select(isNegative, minusOne, zeroOrNan);
    Value isPositive = s.cmpf(P::OGT, x, zero);
    return s.select(isPositive, one, notPositive);
  }
  using P = arith::CmpIPredicate;
  if (s.isUnsigned)
    return s.select(s.cmpi(P::ne, x, zero), one, zero);
  Value isNegative = s.cmpi(P::slt, x, zero);
  Value notPositive = s.select(isNegative, minusOne, zero);
  Value isPositive = s.cmpi(P::sgt, x, zero);
  return s.select(isPositive, one, notPositive);
}

template <typename MathOp, typename ComplexOp = void>
Value lowerMath(Scalar &s, ValueRange a) {
  if constexpr (!std::is_void_v<ComplexOp>)
    if (Scalar::isComplex(a[0]))
      return ComplexOp::create(s.b, s.loc, a[0]);
  return MathOp::create(s.b, s.loc, a[0]);
}
Value lowerScalar(ExpOp, Scalar &s, ValueRange a) {
  return lowerMath<math::ExpOp, complex::ExpOp>(s, a);
}
Value lowerScalar(LogOp, Scalar &s, ValueRange a) {
  return lowerMath<math::LogOp, complex::LogOp>(s, a);
}
Value lowerScalar(Log1pOp, Scalar &s, ValueRange a) {
  return lowerMath<math::Log1pOp>(s, a);
}
Value lowerScalar(TanhOp, Scalar &s, ValueRange a) {
  return lowerMath<math::TanhOp, complex::TanhOp>(s, a);
}
Value lowerScalar(SqrtOp, Scalar &s, ValueRange a) {
  return lowerMath<math::SqrtOp, complex::SqrtOp>(s, a);
}
Value lowerScalar(SinOp, Scalar &s, ValueRange a) {
  return lowerMath<math::SinOp, complex::SinOp>(s, a);
}
Value lowerScalar(CosOp, Scalar &s, ValueRange a) {
  return lowerMath<math::CosOp, complex::CosOp>(s, a);
}
Value lowerScalar(FloorOp, Scalar &s, ValueRange a) {
  return lowerMath<math::FloorOp>(s, a);
}
Value lowerScalar(CeilOp, Scalar &s, ValueRange a) {
  return lowerMath<math::CeilOp>(s, a);
}
Value lowerScalar(TruncOp, Scalar &s, ValueRange a) {
  return lowerMath<math::TruncOp>(s, a);
}
// NumPy's rint rounds half to even.
Value lowerScalar(RintOp, Scalar &s, ValueRange a) {
  return lowerMath<math::RoundEvenOp>(s, a);
}
Value lowerScalar(Expm1Op, Scalar &s, ValueRange a) {
  return lowerMath<math::ExpM1Op>(s, a);
}
Value lowerScalar(Exp2Op, Scalar &s, ValueRange a) {
  return lowerMath<math::Exp2Op>(s, a);
}
Value lowerScalar(Log2Op, Scalar &s, ValueRange a) {
  return lowerMath<math::Log2Op>(s, a);
}
Value lowerScalar(Log10Op, Scalar &s, ValueRange a) {
  return lowerMath<math::Log10Op>(s, a);
}
Value lowerScalar(CbrtOp, Scalar &s, ValueRange a) {
  return lowerMath<math::CbrtOp>(s, a);
}
Value lowerScalar(TanOp, Scalar &s, ValueRange a) {
  return lowerMath<math::TanOp>(s, a);
}
Value lowerScalar(AsinOp, Scalar &s, ValueRange a) {
  return lowerMath<math::AsinOp>(s, a);
}
Value lowerScalar(AcosOp, Scalar &s, ValueRange a) {
  return lowerMath<math::AcosOp>(s, a);
}
Value lowerScalar(AtanOp, Scalar &s, ValueRange a) {
  return lowerMath<math::AtanOp>(s, a);
}
Value lowerScalar(SinhOp, Scalar &s, ValueRange a) {
  return lowerMath<math::SinhOp>(s, a);
}
Value lowerScalar(CoshOp, Scalar &s, ValueRange a) {
  return lowerMath<math::CoshOp>(s, a);
}
Value lowerScalar(ConjOp, Scalar &s, ValueRange a) {
  return complex::ConjOp::create(s.b, s.loc, a[0]);
}
Value lowerScalar(RealOp, Scalar &s, ValueRange a) { return s.re(a[0]); }
Value lowerScalar(ImagOp, Scalar &s, ValueRange a) { return s.im(a[0]); }
// hypot(re, im), which is +inf where a part is infinite, even with a NaN
// beside it (complex.abs gives NaN there).
Value lowerScalar(ComplexAbsOp, Scalar &s, ValueRange a) {
  Value z = a[0];
  Type part = cast<ComplexType>(z.getType()).getElementType();
  Value infinity = s.constant(part, INFINITY);
  Value realInfinite = s.cmpf(arith::CmpFPredicate::OEQ,
                              math::AbsFOp::create(s.b, s.loc, s.re(z)), infinity);
  Value imagInfinite = s.cmpf(arith::CmpFPredicate::OEQ,
                              math::AbsFOp::create(s.b, s.loc, s.im(z)), infinity);
  Value magnitude = complex::AbsOp::create(s.b, s.loc, z);
  return s.select(s.ori(realInfinite, imagInfinite), infinity, magnitude);
}
// atan2(±0, ±0) is chosen explicitly: ±0 for x = +0, ±π for x = -0 (C's
// and NumPy's answer), where math.atan2's constant folder answers NaN.
Value lowerScalar(Atan2Op, Scalar &s, ValueRange a) {
  Value y = a[0], x = a[1];
  Type type = y.getType();
  Value zero = s.constant(type, 0.0);
  Value bothZero = s.andi(s.cmpf(arith::CmpFPredicate::OEQ, y, zero),
                          s.cmpf(arith::CmpFPredicate::OEQ, x, zero));
  Value angle =
      s.select(s.signBit(x), s.constant(type, llvm::numbers::pi), zero);
  Value negated = arith::NegFOp::create(s.b, s.loc, angle);
  Value onZeros = s.select(s.signBit(y), negated, angle);
  return s.select(bothZero, onZeros,
                  math::Atan2Op::create(s.b, s.loc, y, x));
}

Value lowerScalar(AndOp, Scalar &s, ValueRange a) { return s.andi(a[0], a[1]); }
Value lowerScalar(OrOp, Scalar &s, ValueRange a) { return s.ori(a[0], a[1]); }
Value lowerScalar(XorOp, Scalar &s, ValueRange a) { return s.xori(a[0], a[1]); }

// NumPy: a << b if 0 <= b < width, else 0 (b compared unsigned).
Value lowerScalar(ShiftLeftOp, Scalar &s, ValueRange a) {
  Value x = a[0], amount = a[1];
  Type type = x.getType();
  Value width = s.constant(type, type.getIntOrFloatBitWidth());
  Value inRange = s.cmpi(arith::CmpIPredicate::ult, amount, width);
  Value zero = s.constant(type, 0);
  Value safe = s.select(inRange, amount, zero);
  Value shifted = arith::ShLIOp::create(s.b, s.loc, x, safe);
  return s.select(inRange, shifted, zero);
}

// NumPy: a >> b if 0 <= b < width, else (a < 0 ? -1 : 0); unsigned a
// shifts in zeros.
Value lowerScalar(ShiftRightOp, Scalar &s, ValueRange a) {
  Value x = a[0], amount = a[1];
  Type type = x.getType();
  Value width = s.constant(type, type.getIntOrFloatBitWidth());
  Value inRange = s.cmpi(arith::CmpIPredicate::ult, amount, width);
  Value zero = s.constant(type, 0), minusOne = s.constant(type, -1);
  Value safe = s.select(inRange, amount, zero);
  if (s.isUnsigned) {
    Value shifted = arith::ShRUIOp::create(s.b, s.loc, x, safe);
    return s.select(inRange, shifted, zero);
  }
  Value shifted = arith::ShRSIOp::create(s.b, s.loc, x, safe);
  Value negative = s.cmpi(arith::CmpIPredicate::slt, x, zero);
  Value saturated = s.select(negative, minusOne, zero);
  return s.select(inRange, shifted, saturated);
}

// 1 / sqrt(x) rounded twice, as NumPy computes it, not an approximation.
Value lowerScalar(RsqrtOp, Scalar &s, ValueRange a) {
  Value one = s.constant(a[0].getType(), 1);
  Value root = math::SqrtOp::create(s.b, s.loc, a[0]);
  return arith::DivFOp::create(s.b, s.loc, one, root);
}

Value lowerScalar(CompareOp op, Scalar &s, ValueRange a) {
  Value x = a[0], y = a[1];
  ComparisonDirection direction = op.getDirection();
  if (Scalar::isComplex(x))
    return s.compareComplex(direction, x, y);
  if (Scalar::isFloat(x)) {
    using P = arith::CmpFPredicate;
    P predicate = P::OEQ;
    switch (direction) {
    case ComparisonDirection::EQ: predicate = P::OEQ; break;
    case ComparisonDirection::NE: predicate = P::UNE; break;
    case ComparisonDirection::LT: predicate = P::OLT; break;
    case ComparisonDirection::LE: predicate = P::OLE; break;
    case ComparisonDirection::GT: predicate = P::OGT; break;
    case ComparisonDirection::GE: predicate = P::OGE; break;
    }
    return s.cmpf(predicate, x, y);
  }
  using P = arith::CmpIPredicate;
  bool isBool = Scalar::isBool(x) || s.isUnsigned;
  P predicate = P::eq;
  switch (direction) {
  case ComparisonDirection::EQ: predicate = P::eq; break;
  case ComparisonDirection::NE: predicate = P::ne; break;
  case ComparisonDirection::LT: predicate = isBool ? P::ult : P::slt; break;
  case ComparisonDirection::LE: predicate = isBool ? P::ule : P::sle; break;
  case ComparisonDirection::GT: predicate = isBool ? P::ugt : P::sgt; break;
  case ComparisonDirection::GE: predicate = isBool ? P::uge : P::sge; break;
  }
  return s.cmpi(predicate, x, y);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Elementwise ops computed on widened floats: f16/bf16 arguments become f32
/// and the result is rounded back once, as NumPy's float16 loops do.
template <typename OpTy>
struct ArithmeticToGeneric : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto storage = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(type));
    Value result = createElementwise(
        rewriter, op.getLoc(), storage, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange elements) {
          Scalar s{b, loc,
                   getElementTypeOrSelf(op->getOperand(0)).isUnsignedInteger()};
          SmallVector<Value> args;
          for (auto [element, operand] :
               llvm::zip_equal(elements, op->getOperands())) {
            Value arg = loadScalar(b, loc, element,
                                   getElementTypeOrSelf(operand.getType()));
            args.push_back(convertScalar(b, loc, arg, computeType(arg.getType())));
          }
          Value value = lowerScalar(op, s, args);
          value = convertScalar(b, loc, value, type.getElementType());
          return storeScalar(b, loc, value);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SelectToGeneric : OpConversionPattern<SelectOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SelectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto storage = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Value result = createElementwise(
        rewriter, op.getLoc(), storage, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value condition = loadScalar(b, loc, a[0], b.getI1Type());
          return arith::SelectOp::create(b, loc, condition, a[1], a[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CastToGeneric : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type from = op.getOperand().getType().getElementType();
    Type to = op.getType().getElementType();
    auto storage = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Value result = createElementwise(
        rewriter, op.getLoc(), storage, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a) {
          Value value = loadScalar(b, loc, a[0], from);
          return storeScalar(b, loc, convertScalar(b, loc, value, to, from));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

/// f64 -> f32 rounded to odd: truncated towards zero with the last bit set
/// when inexact. Rounding that again to a format of 11 or fewer significant
/// bits gives the correctly rounded result, avoiding double rounding.
static Value truncateToOddF32(OpBuilder &b, Location loc, Value value) {
  using P = arith::CmpFPredicate;
  Scalar s{b, loc};
  Type i32 = b.getI32Type();
  Value nearest = arith::TruncFOp::create(b, loc, b.getF32Type(), value);
  Value back = arith::ExtFOp::create(b, loc, b.getF64Type(), nearest);
  Value inexact = s.cmpf(P::ONE, back, value);
  Value backMagnitude = math::AbsFOp::create(b, loc, back);
  Value valueMagnitude = math::AbsFOp::create(b, loc, value);
  Value roundedUp = s.cmpf(P::OGT, backMagnitude, valueMagnitude);
  Value bits = arith::BitcastOp::create(b, loc, i32, nearest);
  Value one = s.constant(i32, 1);
  Value towardZero = arith::SubIOp::create(b, loc, bits, one);
  bits = s.select(roundedUp, towardZero, bits);
  Value odd = s.ori(bits, one);
  bits = s.select(inexact, odd, bits);
  return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
}

Value ml::addElements(OpBuilder &b, Location loc, Value x, Value y) {
  Type type = x.getType();
  Type wide = computeType(type);
  Scalar s{b, loc};
  if (wide == type)
    return lowerScalar(AddOp(), s, {x, y});
  Value wideX = convertScalar(b, loc, x, wide);
  Value wideY = convertScalar(b, loc, y, wide);
  Value sum = s.addf(wideX, wideY);
  return convertScalar(b, loc, sum, type);
}

/// f32 -> bf16 rounded to nearest even with integer ops (LLVM would call
/// compiler-rt's __truncsfbf2 on CPUs without AVX512-BF16); NaN stays NaN.
static Value roundF32ToBF16(OpBuilder &b, Location loc, Value value) {
  Scalar s{b, loc};
  Type i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, loc, i32, value);
  Value sixteen = s.constant(i32, 16), one = s.constant(i32, 1);
  Value high = arith::ShRUIOp::create(b, loc, bits, sixteen);
  Value lowestKept = s.andi(high, one);
  Value bias = s.addi(s.constant(i32, 0x7FFF), lowestKept);
  Value rounded = arith::ShRUIOp::create(b, loc, s.addi(bits, bias), sixteen);
  Value quietNan = s.ori(high, s.constant(i32, 0x40));
  Value isNan = s.cmpf(arith::CmpFPredicate::UNO, value, value);
  Value result = s.select(isNan, quietNan, rounded);
  Value half = arith::TruncIOp::create(b, loc, b.getI16Type(), result);
  return arith::BitcastOp::create(b, loc, b.getBF16Type(), half);
}

namespace {
/// ml_dtypes' 8-bit floats, which LLVM has no type for: their values are
/// i8 bits, converted to and from f32 with integer ops.
struct Float8Format {
  unsigned mantissaBits;
  int bias;
  /// E5M2 has IEEE infinities; E4M3FN has none, and its only NaN is all
  /// ones (S.1111.111).
  bool hasInfinity;
};

std::optional<Float8Format> float8Format(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return Float8Format{3, 7, false};
  if (isa<Float8E5M2Type>(type))
    return Float8Format{2, 15, true};
  return std::nullopt;
}
} // namespace

/// f8 -> f32, exact: normal numbers rebias their exponent, subnormal ones
/// are their mantissa times 2^(1 - bias - mantissa bits).
static Value extendFloat8(OpBuilder &b, Location loc, Value value,
                          Float8Format format) {
  Scalar s{b, loc};
  using P = arith::CmpIPredicate;
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto bitsOf = [&](int64_t v) { return s.constant(i32, double(v)); };
  int mantissa = format.mantissaBits;
  Value byte = arith::BitcastOp::create(b, loc, b.getI8Type(), value);
  Value bits = arith::ExtUIOp::create(b, loc, i32, byte);
  Value signBit = s.andi(bits, bitsOf(0x80));
  Value sign = arith::ShLIOp::create(b, loc, signBit, bitsOf(24));
  Value magnitude = s.andi(bits, bitsOf(0x7F));
  Value moved = arith::ShLIOp::create(b, loc, magnitude, bitsOf(23 - mantissa));
  Value normal = s.addi(moved, bitsOf(int64_t(127 - format.bias) << 23));
  Value count = arith::UIToFPOp::create(b, loc, f32, magnitude);
  Value step = s.constant(f32, std::ldexp(1.0, 1 - format.bias - mantissa));
  Value scaled = arith::MulFOp::create(b, loc, count, step);
  Value subnormal = arith::BitcastOp::create(b, loc, i32, scaled);
  Value isSubnormal = s.cmpi(P::ult, magnitude, bitsOf(1 << mantissa));
  Value result = s.select(isSubnormal, subnormal, normal);
  if (format.hasInfinity) {
    // Exponent all ones: infinity (mantissa 0) or NaN, f32's alike.
    Value special = s.ori(moved, bitsOf(0x7F800000));
    Value isSpecial = s.cmpi(P::uge, magnitude, bitsOf(0x1F << mantissa));
    result = s.select(isSpecial, special, result);
  } else {
    Value isNan = s.cmpi(P::eq, magnitude, bitsOf(0x7F));
    result = s.select(isNan, bitsOf(0x7FC00000), result);
  }
  Value signed_ = s.ori(result, sign);
  return arith::BitcastOp::create(b, loc, f32, signed_);
}

/// f32 -> f8 rounded to nearest even, as ml_dtypes converts: results below
/// the smallest normal number are rounded by the FPU (adding 2^(shift + 1 -
/// bias) puts their mantissa in the low bits), the others by integer
/// arithmetic on the bits. Beyond the largest finite value: infinity in
/// E5M2, NaN in E4M3FN; NaN stays NaN; the sign is kept.
static Value roundF32ToFloat8(OpBuilder &b, Location loc, Value value,
                              Float8Format format, Type type) {
  Scalar s{b, loc};
  using P = arith::CmpIPredicate;
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto bitsOf = [&](int64_t v) { return s.constant(i32, double(v)); };
  int shift = 23 - format.mantissaBits, bias = format.bias;
  Value bits = arith::BitcastOp::create(b, loc, i32, value);
  Value magnitude = s.andi(bits, bitsOf(0x7FFFFFFF));
  Value signBit = s.andi(bits, bitsOf(0x80000000LL));
  Value sign = arith::ShRUIOp::create(b, loc, signBit, bitsOf(24));
  // Subnormal results.
  Value absolute = arith::BitcastOp::create(b, loc, f32, magnitude);
  Value magic = s.constant(f32, std::ldexp(1.0, shift + 1 - bias));
  Value sum = arith::AddFOp::create(b, loc, absolute, magic);
  Value sumBits = arith::BitcastOp::create(b, loc, i32, sum);
  Value magicBits = bitsOf(int64_t(127 - bias + shift + 1) << 23);
  Value subnormal = arith::SubIOp::create(b, loc, sumBits, magicBits);
  // Normal results: the mantissa rounded to nearest even, the exponent
  // rebiased.
  Value shiftBy = bitsOf(shift);
  Value lowestKept = arith::ShRUIOp::create(b, loc, magnitude, shiftBy);
  Value odd = s.andi(lowestKept, bitsOf(1));
  Value rebiased = s.addi(magnitude, bitsOf(int64_t(bias - 127) << 23));
  Value halfway = s.addi(rebiased, bitsOf((1 << (shift - 1)) - 1));
  Value roundedUp = s.addi(halfway, odd);
  Value normal = arith::ShRUIOp::create(b, loc, roundedUp, shiftBy);
  Value isSubnormal =
      s.cmpi(P::ult, magnitude, bitsOf(int64_t(127 + 1 - bias) << 23));
  Value rounded = s.select(isSubnormal, subnormal, normal);
  if (format.hasInfinity) {
    int64_t infinity = 0x1F << format.mantissaBits;
    int64_t quietNan = infinity | (1 << (format.mantissaBits - 1));
    Value overflows =
        s.cmpi(P::uge, magnitude, bitsOf(int64_t(127 + bias + 1) << 23));
    Value isNan = s.cmpi(P::ugt, magnitude, bitsOf(0x7F800000));
    Value nanBits = bitsOf(quietNan);
    Value special = s.select(isNan, nanBits, bitsOf(infinity));
    rounded = s.select(overflows, special, rounded);
  } else {
    Value overflows =
        s.cmpi(P::uge, magnitude, bitsOf(int64_t(127 + bias + 2) << 23));
    Value roundsAbove = s.cmpi(P::ugt, rounded, bitsOf(0x7E));
    Value isNan = s.ori(overflows, roundsAbove);
    rounded = s.select(isNan, bitsOf(0x7F), rounded);
  }
  Value signed_ = s.ori(rounded, sign);
  Value byte = arith::TruncIOp::create(b, loc, b.getI8Type(), signed_);
  return arith::BitcastOp::create(b, loc, type, byte);
}

Type ml::computeType(Type elementType) {
  return isNarrowFloat(elementType) ? Float32Type::get(elementType.getContext())
                                    : elementType;
}

Value ml::convertScalar(OpBuilder &b, Location loc, Value value,
                        Type elementType, Type from) {
  if (!from)
    from = value.getType();
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  bool toUnsigned = elementType.isUnsignedInteger();
  Type to = elementType, fromOriginal = from;
  from = signlessType(from);
  elementType = signlessType(elementType);
  if (from == elementType)
    return value;
  Scalar s{b, loc};
  auto fromComplex = dyn_cast<ComplexType>(from);
  auto toComplex = dyn_cast<ComplexType>(elementType);
  if (fromComplex && toComplex) {
    Type part = toComplex.getElementType();
    Value re = convertScalar(b, loc, s.re(value), part);
    Value im = convertScalar(b, loc, s.im(value), part);
    return complex::CreateOp::create(b, loc, elementType, re, im);
  }
  if (toComplex) {
    Type part = toComplex.getElementType();
    Value re = convertScalar(b, loc, value, part, fromOriginal);
    return complex::CreateOp::create(b, loc, elementType, re,
                                     s.constant(part, 0.0));
  }
  if (fromComplex && elementType.isInteger(1)) {
    Value zero = s.constant(fromComplex.getElementType(), 0);
    Value realNonZero = s.cmpf(arith::CmpFPredicate::UNE, s.re(value), zero);
    return s.ori(realNonZero,
                 s.cmpf(arith::CmpFPredicate::UNE, s.im(value), zero));
  }
  // Complex to real drops the imaginary part, as NumPy's astype.
  if (fromComplex)
    return convertScalar(b, loc, s.re(value), to);
  // 8-bit floats convert through f32 (where every value they hold is exact;
  // f64 rounds to odd on the way, so that the result rounds once).
  if (auto format = float8Format(from))
    return convertScalar(b, loc, extendFloat8(b, loc, value, *format), to);
  if (auto format = float8Format(elementType)) {
    if (from.isF64())
      value = truncateToOddF32(b, loc, value);
    else
      value = convertScalar(b, loc, value, b.getF32Type(), fromOriginal);
    return roundF32ToFloat8(b, loc, value, *format, elementType);
  }
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(elementType);
  if (elementType.isInteger(1)) {
    Value zero = s.constant(from, 0);
    return fromFloat ? s.cmpf(arith::CmpFPredicate::UNE, value, zero)
                     : s.cmpi(arith::CmpIPredicate::ne, value, zero);
  }
  if (fromFloat && toFloat) {
    // f16 <-> bf16 have no common direction: go through f32.
    if (fromFloat.getWidth() == toFloat.getWidth()) {
      value = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
      fromFloat = b.getF32Type();
    }
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, elementType, value);
    // f64 -> f16/bf16 in two steps, the first rounding to odd, rounds once
    // correctly (and needs no compiler-rt call).
    if (fromFloat.isF64() && toFloat.getWidth() == 16)
      value = truncateToOddF32(b, loc, value);
    if (toFloat.isBF16())
      return roundF32ToBF16(b, loc, value);
    return arith::TruncFOp::create(b, loc, elementType, value);
  }
  if (fromFloat) {
    // Float to an integer truncates through a wider signed one, as C and
    // NumPy do on x86 (so -1.0 becomes 255 as a uint8): i32 for narrow
    // integers, i64 for uint32. uint64 takes values from 2^63 up by
    // subtracting 2^63 and setting the top bit again.
    auto toInt = cast<IntegerType>(elementType);
    unsigned width = toInt.getWidth();
    if (toUnsigned && width == 64) {
      Type f = value.getType();
      Value top = s.constant(f, 9223372036854775808.0);
      Value small = arith::FPToSIOp::create(b, loc, elementType, value);
      Value shifted = arith::FPToSIOp::create(
          b, loc, elementType, s.subf(value, top));
      Value high = s.xori(shifted, s.intMin(elementType));
      return s.select(s.cmpf(arith::CmpFPredicate::OLT, value, top), small,
                      high);
    }
    unsigned through = toUnsigned && width == 32 ? 64 : 32;
    if (width >= through)
      return arith::FPToSIOp::create(b, loc, elementType, value);
    Value wide =
        arith::FPToSIOp::create(b, loc, b.getIntegerType(through), value);
    return arith::TruncIOp::create(b, loc, elementType, wide);
  }
  if (toFloat)
    return fromUnsigned ? arith::UIToFPOp::create(b, loc, elementType, value)
                              .getResult()
                        : arith::SIToFPOp::create(b, loc, elementType, value)
                              .getResult();
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = elementType.getIntOrFloatBitWidth();
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, elementType, value);
  if (fromWidth == toWidth) // int8 <-> uint8: the same bits
    return value;
  return fromUnsigned ? arith::ExtUIOp::create(b, loc, elementType, value)
                            .getResult()
                      : arith::ExtSIOp::create(b, loc, elementType, value)
                            .getResult();
}

void ml::populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<ArithmeticToGeneric<AddOp>, ArithmeticToGeneric<SubOp>,
               ArithmeticToGeneric<MulOp>, ArithmeticToGeneric<DivOp>,
               ArithmeticToGeneric<FloorDivOp>, ArithmeticToGeneric<RemOp>,
               ArithmeticToGeneric<PowOp>, ArithmeticToGeneric<MaximumOp>,
               ArithmeticToGeneric<MinimumOp>, ArithmeticToGeneric<NegOp>,
               ArithmeticToGeneric<AbsOp>, ArithmeticToGeneric<SignOp>,
               ArithmeticToGeneric<ExpOp>, ArithmeticToGeneric<LogOp>,
               ArithmeticToGeneric<Log1pOp>, ArithmeticToGeneric<TanhOp>,
               ArithmeticToGeneric<SqrtOp>, ArithmeticToGeneric<RsqrtOp>,
               ArithmeticToGeneric<SinOp>, ArithmeticToGeneric<CosOp>,
               ArithmeticToGeneric<FloorOp>, ArithmeticToGeneric<CeilOp>,
               ArithmeticToGeneric<TruncOp>, ArithmeticToGeneric<RintOp>,
               ArithmeticToGeneric<Expm1Op>, ArithmeticToGeneric<Exp2Op>,
               ArithmeticToGeneric<Log2Op>, ArithmeticToGeneric<Log10Op>,
               ArithmeticToGeneric<CbrtOp>, ArithmeticToGeneric<TanOp>,
               ArithmeticToGeneric<AsinOp>, ArithmeticToGeneric<AcosOp>,
               ArithmeticToGeneric<AtanOp>, ArithmeticToGeneric<SinhOp>,
               ArithmeticToGeneric<CoshOp>, ArithmeticToGeneric<Atan2Op>,
               ArithmeticToGeneric<ConjOp>, ArithmeticToGeneric<RealOp>,
               ArithmeticToGeneric<ImagOp>, ArithmeticToGeneric<ComplexAbsOp>,
               ArithmeticToGeneric<AndOp>, ArithmeticToGeneric<OrOp>,
               ArithmeticToGeneric<XorOp>, ArithmeticToGeneric<ShiftLeftOp>,
               ArithmeticToGeneric<ShiftRightOp>,
               ArithmeticToGeneric<CompareOp>, SelectToGeneric, CastToGeneric>(
      converter, patterns.getContext());
}
