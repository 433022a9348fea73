//===- TileAndFuse.cpp - the ml-tile-and-fuse pass -----------------------===//
//
// Memory-bound chains (softmax, layer norm, GELU) are as fast as the memory
// traffic they cause. Tiling each chain's last op along its outer parallel
// dimension and fusing its producers into the tile loop keeps a tile's
// intermediates in cache: the input is read from memory once, the output
// written once. The tile loop is an scf.forall, which later becomes a loop
// over threads.
//
//===----------------------------------------------------------------------===//

#include "passes/Common/Contractions.h"
#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::ml {
#define GEN_PASS_DEF_TILEANDFUSE
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// Whether `map` walks some dimension backwards (`size - 1 - d`, a reversed
/// slice): Linalg's tiling asserts on a non-positive coefficient.
bool walksBackwards(AffineMap map) {
  bool backwards = false;
  for (AffineExpr result : map.getResults())
    result.walk([&](AffineExpr expr) {
      auto product = dyn_cast<AffineBinaryOpExpr>(expr);
      if (product && product.getKind() == AffineExprKind::Mul)
        if (auto factor = dyn_cast<AffineConstantExpr>(product.getRHS()))
          backwards |= factor.getValue() <= 0;
    });
  return backwards;
}

/// Ops this pass tiles and fuses: linalg ops on tensors that are neither
/// contractions nor their accumulators' fills (those are left whole, for
/// BLAS or their own tiling), nor reversals (left whole, untiled).
bool isFusible(Operation *op) {
  auto linalgOp = dyn_cast_if_present<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.hasPureTensorSemantics() &&
         !ml::isContraction(op) && !ml::onlyInitializesContractions(op) &&
         llvm::none_of(linalgOp.getIndexingMapsArray(), walksBackwards);
}

/// A chain ends at an op whose result leaves the chain: returned, or used
/// by anything but a fusible op.
bool isChainEnd(Operation *op) {
  for (Operation *user : op->getUsers())
    if (!isFusible(user))
      return true;
  return op->use_empty();
}

/// Whether `slice` takes all of its source: a producer fused there would be
/// computed whole in every tile (a row tile reading all of a small matrix
/// built from a large one), for no locality.
bool takesAll(tensor::ExtractSliceOp slice) {
  RankedTensorType source = slice.getSourceType();
  if (!source.hasStaticShape())
    return false;
  for (auto [offset, size, stride, whole] :
       llvm::zip(slice.getMixedOffsets(), slice.getMixedSizes(),
                 slice.getMixedStrides(), source.getShape()))
    if (getConstantIntValue(offset) != 0 ||
        getConstantIntValue(size) != whole || getConstantIntValue(stride) != 1)
      return false;
  return true;
}

int64_t elementCount(ArrayRef<int64_t> ranges) {
  int64_t count = 1;
  for (int64_t range : ranges)
    count *= range;
  return count;
}

struct TileAndFuse : ml::impl::TileAndFuseBase<TileAndFuse> {
  using TileAndFuseBase::TileAndFuseBase;

  /// Rows of the outer parallel dimension per tile: about `tileElements`
  /// iterations, and at least two tiles per thread when there is room. A
  /// dynamic outer dimension (with static inner ones) of rows at least that
  /// long gets a row per tile.
  std::optional<OpFoldResult> outerTileSize(RewriterBase &rewriter,
                                            linalg::LinalgOp op) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (ranges.empty() ||
        llvm::any_of(ArrayRef(ranges).drop_front(), ShapedType::isDynamic) ||
        op.getIteratorTypesArray().front() != utils::IteratorType::parallel)
      return std::nullopt;
    int64_t inner = std::max<int64_t>(elementCount(ArrayRef(ranges).drop_front()), 1);
    if (ShapedType::isDynamic(ranges.front())) {
      // Rows narrower than a tile: as many rows as a tile holds would reach
      // min-elements only for thousands of rows; left whole, as a small
      // static chain is (a parallel loop costs compile time at every chain).
      if (inner < tileElements)
        return std::nullopt;
      // Such rows are a tile each (rows is 1), as for a static count: the
      // tiles are static and only their number is known at run time.
      return OpFoldResult(rewriter.getIndexAttr(1));
    }
    if (elementCount(ranges) < minElements || ranges.front() < 2)
      return std::nullopt;
    int64_t rows = std::max<int64_t>(tileElements / inner, 1);
    int64_t perThread = (ranges.front() + 2 * threads - 1) / (2 * threads);
    return OpFoldResult(
        rewriter.getIndexAttr(std::max<int64_t>(std::min(rows, perThread), 1)));
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ends;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isFusible(op) && isChainEnd(op) &&
          !op->getParentOfType<scf::ForallOp>())
        ends.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp end : ends) {
      rewriter.setInsertionPoint(end);
      std::optional<OpFoldResult> rows = outerTileSize(rewriter, end);
      if (!rows)
        continue;
      SmallVector<OpFoldResult> tileSizes(end.getNumLoops(),
                                          rewriter.getIndexAttr(0));
      tileSizes.front() = *rows;
      scf::SCFTileAndFuseOptions options;
      options.tilingOptions.setTileSizes(tileSizes).setLoopType(
          scf::SCFTilingOptions::LoopType::ForallOp);
      options.setFusionControlFn(
          [](tensor::ExtractSliceOp slice, OpResult producer,
             bool isDestination) -> std::optional<
                                     scf::SCFTileAndFuseOptions::ControlFnResult> {
            // Inits (fills) and fusible producers are recomputed per tile,
            // where the tile needs only part of them.
            if (!isDestination &&
                (!isFusible(producer.getOwner()) || takesAll(slice)))
              return std::nullopt;
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          });
      rewriter.setInsertionPoint(end);
      FailureOr<scf::SCFTileAndFuseResult> result =
          scf::tileConsumerAndFuseProducersUsingSCF(
              rewriter, cast<TilingInterface>(end.getOperation()), options);
      if (failed(result))
        continue; // Left as it is: correct, only not fused.
      for (OpResult value : end->getResults())
        if (Value replacement = result->replacements.lookup(value))
          rewriter.replaceAllUsesWith(value, replacement);
    }
  }
};

} // namespace
