//===- JVP.cpp - the ml-jvp pass ------------------------------------------===//
//
// Forward mode: a copy of the function whose every op is followed by its
// tangent, built by the op's own rule (ml::JVPOpInterface). The primal ops
// stay as they are, so the derivative costs the tangent ops only, and the
// tangent ops are linear in the tangents: a later pass can split them off
// (linearize) and run them backwards (transpose) for reverse mode.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/Autodiff/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::ml {
#define GEN_PASS_DEF_JVP
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// Whether `op`, or an op nested in it, reads a value that has a tangent.
bool readsTangent(Operation *op, const DenseMap<Value, Value> &tangents) {
  WalkResult found = op->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands())
      if (tangents.contains(operand))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return found.wasInterrupted();
}

/// Builds `@<name>_jvp` from `function`: its arguments and a tangent for
/// each float one; its results and a tangent for each float one.
LogicalResult buildJVP(func::FuncOp function, StringRef name) {
  if (!function.getBody().hasOneBlock())
    return function.emitOpError("has more than one block: ml-jvp "
                                "differentiates a function of one block");
  func::FuncOp derivative = function.clone();
  derivative.setSymName(name);
  OpBuilder(function).insert(derivative);
  derivative->moveAfter(function);

  Block &body = derivative.getBody().front();
  DenseMap<Value, Value> tangents;
  for (BlockArgument argument : llvm::to_vector(body.getArguments()))
    if (ml::isDifferentiable(argument.getType()))
      tangents[argument] = body.addArgument(argument.getType(), argument.getLoc());

  auto returnOp = cast<func::ReturnOp>(body.getTerminator());
  OpBuilder builder(derivative.getContext());
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    auto rule = dyn_cast<ml::JVPOpInterface>(&op);
    if (!rule) {
      // Without a rule, an op can only be kept as it is: right where no
      // tangent reaches it, or where it reads only shapes (tensor.dim).
      bool readsShapesOnly =
          op.getNumRegions() == 0 &&
          llvm::none_of(op.getResultTypes(), ml::isDifferentiable);
      if (!readsShapesOnly && readsTangent(&op, tangents))
        return op.emitOpError("has no derivative rule: ml-jvp differentiates "
                              "ml ops (and ops no tangent reaches)");
      continue;
    }
    SmallVector<Value> operandTangents;
    for (Value operand : op.getOperands())
      operandTangents.push_back(tangents.lookup(operand));
    if (llvm::all_of(operandTangents, [](Value t) { return !t; }))
      continue;
    builder.setInsertionPointAfter(&op);
    SmallVector<Value> resultTangents;
    if (failed(rule.buildJVP(builder, operandTangents, resultTangents)))
      return failure();
    for (auto [result, tangent] : llvm::zip(op.getResults(), resultTangents))
      if (tangent)
        tangents[result] = tangent;
  }

  builder.setInsertionPoint(returnOp);
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
  derivative.setFunctionType(builder.getFunctionType(
      body.getArgumentTypes(), ValueRange(results).getTypes()));
  return success();
}

struct JVP : ml::impl::JVPBase<JVP> {
  using JVPBase::JVPBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> targets;
    if (functions.empty()) {
      for (auto function : module.getOps<func::FuncOp>())
        if (function.isPublic() && !function.isExternal())
          targets.push_back(function);
    }
    for (const std::string &name : functions) {
      auto function = module.lookupSymbol<func::FuncOp>(name);
      if (!function || function.isExternal()) {
        module.emitError("ml-jvp: no function named '") << name << "' with a body";
        return signalPassFailure();
      }
      targets.push_back(function);
    }
    for (func::FuncOp function : targets) {
      std::string name = (function.getSymName() + "_jvp").str();
      if (module.lookupSymbol(name)) {
        function.emitOpError("cannot be differentiated into '")
            << name << "': that name is taken";
        return signalPassFailure();
      }
      if (failed(buildJVP(function, name)))
        return signalPassFailure();
    }
  }
};

} // namespace
