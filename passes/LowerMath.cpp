//===- LowerMath.cpp - the ml-lower-math pass ----------------------------===//

#include "passes/Passes.h"

#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_LOWERMATH
#include "passes/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

struct LowerMath : ml::impl::LowerMathBase<LowerMath> {
  using LowerMathBase::LowerMathBase;

  void runOnOperation() override {
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
