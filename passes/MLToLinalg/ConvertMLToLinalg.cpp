//===- ConvertMLToLinalg.cpp - the convert-ml-to-linalg pass -------------===//

#include "dialects/ml/MLOps.h"
#include "passes/MLToLinalg/Patterns.h"
#include "passes/MLToLinalg/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ml {
#define GEN_PASS_DEF_CONVERTMLTOLINALG
#include "passes/MLToLinalg/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
using namespace mlir::ml;

namespace {

/// The first type (or nested type) of `op`'s results, block arguments or
/// attributes (a function type) for which `isBad` holds; null if none.
Type findType(Operation *op, function_ref<bool(Type)> isBad) {
  Type found;
  auto check = [&](Type type) {
    if (!isBad(type))
      return WalkResult::advance();
    found = type;
    return WalkResult::interrupt();
  };
  for (Type type : op->getResultTypes())
    if (type.walk(check).wasInterrupted())
      return found;
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (Type type : block.getArgumentTypes())
        if (type.walk(check).wasInterrupted())
          return found;
  op->getAttrDictionary().walk(check);
  return found;
}

bool isUncountable(Type type) { return !isCountable(type); }

/// A tensor or buffer of integers narrower than a byte.
bool isSubByteTensorOrBuffer(Type type) {
  if (!isa<TensorType, BaseMemRefType>(type))
    return false;
  auto integer = dyn_cast<IntegerType>(cast<ShapedType>(type).getElementType());
  return integer && integer.getWidth() < 8;
}

struct ConvertMLToLinalg
    : ml::impl::ConvertMLToLinalgBase<ConvertMLToLinalg> {
  void runOnOperation() override {
    // Say up front what later code cannot handle, rather than leave a generic
    // "failed to legalize" or an assertion behind: shapes whose sizes
    // overflow int64 (ml ops reject them; other dialects' verifiers do not,
    // and bufferization asserts computing their strides).
    WalkResult walk = getOperation()->walk([](Operation *op) {
      if (Type type = findType(op, isUncountable)) {
        op->emitOpError("has ")
            << type << ", whose sizes multiply to 2^63 or more, which "
            << "cannot be bufferized";
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
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp, tensor::DimOp>(
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
    populateControlFlowConversions(converter, patterns, target);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();

    // Booleans are bytes from here on: a narrower integer left behind is in
    // an op this pass does not convert, and finalize-memref-to-llvm asserts
    // on buffers of it.
    walk = getOperation()->walk([](Operation *op) {
      if (Type type = findType(op, isSubByteTensorOrBuffer)) {
        op->emitOpError("has ")
            << type << ": integers narrower than a byte become bytes only in "
            << "ml ops, and buffers of them do not lower to LLVM";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
