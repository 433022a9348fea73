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

#include "passes/GPU/KernelBuilders.h"
#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GPUMAPREDUCTIONS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
using namespace mlir::ml::gpu;
namespace mgpu = mlir::gpu;

namespace {

// Rows split into chunks: fewer than kSplitRows rows of at least
// kSplitLength contributions, into chunks of about kSplitLength, aiming for
// kSplitBlocks blocks in all (a few per multiprocessor).
constexpr int64_t kSplitRows = 128;
constexpr int64_t kSplitLength = 16 * kBlockSize;
constexpr int64_t kSplitBlocks = 1024;

/// A kernel of `rows * chunks` blocks of `block` threads: block (row, chunk)
/// combines `contribution(row, at)` for at = chunk * block + thread, stepping
/// by chunks * block up to `length` (neighbouring threads, neighbouring
/// elements), then its threads' partial results in shared memory in log2
/// halving steps; thread 0 passes the total to `finish(row, chunk, total)`.
void emitBlockReduction(
    OpBuilder &b, Location loc, const Combiner &combiner, int64_t rows,
    int64_t chunks, int64_t length, int64_t block,
    function_ref<Value(OpBuilder &, Location, Value, Value)> contribution,
    function_ref<void(OpBuilder &, Location, Value, Value, Value)> finish) {
  int64_t blocks = rows * chunks;
  int64_t grid = std::min(blocks, kMaxBlocks);
  mgpu::LaunchOp launch =
      createLaunch(b, loc, {grid, 1, 1}, {block, 1, 1},
                   {workgroupMemRef({block}, combiner.neutral.getType())});
  Value partials = launch.getWorkgroupAttributions()[0];
  Value thread = launch.getThreadIds().x;
  // Blocks stride over the (row, chunk) pairs; every thread of a block runs
  // the same iterations, so the barriers inside are reached by all of them.
  forLoop(b, loc, launch.getBlockIds().x, indexConstant(b, loc, blocks),
          indexConstant(b, loc, grid), [&](OpBuilder &rb, Location l, Value pair) {
    Value row = arith::DivUIOp::create(rb, l, pair, indexConstant(rb, l, chunks));
    Value chunk = arith::RemUIOp::create(rb, l, pair, indexConstant(rb, l, chunks));
    Value first = arith::AddIOp::create(
        rb, l, arith::MulIOp::create(rb, l, chunk, indexConstant(rb, l, block)),
        thread);
    auto accumulate = scf::ForOp::create(
        rb, l, first, indexConstant(rb, l, length), indexConstant(rb, l, chunks * block),
        ValueRange{combiner.neutralValue(rb, l)},
        [&](OpBuilder &nb, Location nl, Value at, ValueRange acc) {
          scf::YieldOp::create(
              nb, nl,
              combiner.emit(nb, nl, acc[0], contribution(nb, nl, row, at)));
        });
    memref::StoreOp::create(rb, l, accumulate.getResult(0), partials, thread);
    mgpu::BarrierOp::create(rb, l);
    for (int64_t half = block / 2; half > 0; half /= 2) {
      Value active = arith::CmpIOp::create(rb, l, arith::CmpIPredicate::ult,
                                           thread, indexConstant(rb, l, half));
      scf::IfOp::create(rb, l, active, [&](OpBuilder &ib, Location il) {
        Value other = arith::AddIOp::create(ib, il, thread, indexConstant(ib, il, half));
        Value mine = memref::LoadOp::create(ib, il, partials, thread);
        Value theirs = memref::LoadOp::create(ib, il, partials, other);
        memref::StoreOp::create(ib, il, combiner.emit(ib, il, mine, theirs),
                                partials, thread);
        scf::YieldOp::create(ib, il);
      });
      mgpu::BarrierOp::create(rb, l);
    }
    Value leader = arith::CmpIOp::create(rb, l, arith::CmpIPredicate::eq,
                                         thread, indexConstant(rb, l, 0));
    scf::IfOp::create(rb, l, leader, [&](OpBuilder &ib, Location il) {
      finish(ib, il, row, chunk,
             memref::LoadOp::create(ib, il, partials, indexConstant(ib, il, 0)));
      scf::YieldOp::create(ib, il);
    });
    // The next pair's partial results overwrite this pair's.
    mgpu::BarrierOp::create(rb, l);
  });
  b.setInsertionPointAfter(launch);
}

/// Threads per block for a reduction of `length` contributions.
int64_t blockFor(int64_t length) {
  return std::min<int64_t>(kBlockSize, llvm::PowerOf2Ceil(length));
}

/// A reduction MapToBlocks maps, seen as `rows` rows (the points of its
/// parallel loops, row-major) of `length` contributions each (the points of
/// its reduction loops, row-major).
struct Reduction {
  linalg::LinalgOp op;
  OpOperand *output;
  Combiner combiner;
  /// The sizes of the parallel and of the reduction loops, in loop order.
  SmallVector<int64_t> parallel, reduction;
  int64_t rows, length;

  /// Contribution `at` of row `row`: the payload up to its combining op.
  Value contribution(OpBuilder &b, Location loc, Value row, Value at) const {
    SmallVector<Value> ivs =
        loopOrder(op, delinearize(b, loc, row, parallel),
                  delinearize(b, loc, at, reduction));
    return combiner.contribution(clonePayload(
        b, op, loadInputs(b, loc, op, ivs), ivs, combiner.combine));
  }

  /// Combines `total`, row `row`'s combined contributions, into the row's
  /// output element.
  void combineIntoOutput(OpBuilder &b, Location loc, Value row,
                         Value total) const {
    SmallVector<Value> zeros(reduction.size(), indexConstant(b, loc, 0));
    SmallVector<Value> at =
        loopOrder(op, delinearize(b, loc, row, parallel), zeros);
    Value initial = loadOperand(b, loc, op, *output, at);
    storeOperand(b, loc, op, *output, combiner.emit(b, loc, initial, total),
                 at);
  }
};

/// Chunks to split each row into: few long rows would leave most of the GPU
/// idle, so each row is then split into chunks reduced by blocks of their
/// own.
int64_t chunksFor(int64_t rows, int64_t length) {
  if (rows < kSplitRows && length >= kSplitLength)
    return std::min(llvm::divideCeil(kSplitBlocks, rows),
                    llvm::divideCeil(length, kSplitLength));
  return 1;
}

/// One kernel: a block per row combines the row's contributions into its
/// output element.
void emitRowReduction(OpBuilder &b, Location loc, const Reduction &red) {
  emitBlockReduction(
      b, loc, red.combiner, red.rows, 1, red.length, blockFor(red.length),
      [&](OpBuilder &nb, Location l, Value row, Value at) {
        return red.contribution(nb, l, row, at);
      },
      [&](OpBuilder &nb, Location l, Value row, Value, Value total) {
        red.combineIntoOutput(nb, l, row, total);
      });
}

/// Two kernels: a block per (row, chunk) combines the chunk's contributions
/// into a temporary buffer, then a block per row combines the row's chunks
/// into its output element.
void emitChunkedReduction(OpBuilder &b, Location loc, const Reduction &red,
                          int64_t chunks) {
  Value totals = memref::AllocOp::create(
      b, loc,
      MemRefType::get({red.rows * chunks}, red.combiner.neutral.getType()));
  auto slot = [&](OpBuilder &nb, Location l, Value row, Value chunk) {
    return arith::AddIOp::create(
        nb, l, arith::MulIOp::create(nb, l, row, indexConstant(nb, l, chunks)),
        chunk);
  };
  emitBlockReduction(
      b, loc, red.combiner, red.rows, chunks, red.length, kBlockSize,
      [&](OpBuilder &nb, Location l, Value row, Value at) {
        return red.contribution(nb, l, row, at);
      },
      [&](OpBuilder &nb, Location l, Value row, Value chunk, Value total) {
        memref::StoreOp::create(nb, l, total, totals,
                                ValueRange{slot(nb, l, row, chunk)});
      });
  emitBlockReduction(
      b, loc, red.combiner, red.rows, 1, chunks, blockFor(chunks),
      [&](OpBuilder &nb, Location l, Value row, Value chunk) -> Value {
        return memref::LoadOp::create(nb, l, totals,
                                      ValueRange{slot(nb, l, row, chunk)});
      },
      [&](OpBuilder &nb, Location l, Value row, Value, Value total) {
        red.combineIntoOutput(nb, l, row, total);
      });
  memref::DeallocOp::create(b, loc, totals);
}

struct MapToBlocks : OpInterfaceRewritePattern<linalg::LinalgOp> {
  MapToBlocks(MLIRContext *context, int64_t minReduction)
      : OpInterfaceRewritePattern(context), minReduction(minReduction) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Reduction> red = matchReduction(op, rewriter);
    if (failed(red))
      return failure();
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    int64_t chunks = chunksFor(red->rows, red->length);
    if (chunks == 1)
      emitRowReduction(rewriter, loc, *red);
    else
      emitChunkedReduction(rewriter, loc, *red, chunks);
    rewriter.eraseOp(op);
    return success();
  }

  /// The reduction `op` computes, if it is long enough to share between
  /// threads.
  FailureOr<Reduction> matchReduction(linalg::LinalgOp op,
                                      PatternRewriter &rewriter) const {
    if (!hasStaticIterationSpace(op) ||
        op->getParentOfType<mgpu::LaunchOp>())
      return failure();
    std::optional<Combiner> combiner = Combiner::match(op);
    if (!combiner)
      return rewriter.notifyMatchFailure(op, "not a combining reduction");
    Reduction red{op,
                  op.getDpsInitOperand(0),
                  *combiner,
                  loopSizes(op, utils::IteratorType::parallel),
                  loopSizes(op, utils::IteratorType::reduction),
                  /*rows=*/1,
                  /*length=*/1};
    for (int64_t size : red.parallel)
      red.rows *= size;
    for (int64_t size : red.reduction)
      red.length *= size;
    // Short reductions are left to a thread each (ml-gpu-map-loops).
    if (red.length < std::max<int64_t>(minReduction, 1) || red.rows == 0)
      return rewriter.notifyMatchFailure(op, "reduction too short");
    return red;
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
