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

namespace mlir::ml {

/// After every op of `body` (its terminator aside), the ops computing its
/// results' tangents (ml::JVPOpInterface), from `tangents`, which maps
/// values to their non-zero tangents and gains the new ones. Fails, with an
/// error, at an op without a rule that a tangent reaches, or whose rule
/// fails.
LogicalResult addTangents(Block &body, DenseMap<Value, Value> &tangents);

/// Forward mode through `op` if it is control flow (scf.if, scf.for,
/// scf.while): rebuilt with the tangents of the float values it carries,
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

/// Reverse mode through `op`, an scf.if that addControlFlowTangents
/// rebuilt, given `resultCotangents` (pairs of a tangent result and its
/// cotangent): at `builder`, an scf.if on the same condition whose branches
/// each recompute their branch and run its linear ops backwards. Returns
/// pairs of each linear value of `linearValues` the branches read from
/// outside and its cotangent.
FailureOr<SmallVector<std::pair<Value, Value>>>
transposeIf(scf::IfOp op, ArrayRef<std::pair<Value, Value>> resultCotangents,
            const DenseSet<Value> &linearValues,
            const DenseSet<Value> &tangentValues, OpBuilder &builder,
            Operation *anchor);

/// `op`, an scf.if whose tangent results (among `tangentValues`) have no
/// uses left, rebuilt without them and without the ops in its branches
/// that computed only them.
void stripTangents(scf::IfOp op, const DenseSet<Value> &tangentValues);

} // namespace mlir::ml

#endif // MLJIT_PASSES_AUTODIFF_TANGENTS_H
