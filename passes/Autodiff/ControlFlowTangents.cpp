//===- ControlFlowTangents.cpp - tangents through scf control flow --------===//
//
// Forward mode through the control flow `mljit.cond`, `fori_loop`, `scan`
// and `while_loop` trace to, as JAX's jvp of cond and loops: the op is
// rebuilt with a tangent beside each float value it carries (the results
// of scf.if, the iteration arguments of scf.for and scf.while), and the
// tangents of the ops in its regions follow them there (addTangents). A
// carried value whose tangent starts at zero still carries one: the body
// may make it non-zero.
//
// Reverse mode through scf.if: its tangent results are linear in the
// tangents its branches read from outside; the transpose is an scf.if on
// the same condition whose branches recompute their branch's primal values
// and run its linear ops backwards, yielding the cotangents of what they
// read. Loops have no reverse mode yet.
//
//===----------------------------------------------------------------------===//

#include "passes/Autodiff/Tangents.h"

#include "dialects/ml/MLOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

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

/// `op` with `extraOperands` and results of `extraTypes` after its own, its
/// regions moved into the new op, which `op`'s results' uses now read.
Operation *rebuild(Operation *op, ValueRange extraOperands,
                   TypeRange extraTypes) {
  SmallVector<Value> operands(op->getOperands());
  llvm::append_range(operands, extraOperands);
  SmallVector<Type> types(op->getResultTypes());
  llvm::append_range(types, extraTypes);
  Operation *rebuilt = Operation::create(
      op->getLoc(), op->getName(), types, operands, op->getAttrDictionary(),
      op->getPropertiesStorage(), {}, op->getNumRegions());
  OpBuilder(op).insert(rebuilt);
  for (auto [from, to] : llvm::zip(op->getRegions(), rebuilt->getRegions()))
    to.takeBody(from);
  op->replaceAllUsesWith(rebuilt->getResults().take_front(op->getNumResults()));
  return rebuilt;
}

/// Maps the results of `op` at `positions` to its last results.
void mapResultTangents(Operation *op, ArrayRef<unsigned> positions,
                       DenseMap<Value, Value> &tangents) {
  unsigned first = op->getNumResults() - positions.size();
  for (auto [index, position] : llvm::enumerate(positions))
    tangents[op->getResult(position)] = op->getResult(first + index);
}

LogicalResult addIfTangents(scf::IfOp op, DenseMap<Value, Value> &tangents) {
  SmallVector<unsigned> positions = floatPositions(op.getResults());
  SmallVector<Type> types;
  for (unsigned position : positions)
    types.push_back(op.getResult(position).getType());
  Operation *rebuilt = rebuild(op, {}, types);
  for (Region &region : rebuilt->getRegions())
    for (Block &block : region)
      if (failed(addRegionTangents(block, 0, positions, tangents)))
        return failure();
  mapResultTangents(rebuilt, positions, tangents);
  op.erase();
  return success();
}

LogicalResult addForTangents(scf::ForOp op, DenseMap<Value, Value> &tangents) {
  SmallVector<unsigned> positions = floatPositions(op.getInitArgs());
  OpBuilder builder(op);
  SmallVector<Value> inits =
      tangentsAt(builder, op.getInitArgs(), positions, tangents);
  Operation *rebuilt = rebuild(op, inits, ValueRange(inits).getTypes());
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
  auto rebuilt = cast<scf::WhileOp>(rebuild(op, inits, types));
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

FailureOr<bool> ml::addControlFlowTangents(Operation *op,
                                           DenseMap<Value, Value> &tangents) {
  LogicalResult added = success();
  if (auto ifOp = dyn_cast<scf::IfOp>(op))
    added = addIfTangents(ifOp, tangents);
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

FailureOr<SmallVector<std::pair<Value, Value>>>
ml::transposeIf(scf::IfOp op,
                ArrayRef<std::pair<Value, Value>> resultCotangents,
                const DenseSet<Value> &linearValues,
                const DenseSet<Value> &tangentValues, OpBuilder &builder,
                Operation *anchor) {
  // The linear values the branches read from outside.
  llvm::SetVector<Value> read;
  op->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands())
      if (linearValues.contains(operand) &&
          !op->isAncestor(operand.getParentBlock()->getParentOp()))
        read.insert(operand);
  });
  SmallVector<Value> seeds(read.begin(), read.end());
  auto transposed = scf::IfOp::create(builder, op.getLoc(),
                                      ValueRange(seeds).getTypes(),
                                      op.getCondition(), true);
  for (auto [from, to] :
       llvm::zip(op->getRegions(), transposed->getRegions())) {
    Block &block = to.front();
    for (Operation &stale : llvm::make_early_inc_range(block))
      stale.erase();
    OpBuilder inner = OpBuilder::atBlockEnd(&block);
    IRMapping mapping;
    for (Operation &nested : from.front())
      inner.clone(nested, mapping);
    auto yield = cast<scf::YieldOp>(block.getTerminator());
    SmallVector<std::pair<Value, Value>> linearCotangents;
    for (auto [result, cotangent] : resultCotangents)
      linearCotangents.push_back(
          {yield.getOperand(cast<OpResult>(result).getResultNumber()),
           cotangent});
    // The clone's tangents are the tangents of the program too.
    DenseSet<Value> clonedTangents(tangentValues);
    for (auto [original, clone] : mapping.getValueMap())
      if (tangentValues.contains(original))
        clonedTangents.insert(clone);
    // The primal values the branch yields are not needed: its linear ops
    // run backwards after its primal ops, then the cotangents are yielded.
    Location loc = yield.getLoc();
    yield.erase();
    inner.setInsertionPointToEnd(&block);
    FailureOr<SmallVector<Value>> seedCotangents = transposeLinearOps(
        block, seeds, linearCotangents, clonedTangents, inner, anchor);
    if (failed(seedCotangents))
      return failure();
    SmallVector<Value> yielded;
    for (auto [seed, cotangent] : llvm::zip(seeds, *seedCotangents))
      yielded.push_back(cotangent ? cotangent
                                  : buildZerosLike(inner, op.getLoc(), seed));
    scf::YieldOp::create(inner, loc, yielded);
  }
  SmallVector<std::pair<Value, Value>> result;
  for (auto [seed, cotangent] : llvm::zip(seeds, transposed.getResults()))
    result.push_back({seed, cotangent});
  return result;
}

void ml::stripTangents(scf::IfOp op, const DenseSet<Value> &tangentValues) {
  SmallVector<unsigned> kept;
  SmallVector<Type> types;
  for (OpResult result : op->getResults())
    if (!tangentValues.contains(result)) {
      kept.push_back(result.getResultNumber());
      types.push_back(result.getType());
    }
  OpBuilder builder(op);
  auto stripped = scf::IfOp::create(builder, op.getLoc(), types,
                                    op.getCondition(), false, false);
  for (auto [from, to] : llvm::zip(op->getRegions(), stripped->getRegions())) {
    to.takeBody(from);
    if (to.empty())
      continue;
    Block &block = to.front();
    Operation *yield = block.getTerminator();
    SmallVector<Value> yielded;
    for (unsigned position : kept)
      yielded.push_back(yield->getOperand(position));
    yield->setOperands(yielded);
    // Backwards, so that what only a dead op read is dead in turn.
    SmallVector<Operation *> nestedOps;
    for (Operation &nested : block.without_terminator())
      nestedOps.push_back(&nested);
    for (Operation *nested : llvm::reverse(nestedOps)) {
      if (auto inner = dyn_cast<scf::IfOp>(nested);
          inner && llvm::any_of(inner->getResults(), [&](Value v) {
            return tangentValues.contains(v) && v.use_empty();
          }))
        stripTangents(inner, tangentValues);
      else if (isOpTriviallyDead(nested))
        nested->erase();
    }
  }
  for (auto [position, result] : llvm::enumerate(kept))
    op->getResult(result).replaceAllUsesWith(stripped->getResult(position));
  op.erase();
}
