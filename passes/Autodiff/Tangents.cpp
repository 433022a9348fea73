//===- Tangents.cpp - tangents and cotangents of a block ------------------===//

#include "passes/Autodiff/Tangents.h"

#include "dialects/ml/MLOps.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace {

/// Whether `op`, or an op nested in it, reads one of `values` (a set, or
/// the keys of a map: the values that have a tangent).
template <typename Values>
bool readsTangent(Operation *op, const Values &values) {
  WalkResult found = op->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands())
      if (values.contains(operand))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return found.wasInterrupted();
}

/// Adds `cotangent` to what `value` has gathered.
void accumulate(OpBuilder &builder, DenseMap<Value, Value> &cotangents,
                Value value, Value cotangent) {
  Value &sum = cotangents[value];
  sum = sum ? Value(ml::AddOp::create(builder, cotangent.getLoc(),
                                      sum.getType(), sum, cotangent))
            : cotangent;
}

} // namespace

LogicalResult ml::addTangents(Block &body, DenseMap<Value, Value> &tangents) {
  OpBuilder builder(body.getParentOp()->getContext());
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    if (!readsTangent(&op, tangents))
      continue;
    FailureOr<bool> controlFlow = addControlFlowTangents(&op, tangents);
    if (failed(controlFlow))
      return failure();
    if (*controlFlow)
      continue;
    auto rule = dyn_cast<JVPOpInterface>(&op);
    if (!rule) {
      // Without a rule, an op can only be kept as it is: right where no
      // tangent reaches it, or where it reads only shapes (tensor.dim).
      bool readsShapesOnly = op.getNumRegions() == 0 &&
                             llvm::none_of(op.getResultTypes(), isDifferentiable);
      if (!readsShapesOnly)
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
  return success();
}

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
  if (failed(addTangents(body, tangents)))
    return failure();
  return derivative;
}

FailureOr<SmallVector<Value>>
ml::buildCotangents(Block &body, ArrayRef<Value> seeds,
                    const DenseMap<Value, Value> &tangents,
                    ArrayRef<std::pair<Value, Value>> resultCotangents,
                    OpBuilder &builder, Operation *anchor) {
  DenseSet<Value> tangentValues;
  for (auto &entry : tangents)
    tangentValues.insert(entry.second);
  SmallVector<std::pair<Value, Value>> linearCotangents;
  for (auto [result, cotangent] : resultCotangents)
    if (Value tangent = tangents.lookup(result))
      linearCotangents.push_back({tangent, cotangent});
  return transposeLinearOps(body, seeds, linearCotangents, tangentValues,
                            builder, anchor);
}

FailureOr<SmallVector<Value>>
ml::transposeLinearOps(Block &body, ArrayRef<Value> seeds,
                       ArrayRef<std::pair<Value, Value>> linearCotangents,
                       const DenseSet<Value> &tangentValues,
                       OpBuilder &builder, Operation *anchor) {
  DenseSet<Value> tangents(tangentValues);
  SmallVector<std::pair<Value, Value>> cotangentsOfTangents(linearCotangents);
  Residuals residuals;
  if (failed(storeResiduals(body, tangents, cotangentsOfTangents, residuals)))
    return failure();
  // The linear program: every op a tangent flows through. Of control flow,
  // only the tangents it carries are linear.
  DenseSet<Value> linearValues(seeds.begin(), seeds.end());
  SmallVector<Operation *> linearOps;
  for (Operation &op : body.without_terminator())
    if (readsTangent(&op, linearValues)) {
      linearOps.push_back(&op);
      for (Value result : op.getResults())
        if (op.getNumRegions() == 0 || tangents.contains(result))
          linearValues.insert(result);
    }
  // Transpose rules read the sizes of the operands they send cotangents
  // to: with dynamic sizes, those of tangents, which are gone afterwards.
  for (Value value : linearValues)
    if (auto shaped = dyn_cast<ShapedType>(value.getType());
        shaped && !shaped.hasStaticShape())
      return anchor->emitOpError("has a tangent of dynamic shape ")
             << value.getType() << ": reverse mode takes static shapes "
             << "(for now)";
  // Tangents flow through the ops JVP rules build, linear ml ops, and
  // through the control flow that carries them.
  for (Operation *op : linearOps)
    if (!isa<TransposeOpInterface, scf::IfOp, scf::ForOp, CheckpointOp>(op))
      return op->emitOpError("carries tangents: reverse mode through while "
                             "loops is not supported yet (forward mode is; "
                             "a bound makes a counted loop: mljit.while_loop's "
                             "max_iterations)");

  DenseMap<Value, Value> cotangents;
  for (auto [value, cotangent] : cotangentsOfTangents)
    if (linearValues.contains(value))
      accumulate(builder, cotangents, value, cotangent);
  for (Operation *op : llvm::reverse(linearOps)) {
    if (op->getNumRegions() != 0) {
      FailureOr<SmallVector<std::pair<Value, Value>>> read =
          transposeControlFlow(op, residuals, cotangents, linearValues,
                               tangents, builder, anchor);
      if (failed(read))
        return failure();
      for (auto [value, cotangent] : *read)
        if (linearValues.contains(value))
          accumulate(builder, cotangents, value, cotangent);
      continue;
    }
    Value cotangent = cotangents.lookup(op->getResult(0));
    if (!cotangent)
      continue;
    auto rule = cast<TransposeOpInterface>(op);
    SmallVector<bool> linear;
    for (Value operand : op->getOperands())
      linear.push_back(linearValues.contains(operand));
    SmallVector<Value> operandCotangents;
    if (failed(rule.buildTranspose(builder, cotangent, linear,
                                   operandCotangents)))
      return failure();
    for (auto [operand, operandCotangent] :
         llvm::zip(op->getOperands(), operandCotangents))
      if (operandCotangent && linearValues.contains(operand))
        accumulate(builder, cotangents, operand, operandCotangent);
  }
  SmallVector<Value> seedCotangents;
  for (Value seed : seeds)
    seedCotangents.push_back(cotangents.lookup(seed));
  for (Operation *op : llvm::reverse(linearOps)) {
    if (op->getNumRegions() != 0)
      stripTangents(op, tangents);
    else
      op->erase();
  }
  return seedCotangents;
}
