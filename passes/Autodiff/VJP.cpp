//===- VJP.cpp - the ml-vjp pass ------------------------------------------===//
//
// Reverse mode as JAX does it ("You Only Linearize Once"): the function's
// tangents (ml-jvp's rules), then the linear part of that program -- the
// ops a tangent flows through -- run backwards, each through its transpose
// rule (ml::TransposeOpInterface), from the results' cotangents to the
// arguments'. The primal ops stay where they are and the backward ops
// follow them in the same function, so the pipeline fuses and tiles the
// forward and backward computation as one program.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/Autodiff/Passes.h"
#include "passes/Autodiff/Tangents.h"
#include "passes/Autodiff/Targets.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::ml {
#define GEN_PASS_DEF_VJP
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// `@<name>`: `function`'s arguments and a cotangent for each float result;
/// its results and the cotangent of each float argument.
LogicalResult buildVJP(func::FuncOp function, StringRef name) {
  DenseMap<Value, Value> tangents;
  FailureOr<func::FuncOp> derivative =
      ml::cloneWithTangents(function, name, tangents);
  if (failed(derivative))
    return failure();
  Block &body = derivative->getBody().front();
  SmallVector<Value> primals(body.getArguments().take_front(
      function.getNumArguments()));
  SmallVector<Value> seeds;
  for (Value primal : primals)
    if (Value seed = tangents.lookup(primal))
      seeds.push_back(seed);

  // The results' cotangents are new arguments.
  auto returnOp = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<std::pair<Value, Value>> resultCotangents;
  for (Value result : returnOp.getOperands())
    if (ml::isDifferentiable(result.getType()))
      resultCotangents.push_back(
          {result, body.addArgument(result.getType(), result.getLoc())});

  OpBuilder builder(returnOp);
  FailureOr<SmallVector<Value>> cotangents = ml::buildCotangents(
      body, seeds, tangents, resultCotangents, builder, function);
  if (failed(cotangents))
    return failure();
  SmallVector<Value> results(returnOp.getOperands());
  for (auto [seed, cotangent] : llvm::zip(seeds, *cotangents))
    results.push_back(cotangent ? cotangent
                                : ml::buildZerosLike(builder, seed.getLoc(),
                                                     seed));
  func::ReturnOp::create(builder, returnOp.getLoc(), results);
  returnOp.erase();

  llvm::BitVector erase(body.getNumArguments());
  for (Value seed : seeds)
    erase.set(cast<BlockArgument>(seed).getArgNumber());
  body.eraseArguments(erase);
  derivative->setFunctionType(builder.getFunctionType(
      body.getArgumentTypes(), ValueRange(results).getTypes()));

  // What the tangents alone used (their slopes, zeros) is dead now.
  IRRewriter rewriter(derivative->getContext());
  (void)runRegionDCE(rewriter, derivative->getBody());
  return success();
}

struct VJP : ml::impl::VJPBase<VJP> {
  using VJPBase::VJPBase;

  void runOnOperation() override {
    FailureOr<SmallVector<func::FuncOp>> targets =
        ml::functionsToDifferentiate(getOperation(), functions, "_vjp", "ml-vjp");
    if (failed(targets))
      return signalPassFailure();
    for (func::FuncOp function : *targets)
      if (failed(buildVJP(function, (function.getSymName() + "_vjp").str())))
        return signalPassFailure();
  }
};

} // namespace
