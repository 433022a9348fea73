//===- PromoteSmallBuffers.cpp - the ml-promote-small-buffers pass -------===//
//
// A tiled row keeps its accumulators and intermediates in buffers of a few
// bytes to a few KiB, allocated once per row; from the heap that is a
// malloc/free pair per row and per buffer. On the stack it is free, as long
// as the stack is released per iteration: true at function level and in the
// bodies of parallel loops (convert-scf-to-openmp gives each iteration a
// memref.alloca_scope), not in sequential loops, whose allocas would pile up
// until the function returns.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::ml {
#define GEN_PASS_DEF_PROMOTESMALLBUFFERS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// Whether an alloca here is released before the enclosing code loops.
bool releasedPerIteration(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent && !isa<func::FuncOp>(parent);
       parent = parent->getParentOp())
    if (isa<LoopLikeOpInterface>(parent) &&
        !isa<scf::ParallelOp, scf::ForallOp>(parent))
      return false;
  return true;
}

struct PromoteSmallBuffers
    : ml::impl::PromoteSmallBuffersBase<PromoteSmallBuffers> {
  using PromoteSmallBuffersBase::PromoteSmallBuffersBase;

  void runOnOperation() override {
    // Bounds of dynamic sizes follow memref.dim ops, which the bounds
    // analysis asserts are in range: one out of range (undefined
    // behaviour) is reported instead.
    WalkResult outOfRange = getOperation().walk([](memref::DimOp dim) {
      std::optional<int64_t> index = dim.getConstantIndex();
      auto type = dyn_cast<MemRefType>(dim.getSource().getType());
      if (!index || !type || (*index >= 0 && *index < type.getRank()))
        return WalkResult::advance();
      dim.emitOpError("takes dimension ")
          << *index << " of a buffer of rank " << type.getRank();
      return WalkResult::interrupt();
    });
    if (outOfRange.wasInterrupted())
      return signalPassFailure();
    SmallVector<memref::AllocOp> promoted;
    // Bytes put on the stack so far in each scope (a parallel loop body or
    // the function): a model has thousands of temporaries, which the stack
    // would hold all at once until the function returns.
    DenseMap<Operation *, int64_t> scopeBytes;
    DenseMap<Operation *, MemRefType> boundedTypes;
    getOperation().walk([&](memref::AllocOp alloc) {
      MemRefType type = boundedType(alloc);
      // Compared in elements: the size in bits of a large buffer overflows.
      if (!type || !type.getLayout().isIdentity() ||
          !type.getElementType().isIntOrFloat() || !ml::isCountable(type) ||
          type.getNumElements() >
              maxBytes * 8 / type.getElementTypeBitWidth() ||
          !releasedPerIteration(alloc))
        return;
      // A buffer that is freed explicitly, returned or stored somewhere is
      // not a temporary of this scope.
      for (Operation *user : alloc->getUsers())
        if (isa<memref::DeallocOp, func::ReturnOp, memref::StoreOp>(user) &&
            !(isa<memref::StoreOp>(user) &&
              cast<memref::StoreOp>(user).getMemRef() == alloc.getResult()))
          return;
      Operation *scope = alloc->getParentOp();
      while (!isa<scf::ParallelOp, scf::ForallOp, func::FuncOp>(scope))
        scope = scope->getParentOp();
      int64_t bytes =
          type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
      if (scopeBytes[scope] + bytes > maxScopeBytes)
        return;
      scopeBytes[scope] += bytes;
      promoted.push_back(alloc);
      boundedTypes[alloc] = type;
    });
    for (memref::AllocOp alloc : promoted) {
      OpBuilder builder(alloc);
      Value buffer = memref::AllocaOp::create(builder, alloc.getLoc(),
                                              boundedTypes[alloc],
                                              alloc.getAlignmentAttr());
      // Bounded dynamic sizes: the stack buffer of the largest size, seen
      // with the actual sizes.
      if (buffer.getType() != alloc.getType()) {
        SmallVector<OpFoldResult> sizes =
            memref::getMixedSizes(builder, alloc.getLoc(), alloc.getResult());
        SmallVector<OpFoldResult> strides;
        for (int64_t stride : alloc.getType().getStridesAndOffset().first)
          strides.push_back(builder.getIndexAttr(stride));
        buffer = memref::ReinterpretCastOp::create(
            builder, alloc.getLoc(), alloc.getType(), buffer,
            builder.getIndexAttr(0), sizes, strides);
      }
      alloc.replaceAllUsesWith(buffer);
      alloc.erase();
    }
  }

  /// The static type of the buffer `alloc` needs at most: its own, or its
  /// dynamic sizes replaced by their constant upper bounds; null if one
  /// has none.
  static MemRefType boundedType(memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (type.hasStaticShape())
      return type;
    SmallVector<int64_t> shape(type.getShape());
    auto sizes = alloc.getDynamicSizes().begin();
    for (int64_t &size : shape) {
      if (!ShapedType::isDynamic(size))
        continue;
      FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
          presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(*sizes++),
          /*stopCondition=*/nullptr, /*closedUB=*/true);
      if (failed(bound) || *bound < 0)
        return {};
      size = *bound;
    }
    return MemRefType::get(shape, type.getElementType());
  }
};

} // namespace
