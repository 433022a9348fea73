//===- DestinationPerUse.cpp - the ml-destination-per-use pass -----------===//
//
// One-Shot Bufferize's analysis is quadratic in the size of an alias set per
// decision; a destination shared by every op of one shape makes that set the
// whole program, and all writes into it but one copies.
//
//===----------------------------------------------------------------------===//

#include "passes/Common/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_DESTINATIONPERUSE
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// Whether `value` is a destination made for writing into: an empty tensor,
/// or one initialized by an op reading no other tensor (a fill, a generic
/// without tensor inputs) into such a destination.
bool isFreshDestination(Value value) {
  Operation *op = value.getDefiningOp();
  if (isa_and_present<tensor::EmptyOp>(op))
    return true;
  auto linalgOp = dyn_cast_if_present<linalg::LinalgOp>(op);
  if (!linalgOp || op->getNumResults() != 1 ||
      !linalgOp.hasPureTensorSemantics() || !isMemoryEffectFree(op))
    return false;
  for (OpOperand *input : linalgOp.getDpsInputOperands())
    if (isa<ShapedType>(input->get().getType()))
      return false;
  return llvm::all_of(linalgOp.getDpsInits(), isFreshDestination);
}

/// A copy of the ops that made the fresh destination `value`, at the
/// builder's insertion point.
Value cloneDestination(OpBuilder &builder, Value value) {
  Operation *op = value.getDefiningOp();
  IRMapping mapping;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    for (Value init : linalgOp.getDpsInits())
      mapping.map(init, cloneDestination(builder, init));
  return builder.clone(*op, mapping)->getResult(0);
}

bool isWrittenInto(OpOperand &use) {
  auto destinationStyle = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
  return destinationStyle && destinationStyle.isDpsInit(&use);
}

/// Every use of a shared empty tensor but one, and every write into a shared
/// initialized tensor (all but one where it is only written into), takes a
/// copy of it. The one kept is the oldest use, last in the use list: the
/// first in the program, as built.
struct SplitSharedDestination : RewritePattern {
  SplitSharedDestination(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1 || op->getResult(0).hasOneUse() ||
        !isFreshDestination(op->getResult(0)))
      return failure();
    Value value = op->getResult(0);
    SmallVector<OpOperand *> split;
    if (isa<tensor::EmptyOp>(op)) {
      for (OpOperand &use : value.getUses())
        split.push_back(&use);
      split.pop_back();
    } else {
      for (OpOperand &use : value.getUses())
        if (isWrittenInto(use))
          split.push_back(&use);
      if (split.size() == static_cast<size_t>(llvm::range_size(value.getUses())))
        split.pop_back();
    }
    if (split.empty())
      return failure();
    // Beside the original, not at the user: a user in a loop body would
    // allocate the whole destination at every iteration.
    rewriter.setInsertionPointAfter(op);
    for (OpOperand *use : split) {
      Value copy = cloneDestination(rewriter, value);
      rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(copy); });
    }
    return success();
  }
};

struct DestinationPerUse
    : ml::impl::DestinationPerUseBase<DestinationPerUse> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SplitSharedDestination>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
