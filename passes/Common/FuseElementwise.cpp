//===- FuseElementwise.cpp - the ml-fuse-elementwise pass ----------------===//
//
// Upstream's `linalg-fuse-elementwise-ops` fuses any single-use producer into
// its consumer, matmuls included (after folding a reshape into one, it is a
// generic too): a layer norm feeding a matmul is then recomputed once per
// column of the product, and the matmul can no longer reach BLAS. This pass
// runs the same patterns with a cost rule: a producer is fused only where
// each of its elements is consumed once, and never into a contraction.
//
//===----------------------------------------------------------------------===//

#include "passes/Common/Contractions.h"
#include "passes/Common/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
using mlir::ml::isContraction;

namespace {

/// Fuse the producer of `operand` into its user only when that removes a
/// tensor without repeating work: the producer has no other user, in the
/// same block (not in a loop body, run more often than the producer), the
/// user is not a contraction, and the user reads each element once (its
/// indexing map for the operand is a permutation of its loops).
bool fusesWithoutRecomputation(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  Operation *consumer = operand->getOwner();
  if (!producer || !producer->hasOneUse() ||
      producer->getBlock() != consumer->getBlock() ||
      isContraction(consumer) || isContraction(producer))
    return false;
  auto linalgConsumer = dyn_cast<linalg::LinalgOp>(consumer);
  if (!linalgConsumer)
    return true; // A reshape: folding it moves no computation.
  return linalgConsumer.getMatchingIndexingMap(operand).isPermutation();
}

/// Whether `expanded` has at most one dynamic size per group of `groups`:
/// the expansions that folding the reshape puts on other tensors can then
/// be lowered (expand-strided-metadata takes one dynamic size per group).
bool oneDynamicPerGroup(RankedTensorType expanded,
                        ArrayRef<ReassociationIndices> groups) {
  return llvm::all_of(groups, [&](const ReassociationIndices &group) {
    return llvm::count_if(group, [&](int64_t d) {
             return expanded.isDynamicDim(d);
           }) <= 1;
  });
}

/// Reshapes fold into any producer or consumer except contractions, which
/// keep their named form for ml-matmul-to-blas, and except where the folded
/// form would expand a tensor into two dynamic sizes at once.
bool foldsReshape(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  if (!producer || !producer->hasOneUse() ||
      producer->getBlock() != operand->getOwner()->getBlock() ||
      isContraction(operand->getOwner()) || isContraction(producer))
    return false;
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(producer))
    return oneDynamicPerGroup(collapse.getSrcType(),
                              collapse.getReassociationIndices());
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(operand->getOwner()))
    return oneDynamicPerGroup(expand.getResultType(),
                              expand.getReassociationIndices());
  return true;
}

struct FuseElementwise : ml::impl::FuseElementwiseBase<FuseElementwise> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fusesWithoutRecomputation);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, foldsReshape);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns,
                                                 fusesWithoutRecomputation);
    // Folding reshapes reads dynamic sizes off intermediate results; those
    // reads, resolved to the sizes they come from, leave the producers the
    // single use that fusion needs.
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      signalPassFailure();
  }
};

} // namespace
