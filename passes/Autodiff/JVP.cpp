//===- JVP.cpp - the ml-jvp pass ------------------------------------------===//
//
// Forward mode: a copy of the function whose every op is followed by its
// tangent, built by the op's own rule (ml::JVPOpInterface). The primal ops
// stay as they are, so the derivative costs the tangent ops only, and the
// tangent ops are linear in the tangents: ml-vjp runs them backwards.
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

namespace mlir::ml {
#define GEN_PASS_DEF_JVP
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// `@<name>`: `function`'s arguments and a tangent for each float one; its
/// results and a tangent for each float one.
LogicalResult buildJVP(func::FuncOp function, StringRef name) {
  DenseMap<Value, Value> tangents;
  FailureOr<func::FuncOp> derivative =
      ml::cloneWithTangents(function, name, tangents);
  if (failed(derivative))
    return failure();
  Block &body = derivative->getBody().front();
  auto returnOp = cast<func::ReturnOp>(body.getTerminator());
  OpBuilder builder(returnOp);
  SmallVector<Value> results(returnOp.getOperands());
  for (Value result : returnOp.getOperands())
    if (ml::isDifferentiable(result.getType())) {
      Value tangent = tangents.lookup(result);
      results.push_back(tangent ? tangent
                                : ml::buildZerosLike(builder, returnOp.getLoc(),
                                                     result));
    }
  func::ReturnOp::create(builder, returnOp.getLoc(), results);
  returnOp.erase();
  derivative->setFunctionType(builder.getFunctionType(
      body.getArgumentTypes(), ValueRange(results).getTypes()));
  return success();
}

struct JVP : ml::impl::JVPBase<JVP> {
  using JVPBase::JVPBase;

  void runOnOperation() override {
    FailureOr<SmallVector<func::FuncOp>> targets =
        ml::functionsToDifferentiate(getOperation(), functions, "_jvp", "ml-jvp");
    if (failed(targets))
      return signalPassFailure();
    for (func::FuncOp function : *targets)
      if (failed(buildJVP(function, (function.getSymName() + "_jvp").str())))
        return signalPassFailure();
  }
};

} // namespace
