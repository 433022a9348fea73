//===- GPUMapLoops.cpp - the ml-gpu-map-loops pass -----------------------===//
//
// The general GPU kernel: one thread per point of a linalg op's parallel
// loops, its reduction loops run sequentially by that thread with the
// outputs in registers. It maps any structured op (elementwise, broadcast,
// transpose, fill, copy, gather, small reductions), so it runs after the
// specialised mappings and leaves no linalg op behind. Where sizes are known
// only at run time, the host computes them (memref.dim) and the grid.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/KernelBuilders.h"
#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
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

/// The grid-stride loop of a kernel: from `first`, every `stride`-th of the
/// op's `points` parallel points (`parallel` sizes, row-major), its
/// reduction loops (`reduction` sizes) sequential in the thread.
void emitPoints(OpBuilder &b, Location loc, linalg::LinalgOp op, Value first,
                OpFoldResult points, OpFoldResult stride,
                ArrayRef<OpFoldResult> parallel,
                ArrayRef<OpFoldResult> reduction) {
  auto index = [&](OpBuilder &nb, Location nl, OpFoldResult size) {
    return getValueOrCreateConstantIndexOp(nb, nl, size);
  };
  forLoop(b, loc, first, index(b, loc, points), index(b, loc, stride),
          [&](OpBuilder &b, Location l, Value linear) {
            SmallVector<Value> outer = delinearize(b, l, linear, parallel);
            SmallVector<Value> zeros(reduction.size(), indexConstant(b, l, 0));
            SmallVector<Value> at = loopOrder(op, outer, zeros);
            SmallVector<Value> outputs = loadOutputs(b, l, op, at);
            if (reduction.empty()) {
              storeOutputs(b, l, op, emitPayload(b, l, op, outputs, at), at);
              return;
            }
            // Reductions accumulate in registers, one output load and
            // store per point.
            SmallVector<Value> lbs(reduction.size(), zeros[0]), ubs,
                steps(reduction.size(), indexConstant(b, l, 1));
            for (OpFoldResult size : reduction)
              ubs.push_back(index(b, l, size));
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
}

/// The first point of the thread: bx * block + tx.
Value firstPoint(OpBuilder &b, Location loc, ::mlir::gpu::LaunchOp launch,
                 int64_t block) {
  return arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            indexConstant(b, loc, block)),
      launch.getThreadIds().x);
}

struct MapToThreads : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() ||
        op->getParentOfType<::mlir::gpu::LaunchOp>())
      return failure();
    if (!hasStaticIterationSpace(op))
      return mapDynamic(op, rewriter);
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
    MLIRContext *context = rewriter.getContext();
    // Grid-stride: the grid is capped, the iteration space is not.
    emitPoints(rewriter, loc, op, firstPoint(rewriter, loc, launch, block),
               rewriter.getIndexAttr(points), rewriter.getIndexAttr(grid * block),
               getAsIndexOpFoldResult(context, parallel),
               getAsIndexOpFoldResult(context, reduction));
    rewriter.eraseOp(op);
    return success();
  }

  /// Sizes known at run time: the host reads them and launches
  /// clamp(ceil(points / 256), 1, 2^20) blocks of 256 (one block, doing
  /// nothing, where there are no points).
  LogicalResult mapDynamic(linalg::LinalgOp op,
                           PatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    SmallVector<OpFoldResult> parallel =
        loopSizes(rewriter, loc, op, utils::IteratorType::parallel);
    SmallVector<OpFoldResult> reduction =
        loopSizes(rewriter, loc, op, utils::IteratorType::reduction);
    Value points = indexConstant(rewriter, loc, 1);
    for (OpFoldResult size : parallel)
      points = arith::MulIOp::create(
          rewriter, loc, points,
          getValueOrCreateConstantIndexOp(rewriter, loc, size));
    Value block = indexConstant(rewriter, loc, kBlockSize);
    Value grid = arith::MaxUIOp::create(
        rewriter, loc, indexConstant(rewriter, loc, 1),
        arith::MinUIOp::create(
            rewriter, loc, indexConstant(rewriter, loc, kMaxBlocks),
            arith::CeilDivUIOp::create(rewriter, loc, points, block)));
    Value stride = arith::MulIOp::create(rewriter, loc, grid, block);
    ::mlir::gpu::LaunchOp launch =
        createLaunch(rewriter, loc, grid, {kBlockSize, 1, 1});
    emitPoints(rewriter, loc, op, firstPoint(rewriter, loc, launch, kBlockSize),
               points, stride, parallel, reduction);
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
    if (copy->getParentOfType<::mlir::gpu::LaunchOp>())
      return failure();
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }
};

/// A store the program makes into a buffer outside any loop (a scalar
/// computed from sizes known at run time, as tensor.from_elements
/// bufferizes) runs as a kernel of one thread: the buffer lives in GPU
/// memory. (Stores in loops are the deallocation helper's, on the host.)
struct StoreInKernel : OpRewritePattern<memref::StoreOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::StoreOp store,
                                PatternRewriter &rewriter) const override {
    if (!isa<FunctionOpInterface>(store->getParentOp()))
      return failure();
    rewriter.setInsertionPoint(store);
    createLaunch(rewriter, store.getLoc(), {1, 1, 1}, {1, 1, 1});
    rewriter.clone(*store);
    rewriter.eraseOp(store);
    return success();
  }
};

struct GPUMapLoops : ml::impl::GPUMapLoopsBase<GPUMapLoops> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MapToThreads, CopyToLinalg, StoreInKernel>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Whatever is left would run on the host, reading device memory: only
    // ops on tensors are (buffers of any shape become kernels).
    WalkResult unmapped = getOperation()->walk([](linalg::LinalgOp op) {
      if (op->getParentOfType<::mlir::gpu::LaunchOp>())
        return WalkResult::advance();
      op->emitOpError("cannot run on the GPU before bufferization: its "
                      "operands must be buffers");
      return WalkResult::interrupt();
    });
    if (unmapped.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
