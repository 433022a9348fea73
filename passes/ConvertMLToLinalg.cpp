//===- ConvertMLToLinalg.cpp - the convert-ml-to-linalg pass -------------===//

#include "dialects/ml/MLDialect.h"
#include "passes/MLToLinalg/Patterns.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ml {
#define GEN_PASS_DEF_CONVERTMLTOLINALG
#include "passes/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
using namespace mlir::ml;

namespace {

bool hasDynamicShape(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return shaped && !shaped.hasStaticShape();
}

struct ConvertMLToLinalg
    : ml::impl::ConvertMLToLinalgBase<ConvertMLToLinalg> {
  void runOnOperation() override {
    // The patterns build static tensor.empty ops; say so up front rather than
    // leave a generic "failed to legalize" behind.
    WalkResult walk = getOperation()->walk([](Operation *op) {
      if (!isa<MLDialect>(op->getDialect()))
        return WalkResult::advance();
      if (llvm::any_of(op->getOperandTypes(), hasDynamicShape) ||
          llvm::any_of(op->getResultTypes(), hasDynamicShape)) {
        op->emitOpError("has dynamic dimensions, which convert-ml-to-linalg "
                        "does not lower yet");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    BoolAsBytesTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<MLDialect>();
    // Function boundaries change with the types: tensor<...xi1> becomes
    // tensor<...xi8>, so callers pass NumPy's one-byte booleans.
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateElementwiseToLinalgPatterns(converter, patterns);
    populateShapeToLinalgPatterns(converter, patterns);
    populateContractionToLinalgPatterns(converter, patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
