//===- FoldCastsIntoProducts.cpp - the ml-fold-casts-into-products pass --===//
//
// NumPy promotes a float32 weight multiplied by float64 activations to
// float64: a cast that writes twice the weight's bytes and reads them back.
// For a product of a few rows (a decode step), reading the weight is all
// the work there is, so the product reads the float32 weight itself and
// widens it as it goes (mljit_gemm_f64_f32 in the runtime).
//
//===----------------------------------------------------------------------===//

#include "passes/CPU/Passes.h"
#include "passes/Common/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_FOLDCASTSINTOPRODUCTS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// The float32 tensor `cast` widens to float64 and whether it reads it
/// transposed, if `cast` is an elementwise float32 -> float64 extension of
/// a matrix (possibly transposed in the same op), or null.
std::optional<std::pair<Value, bool>> widenedMatrix(Operation *op) {
  auto cast = dyn_cast_if_present<linalg::GenericOp>(op);
  if (!cast || !cast.hasPureTensorSemantics() || cast.getNumDpsInputs() != 1 ||
      cast.getNumDpsInits() != 1 || cast.getNumLoops() != 2 ||
      cast.getNumParallelLoops() != 2)
    return std::nullopt;
  Value input = cast.getDpsInputs()[0];
  if (!getElementTypeOrSelf(input.getType()).isF32() ||
      !getElementTypeOrSelf(cast->getResult(0).getType()).isF64())
    return std::nullopt;
  Block &body = *cast.getBlock();
  auto extend = dyn_cast<arith::ExtFOp>(body.front());
  if (!extend || extend.getIn() != body.getArgument(0) ||
      body.getTerminator()->getOperand(0) != extend.getResult())
    return std::nullopt;
  SmallVector<AffineMap> maps = cast.getIndexingMapsArray();
  if (!maps[1].isIdentity())
    return std::nullopt;
  if (maps[0].isIdentity())
    return std::make_pair(input, false);
  if (maps[0] == AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0},
                                              op->getContext()))
    return std::make_pair(input, true);
  return std::nullopt;
}

struct ReadWeightAsStored : OpRewritePattern<linalg::MatmulOp> {
  ReadWeightAsStored(MLIRContext *ctx, int64_t maxRows)
      : OpRewritePattern(ctx), maxRows(maxRows) {}

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "not a plain product on tensors");
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    if (!lhsType.getElementType().isF64() ||
        !getElementTypeOrSelf(op.getDpsInits()[0].getType()).isF64())
      return rewriter.notifyMatchFailure(op, "not a float64 product");
    if (lhsType.isDynamicDim(0) || lhsType.getDimSize(0) > maxRows)
      return rewriter.notifyMatchFailure(op, "more rows than max-rows");
    std::optional<std::pair<Value, bool>> weight =
        widenedMatrix(rhs.getDefiningOp());
    if (!weight || !rhs.hasOneUse())
      return rewriter.notifyMatchFailure(op, "the right operand is no cast of its own");
    SmallVector<NamedAttribute> maps;
    if (weight->second)
      maps.push_back(rewriter.getNamedAttr(
          "indexing_maps", rewriter.getAffineMapArrayAttr(
                               ml::transposedRhsMatmulMaps(getContext()))));
    rewriter.replaceOpWithNewOp<linalg::MatmulOp>(
        op, op->getResultTypes(), ValueRange{lhs, weight->first},
        op.getDpsInits(), maps);
    return success();
  }

  int64_t maxRows;
};

struct FoldCastsIntoProducts
    : ml::impl::FoldCastsIntoProductsBase<FoldCastsIntoProducts> {
  using FoldCastsIntoProductsBase::FoldCastsIntoProductsBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ReadWeightAsStored>(&getContext(), maxRows);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
