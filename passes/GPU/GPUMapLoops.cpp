//===- GPUMapLoops.cpp - the ml-gpu-map-loops pass -----------------------===//
//
// The general GPU kernel: one thread per point of a linalg op's parallel
// loops, its reduction loops run sequentially by that thread with the
// outputs in registers. It maps any structured op (elementwise, broadcast,
// transpose, fill, copy, gather, small reductions), so it runs after the
// specialised mappings and leaves no linalg op behind.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/KernelBuilders.h"
#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GPUMAPLOOPS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
using namespace mlir::ml::gpu;

namespace {

/// Stores `values` into the op's outputs at iteration `ivs`.
void storeOutputs(OpBuilder &b, Location loc, linalg::LinalgOp op,
                  ValueRange values, ValueRange ivs) {
  for (auto [operand, value] : llvm::zip(op.getDpsInitsMutable(), values))
    storeOperand(b, loc, op, operand, value, ivs);
}

/// The output values the payload reads at `ivs` (null where it reads none).
SmallVector<Value> loadOutputs(OpBuilder &b, Location loc,
                               linalg::LinalgOp op, ValueRange ivs) {
  SmallVector<Value> values;
  for (OpOperand &operand : op.getDpsInitsMutable())
    values.push_back(op.payloadUsesValueFromOperand(&operand)
                         ? loadOperand(b, loc, op, operand, ivs)
                         : Value());
  return values;
}

/// The payload at `ivs` with `outputs` for the output block arguments; the
/// values it yields.
SmallVector<Value> emitPayload(OpBuilder &b, Location loc, linalg::LinalgOp op,
                               ValueRange outputs, ValueRange ivs) {
  SmallVector<Value> args = loadInputs(b, loc, op, ivs);
  llvm::append_range(args, outputs);
  IRMapping mapping = clonePayload(b, op, args, ivs);
  SmallVector<Value> yielded;
  for (Value value : op.getBlock()->getTerminator()->getOperands())
    yielded.push_back(mapping.lookupOrDefault(value));
  return yielded;
}

struct MapToThreads : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasStaticIterationSpace(op) || op->getParentOfType<::mlir::gpu::LaunchOp>())
      return failure();
    SmallVector<int64_t> parallel =
        loopSizes(op, utils::IteratorType::parallel);
    SmallVector<int64_t> reduction =
        loopSizes(op, utils::IteratorType::reduction);
    int64_t points = 1;
    for (int64_t size : parallel)
      points *= size;
    if (points == 0) {
      rewriter.eraseOp(op);
      return success();
    }
    Location loc = op.getLoc();
    int64_t block = std::min<int64_t>(kBlockSize, llvm::alignTo(points, 32));
    int64_t grid = std::min<int64_t>(llvm::divideCeil(points, block), kMaxBlocks);
    rewriter.setInsertionPoint(op);
    ::mlir::gpu::LaunchOp launch =
        createLaunch(rewriter, loc, {grid, 1, 1}, {block, 1, 1});
    Value first = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, launch.getBlockIds().x,
                              indexConstant(rewriter, loc, block)),
        launch.getThreadIds().x);
    // Grid-stride: the grid is capped, the iteration space is not.
    forLoop(rewriter, loc, first, indexConstant(rewriter, loc, points),
            indexConstant(rewriter, loc, grid * block),
            [&](OpBuilder &b, Location l, Value linear) {
              SmallVector<Value> outer = delinearize(b, l, linear, parallel);
              SmallVector<Value> zeros(
                  reduction.size(), indexConstant(b, l, 0));
              SmallVector<Value> at = loopOrder(op, outer, zeros);
              SmallVector<Value> outputs = loadOutputs(b, l, op, at);
              if (reduction.empty()) {
                storeOutputs(b, l, op, emitPayload(b, l, op, outputs, at), at);
                return;
              }
              // Reductions accumulate in registers, one output load and
              // store per point.
              SmallVector<Value> lbs(reduction.size(), zeros[0]), ubs, steps(
                  reduction.size(), indexConstant(b, l, 1));
              for (int64_t size : reduction)
                ubs.push_back(indexConstant(b, l, size));
              SmallVector<Value> carried;
              for (auto [value, operand] :
                   llvm::zip(outputs, op.getDpsInitsMutable()))
                carried.push_back(value ? value
                                        : loadOperand(b, l, op, operand, at));
              scf::LoopNest nest = scf::buildLoopNest(
                  b, l, lbs, ubs, steps, carried,
                  [&](OpBuilder &nb, Location nl, ValueRange inner,
                      ValueRange acc) -> scf::ValueVector {
                    return emitPayload(nb, nl, op, acc,
                                       loopOrder(op, outer, inner));
                  });
              storeOutputs(b, l, op, nest.results, at);
            });
    rewriter.eraseOp(op);
    return success();
  }
};

/// Copies between buffers (left by bufferization) become linalg.copy, which
/// MapToThreads runs on the GPU.
struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    if (copy->getParentOfType<::mlir::gpu::LaunchOp>() ||
        !copy.getSource().getType().hasStaticShape() ||
        !copy.getTarget().getType().hasStaticShape())
      return failure();
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }
};

struct GPUMapLoops : ml::impl::GPUMapLoopsBase<GPUMapLoops> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MapToThreads, CopyToLinalg>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Whatever is left would run on the host, reading device memory.
    WalkResult unmapped = getOperation()->walk([](Operation *op) {
      if (!isa<linalg::LinalgOp, memref::CopyOp>(op) ||
          op->getParentOfType<::mlir::gpu::LaunchOp>())
        return WalkResult::advance();
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (linalgOp && !linalgOp.hasPureBufferSemantics())
        op->emitOpError("cannot run on the GPU before bufferization: its "
                        "operands must be buffers");
      else
        op->emitOpError("cannot run on the GPU: its shapes must be static");
      return WalkResult::interrupt();
    });
    if (unmapped.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
