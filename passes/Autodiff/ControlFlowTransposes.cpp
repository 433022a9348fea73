//===- ControlFlowTransposes.cpp - reverse mode through scf control flow --===//
//
// After forward mode (ControlFlowTangents.cpp), an scf.if or scf.for
// carries tangents beside its primal values; those tangents are linear in
// the tangents it reads (its tangent operands, and the tangents its regions
// read from outside). Their transpose runs the regions' linear ops
// backwards:
// - scf.if: an scf.if on the same condition whose branches recompute their
//   primal values and yield the cotangents of what they read;
// - scf.for: the forward loop also stores the primal values it carries at
//   the start of every iteration (its residuals, as JAX's scan keeps them);
//   the transpose is a loop over the iterations in reverse, each of which
//   reads them back, recomputes the body's primal values and runs its
//   linear ops backwards, carrying the cotangents of the carried tangents
//   and summing those of what the body reads from outside.
// - ml.checkpoint: an ml.checkpoint whose body recomputes the primal values
//   from what it reads from outside (through an ml.optimization_barrier,
//   which keeps CSE from merging them back into the forward values), then
//   yields the cotangents of what it reads.
// Afterwards the forward ops lose their tangents (stripTangents).
//
//===----------------------------------------------------------------------===//

#include "passes/Autodiff/Tangents.h"

#include "dialects/ml/MLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace {

/// The values of `linearValues` that ops in `op`'s regions read from
/// outside `op`.
SmallVector<Value> readFromOutside(Operation *op,
                                   const DenseSet<Value> &linearValues) {
  llvm::SetVector<Value> read;
  for (Region &region : op->getRegions())
    region.walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (linearValues.contains(operand) &&
            !op->isAncestor(operand.getParentBlock()->getParentOp()))
          read.insert(operand);
    });
  return SmallVector<Value>(read.begin(), read.end());
}

/// Zeros of the static tensor type `type`.
Value zerosOf(OpBuilder &builder, Location loc, RankedTensorType type) {
  return ml::ConstantOp::create(
      builder, loc, type,
      DenseElementsAttr::get(type, builder.getZeroAttr(type.getElementType())));
}

Value indexConstant(OpBuilder &builder, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(builder, loc, value);
}

/// `source`'s ops but its terminator and `skipped` cloned at the end of
/// `block` (whose arguments stand for `source`'s); `mapping` gains them.
void cloneBody(Block &source, Block &block, IRMapping &mapping,
               const llvm::SmallPtrSetImpl<Operation *> &skipped) {
  for (auto [from, to] :
       llvm::zip(source.getArguments(), block.getArguments()))
    mapping.map(from, to);
  OpBuilder builder = OpBuilder::atBlockEnd(&block);
  for (Operation &op : source.without_terminator())
    if (!skipped.contains(&op))
      builder.clone(op, mapping);
}

/// `tangentValues` and their clones under `mapping`.
DenseSet<Value> withClones(const DenseSet<Value> &tangentValues,
                           const IRMapping &mapping) {
  DenseSet<Value> result(tangentValues);
  for (auto [original, clone] : mapping.getValueMap())
    if (tangentValues.contains(original))
      result.insert(clone);
  return result;
}

/// The cotangents `transposed` gives `seeds`, each zeros where null.
SmallVector<Value> orZeros(OpBuilder &builder, Location loc,
                           ArrayRef<Value> seeds, ArrayRef<Value> transposed) {
  SmallVector<Value> result;
  for (auto [seed, cotangent] : llvm::zip(seeds, transposed))
    result.push_back(cotangent ? cotangent
                               : ml::buildZerosLike(builder, loc, seed));
  return result;
}

FailureOr<SmallVector<std::pair<Value, Value>>>
transposeIf(scf::IfOp op, const DenseMap<Value, Value> &cotangents,
            const DenseSet<Value> &linearValues,
            const DenseSet<Value> &tangentValues, OpBuilder &builder,
            Operation *anchor) {
  SmallVector<std::pair<unsigned, Value>> resultCotangents;
  for (OpResult result : op->getResults())
    if (Value cotangent = cotangents.lookup(result))
      resultCotangents.push_back({result.getResultNumber(), cotangent});
  if (resultCotangents.empty())
    return SmallVector<std::pair<Value, Value>>();
  SmallVector<Value> seeds = readFromOutside(op, linearValues);
  auto transposed = scf::IfOp::create(builder, op.getLoc(),
                                      ValueRange(seeds).getTypes(),
                                      op.getCondition(), false, false);
  for (auto [from, to] :
       llvm::zip(op->getRegions(), transposed->getRegions())) {
    Block &block = to.emplaceBlock();
    IRMapping mapping;
    cloneBody(from.front(), block, mapping, llvm::SmallPtrSet<Operation *, 1>());
    Operation *yield = from.front().getTerminator();
    SmallVector<std::pair<Value, Value>> linearCotangents;
    for (auto [position, cotangent] : resultCotangents)
      linearCotangents.push_back(
          {mapping.lookupOrDefault(yield->getOperand(position)), cotangent});
    OpBuilder inner = OpBuilder::atBlockEnd(&block);
    FailureOr<SmallVector<Value>> read = ml::transposeLinearOps(
        block, seeds, linearCotangents, withClones(tangentValues, mapping),
        inner, anchor);
    if (failed(read))
      return failure();
    scf::YieldOp::create(inner, op.getLoc(),
                         orZeros(inner, op.getLoc(), seeds, *read));
  }
  SmallVector<std::pair<Value, Value>> result;
  for (auto [seed, cotangent] : llvm::zip(seeds, transposed.getResults()))
    result.push_back({seed, cotangent});
  return result;
}

/// The tensors that ops in `op`'s regions read from outside it and that
/// are neither linear nor constants: what a recomputation starts from.
SmallVector<Value> primalsReadFromOutside(Operation *op,
                                          const DenseSet<Value> &linearValues,
                                          const DenseSet<Value> &tangentValues) {
  llvm::SetVector<Value> read;
  for (Region &region : op->getRegions())
    region.walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (isa<RankedTensorType>(operand.getType()) &&
            !linearValues.contains(operand) &&
            !tangentValues.contains(operand) &&
            !matchPattern(operand, m_Constant()) &&
            !op->isAncestor(operand.getParentBlock()->getParentOp()))
          read.insert(operand);
    });
  return SmallVector<Value>(read.begin(), read.end());
}

FailureOr<SmallVector<std::pair<Value, Value>>>
transposeCheckpoint(ml::CheckpointOp op,
                    const DenseMap<Value, Value> &cotangents,
                    const DenseSet<Value> &linearValues,
                    const DenseSet<Value> &tangentValues, OpBuilder &builder,
                    Operation *anchor) {
  Location loc = op.getLoc();
  SmallVector<std::pair<Value, Value>> linearCotangents;
  Operation *yield = op.getBody().front().getTerminator();
  for (OpResult result : op->getResults())
    if (Value cotangent = cotangents.lookup(result))
      linearCotangents.push_back(
          {yield->getOperand(result.getResultNumber()), cotangent});
  if (linearCotangents.empty())
    return SmallVector<std::pair<Value, Value>>();
  SmallVector<Value> seeds = readFromOutside(op, linearValues);
  auto transposed = ml::CheckpointOp::create(
      builder, loc, ValueRange(seeds).getTypes(), op.getPreventCse());
  Block &block = transposed.getBody().emplaceBlock();
  OpBuilder inner = OpBuilder::atBlockEnd(&block);
  IRMapping mapping;
  SmallVector<Value> primals =
      primalsReadFromOutside(op, linearValues, tangentValues);
  if (op.getPreventCse() && !primals.empty()) {
    auto barrier = ml::OptimizationBarrierOp::create(inner, loc, primals);
    mapping.map(primals, barrier.getResults());
  }
  cloneBody(op.getBody().front(), block, mapping,
            llvm::SmallPtrSet<Operation *, 1>());
  for (auto &[value, cotangent] : linearCotangents)
    value = mapping.lookupOrDefault(value);
  FailureOr<SmallVector<Value>> read = ml::transposeLinearOps(
      block, seeds, linearCotangents, withClones(tangentValues, mapping),
      inner, anchor);
  if (failed(read))
    return failure();
  ml::YieldOp::create(inner, loc, orZeros(inner, loc, seeds, *read));
  SmallVector<std::pair<Value, Value>> result;
  for (auto [seed, cotangent] : llvm::zip(seeds, transposed.getResults()))
    result.push_back({seed, cotangent});
  return result;
}

FailureOr<SmallVector<std::pair<Value, Value>>>
transposeFor(scf::ForOp op, const ml::LoopResiduals &residuals,
             const DenseMap<Value, Value> &cotangents,
             const DenseSet<Value> &linearValues,
             const DenseSet<Value> &tangentValues, OpBuilder &builder,
             Operation *anchor) {
  Location loc = op.getLoc();
  Block &body = *op.getBody();
  unsigned carried = op.getNumResults() - residuals.positions.size();
  SmallVector<unsigned> tangentPositions;
  for (unsigned position = 0; position < carried; ++position)
    if (tangentValues.contains(op.getResult(position)))
      tangentPositions.push_back(position);
  if (residuals.trips == 0) {
    SmallVector<std::pair<Value, Value>> passed;
    for (unsigned position : tangentPositions)
      if (Value cotangent = cotangents.lookup(op.getResult(position)))
        passed.push_back({op.getInitArgs()[position], cotangent});
    return passed;
  }
  SmallVector<Value> read = readFromOutside(op, linearValues);

  // Carried: the cotangents of the carried tangents, then the sums of
  // those of what the body reads from outside.
  SmallVector<Value> inits;
  for (unsigned position : tangentPositions) {
    Value cotangent = cotangents.lookup(op.getResult(position));
    inits.push_back(cotangent ? cotangent
                              : ml::buildZerosLike(builder, loc,
                                                   op.getResult(position)));
  }
  for (Value value : read)
    inits.push_back(ml::buildZerosLike(builder, loc, value));
  auto transposed = scf::ForOp::create(
      builder, loc, indexConstant(builder, loc, 0),
      indexConstant(builder, loc, residuals.trips),
      indexConstant(builder, loc, 1), inits,
      [](OpBuilder &, Location, Value, ValueRange) {});
  Block &loopBody = *transposed.getBody();
  OpBuilder inner = OpBuilder::atBlockEnd(&loopBody);

  // Iteration k = trips - 1 - j of the forward loop: its induction
  // variable and the values it started with.
  Value k = arith::SubIOp::create(inner, loc,
                                  indexConstant(inner, loc, residuals.trips - 1),
                                  loopBody.getArgument(0));
  Value iv = arith::AddIOp::create(
      inner, loc, indexConstant(inner, loc, residuals.lower),
      arith::MulIOp::create(inner, loc, k,
                            indexConstant(inner, loc, residuals.step)));
  SmallVector<Value> arguments(body.getNumArguments());
  arguments[0] = iv;
  for (auto [index, position] : llvm::enumerate(residuals.positions)) {
    Value stack = op.getResult(carried + index);
    auto type = cast<RankedTensorType>(op.getResult(position).getType());
    SmallVector<int64_t> rowShape{1};
    llvm::append_range(rowShape, type.getShape());
    SmallVector<Value> starts{k};
    starts.append(type.getRank(), indexConstant(inner, loc, 0));
    Value row = ml::DynamicSliceOp::create(
        inner, loc, RankedTensorType::get(rowShape, type.getElementType()),
        stack, starts, ValueRange());
    arguments[1 + position] =
        ml::ReshapeOp::create(inner, loc, type, row, ValueRange());
  }

  // The body cloned into a block of its own, whose tangent arguments are
  // the seeds of its transpose.
  Block *clone = new Block();
  transposed.getRegion().push_back(clone);
  for (BlockArgument argument : body.getArguments())
    clone->addArgument(argument.getType(), argument.getLoc());
  IRMapping mapping;
  cloneBody(body, *clone, mapping, residuals.storing);
  Operation *yield = body.getTerminator();
  SmallVector<Value> seeds;
  SmallVector<std::pair<Value, Value>> linearCotangents;
  for (auto [index, position] : llvm::enumerate(tangentPositions)) {
    seeds.push_back(clone->getArgument(1 + position));
    linearCotangents.push_back(
        {mapping.lookupOrDefault(yield->getOperand(position)),
         loopBody.getArgument(1 + index)});
  }
  llvm::append_range(seeds, read);
  OpBuilder end = OpBuilder::atBlockEnd(clone);
  FailureOr<SmallVector<Value>> transposedSeeds = ml::transposeLinearOps(
      *clone, seeds, linearCotangents, withClones(tangentValues, mapping), end,
      anchor);
  if (failed(transposedSeeds))
    return failure();
  SmallVector<Value> next;
  for (unsigned index = 0; index < tangentPositions.size(); ++index) {
    Value cotangent = (*transposedSeeds)[index];
    next.push_back(cotangent ? cotangent
                             : ml::buildZerosLike(end, loc, seeds[index]));
  }
  for (unsigned index = 0; index < read.size(); ++index) {
    Value sum = loopBody.getArgument(1 + tangentPositions.size() + index);
    Value cotangent = (*transposedSeeds)[tangentPositions.size() + index];
    next.push_back(cotangent ? Value(ml::AddOp::create(end, loc, sum.getType(),
                                                       sum, cotangent))
                             : sum);
  }
  scf::YieldOp::create(end, loc, next);
  // The tangent arguments are no longer read in the clone.
  for (auto [index, position] : llvm::enumerate(tangentPositions))
    arguments[1 + position] = loopBody.getArgument(1 + index);
  // Nor are the carried values not stored (the transpose does not read
  // them), nor the stacks.
  for (unsigned position = 0; position < body.getNumArguments(); ++position)
    if (!arguments[position])
      arguments[position] = position <= carried
                                ? op.getInitArgs()[position - 1]
                                : op.getResult(position - 1);
  IRRewriter rewriter(op.getContext());
  rewriter.mergeBlocks(clone, &loopBody, arguments);

  SmallVector<std::pair<Value, Value>> result;
  for (auto [index, position] : llvm::enumerate(tangentPositions))
    result.push_back({op.getInitArgs()[position], transposed.getResult(index)});
  for (auto [index, value] : llvm::enumerate(read))
    result.push_back(
        {value, transposed.getResult(tangentPositions.size() + index)});
  return result;
}

/// Values used in `op`'s regions but defined outside them.
SmallVector<Value> usedFromOutside(Operation *op) {
  SmallVector<Value> used;
  for (Region &region : op->getRegions())
    region.walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (!op->isAncestor(operand.getParentBlock()->getParentOp()))
          used.push_back(operand);
    });
  return used;
}

/// The positions of `loop`'s carried primal values that its transpose
/// reads: those the ops computing tangents in its body (the ops a tangent
/// of `tangentValues` reaches) depend on. (Not a stack of a scan's outputs,
/// which only its tangent's updates touch.)
DenseSet<unsigned> readByTangents(scf::ForOp loop,
                                  const DenseSet<Value> &tangentValues) {
  Block &body = *loop.getBody();
  DenseSet<Value> linear;
  for (OpResult result : loop->getResults())
    if (tangentValues.contains(result))
      linear.insert(body.getArgument(1 + result.getResultNumber()));
  SmallVector<Value> needed;
  auto isLinear = [&](Value value) {
    return linear.contains(value) || tangentValues.contains(value);
  };
  for (Operation &op : body.without_terminator()) {
    SmallVector<Value> read(op.getOperands());
    llvm::append_range(read, usedFromOutside(&op));
    if (llvm::none_of(read, isLinear))
      continue;
    for (Value result : op.getResults())
      if (op.getNumRegions() == 0 || tangentValues.contains(result))
        linear.insert(result);
    for (Value value : read)
      if (!isLinear(value))
        needed.push_back(value);
  }
  DenseSet<unsigned> positions;
  DenseSet<Value> seen;
  while (!needed.empty()) {
    Value value = needed.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      if (argument.getOwner() == &body && argument.getArgNumber() > 0)
        positions.insert(argument.getArgNumber() - 1);
      continue;
    }
    Operation *op = value.getDefiningOp();
    if (op->getBlock() != &body)
      continue;
    llvm::append_range(needed, op->getOperands());
    llvm::append_range(needed, usedFromOutside(op));
  }
  return positions;
}

/// Rebuilds `loop` to store the primal values it carries at the start of
/// every iteration that its transpose reads in stacks (extra results).
LogicalResult
storeLoopResiduals(scf::ForOp loop, DenseSet<Value> &tangentValues,
                   MutableArrayRef<std::pair<Value, Value>> linearCotangents,
                   ml::Residuals &residuals) {
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lower || !upper || !step)
    return loop.emitOpError("carries tangents through a number of iterations "
                            "known only at run time: reverse mode runs loops "
                            "of a constant trip count (for now)");
  ml::LoopResiduals stored;
  stored.lower = *lower;
  stored.step = *step;
  stored.trips = *upper > *lower ? (*upper - *lower + *step - 1) / *step : 0;
  if (stored.trips == 0) {
    // It passes its carried values through: nothing to store.
    residuals[loop] = std::move(stored);
    return success();
  }

  DenseSet<unsigned> read = readByTangents(loop, tangentValues);
  SmallVector<unsigned> primalPositions;
  SmallVector<Type> stackTypes;
  for (OpResult result : loop->getResults()) {
    if (!read.contains(result.getResultNumber()))
      continue;
    auto type = dyn_cast<RankedTensorType>(result.getType());
    if (!type || !type.hasStaticShape())
      return loop.emitOpError("carries a value of type ")
             << result.getType()
             << " beside tangents: reverse mode runs loops carrying tensors of "
                "static shape (for now)";
    primalPositions.push_back(result.getResultNumber());
    SmallVector<int64_t> shape{stored.trips};
    llvm::append_range(shape, type.getShape());
    stackTypes.push_back(RankedTensorType::get(shape, type.getElementType()));
  }

  OpBuilder builder(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> inits;
  for (Type type : stackTypes)
    inits.push_back(zerosOf(builder, loc, cast<RankedTensorType>(type)));
  auto rebuilt = cast<scf::ForOp>(ml::rebuildWith(loop, inits, stackTypes));
  for (OpResult result : loop->getResults()) {
    Value replacement = rebuilt->getResult(result.getResultNumber());
    for (auto &[value, cotangent] : linearCotangents)
      if (value == result)
        value = replacement;
    if (tangentValues.erase(result))
      tangentValues.insert(replacement);
  }
  loop.erase();

  Block &body = *rebuilt.getBody();
  OpBuilder inner = OpBuilder::atBlockBegin(&body);
  auto stored_ = [&](Value value) {
    stored.storing.insert(value.getDefiningOp());
    return value;
  };
  Value k = stored_(arith::DivSIOp::create(
      inner, loc,
      stored_(arith::SubIOp::create(
          inner, loc, body.getArgument(0),
          stored_(indexConstant(inner, loc, stored.lower)))),
      stored_(indexConstant(inner, loc, stored.step))));
  Value zero = stored_(indexConstant(inner, loc, 0));
  SmallVector<Value> stacks;
  stored.positions = primalPositions;
  for (auto [index, position] : llvm::enumerate(primalPositions)) {
    BlockArgument value = body.getArgument(1 + position);
    auto type = cast<RankedTensorType>(value.getType());
    auto stackType = cast<RankedTensorType>(stackTypes[index]);
    SmallVector<int64_t> rowShape{1};
    llvm::append_range(rowShape, type.getShape());
    Value row = stored_(ml::ReshapeOp::create(
        inner, loc, RankedTensorType::get(rowShape, type.getElementType()),
        value, ValueRange()));
    BlockArgument stack = body.addArgument(stackType, loc);
    SmallVector<Value> starts{k};
    starts.append(type.getRank(), zero);
    stacks.push_back(stored_(ml::DynamicUpdateSliceOp::create(
        inner, loc, stackType, stack, row, starts)));
  }
  Operation *yield = body.getTerminator();
  yield->insertOperands(yield->getNumOperands(), stacks);
  residuals[rebuilt] = std::move(stored);
  return success();
}

/// Rebuilds `op` with only the results, and (for a loop) the carried
/// values, at `kept`.
Operation *keepOnly(Operation *op, ArrayRef<unsigned> kept) {
  SmallVector<Type> types;
  for (unsigned position : kept)
    types.push_back(op->getResult(position).getType());
  SmallVector<Value> operands(op->getOperands());
  auto loop = dyn_cast<scf::ForOp>(op);
  if (loop) {
    operands.assign({loop.getLowerBound(), loop.getUpperBound(),
                     loop.getStep()});
    for (unsigned position : kept)
      operands.push_back(loop.getInitArgs()[position]);
  }
  Operation *rebuilt = ml::rebuildAs(op, operands, types);
  for (auto [index, position] : llvm::enumerate(kept))
    op->getResult(position).replaceAllUsesWith(rebuilt->getResult(index));
  return rebuilt;
}

} // namespace

LogicalResult
ml::storeResiduals(Block &body, DenseSet<Value> &tangentValues,
                   MutableArrayRef<std::pair<Value, Value>> linearCotangents,
                   Residuals &residuals) {
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    auto loop = dyn_cast<scf::ForOp>(&op);
    if (loop && llvm::any_of(loop->getResults(), [&](Value result) {
          return tangentValues.contains(result);
        }))
      if (failed(storeLoopResiduals(loop, tangentValues, linearCotangents,
                                    residuals)))
        return failure();
  }
  return success();
}

FailureOr<SmallVector<std::pair<Value, Value>>>
ml::transposeControlFlow(Operation *op, const Residuals &residuals,
                         const DenseMap<Value, Value> &cotangents,
                         const DenseSet<Value> &linearValues,
                         const DenseSet<Value> &tangentValues,
                         OpBuilder &builder, Operation *anchor) {
  if (auto ifOp = dyn_cast<scf::IfOp>(op))
    return transposeIf(ifOp, cotangents, linearValues, tangentValues, builder,
                       anchor);
  if (auto checkpoint = dyn_cast<ml::CheckpointOp>(op))
    return transposeCheckpoint(checkpoint, cotangents, linearValues,
                               tangentValues, builder, anchor);
  auto loop = cast<scf::ForOp>(op);
  return transposeFor(loop, residuals.at(op), cotangents, linearValues,
                      tangentValues, builder, anchor);
}

void ml::stripTangents(Operation *op, const DenseSet<Value> &tangentValues) {
  SmallVector<unsigned> kept, dropped;
  for (OpResult result : op->getResults())
    (tangentValues.contains(result) ? dropped : kept)
        .push_back(result.getResultNumber());
  Operation *rebuilt = keepOnly(op, kept);
  for (Region &region : rebuilt->getRegions()) {
    if (region.empty())
      continue;
    Block &block = region.front();
    Operation *terminator = block.getTerminator();
    // A loop's body yields its carried values; a branch, its results.
    SmallVector<Value> yielded;
    for (unsigned position : kept)
      yielded.push_back(terminator->getOperand(position));
    terminator->setOperands(yielded);
    // Backwards, so that what only a dead op read is dead in turn.
    SmallVector<Operation *> nested;
    for (Operation &inner : block.without_terminator())
      nested.push_back(&inner);
    for (Operation *inner : llvm::reverse(nested)) {
      if (inner->getNumRegions() != 0 &&
          llvm::any_of(inner->getResults(), [&](Value v) {
            return tangentValues.contains(v) && v.use_empty();
          }))
        stripTangents(inner, tangentValues);
      else if (isOpTriviallyDead(inner))
        inner->erase();
    }
    if (isa<scf::ForOp>(rebuilt)) {
      llvm::BitVector erase(block.getNumArguments());
      for (unsigned position : dropped)
        erase.set(1 + position);
      block.eraseArguments(erase);
    }
  }
  op->erase();
}
