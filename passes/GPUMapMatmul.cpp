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

#include "passes/GPUKernels.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GPUMAPMATMUL
#include "passes/Passes.h.inc"
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

struct MapToTiles : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
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
    int64_t m = ranges[dims->m[0]], n = ranges[dims->n[0]],
            k = ranges[dims->k[0]];
    SmallVector<int64_t> batch;
    int64_t batches = 1;
    for (unsigned d : dims->batch) {
      batch.push_back(ranges[d]);
      batches *= ranges[d];
    }
    int64_t tilesM = static_cast<int64_t>(llvm::divideCeil(m, kTile));
    if (batches > kMaxGridYZ || tilesM > kMaxGridYZ)
      return rewriter.notifyMatchFailure(op, "grid too large");
    if (m == 0 || n == 0 || batches == 0) {
      rewriter.eraseOp(op);
      return success();
    }

    Location loc = op.getLoc();
    OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
    Type lhsType = getElementTypeOrSelf(lhs->get().getType());
    Type rhsType = getElementTypeOrSelf(rhs->get().getType());
    rewriter.setInsertionPoint(op);
    mgpu::LaunchOp launch = createLaunch(
        rewriter, loc,
        {static_cast<int64_t>(llvm::divideCeil(n, kTile)), tilesM, batches},
        {kThreads, kThreads, 1},
        {workgroupMemRef({kTile, kStep}, lhsType),
         workgroupMemRef({kStep, kTile}, rhsType)});
    Value lhsTile = launch.getWorkgroupAttributions()[0];
    Value rhsTile = launch.getWorkgroupAttributions()[1];
    Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
    OpBuilder &b = rewriter;
    Value zero = indexConstant(b, loc, 0);
    Value rowBase = arith::MulIOp::create(b, loc, launch.getBlockIds().y,
                                          indexConstant(b, loc, kTile));
    Value colBase = arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                                          indexConstant(b, loc, kTile));
    Value thread = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, ty, indexConstant(b, loc, kThreads)),
        tx);
    SmallVector<Value> batchIvs =
        delinearize(b, loc, launch.getBlockIds().z, batch);
    // Loop indices for (row i, column j, step kk); dimensions an operand
    // does not use are 0.
    auto ivsAt = [&](Value i, Value j, Value kk) {
      SmallVector<Value> ivs(ranges.size(), zero);
      for (auto [d, iv] : llvm::zip(dims->batch, batchIvs))
        ivs[d] = iv;
      ivs[dims->m[0]] = i;
      ivs[dims->n[0]] = j;
      ivs[dims->k[0]] = kk;
      return ivs;
    };
    auto inBounds = [&](OpBuilder &ib, Location il, Value i, int64_t iEnd,
                        Value j, int64_t jEnd) -> Value {
      Value first = arith::CmpIOp::create(ib, il, arith::CmpIPredicate::ult, i,
                                          indexConstant(ib, il, iEnd));
      Value second = arith::CmpIOp::create(ib, il, arith::CmpIPredicate::ult,
                                           j, indexConstant(ib, il, jEnd));
      return arith::AndIOp::create(ib, il, first, second);
    };
    // The operand's element at `ivs` (zero outside the product).
    auto element = [&](OpBuilder &sb, Location sl, OpOperand *operand,
                       Value valid, SmallVector<Value> ivs) -> Value {
      Type type = getElementTypeOrSelf(operand->get().getType());
      auto load = scf::IfOp::create(
          sb, sl, valid,
          [&](OpBuilder &ib, Location il) {
            scf::YieldOp::create(ib, il,
                                 loadOperand(ib, il, op, *operand, ivs));
          },
          [&](OpBuilder &ib, Location il) {
            scf::YieldOp::create(
                ib, il,
                Value(arith::ConstantOp::create(
                    ib, il, cast<TypedAttr>(ib.getZeroAttr(type)))));
          });
      return load.getResult(0);
    };
    // Output (i, j) of the thread's kMicro x kMicro: rows ty + kThreads * i,
    // columns tx + kThreads * j, so that a warp's loads from the tiles and
    // stores to the output are to neighbouring columns.
    auto rowOf = [&](OpBuilder &ib, Location il, int64_t i) -> Value {
      return arith::AddIOp::create(
          ib, il, rowBase,
          arith::AddIOp::create(ib, il, ty, indexConstant(ib, il, kThreads * i)));
    };
    auto colOf = [&](OpBuilder &ib, Location il, int64_t j) -> Value {
      return arith::AddIOp::create(
          ib, il, colBase,
          arith::AddIOp::create(ib, il, tx, indexConstant(ib, il, kThreads * j)));
    };

    SmallVector<Value> initial(kMicro * kMicro,
                               combiner->neutralValue(b, loc));
    auto steps = scf::ForOp::create(
        b, loc, zero, indexConstant(b, loc, llvm::divideCeil(k, kStep)),
        indexConstant(b, loc, 1), initial,
        [&](OpBuilder &sb, Location sl, Value step, ValueRange acc) {
          Value k0 = arith::MulIOp::create(sb, sl, step, indexConstant(sb, sl, kStep));
          // Each thread copies kTile * kStep / threads elements of each
          // tile; consecutive threads, consecutive elements of a row.
          for (int64_t e = 0; e < kTile * kStep / (kThreads * kThreads); ++e) {
            Value at = arith::AddIOp::create(
                sb, sl, thread, indexConstant(sb, sl, e * kThreads * kThreads));
            Value r = arith::DivUIOp::create(sb, sl, at, indexConstant(sb, sl, kStep));
            Value c = arith::RemUIOp::create(sb, sl, at, indexConstant(sb, sl, kStep));
            Value row = arith::AddIOp::create(sb, sl, rowBase, r);
            Value kk = arith::AddIOp::create(sb, sl, k0, c);
            memref::StoreOp::create(
                sb, sl,
                element(sb, sl, lhs, inBounds(sb, sl, row, m, kk, k),
                        ivsAt(row, zero, kk)),
                lhsTile, ValueRange{r, c});
            r = arith::DivUIOp::create(sb, sl, at, indexConstant(sb, sl, kTile));
            c = arith::RemUIOp::create(sb, sl, at, indexConstant(sb, sl, kTile));
            kk = arith::AddIOp::create(sb, sl, k0, r);
            Value col = arith::AddIOp::create(sb, sl, colBase, c);
            memref::StoreOp::create(
                sb, sl,
                element(sb, sl, rhs, inBounds(sb, sl, kk, k, col, n),
                        ivsAt(zero, col, kk)),
                rhsTile, ValueRange{r, c});
          }
          mgpu::BarrierOp::create(sb, sl);
          // The same count for every thread of the block: k - k0 at the end.
          Value count = arith::MinUIOp::create(
              sb, sl, indexConstant(sb, sl, kStep),
              arith::SubIOp::create(sb, sl, indexConstant(sb, sl, k), k0));
          auto inner = scf::ForOp::create(
              sb, sl, indexConstant(sb, sl, 0), count, indexConstant(sb, sl, 1), acc,
              [&](OpBuilder &ib, Location il, Value kk, ValueRange sums) {
                SmallVector<Value> as, bs;
                for (int64_t i = 0; i < kMicro; ++i) {
                  Value r = arith::AddIOp::create(
                      ib, il, ty, indexConstant(ib, il, kThreads * i));
                  as.push_back(memref::LoadOp::create(ib, il, lhsTile,
                                                      ValueRange{r, kk}));
                  Value c = arith::AddIOp::create(
                      ib, il, tx, indexConstant(ib, il, kThreads * i));
                  bs.push_back(memref::LoadOp::create(ib, il, rhsTile,
                                                      ValueRange{kk, c}));
                }
                Value kAt = arith::AddIOp::create(ib, il, k0, kk);
                SmallVector<Value> next;
                for (int64_t i = 0; i < kMicro; ++i)
                  for (int64_t j = 0; j < kMicro; ++j) {
                    IRMapping mapping = clonePayload(
                        ib, op, {as[i], bs[j]},
                        ivsAt(rowOf(ib, il, i), colOf(ib, il, j), kAt),
                        combiner->combine);
                    next.push_back(combiner->emit(
                        ib, il, sums[i * kMicro + j],
                        combiner->contribution(mapping)));
                  }
                scf::YieldOp::create(ib, il, next);
              });
          // Nobody refills the tiles before everyone has read them.
          mgpu::BarrierOp::create(sb, sl);
          scf::YieldOp::create(sb, sl, inner.getResults());
        });
    OpOperand *output = op.getDpsInitOperand(0);
    for (int64_t i = 0; i < kMicro; ++i)
      for (int64_t j = 0; j < kMicro; ++j) {
        Value row = rowOf(b, loc, i), col = colOf(b, loc, j);
        scf::IfOp::create(
            b, loc, inBounds(b, loc, row, m, col, n),
            [&](OpBuilder &ib, Location il) {
              SmallVector<Value> ivs = ivsAt(row, col, zero);
              Value old = loadOperand(ib, il, op, *output, ivs);
              storeOperand(ib, il, op, *output,
                           combiner->emit(ib, il, old,
                                          steps.getResult(i * kMicro + j)),
                           ivs);
              scf::YieldOp::create(ib, il);
            });
      }
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
