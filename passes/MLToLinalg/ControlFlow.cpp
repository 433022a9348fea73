//===- ControlFlow.cpp - scf on ml tensors, through the bool conversion ---===//
//
// Traced control flow is `scf` on tensors (docs/control-flow.md says why):
// its ops need no rewriting, only their boolean tensors becoming bytes like
// every other. A condition reaches scf as `tensor.extract` of a tensor<i1>,
// a traced loop index leaves it by `tensor.from_elements`, and an scf.if
// choosing between existing tensors canonicalizes to `arith.select`.
// `ml.optimization_barrier` stays as it is too, until bufferization.
//
//===----------------------------------------------------------------------===//

#include "passes/MLToLinalg/Patterns.h"

#include "dialects/ml/MLOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::ml;

namespace {

/// An element read from a boolean tensor, now of bytes: non-zero is true.
struct ExtractBool : OpConversionPattern<tensor::ExtractOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::ExtractOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value byte = tensor::ExtractOp::create(rewriter, op.getLoc(),
                                           adaptor.getTensor(),
                                           adaptor.getIndices());
    rewriter.replaceOp(op, loadScalar(rewriter, op.getLoc(), byte,
                                      op.getType()));
    return success();
  }
};

/// A boolean tensor built from scalars: each stored as a byte.
struct FromBools : OpConversionPattern<tensor::FromElementsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::FromElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = getTypeConverter()->convertType<RankedTensorType>(op.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "unconvertible result type");
    SmallVector<Value> bytes;
    for (Value element : adaptor.getElements())
      bytes.push_back(storeScalar(rewriter, op.getLoc(), element));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, bytes);
    return success();
  }
};

/// A choice between boolean tensors (what canonicalization makes of an
/// scf.if yielding values defined before it): between byte tensors.
struct SelectBools : OpConversionPattern<arith::SelectOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(arith::SelectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "unconvertible result type");
    rewriter.replaceOpWithNewOp<arith::SelectOp>(
        op, type, adaptor.getCondition(), adaptor.getTrueValue(),
        adaptor.getFalseValue());
    return success();
  }
};

/// An ml.checkpoint's barrier stays until bufferization (where it
/// disappears), on byte tensors where it held booleans.
struct BarrierOfBytes : OpConversionPattern<OptimizationBarrierOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OptimizationBarrierOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<OptimizationBarrierOp>(op,
                                                       adaptor.getValues());
    return success();
  }
};

} // namespace

void ml::populateControlFlowConversions(const TypeConverter &converter,
                                        RewritePatternSet &patterns,
                                        ConversionTarget &target) {
  scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                       target);
  target.addDynamicallyLegalOp<tensor::ExtractOp, tensor::FromElementsOp,
                                arith::SelectOp, OptimizationBarrierOp>(
      [&converter](Operation *op) { return converter.isLegal(op); });
  patterns.add<ExtractBool, FromBools, SelectBools, BarrierOfBytes>(
      converter, patterns.getContext());
}
