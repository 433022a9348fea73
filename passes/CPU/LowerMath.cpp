//===- LowerMath.cpp - the ml-lower-math pass ----------------------------===//

#include "passes/CPU/Passes.h"

#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

namespace mlir::ml {
#define GEN_PASS_DEF_LOWERMATH
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// The functions MLIR has polynomial approximations of.
constexpr StringLiteral kApproximable[] = {
    "acos", "asin", "atan", "atan2", "cbrt", "cos",   "erf", "erfc",
    "exp",  "expm1", "log", "log1p", "log2", "sin", "tanh"};

// MLIR's f32 approximations assume normal numbers: exp builds 2^k from the
// exponent bits, which gives 0 below ln(FLT_MIN), and log reads the exponent
// bits, which are 0 for subnormal inputs (log(1e-40) came out -87.3, not
// -92.1). Both are moved into the normal range, once, where NumPy's results
// are subnormal or come from subnormals.
constexpr double kLogSmallestNormal = -87.33654475055310898657; // ln(2^-126)
constexpr float kSmallestNormal = 1.17549435e-38f;               // 2^-126
constexpr int kSubnormalScale = 23; // 2^23 makes every subnormal normal

/// A constant `value` of `like`'s type (scalar or vector of f32).
Value constantLike(OpBuilder &builder, Location loc, Value like, double value) {
  Type type = like.getType();
  auto attribute = builder.getF32FloatAttr(static_cast<float>(value));
  if (auto vector = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(builder, loc,
                                     DenseElementsAttr::get(vector, attribute));
  return arith::ConstantOp::create(builder, loc, attribute);
}

/// Replaces `op`, f(x), with f(x * scale), corrected by `correct`, where
/// x < threshold, and f(x) elsewhere: one evaluation of f. With
/// `passNaN`, f sees 0 for a NaN, which is passed through: exp's
/// approximation converts its argument to an integer, poison for a NaN that
/// LLVM can see (x % nan folded), and LLVM then returns anything.
template <typename MathOp>
void computeInNormalRange(
    MathOp op, double threshold, double scale, bool passNaN,
    function_ref<Value(OpBuilder &, Location, Value)> correct) {
  OpBuilder builder(op);
  Location loc = op.getLoc();
  Value x = op.getOperand();
  Value outside = arith::CmpFOp::create(
      builder, loc, arith::CmpFPredicate::OLT, x,
      constantLike(builder, loc, x, threshold));
  Value scaled = arith::MulFOp::create(builder, loc, x,
                                       constantLike(builder, loc, x, scale));
  Value argument = arith::SelectOp::create(builder, loc, outside, scaled, x);
  Value nan;
  if (passNaN) {
    nan = arith::CmpFOp::create(builder, loc, arith::CmpFPredicate::UNO, x, x);
    argument = arith::SelectOp::create(builder, loc, nan,
                                       constantLike(builder, loc, x, 0.0),
                                       argument);
  }
  auto computed = MathOp::create(builder, loc, argument);
  Value corrected = correct(builder, loc, computed);
  Value result =
      arith::SelectOp::create(builder, loc, outside, corrected, computed);
  if (passNaN)
    result = arith::SelectOp::create(builder, loc, nan, x, result);
  op.replaceAllUsesWith(result);
  op.erase();
}

/// exp(x) below ln(FLT_MIN), where it is subnormal, as exp(x / 2)^2: exact
/// halving, one rounding into the subnormal range.
void keepExpSubnormals(math::ExpOp exp) {
  computeInNormalRange(exp, kLogSmallestNormal, 0.5, /*passNaN=*/true,
                       [](OpBuilder &builder, Location loc, Value e) -> Value {
                         return arith::MulFOp::create(builder, loc, e, e);
                       });
}

/// log(x) or log2(x) of a subnormal x as log(x * 2^23) - 23 log(2) (or
/// - 23): exact scaling.
template <typename LogOp>
void keepLogSubnormals(LogOp log, double log2Scale) {
  computeInNormalRange(
      log, kSmallestNormal, 1 << kSubnormalScale, /*passNaN=*/false,
      [&](OpBuilder &builder, Location loc, Value l) -> Value {
        return arith::SubFOp::create(
            builder, loc, l,
            constantLike(builder, loc, l, kSubnormalScale * log2Scale));
      });
}

/// f(x) computed on 0 where x is NaN, which is passed through: expm1's
/// approximation computes exp, whose integer conversion is poison for a NaN
/// LLVM can see (x - nan folded), and LLVM then returns anything.
void passNaNThrough(Operation *op) {
  OpBuilder builder(op);
  Location loc = op->getLoc();
  Value x = op->getOperand(0);
  Value nan = arith::CmpFOp::create(builder, loc, arith::CmpFPredicate::UNO, x, x);
  op->setOperand(0, arith::SelectOp::create(builder, loc, nan,
                                            constantLike(builder, loc, x, 0.0), x));
  builder.setInsertionPointAfter(op);
  Value result = op->getResult(0);
  auto passed = arith::SelectOp::create(builder, loc, nan, x, result);
  result.replaceAllUsesExcept(passed, passed);
}

bool isF32(Value value) { return getElementTypeOrSelf(value).isF32(); }

struct LowerMath : ml::impl::LowerMathBase<LowerMath> {
  using LowerMathBase::LowerMathBase;

  void runOnOperation() override {
    for (const std::string &name : approximate)
      if (!llvm::is_contained(kApproximable, name)) {
        getOperation()->emitError()
            << "ml-lower-math: there is no polynomial approximation of 'math."
            << name << "' (approximable: "
            << llvm::join(ArrayRef<StringLiteral>(kApproximable), ", ") << ")";
        return signalPassFailure();
      }
    keepSubnormals();
    MLIRContext *ctx = &getContext();
    RewritePatternSet approximations(ctx);
    populateMathPolynomialApproximationPatterns(
        approximations, [&](StringRef name) {
          return name.consume_front("math.") && llvm::is_contained(approximate, name);
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(approximations))))
      return signalPassFailure();

    // Only these become libm calls; every other math op stays legal for
    // convert-math-to-llvm.
    ConversionTarget target(*ctx);
    target.addIllegalOp<math::ExpM1Op, math::Log1pOp, math::TanhOp,
                        math::CbrtOp, math::ErfOp, math::ErfcOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet libm(ctx);
    populateMathToLibmConversionPatterns(libm);
    if (failed(applyPartialConversion(getOperation(), target, std::move(libm))))
      signalPassFailure();
  }

  /// Rewrites each f32 exp, expm1, log and log2 about to be approximated
  /// once (a walk, not patterns: the rewrite holds the op it replaces).
  void keepSubnormals() {
    auto listed = [&](StringRef name) {
      return llvm::is_contained(approximate, name);
    };
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<math::ExpOp, math::ExpM1Op, math::LogOp, math::Log2Op>(op) &&
          isF32(op->getResult(0)))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto exp = dyn_cast<math::ExpOp>(op); exp && listed("exp"))
        keepExpSubnormals(exp);
      else if (isa<math::ExpM1Op>(op) && listed("expm1"))
        passNaNThrough(op);
      else if (auto log = dyn_cast<math::LogOp>(op); log && listed("log"))
        keepLogSubnormals(log, std::log(2.0));
      else if (auto log2 = dyn_cast<math::Log2Op>(op); log2 && listed("log2"))
        keepLogSubnormals(log2, 1.0);
    }
  }
};

} // namespace
