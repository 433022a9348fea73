//===- GPUMapMatmul.cpp - the ml-gpu-map-matmul pass ---------------------===//
//
// A product computed one output per thread from global memory reads each
// input element M or N times. Here each block computes a T x T tile of the
// output: per step of T along k, its threads copy a T x T tile of each input
// into shared memory, one element each, and then read them T times from
// there. Any contraction with one m, n and k dimension (matmul, batched,
// transposed operands, einsum's) qualifies: the tiles are loaded through the
// operands' own indexing maps.
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

constexpr int64_t kTile = 16;
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
        rewriter, loc, {static_cast<int64_t>(llvm::divideCeil(n, kTile)), tilesM, batches},
        {kTile, kTile, 1},
        {workgroupMemRef({kTile, kTile}, lhsType),
         workgroupMemRef({kTile, kTile}, rhsType)});
    Value lhsTile = launch.getWorkgroupAttributions()[0];
    Value rhsTile = launch.getWorkgroupAttributions()[1];
    Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
    auto index = [&](OpBuilder &b, Location l, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, l, v);
    };
    OpBuilder &b = rewriter;
    Value zero = index(b, loc, 0), tile = index(b, loc, kTile);
    Value row = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().y, tile),
        ty);
    Value col = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().x, tile),
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
                                          index(ib, il, iEnd));
      Value second = arith::CmpIOp::create(ib, il, arith::CmpIPredicate::ult,
                                           j, index(ib, il, jEnd));
      return arith::AndIOp::create(ib, il, first, second);
    };
    // Copies the operand's element at `ivs` (zero outside the product) to
    // (ty, tx) of its tile.
    auto stage = [&](OpBuilder &sb, Location sl, OpOperand *operand,
                     Value valid, SmallVector<Value> ivs, Value tileBuffer) {
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
      memref::StoreOp::create(sb, sl, load.getResult(0), tileBuffer,
                              ValueRange{ty, tx});
    };

    auto steps = scf::ForOp::create(
        b, loc, zero, index(b, loc, llvm::divideCeil(k, kTile)),
        index(b, loc, 1), ValueRange{combiner->neutralValue(b, loc)},
        [&](OpBuilder &sb, Location sl, Value step, ValueRange acc) {
          Value k0 = arith::MulIOp::create(sb, sl, step, index(sb, sl, kTile));
          Value lhsK = arith::AddIOp::create(sb, sl, k0, tx);
          stage(sb, sl, lhs, inBounds(sb, sl, row, m, lhsK, k),
                ivsAt(row, zero, lhsK), lhsTile);
          Value rhsK = arith::AddIOp::create(sb, sl, k0, ty);
          stage(sb, sl, rhs, inBounds(sb, sl, rhsK, k, col, n),
                ivsAt(zero, col, rhsK), rhsTile);
          mgpu::BarrierOp::create(sb, sl);
          // The same count for every thread of the block: k - k0 at the end.
          Value count = arith::MinUIOp::create(
              sb, sl, index(sb, sl, kTile),
              arith::SubIOp::create(sb, sl, index(sb, sl, k), k0));
          auto inner = scf::ForOp::create(
              sb, sl, index(sb, sl, 0), count, index(sb, sl, 1), acc,
              [&](OpBuilder &ib, Location il, Value kk, ValueRange sum) {
                Value a = memref::LoadOp::create(ib, il, lhsTile,
                                                 ValueRange{ty, kk});
                Value c = memref::LoadOp::create(ib, il, rhsTile,
                                                 ValueRange{kk, tx});
                Value kAt = arith::AddIOp::create(ib, il, k0, kk);
                IRMapping mapping =
                    clonePayload(ib, op, {a, c}, ivsAt(row, col, kAt),
                                 combiner->combine);
                scf::YieldOp::create(
                    ib, il,
                    combiner->emit(ib, il, sum[0],
                                   combiner->contribution(mapping)));
              });
          // Nobody refills the tiles before everyone has read them.
          mgpu::BarrierOp::create(sb, sl);
          scf::YieldOp::create(sb, sl, inner.getResults());
        });
    OpOperand *output = op.getDpsInitOperand(0);
    scf::IfOp::create(b, loc, inBounds(b, loc, row, m, col, n),
                      [&](OpBuilder &ib, Location il) {
                        SmallVector<Value> ivs = ivsAt(row, col, zero);
                        Value initial = loadOperand(ib, il, op, *output, ivs);
                        storeOperand(ib, il, op, *output,
                                     combiner->emit(ib, il, initial,
                                                    steps.getResult(0)),
                                     ivs);
                        scf::YieldOp::create(ib, il);
                      });
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
