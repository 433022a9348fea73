//===- Tangents.cpp - forward-mode tangents of a function body ------------===//

#include "passes/Autodiff/Tangents.h"

#include "dialects/ml/MLOps.h"

#include "mlir/IR/Builders.h"

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

} // namespace

FailureOr<func::FuncOp>
ml::cloneWithTangents(func::FuncOp function, StringRef name,
                      DenseMap<Value, Value> &tangents) {
  if (!function.getBody().hasOneBlock())
    return function.emitOpError("has more than one block: derivatives are "
                                "taken of functions of one block");
  func::FuncOp derivative = function.clone();
  derivative.setSymName(name);
  OpBuilder(function).insert(derivative);
  derivative->moveAfter(function);

  Block &body = derivative.getBody().front();
  for (BlockArgument argument : llvm::to_vector(body.getArguments()))
    if (isDifferentiable(argument.getType()))
      tangents[argument] =
          body.addArgument(argument.getType(), argument.getLoc());

  OpBuilder builder(derivative.getContext());
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    auto rule = dyn_cast<JVPOpInterface>(&op);
    if (!rule) {
      // Without a rule, an op can only be kept as it is: right where no
      // tangent reaches it, or where it reads only shapes (tensor.dim).
      bool readsShapesOnly = op.getNumRegions() == 0 &&
                             llvm::none_of(op.getResultTypes(), isDifferentiable);
      if (!readsShapesOnly && readsTangent(&op, tangents))
        return op.emitOpError("has no derivative rule: derivatives are taken "
                              "of ml ops (and ops no tangent reaches)");
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
  return derivative;
}
