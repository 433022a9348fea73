//===- GPUMapMatmul.cpp - the ml-gpu-map-matmul pass ---------------------===//
//
// A product computed one output per thread from global memory reads each
// input element M or N times. Here each block of 16 x 16 threads computes a
// 64 x 64 output tile: per step of 16 along k, its threads copy a 64 x 16
// tile of one input and a 16 x 64 tile of the other into shared memory, and
// each thread accumulates a 4 x 4 of outputs in registers from them, 8
// shared-memory loads for 16 products. Any contraction with one m, n and k
// dimension (matmul, batched, transposed operands, einsum's) qualifies: the
// tiles are loaded through the operands' own indexing maps.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/KernelBuilders.h"
#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GPUMAPMATMUL
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
using namespace mlir::ml::gpu;
namespace mgpu = mlir::gpu;

namespace {

// A block of kThreads x kThreads threads computes a kTile x kTile output
// tile, kMicro x kMicro outputs per thread kept in registers, in steps of
// kStep along k through a kTile x kStep and a kStep x kTile shared tile.
constexpr int64_t kThreads = 16;
constexpr int64_t kMicro = 4;
constexpr int64_t kTile = kThreads * kMicro;
constexpr int64_t kStep = 16;
// The y and z grid dimensions' limit.
constexpr int64_t kMaxGridYZ = 65535;

/// A product MapToTiles maps: one m, one n and one k loop besides the batch
/// loops, all of static size, and a payload `out + a * b`.
struct Product {
  linalg::ContractionDimensions dims;
  /// The sizes of all loops, in loop order.
  SmallVector<int64_t> ranges;
  int64_t m, n, k;
  /// The sizes of the batch loops, in loop order, and their product.
  SmallVector<int64_t> batch;
  int64_t batches;
  Combiner combiner;

  /// Whether there is no output element to compute.
  bool empty() const { return m == 0 || n == 0 || batches == 0; }

  /// A block per output tile, x along n, y along m, z over the batches.
  SmallVector<int64_t, 3> grid() const {
    return {static_cast<int64_t>(llvm::divideCeil(n, kTile)),
            static_cast<int64_t>(llvm::divideCeil(m, kTile)), batches};
  }
};

/// The product `op` computes, if MapToTiles can map it: its grid must fit
/// the y and z dimensions' limit.
FailureOr<Product> matchProduct(linalg::LinalgOp op,
                                PatternRewriter &rewriter) {
  if (!hasStaticIterationSpace(op) || op.getNumDpsInputs() != 2 ||
      op->getParentOfType<mgpu::LaunchOp>())
    return failure();
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  // Every loop must be batch, m, n or k: the tiles index no others.
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 || dims->batch.size() + 3 != op.getNumLoops())
    return rewriter.notifyMatchFailure(op, "not a single m, n, k product");
  std::optional<Combiner> combiner = Combiner::match(op);
  if (!combiner)
    return rewriter.notifyMatchFailure(op, "payload is not out + a * b");
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  Product product{*dims,
                  ranges,
                  ranges[dims->m[0]],
                  ranges[dims->n[0]],
                  ranges[dims->k[0]],
                  /*batch=*/{},
                  /*batches=*/1,
                  *combiner};
  for (unsigned d : dims->batch) {
    product.batch.push_back(ranges[d]);
    product.batches *= ranges[d];
  }
  SmallVector<int64_t, 3> grid = product.grid();
  if (grid[2] > kMaxGridYZ || grid[1] > kMaxGridYZ)
    return rewriter.notifyMatchFailure(op, "grid too large");
  return product;
}

/// A launch of kThreads x kThreads threads per output tile of `product`,
/// with a kTile x kStep tile of `op`'s first input and a kStep x kTile tile
/// of its second in shared memory; the builder is left in its body.
mgpu::LaunchOp createTileLaunch(OpBuilder &b, Location loc,
                                linalg::LinalgOp op, const Product &product) {
  Type lhsType =
      getElementTypeOrSelf(op.getDpsInputOperand(0)->get().getType());
  Type rhsType =
      getElementTypeOrSelf(op.getDpsInputOperand(1)->get().getType());
  return createLaunch(b, loc, product.grid(), {kThreads, kThreads, 1},
                      {workgroupMemRef({kTile, kStep}, lhsType),
                       workgroupMemRef({kStep, kTile}, rhsType)});
}

/// `i < iEnd && j < jEnd`.
Value inBounds(OpBuilder &b, Location loc, Value i, int64_t iEnd, Value j,
               int64_t jEnd) {
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i,
                                      indexConstant(b, loc, iEnd));
  Value second = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, j,
                                       indexConstant(b, loc, jEnd));
  return arith::AndIOp::create(b, loc, first, second);
}

/// An input tile in shared memory: element (r, c) of `buffer` is `operand`'s
/// element at loop `rowLoop` = row origin + r and loop `colLoop` = column
/// origin + c, read through the operand's own indexing map.
struct Tile {
  OpOperand *operand;
  Value buffer;
  unsigned rowLoop, colLoop;
};

/// Builds the body of a launch from createTileLaunch: each thread's
/// kMicro x kMicro outputs, accumulated in registers over the steps along k,
/// then combined into the output.
class TileKernel {
public:
  /// Computes what every step uses (the block's tile origins, the thread's
  /// index in the block, the batch indices) at the builder's position, the
  /// start of `launch`'s body.
  TileKernel(OpBuilder &b, Location loc, linalg::LinalgOp op,
             const Product &product, mgpu::LaunchOp launch)
      : op(op), product(product),
        lhs{op.getDpsInputOperand(0), launch.getWorkgroupAttributions()[0],
            product.dims.m[0], product.dims.k[0]},
        rhs{op.getDpsInputOperand(1), launch.getWorkgroupAttributions()[1],
            product.dims.k[0], product.dims.n[0]},
        tx(launch.getThreadIds().x), ty(launch.getThreadIds().y) {
    zero = indexConstant(b, loc, 0);
    rowBase = arith::MulIOp::create(b, loc, launch.getBlockIds().y,
                                    indexConstant(b, loc, kTile));
    colBase = arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                                    indexConstant(b, loc, kTile));
    thread = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, ty, indexConstant(b, loc, kThreads)),
        tx);
    batchIvs = delinearize(b, loc, launch.getBlockIds().z, product.batch);
  }

  /// The thread's kMicro x kMicro sums over all of k, row-major, each
  /// starting from the combiner's neutral value.
  ValueRange accumulate(OpBuilder &b, Location loc) {
    SmallVector<Value> initial(kMicro * kMicro,
                               product.combiner.neutralValue(b, loc));
    auto steps = scf::ForOp::create(
        b, loc, zero,
        indexConstant(b, loc, llvm::divideCeil(product.k, kStep)),
        indexConstant(b, loc, 1), initial,
        [&](OpBuilder &sb, Location sl, Value step, ValueRange acc) {
          Value k0 =
              arith::MulIOp::create(sb, sl, step, indexConstant(sb, sl, kStep));
          copyTiles(sb, sl, k0);
          mgpu::BarrierOp::create(sb, sl);
          ValueRange sums = multiplyTiles(sb, sl, k0, acc);
          // Nobody refills the tiles before everyone has read them.
          mgpu::BarrierOp::create(sb, sl);
          scf::YieldOp::create(sb, sl, sums);
        });
    return steps.getResults();
  }

  /// Combines `sums` (from accumulate) into the thread's output elements
  /// that lie in the output.
  void combineIntoOutput(OpBuilder &b, Location loc, ValueRange sums) {
    OpOperand *output = op.getDpsInitOperand(0);
    for (int64_t i = 0; i < kMicro; ++i)
      for (int64_t j = 0; j < kMicro; ++j) {
        Value row = rowOf(b, loc, i), col = colOf(b, loc, j);
        scf::IfOp::create(
            b, loc, inBounds(b, loc, row, product.m, col, product.n),
            [&](OpBuilder &ib, Location il) {
              SmallVector<Value> ivs = ivsAt(row, col, zero);
              Value old = loadOperand(ib, il, op, *output, ivs);
              storeOperand(ib, il, op, *output,
                           product.combiner.emit(ib, il, old,
                                                 sums[i * kMicro + j]),
                           ivs);
              scf::YieldOp::create(ib, il);
            });
      }
  }

private:
  /// Fills both tiles for the step starting at k = `k0`. Each thread copies
  /// kTile * kStep / threads elements of each tile; consecutive threads,
  /// consecutive elements of a row, so that a warp's loads coalesce.
  void copyTiles(OpBuilder &b, Location loc, Value k0) {
    for (int64_t e = 0; e < kTile * kStep / (kThreads * kThreads); ++e) {
      Value at = arith::AddIOp::create(
          b, loc, thread, indexConstant(b, loc, e * kThreads * kThreads));
      copyElement(b, loc, lhs, at, rowBase, k0);
      copyElement(b, loc, rhs, at, k0, colBase);
    }
  }

  /// Stores element `at` (row-major) of `tile`, the one at (`rowOrigin`,
  /// `colOrigin`) + (at / columns, at % columns) of the tile's loops. Past
  /// the end of either loop it stores zero instead of reading out of
  /// bounds; multiplyTiles and combineIntoOutput never use those elements.
  void copyElement(OpBuilder &b, Location loc, const Tile &tile, Value at,
                   Value rowOrigin, Value colOrigin) {
    int64_t columns = cast<MemRefType>(tile.buffer.getType()).getDimSize(1);
    Value r =
        arith::DivUIOp::create(b, loc, at, indexConstant(b, loc, columns));
    Value c =
        arith::RemUIOp::create(b, loc, at, indexConstant(b, loc, columns));
    Value row = arith::AddIOp::create(b, loc, rowOrigin, r);
    Value col = arith::AddIOp::create(b, loc, colOrigin, c);
    Value valid = inBounds(b, loc, row, product.ranges[tile.rowLoop], col,
                           product.ranges[tile.colLoop]);
    SmallVector<Value> ivs = uniformIvs();
    ivs[tile.rowLoop] = row;
    ivs[tile.colLoop] = col;
    Value element = loadOrZero(b, loc, *tile.operand, valid, ivs);
    memref::StoreOp::create(b, loc, element, tile.buffer, ValueRange{r, c});
  }

  /// `operand`'s element at `ivs` if `valid`, else zero.
  Value loadOrZero(OpBuilder &b, Location loc, OpOperand &operand,
                   Value valid, ValueRange ivs) {
    Type type = getElementTypeOrSelf(operand.get().getType());
    auto load = scf::IfOp::create(
        b, loc, valid,
        [&](OpBuilder &ib, Location il) {
          scf::YieldOp::create(ib, il, loadOperand(ib, il, op, operand, ivs));
        },
        [&](OpBuilder &ib, Location il) {
          scf::YieldOp::create(
              ib, il,
              Value(arith::ConstantOp::create(
                  ib, il, cast<TypedAttr>(ib.getZeroAttr(type)))));
        });
    return load.getResult(0);
  }

  /// `acc` combined with the products of the filled tiles for the step
  /// starting at k = `k0`, over the step's k indices inside the product.
  ValueRange multiplyTiles(OpBuilder &b, Location loc, Value k0,
                           ValueRange acc) {
    // The same count for every thread of the block: k - k0 at the end.
    Value count = arith::MinUIOp::create(
        b, loc, indexConstant(b, loc, kStep),
        arith::SubIOp::create(b, loc, indexConstant(b, loc, product.k), k0));
    auto inner = scf::ForOp::create(
        b, loc, indexConstant(b, loc, 0), count, indexConstant(b, loc, 1), acc,
        [&](OpBuilder &ib, Location il, Value kk, ValueRange sums) {
          scf::YieldOp::create(ib, il, multiplyAt(ib, il, k0, kk, sums));
        });
    return inner.getResults();
  }

  /// `sums` combined with the thread's kMicro x kMicro products of column
  /// `kk` of the lhs tile and row `kk` of the rhs tile: 2 * kMicro
  /// shared-memory loads for kMicro * kMicro products.
  SmallVector<Value> multiplyAt(OpBuilder &b, Location loc, Value k0,
                                Value kk, ValueRange sums) {
    SmallVector<Value> as, bs;
    for (int64_t i = 0; i < kMicro; ++i) {
      Value r = arith::AddIOp::create(b, loc, ty,
                                      indexConstant(b, loc, kThreads * i));
      as.push_back(
          memref::LoadOp::create(b, loc, lhs.buffer, ValueRange{r, kk}));
      Value c = arith::AddIOp::create(b, loc, tx,
                                      indexConstant(b, loc, kThreads * i));
      bs.push_back(
          memref::LoadOp::create(b, loc, rhs.buffer, ValueRange{kk, c}));
    }
    Value kAt = arith::AddIOp::create(b, loc, k0, kk);
    const Combiner &combiner = product.combiner;
    SmallVector<Value> next;
    for (int64_t i = 0; i < kMicro; ++i)
      for (int64_t j = 0; j < kMicro; ++j) {
        IRMapping mapping = clonePayload(
            b, op, {as[i], bs[j]},
            ivsAt(rowOf(b, loc, i), colOf(b, loc, j), kAt), combiner.combine);
        next.push_back(combiner.emit(b, loc, sums[i * kMicro + j],
                                     combiner.contribution(mapping)));
      }
    return next;
  }

  /// Output (i, j) of the thread's kMicro x kMicro: rows ty + kThreads * i,
  /// columns tx + kThreads * j, so that a warp's loads from the tiles and
  /// stores to the output are to neighbouring columns.
  Value rowOf(OpBuilder &b, Location loc, int64_t i) const {
    return arith::AddIOp::create(
        b, loc, rowBase,
        arith::AddIOp::create(b, loc, ty, indexConstant(b, loc, kThreads * i)));
  }
  Value colOf(OpBuilder &b, Location loc, int64_t j) const {
    return arith::AddIOp::create(
        b, loc, colBase,
        arith::AddIOp::create(b, loc, tx, indexConstant(b, loc, kThreads * j)));
  }

  /// Loop indices with the block's batch indices and 0 for m, n and k.
  SmallVector<Value> uniformIvs() const {
    SmallVector<Value> ivs(product.ranges.size(), zero);
    for (auto [d, iv] : llvm::zip(product.dims.batch, batchIvs))
      ivs[d] = iv;
    return ivs;
  }

  /// Loop indices for (row i, column j, step kk).
  SmallVector<Value> ivsAt(Value i, Value j, Value kk) const {
    SmallVector<Value> ivs = uniformIvs();
    ivs[product.dims.m[0]] = i;
    ivs[product.dims.n[0]] = j;
    ivs[product.dims.k[0]] = kk;
    return ivs;
  }

  linalg::LinalgOp op;
  const Product &product;
  Tile lhs, rhs;
  Value tx, ty;
  Value zero;
  /// The block's first output row and column.
  Value rowBase, colBase;
  /// The thread's index in the block, x fastest.
  Value thread;
  SmallVector<Value> batchIvs;
};

struct MapToTiles : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Product> product = matchProduct(op, rewriter);
    if (failed(product))
      return failure();
    if (product->empty()) {
      rewriter.eraseOp(op);
      return success();
    }
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    mgpu::LaunchOp launch = createTileLaunch(rewriter, loc, op, *product);
    TileKernel kernel(rewriter, loc, op, *product, launch);
    ValueRange sums = kernel.accumulate(rewriter, loc);
    kernel.combineIntoOutput(rewriter, loc, sums);
    rewriter.eraseOp(op);
    return success();
  }
};

struct GPUMapMatmul : ml::impl::GPUMapMatmulBase<GPUMapMatmul> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MapToTiles>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
