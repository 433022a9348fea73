//===- HoistLoopInvariants.cpp - the ml-hoist-loop-invariants pass -------===//
//
// A traced loop body often computes from values defined before the loop
// (exp(w), w.T, a normalised weight): computed once before the loop, that
// work is done once. Upstream loop-invariant-code-motion hoists every pure
// op, broadcasts included; a broadcast hoisted out of a loop becomes a
// materialized tensor (points[:, None, :] of a k-means: 8 MB) that the body
// reads at every iteration, where left inside it fuses into its consumer and
// costs nothing. So ops that make more elements than they read stay.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLDialect.h"
#include "passes/Common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::ml {
#define GEN_PASS_DEF_HOISTLOOPINVARIANTS
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// The elements of a tensor of `type` (0 for anything else, or unknown).
int64_t elementsOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() ? tensor.getNumElements() : 0;
}

/// Whether `op` makes more elements than its operands hold (a broadcast, an
/// iota): cheaper to compute where used than to read from memory. Dynamic
/// shapes count as expanding, as they may.
bool expands(Operation *op) {
  int64_t read = 0;
  for (Value operand : op->getOperands()) {
    if (isa<RankedTensorType>(operand.getType()) && !elementsOf(operand.getType()))
      return true;
    read += elementsOf(operand.getType());
  }
  for (Type type : op->getResultTypes())
    if (isa<RankedTensorType>(type) && (!elementsOf(type) || elementsOf(type) > read))
      return true;
  return false;
}

struct HoistLoopInvariants
    : ml::impl::HoistLoopInvariantsBase<HoistLoopInvariants> {
  void runOnOperation() override {
    // Inner loops first: what they hoist may then leave the outer ones.
    getOperation()->walk([](LoopLikeOpInterface loop) {
      moveLoopInvariantCode(
          loop.getLoopRegions(),
          [&](Value value, Region *) {
            return loop.isDefinedOutsideOfLoop(value);
          },
          [&](Operation *op, Region *) {
            return isa<ml::MLDialect>(op->getDialect()) && isPure(op) &&
                   !expands(op);
          },
          [&](Operation *op, Region *) { loop.moveOutOfLoop(op); });
    });
  }
};

} // namespace
