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
};

} // namespace
