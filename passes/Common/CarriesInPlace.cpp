//===- CarriesInPlace.cpp - the ml-carries-in-place pass -----------------===//
//
// Loops traced from Python carry whole arrays. Bufferized as traced, every
// iteration allocates the next carry (and scf.while copies it at each test
// of its condition); computed into the old carry's buffer, it allocates and
// copies nothing. The old carry is a safe destination where nothing reads it
// after the write begins, which this pass checks on the tensor IR, before
// one-shot bufferization (which would otherwise copy to stay correct).
//
//===----------------------------------------------------------------------===//

#include "passes/Common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_CARRIESINPLACE
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// The block argument holding, in the region of `yield`, the carry that
/// operand `index` of `yield` becomes; null if there is none, or if it is
/// not that carry's buffer (a while condition that reorders its values).
BlockArgument carryOf(scf::YieldOp yield, unsigned index) {
  Operation *loop = yield->getParentOp();
  if (auto forOp = dyn_cast<scf::ForOp>(loop))
    return forOp.getRegionIterArgs()[index];
  auto whileOp = dyn_cast<scf::WhileOp>(loop);
  if (!whileOp || yield->getParentRegion() != &whileOp.getAfter())
    return {};
  Block *before = whileOp.getBeforeBody();
  scf::ConditionOp condition = whileOp.getConditionOp();
  if (condition.getArgs().size() != before->getNumArguments() ||
      condition.getArgs()[index] != before->getArgument(index))
    return {};
  return whileOp.getAfterArguments()[index];
}

/// Whether `generic` reads `input` element by element as it writes
/// `init`: each element read once, at the position then written.
bool readsInStep(linalg::GenericOp generic, OpOperand &input, OpOperand &init) {
  return generic.getNumReductionLoops() == 0 &&
         generic.getMatchingIndexingMap(&input) ==
             generic.getMatchingIndexingMap(&init);
}

struct ComputeCarryInPlace : OpRewritePattern<scf::YieldOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(scf::YieldOp yield,
                                PatternRewriter &rewriter) const override {
    bool changed = false;
    for (OpOperand &yielded : yield->getOpOperands()) {
      BlockArgument carry = carryOf(yield, yielded.getOperandNumber());
      auto producer = yielded.get().getDefiningOp<DestinationStyleOpInterface>();
      if (!carry || !isa<RankedTensorType>(carry.getType()) || !producer ||
          producer->getBlock() != yield->getBlock() ||
          carry.getType() != yielded.get().getType())
        continue;
      OpOperand *init =
          producer.getTiedOpOperand(cast<OpResult>(yielded.get()));
      // The first write: into the producer's destination, or into that of
      // the fill that starts it.
      OpOperand *firstWrite = init;
      if (auto fill = init->get().getDefiningOp<linalg::FillOp>())
        if (fill->getBlock() == yield->getBlock() && fill->hasOneUse())
          firstWrite = fill.getDpsInitOperand(0);
      if (!firstWrite->get().getDefiningOp<tensor::EmptyOp>() ||
          !readOnlyBefore(carry, firstWrite->getOwner(), producer, *init))
        continue;
      rewriter.modifyOpInPlace(firstWrite->getOwner(),
                               [&] { firstWrite->set(carry); });
      changed = true;
    }
    return success(changed);
  }

  /// Whether every use of `carry` (or of a view of it) reads it before
  /// `writer` writes, or is the producer reading it in step with its write
  /// (no fill before it).
  static bool readOnlyBefore(Value carry, Operation *writer,
                             DestinationStyleOpInterface producer,
                             OpOperand &init) {
    Block *body = writer->getBlock();
    for (OpOperand &use : carry.getUses()) {
      Operation *user = body->findAncestorOpInBlock(*use.getOwner());
      if (!user)
        return false;
      if (user == writer && writer == producer.getOperation() &&
          isa<BlockArgument>(carry)) {
        // Read inside the producer's body (a gather from the carry), the
        // carry is read anywhere while the producer writes it.
        auto generic = dyn_cast<linalg::GenericOp>(user);
        if (!generic || use.getOwner() != user || !producer.isDpsInput(&use) ||
            !readsInStep(generic, use, init))
          return false;
        continue;
      }
      if (!user->isBeforeInBlock(writer))
        return false;
      if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
              tensor::ExtractSliceOp, tensor::CastOp>(use.getOwner())) {
        if (!readOnlyBefore(use.getOwner()->getResult(0), writer, producer,
                            init))
          return false;
        continue;
      }
      if (!onlyReads(use))
        return false;
    }
    return true;
  }

  /// Whether `use` only reads its tensor, with nothing aliasing it left
  /// behind: an input of a destination-style op, an element or size read.
  static bool onlyReads(OpOperand &use) {
    Operation *user = use.getOwner();
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(user))
      return dps.isDpsInput(&use);
    return isa<tensor::ExtractOp, tensor::DimOp>(user);
  }
};

struct CarriesInPlace : ml::impl::CarriesInPlaceBase<CarriesInPlace> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ComputeCarryInPlace>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
