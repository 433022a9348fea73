//===- LinalgToAffineLoops.cpp - the ml-linalg-to-affine-loops pass -------===//
//
// Inside a tile, each linalg op becomes the loop nest it stands for, as
// affine.for loops where polyhedral passes (LICM, scalar replacement,
// unroll-and-jam) can work on it. An affine loop's bounds must be affine
// symbols or dimensions, which a size computed inside a parallel loop is not
// (the last, partial tile of a row count the tile size does not divide); such
// an op becomes scf.for loops instead, as convert-linalg-to-loops would make
// them. Both are upstream's own lowerings: this pass only chooses.
//
//===----------------------------------------------------------------------===//

#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_LINALGTOAFFINELOOPS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// Records the ops a builder creates, so that a trial can be taken back.
struct CreatedOps : OpBuilder::Listener {
  SmallVector<Operation *> ops;
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    ops.push_back(op);
  }
};

/// Whether every loop bound of `op` can bound an affine.for: the bounds
/// upstream's lowering reads (the operands' sizes, folded) are built, tested
/// and removed again.
bool hasAffineBounds(linalg::LinalgOp op) {
  OpBuilder builder(op);
  CreatedOps created;
  builder.setListener(&created);
  SmallVector<Range, 4> ranges = op.createLoopRanges(builder, op.getLoc());
  bool affine = llvm::all_of(ranges, [](const Range &range) {
    auto size = dyn_cast<Value>(range.size);
    return !size || affine::isValidDim(size);
  });
  for (Operation *trial : llvm::reverse(created.ops))
    if (trial->use_empty())
      trial->erase();
  return affine;
}

struct LinalgToAffineLoops
    : ml::impl::LinalgToAffineLoopsBase<LinalgToAffineLoops> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      if (!op.hasPureBufferSemantics()) {
        op.emitOpError("has tensor operands: ml-linalg-to-affine-loops "
                       "lowers linalg ops on buffers (run it after "
                       "bufferization)");
        return signalPassFailure();
      }
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          hasAffineBounds(op) ? linalg::linalgOpToAffineLoops(rewriter, op)
                              : linalg::linalgOpToLoops(rewriter, op);
      // An op upstream's lowering cannot take is left, as its own passes
      // leave it, for the conversion to LLVM to report.
      if (succeeded(loops))
        rewriter.eraseOp(op);
    }
    // As upstream's lowerings do: sizes read from the buffers they index,
    // index arithmetic folded.
    RewritePatternSet patterns(&getContext());
    memref::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
