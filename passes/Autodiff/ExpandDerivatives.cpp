//===- ExpandDerivatives.cpp - the ml-expand-derivatives pass -------------===//
//
// `mljit.grad` (`mljit.jvp`) traces the function it differentiates into the
// body of an ml.vjp (ml.jvp), so that the derivative is taken of ml IR, by
// the same rules as ml-vjp (ml-jvp), and lands in the traced function, where
// the pipeline fuses and tiles the forward and backward computation
// together. This pass puts the body's ops and their derivative in place of
// each such op, innermost first (grad of grad differentiates the inner
// derivative). Then each ml.checkpoint, which only marks what reverse mode
// recomputes, gives way to its body.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/Autodiff/Passes.h"
#include "passes/Autodiff/Tangents.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::ml {
#define GEN_PASS_DEF_EXPANDDERIVATIVES
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

LogicalResult expand(ml::VJPOp op) {
  Block &body = op.getBody().front();
  DenseMap<Value, Value> tangents;
  SmallVector<Value> seeds;
  for (BlockArgument primal : llvm::to_vector(body.getArguments())) {
    Value seed = body.addArgument(primal.getType(), primal.getLoc());
    tangents[primal] = seed;
    seeds.push_back(seed);
  }
  if (failed(ml::addTangents(body, tangents)))
    return failure();

  auto yield = cast<ml::YieldOp>(body.getTerminator());
  SmallVector<std::pair<Value, Value>> resultCotangents;
  for (auto [result, cotangent] :
       llvm::zip(yield.getResults(), op.getCotangents()))
    resultCotangents.push_back({result, cotangent});
  OpBuilder builder(yield);
  FailureOr<SmallVector<Value>> gradients = ml::buildCotangents(
      body, seeds, tangents, resultCotangents, builder, op);
  if (failed(gradients))
    return failure();
  SmallVector<Value> replacements(yield.getResults());
  for (auto [seed, gradient] : llvm::zip(seeds, *gradients))
    replacements.push_back(gradient ? gradient
                                    : ml::buildZerosLike(builder, op.getLoc(),
                                                         seed));
  body.eraseArguments(body.getNumArguments() - seeds.size(), seeds.size());

  IRRewriter rewriter(op);
  rewriter.inlineBlockBefore(&body, op, op.getPrimals());
  rewriter.eraseOp(yield);
  rewriter.replaceOp(op, replacements);
  return success();
}

LogicalResult expand(ml::JVPOp op) {
  Block &body = op.getBody().front();
  DenseMap<Value, Value> tangents;
  for (auto [primal, tangent] : llvm::zip(body.getArguments(), op.getTangents()))
    tangents[primal] = tangent;
  if (failed(ml::addTangents(body, tangents)))
    return failure();

  auto yield = cast<ml::YieldOp>(body.getTerminator());
  OpBuilder builder(yield);
  SmallVector<Value> replacements(yield.getResults());
  for (Value result :
       yield.getResults().take_front(op.getResultTangents().size())) {
    Value tangent = tangents.lookup(result);
    replacements.push_back(
        tangent ? tangent : ml::buildZerosLike(builder, op.getLoc(), result));
  }

  IRRewriter rewriter(op);
  rewriter.inlineBlockBefore(&body, op, op.getPrimals());
  rewriter.eraseOp(yield);
  rewriter.replaceOp(op, replacements);
  return success();
}

void inlineCheckpoint(ml::CheckpointOp op) {
  Block &body = op.getBody().front();
  Operation *yield = body.getTerminator();
  SmallVector<Value> results(yield->getOperands());
  IRRewriter rewriter(op);
  rewriter.eraseOp(yield);
  rewriter.inlineBlockBefore(&body, op);
  rewriter.replaceOp(op, results);
}

struct ExpandDerivatives
    : ml::impl::ExpandDerivativesBase<ExpandDerivatives> {
  void runOnOperation() override {
    // Post-order: an inner derivative is expanded before the one around it.
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<ml::VJPOp, ml::JVPOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      LogicalResult expanded = isa<ml::VJPOp>(op)
                                   ? expand(cast<ml::VJPOp>(op))
                                   : expand(cast<ml::JVPOp>(op));
      if (failed(expanded))
        return signalPassFailure();
    }
    SmallVector<ml::CheckpointOp> checkpoints;
    getOperation()->walk(
        [&](ml::CheckpointOp op) { checkpoints.push_back(op); });
    for (ml::CheckpointOp op : checkpoints)
      inlineCheckpoint(op);
  }
};

} // namespace
