//===- ShrinkBufferLifetimes.cpp - the ml-shrink-buffer-lifetimes pass ----===//
//
// One-shot bufferization allocates each buffer where its tensor.empty was,
// and CSE hoists those to the first use of any of them; ownership-based
// deallocation frees each buffer at the end of its block. In a traced
// function every temporary was thus live for the whole call, and a training
// step's memory was the sum of all its intermediates. Each buffer here is
// allocated right before its first use and freed right after its last, so
// the caching allocator hands the same memory to the next one.
//
//===----------------------------------------------------------------------===//

#include "passes/Common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::ml {
#define GEN_PASS_DEF_SHRINKBUFFERLIFETIMES
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// The ops of `alloc`'s block that use it or a view of it, in block order
/// (ancestors of nested uses), but `dealloc`; empty where it may escape (a
/// terminator yields it, its address is taken). A call uses it while it
/// runs: the callees here (BLAS, the runtime) keep no pointers.
SmallVector<Operation *>
usersInBlock(memref::AllocOp alloc, memref::DeallocOp dealloc,
             const DenseMap<Operation *, unsigned> &order) {
  Block *block = alloc->getBlock();
  llvm::SetVector<Operation *> users;
  SmallVector<Value> aliases{alloc.getResult()};
  while (!aliases.empty()) {
    Value alias = aliases.pop_back_val();
    for (Operation *user : alias.getUsers()) {
      if (user == dealloc)
        continue;
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::DeallocOp, memref::ExtractAlignedPointerAsIndexOp,
              memref::ExtractStridedMetadataOp>(user))
        return {};
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          aliases.push_back(result);
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor)
        return {};
      users.insert(ancestor);
    }
  }
  SmallVector<Operation *> sorted(users.begin(), users.end());
  llvm::sort(sorted, [&](Operation *a, Operation *b) {
    return order.lookup(a) < order.lookup(b);
  });
  return sorted;
}

/// Moves `alloc` right before its first user that is not a pure view of
/// it, with the views before that user, then `dealloc` right after its last
/// user.
void shrink(memref::AllocOp alloc, memref::DeallocOp dealloc,
            const DenseMap<Operation *, unsigned> &order) {
  SmallVector<Operation *> users = usersInBlock(alloc, dealloc, order);
  if (users.empty())
    return;
  dealloc->moveAfter(users.back());
  auto first = llvm::find_if(users, [](Operation *op) {
    return !isa<ViewLikeOpInterface, memref::CastOp>(op) || !isPure(op);
  });
  if (first == users.end())
    return;
  // A view between the two reads values defined before it, and the
  // views before it: it still follows them.
  alloc->moveBefore(*first);
  for (Operation *view : llvm::make_range(users.begin(), first))
    view->moveBefore(*first);
}

struct ShrinkBufferLifetimes
    : ml::impl::ShrinkBufferLifetimesBase<ShrinkBufferLifetimes> {
  void runOnOperation() override {
    SmallVector<std::pair<memref::AllocOp, memref::DeallocOp>> pairs;
    getOperation().walk([&](memref::DeallocOp dealloc) {
      auto alloc = dealloc.getMemref().getDefiningOp<memref::AllocOp>();
      if (alloc && alloc->getBlock() == dealloc->getBlock())
        pairs.push_back({alloc, dealloc});
    });
    // Positions in each block, numbered once: the moves only put allocs,
    // their views and deallocs next to their own users, so the other ops
    // keep their order (and block order is not recomputed per move).
    DenseMap<Block *, DenseMap<Operation *, unsigned>> orders;
    for (auto [alloc, dealloc] : pairs) {
      Block *block = alloc->getBlock();
      auto [entry, added] = orders.try_emplace(block);
      if (added)
        for (auto [index, op] : llvm::enumerate(*block))
          entry->second[&op] = index;
      shrink(alloc, dealloc, entry->second);
    }
  }
};

} // namespace
