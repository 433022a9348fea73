//===- ControlFlowTangents.cpp - tangents through scf control flow --------===//
//
// Forward mode through the control flow `mljit.cond`, `fori_loop`, `scan`
// and `while_loop` trace to, as JAX's jvp of cond and loops, and through
// `mljit.checkpoint`'s ml.checkpoint: the op is rebuilt with a tangent
// beside each float value it carries (the results of scf.if and
// ml.checkpoint, the iteration arguments of scf.for and scf.while), and the
// tangents of the ops in its regions follow them there (addTangents). A
// carried value whose tangent starts at zero still carries one: the body
// may make it non-zero.
//
//===----------------------------------------------------------------------===//

#include "passes/Autodiff/Tangents.h"

#include "dialects/ml/MLOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace {

/// The positions of the float values among `values`.
SmallVector<unsigned> floatPositions(ValueRange values) {
  SmallVector<unsigned> positions;
  for (auto [position, value] : llvm::enumerate(values))
    if (ml::isDifferentiable(value.getType()))
      positions.push_back(position);
  return positions;
}

/// The tangents of `values` at `positions`; zeros (built at `builder`)
/// where a value has none.
SmallVector<Value> tangentsAt(OpBuilder &builder, ValueRange values,
                              ArrayRef<unsigned> positions,
                              const DenseMap<Value, Value> &tangents) {
  SmallVector<Value> result;
  for (unsigned position : positions) {
    Value value = values[position];
    Value tangent = tangents.lookup(value);
    result.push_back(tangent ? tangent
                             : ml::buildZerosLike(builder, value.getLoc(),
                                                  value));
  }
  return result;
}

/// Gives `block` a tangent argument for each of its arguments at
/// `positions` (counted from `offset`), after the others.
void addTangentArguments(Block &block, unsigned offset,
                         ArrayRef<unsigned> positions,
                         DenseMap<Value, Value> &tangents) {
  for (unsigned position : positions) {
    BlockArgument argument = block.getArgument(offset + position);
    tangents[argument] =
        block.addArgument(argument.getType(), argument.getLoc());
  }
}

/// The tangents of `block`'s ops, then its terminator's tangents of the
/// operands at `positions` (counted from `offset`) appended to it.
LogicalResult addRegionTangents(Block &block, unsigned offset,
                                ArrayRef<unsigned> positions,
                                DenseMap<Value, Value> &tangents) {
  if (failed(ml::addTangents(block, tangents)))
    return failure();
  Operation *terminator = block.getTerminator();
  OpBuilder builder(terminator);
  SmallVector<Value> extra =
      tangentsAt(builder, terminator->getOperands().drop_front(offset),
                 positions, tangents);
  terminator->insertOperands(terminator->getNumOperands(), extra);
  return success();
}

/// Maps the results of `op` at `positions` to its last results.
void mapResultTangents(Operation *op, ArrayRef<unsigned> positions,
                       DenseMap<Value, Value> &tangents) {
  unsigned first = op->getNumResults() - positions.size();
  for (auto [index, position] : llvm::enumerate(positions))
    tangents[op->getResult(position)] = op->getResult(first + index);
}

/// An op whose regions yield its results (scf.if, ml.checkpoint).
LogicalResult addYieldedTangents(Operation *op,
                                 DenseMap<Value, Value> &tangents) {
  SmallVector<unsigned> positions = floatPositions(op->getResults());
  SmallVector<Type> types;
  for (unsigned position : positions)
    types.push_back(op->getResult(position).getType());
  Operation *rebuilt = ml::rebuildWith(op, {}, types);
  for (Region &region : rebuilt->getRegions())
    for (Block &block : region)
      if (failed(addRegionTangents(block, 0, positions, tangents)))
        return failure();
  mapResultTangents(rebuilt, positions, tangents);
  op->erase();
  return success();
}

LogicalResult addForTangents(scf::ForOp op, DenseMap<Value, Value> &tangents) {
  SmallVector<unsigned> positions = floatPositions(op.getInitArgs());
  OpBuilder builder(op);
  SmallVector<Value> inits =
      tangentsAt(builder, op.getInitArgs(), positions, tangents);
  Operation *rebuilt = ml::rebuildWith(op, inits, ValueRange(inits).getTypes());
  Block &body = rebuilt->getRegion(0).front();
  // The body's arguments: the induction variable, then the carried values.
  addTangentArguments(body, 1, positions, tangents);
  if (failed(addRegionTangents(body, 0, positions, tangents)))
    return failure();
  mapResultTangents(rebuilt, positions, tangents);
  op.erase();
  return success();
}

LogicalResult addWhileTangents(scf::WhileOp op,
                               DenseMap<Value, Value> &tangents) {
  SmallVector<unsigned> carried = floatPositions(op.getInits());
  SmallVector<unsigned> passed = floatPositions(op.getResults());
  OpBuilder builder(op);
  SmallVector<Value> inits =
      tangentsAt(builder, op.getInits(), carried, tangents);
  SmallVector<Type> types;
  for (unsigned position : passed)
    types.push_back(op.getResult(position).getType());
  auto rebuilt = cast<scf::WhileOp>(ml::rebuildWith(op, inits, types));
  // scf.condition's first operand is the condition; the values it passes
  // to the body and out of the loop follow.
  addTangentArguments(rebuilt.getBefore().front(), 0, carried, tangents);
  if (failed(addRegionTangents(rebuilt.getBefore().front(), 1, passed,
                               tangents)))
    return failure();
  addTangentArguments(rebuilt.getAfter().front(), 0, passed, tangents);
  if (failed(addRegionTangents(rebuilt.getAfter().front(), 0, carried,
                               tangents)))
    return failure();
  mapResultTangents(rebuilt, passed, tangents);
  op.erase();
  return success();
}

} // namespace

Operation *ml::rebuildAs(Operation *op, ValueRange operands,
                         TypeRange resultTypes) {
  Operation *rebuilt = Operation::create(
      op->getLoc(), op->getName(), resultTypes, operands,
      op->getAttrDictionary(), op->getPropertiesStorage(), {},
      op->getNumRegions());
  OpBuilder(op).insert(rebuilt);
  for (auto [from, to] : llvm::zip(op->getRegions(), rebuilt->getRegions()))
    to.takeBody(from);
  return rebuilt;
}

Operation *ml::rebuildWith(Operation *op, ValueRange extraOperands,
                           TypeRange extraTypes) {
  SmallVector<Value> operands(op->getOperands());
  llvm::append_range(operands, extraOperands);
  SmallVector<Type> types(op->getResultTypes());
  llvm::append_range(types, extraTypes);
  Operation *rebuilt = rebuildAs(op, operands, types);
  op->replaceAllUsesWith(rebuilt->getResults().take_front(op->getNumResults()));
  return rebuilt;
}

FailureOr<bool> ml::addControlFlowTangents(Operation *op,
                                           DenseMap<Value, Value> &tangents) {
  LogicalResult added = success();
  if (isa<scf::IfOp, ml::CheckpointOp>(op))
    added = addYieldedTangents(op, tangents);
  else if (auto forOp = dyn_cast<scf::ForOp>(op))
    added = addForTangents(forOp, tangents);
  else if (auto whileOp = dyn_cast<scf::WhileOp>(op))
    added = addWhileTangents(whileOp, tangents);
  else
    return false;
  if (failed(added))
    return failure();
  return true;
}
