//===- Tangents.h - tangents and cotangents of a block ---------*- C++ -*-===//
//
// What the derivative passes share: every op of a block followed by its
// tangent (forward mode), and those tangent ops run backwards (reverse
// mode).
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_AUTODIFF_TANGENTS_H
#define MLJIT_PASSES_AUTODIFF_TANGENTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::ml {

/// After every op of `body` (its terminator aside), the ops computing its
/// results' tangents (ml::JVPOpInterface), from `tangents`, which maps
/// values to their non-zero tangents and gains the new ones. Fails, with an
/// error, at an op without a rule that a tangent reaches, or whose rule
/// fails.
LogicalResult addTangents(Block &body, DenseMap<Value, Value> &tangents);

/// Forward mode through `op` if it is control flow (scf.if, scf.for,
/// scf.while, ml.checkpoint): rebuilt with the tangents of the float values it carries,
/// which `tangents` gains. Returns whether `op` was control flow (it is
/// erased then); fails, with an error, where addTangents fails in a region.
FailureOr<bool> addControlFlowTangents(Operation *op,
                                       DenseMap<Value, Value> &tangents);

/// A copy of `function` named `name`, inserted after it, with a tangent
/// argument appended for each float argument and the tangents of
/// `addTangents`. Fails, with an error, on a function of several blocks
/// and where `addTangents` does.
FailureOr<func::FuncOp> cloneWithTangents(func::FuncOp function, StringRef name,
                                          DenseMap<Value, Value> &tangents);

/// Reverse mode over `body`, whose tangents `addTangents` built from the
/// tangents `seeds`: the ops a seed reaches (the linear program) run
/// backwards at `builder` (before the terminator) through their transpose
/// rules, from `resultCotangents` (pairs of a value of the body and its
/// cotangent), then are erased. Returns the cotangent of each seed (null
/// where none reaches it). Fails, with an error at `anchor`, where a
/// tangent has a dynamic shape (not yet), or where a rule fails.
FailureOr<SmallVector<Value>>
buildCotangents(Block &body, ArrayRef<Value> seeds,
                const DenseMap<Value, Value> &tangents,
                ArrayRef<std::pair<Value, Value>> resultCotangents,
                OpBuilder &builder, Operation *anchor);

/// buildCotangents' work on `body`: its linear program (the ops a seed
/// reaches, and the tangent results, among `tangentValues`, of control flow
/// a seed reaches inside) run backwards at `builder` from the cotangents of
/// linear values `linearCotangents`, then removed. Returns the cotangent of
/// each seed (null where none reaches it).
FailureOr<SmallVector<Value>>
transposeLinearOps(Block &body, ArrayRef<Value> seeds,
                   ArrayRef<std::pair<Value, Value>> linearCotangents,
                   const DenseSet<Value> &tangentValues, OpBuilder &builder,
                   Operation *anchor);

/// An op like `op` (name, attributes, properties) on `operands` with
/// results of `resultTypes`, inserted before it, `op`'s regions moved in;
/// `op`'s results are left to replace.
Operation *rebuildAs(Operation *op, ValueRange operands,
                     TypeRange resultTypes);

/// `op` with `extraOperands` and results of `extraTypes` after its own,
/// its regions moved into the new op, which `op`'s results' uses now read
/// (`op` is left to erase).
Operation *rebuildWith(Operation *op, ValueRange extraOperands,
                       TypeRange extraTypes);

/// What the transpose of a loop reads of its forward run: the primal value
/// each carried value had at the start of every iteration, stacked in
/// extra results of the loop.
struct LoopResiduals {
  /// The carried values stored (their positions), one stack each.
  SmallVector<unsigned> positions;
  int64_t lower = 0, step = 1, trips = 0;
  /// The ops of the body that store them.
  llvm::SmallPtrSet<Operation *, 8> storing;
};
using Residuals = DenseMap<Operation *, LoopResiduals>;

/// Reverse mode's preparation of the control flow of `body` that carries
/// tangents (among `tangentValues`, and the first values of the pairs
/// `linearCotangents`, which follow the rebuilt ops): each such scf.for is
/// rebuilt to store its residuals. Fails, with an error, at a loop reverse
/// mode cannot run backwards (yet).
LogicalResult
storeResiduals(Block &body, DenseSet<Value> &tangentValues,
               MutableArrayRef<std::pair<Value, Value>> linearCotangents,
               Residuals &residuals);

/// The transpose of `op`, control flow that carries tangents (an scf.if;
/// an scf.for that storeResiduals rebuilt; an ml.checkpoint), at `builder`, from the
/// cotangents of its tangent results (looked up in `cotangents`). Returns
/// pairs of a linear value (of `linearValues`: its tangent operands, and
/// those its regions read from outside) and its cotangent.
FailureOr<SmallVector<std::pair<Value, Value>>>
transposeControlFlow(Operation *op, const Residuals &residuals,
                     const DenseMap<Value, Value> &cotangents,
                     const DenseSet<Value> &linearValues,
                     const DenseSet<Value> &tangentValues, OpBuilder &builder,
                     Operation *anchor);

/// `op`, control flow whose tangent results (among `tangentValues`) have
/// no uses left, rebuilt without them and without the ops in its regions
/// that computed only them.
void stripTangents(Operation *op, const DenseSet<Value> &tangentValues);

} // namespace mlir::ml

#endif // MLJIT_PASSES_AUTODIFF_TANGENTS_H
