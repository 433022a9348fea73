//===- GPUMapReductions.cpp - the ml-gpu-map-reductions pass -------------===//
//
// A row reduction run by one thread per row leaves most of the GPU idle and
// reads memory with a stride per thread. Here a block of threads shares each
// output element: thread t combines contributions t, t + B, t + 2B, ... of
// the reduction space (neighbouring threads read neighbouring elements),
// then the block combines its B partial results in shared memory in log2(B)
// halving steps, and thread 0 combines the total into the output.
//
//===----------------------------------------------------------------------===//

#include "passes/GPUKernels.h"
#include "passes/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GPUMAPREDUCTIONS
#include "passes/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
using namespace mlir::ml::gpu;
namespace mgpu = mlir::gpu;

namespace {

struct MapToBlocks : OpInterfaceRewritePattern<linalg::LinalgOp> {
  MapToBlocks(MLIRContext *context, int64_t minReduction)
      : OpInterfaceRewritePattern(context), minReduction(minReduction) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasStaticIterationSpace(op) ||
        op->getParentOfType<mgpu::LaunchOp>())
      return failure();
    std::optional<Combiner> combiner = Combiner::match(op);
    if (!combiner)
      return rewriter.notifyMatchFailure(op, "not a combining reduction");
    SmallVector<int64_t> parallel =
        loopSizes(op, utils::IteratorType::parallel);
    SmallVector<int64_t> reduction =
        loopSizes(op, utils::IteratorType::reduction);
    int64_t rows = 1, length = 1;
    for (int64_t size : parallel)
      rows *= size;
    for (int64_t size : reduction)
      length *= size;
    // Short reductions are left to a thread each (ml-gpu-map-loops).
    if (length < std::max<int64_t>(minReduction, 1) || rows == 0)
      return rewriter.notifyMatchFailure(op, "reduction too short");

    Location loc = op.getLoc();
    int64_t block = std::min<int64_t>(kBlockSize, llvm::PowerOf2Ceil(length));
    int64_t grid = std::min(rows, kMaxBlocks);
    Type elementType = combiner->neutral.getType();
    rewriter.setInsertionPoint(op);
    mgpu::LaunchOp launch =
        createLaunch(rewriter, loc, {grid, 1, 1}, {block, 1, 1},
                     {workgroupMemRef({block}, elementType)});
    Value partials = launch.getWorkgroupAttributions()[0];
    Value thread = launch.getThreadIds().x;
    auto index = [&](OpBuilder &b, Location l, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, l, v);
    };

    // Blocks stride over the rows; every thread of a block runs the same
    // iterations, so the barriers inside are reached by all of them.
    forLoop(rewriter, loc, launch.getBlockIds().x, index(rewriter, loc, rows),
            index(rewriter, loc, grid), [&](OpBuilder &b, Location l,
                                            Value row) {
      SmallVector<Value> outer = delinearize(b, l, row, parallel);
      auto accumulate = scf::ForOp::create(
          b, l, thread, index(b, l, length), index(b, l, block),
          ValueRange{combiner->neutralValue(b, l)},
          [&](OpBuilder &nb, Location nl, Value at, ValueRange acc) {
            SmallVector<Value> ivs =
                loopOrder(op, outer, delinearize(nb, nl, at, reduction));
            SmallVector<Value> args;
            for (OpOperand *input : op.getDpsInputOperands())
              args.push_back(op.payloadUsesValueFromOperand(input)
                                 ? loadOperand(nb, nl, op, *input, ivs)
                                 : Value());
            IRMapping mapping =
                clonePayload(nb, op, args, ivs, combiner->combine);
            scf::YieldOp::create(
                nb, nl,
                combiner->emit(nb, nl, acc[0],
                               combiner->contribution(mapping)));
          });
      memref::StoreOp::create(b, l, accumulate.getResult(0), partials,
                              thread);
      mgpu::BarrierOp::create(b, l);
      for (int64_t half = block / 2; half > 0; half /= 2) {
        Value active = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                             thread, index(b, l, half));
        scf::IfOp::create(b, l, active, [&](OpBuilder &ib, Location il) {
          Value other =
              arith::AddIOp::create(ib, il, thread, index(ib, il, half));
          Value mine = memref::LoadOp::create(ib, il, partials, thread);
          Value theirs = memref::LoadOp::create(ib, il, partials, other);
          memref::StoreOp::create(ib, il,
                                  combiner->emit(ib, il, mine, theirs),
                                  partials, thread);
          scf::YieldOp::create(ib, il);
        });
        mgpu::BarrierOp::create(b, l);
      }
      Value leader = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                           thread, index(b, l, 0));
      scf::IfOp::create(b, l, leader, [&](OpBuilder &ib, Location il) {
        SmallVector<Value> zeros(reduction.size(), index(ib, il, 0));
        SmallVector<Value> at = loopOrder(op, outer, zeros);
        OpOperand *output = op.getDpsInitOperand(0);
        Value initial = loadOperand(ib, il, op, *output, at);
        Value total = memref::LoadOp::create(ib, il, partials,
                                             index(ib, il, 0));
        storeOperand(ib, il, op, *output,
                     combiner->emit(ib, il, initial, total), at);
        scf::YieldOp::create(ib, il);
      });
      // The next row's partial results overwrite this row's.
      mgpu::BarrierOp::create(b, l);
    });
    rewriter.eraseOp(op);
    return success();
  }

  int64_t minReduction;
};

struct GPUMapReductions : ml::impl::GPUMapReductionsBase<GPUMapReductions> {
  using GPUMapReductionsBase::GPUMapReductionsBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MapToBlocks>(&getContext(), minReduction);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
