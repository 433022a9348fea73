//===- AccumulateIntoProducts.cpp - the ml-accumulate-into-products pass --===//
//
// A loop that sums products into a carried value (a weight's gradient in
// the transpose of a loop) would otherwise write each product to a buffer
// of its own and add it to the carry in a second pass over both. A matmul
// accumulates into its output: given the carry as that output, the sum is
// the product itself, written in place.
//
//===----------------------------------------------------------------------===//

#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ml {
#define GEN_PASS_DEF_ACCUMULATEINTOPRODUCTS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// The inputs of `op` if it is `in0 + in1` elementwise: two inputs, every
/// map the identity, every loop parallel, a body of one float addition of
/// the two.
std::optional<std::pair<Value, Value>> elementwiseSum(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return std::nullopt;
  Block &body = op.getRegion().front();
  auto add = dyn_cast<arith::AddFOp>(body.front());
  if (!add || body.getOperations().size() != 2 ||
      body.getTerminator()->getOperand(0) != add.getResult())
    return std::nullopt;
  Value lhs = body.getArgument(0), rhs = body.getArgument(1);
  if (!((add.getLhs() == lhs && add.getRhs() == rhs) ||
        (add.getLhs() == rhs && add.getRhs() == lhs)))
    return std::nullopt;
  return std::make_pair(op.getDpsInputs()[0], op.getDpsInputs()[1]);
}

/// Whether `value` is a value an scf.for carries.
bool isCarried(Value value) {
  auto argument = dyn_cast<BlockArgument>(value);
  return argument && isa<scf::ForOp>(argument.getOwner()->getParentOp()) &&
         argument.getArgNumber() > 0;
}

struct AccumulateIntoProduct : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<std::pair<Value, Value>> sum = elementwiseSum(op);
    if (!sum || !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not an elementwise sum");
    for (auto [acc, product] : {*sum, std::make_pair(sum->second, sum->first)}) {
      auto matmul = product.getDefiningOp<linalg::MatmulOp>();
      if (!matmul || !product.hasOneUse() || !isCarried(acc) ||
          acc.getType() != op.getResult(0).getType())
        continue;
      auto fill = matmul.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
      if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
        continue;
      SmallVector<NamedAttribute> maps;
      if (matmul.hasUserDefinedMaps())
        maps.push_back(rewriter.getNamedAttr(
            "indexing_maps", matmul.getIndexingMaps()));
      rewriter.replaceOpWithNewOp<linalg::MatmulOp>(
          op, op.getResultTypes(), matmul.getDpsInputs(), ValueRange{acc},
          maps);
      rewriter.eraseOp(matmul);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no carried sum of a product");
  }
};

struct AccumulateIntoProducts
    : ml::impl::AccumulateIntoProductsBase<AccumulateIntoProducts> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<AccumulateIntoProduct>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
