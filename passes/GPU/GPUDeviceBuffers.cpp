//===- GPUDeviceBuffers.cpp - the ml-gpu-device-buffers pass -------------===//
//
// After the ml-gpu-map-* passes every element access sits in a gpu.launch;
// what remains on the host is allocation, views and the launches. This pass
// puts the buffers those kernels touch in GPU memory: temporaries become
// gpu.alloc/gpu.dealloc, constants are copied over, and, with
// `host-arguments`, the function's buffer arguments (host memory of the
// caller) are copied in if a kernel reads them and back out if one writes
// them. Without it, the arguments already are device buffers.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/KernelBuilders.h"
#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GPUDEVICEBUFFERS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
namespace mgpu = mlir::gpu;

namespace {

bool onHost(Operation *op) { return !op->getParentOfType<mgpu::LaunchOp>(); }

struct Access {
  bool any = false, written = false;
  /// The buffer and every buffer that may alias it.
  llvm::SmallDenseSet<Value, 8> aliases;
};

/// How `buffer` is used, or any buffer that may alias it (every memref an op
/// makes from it: views, casts, selects); unknown users (a call, a loop
/// carrying the buffer) count as writers.
Access accessOf(Value buffer) {
  Access access;
  SmallVector<Value> worklist{buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!access.aliases.insert(value).second)
      continue;
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      bool aliases = false;
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType())) {
          worklist.push_back(result);
          aliases = true;
        }
      if (aliases || isa<memref::DeallocOp, mgpu::DeallocOp,
                         memref::ExtractStridedMetadataOp>(user))
        continue;
      auto effects = dyn_cast<MemoryEffectOpInterface>(user);
      bool unknown = !effects || user->hasTrait<OpTrait::IsTerminator>();
      bool written =
          unknown || effects.getEffectOnValue<MemoryEffects::Write>(value);
      access.written |= written;
      access.any |= written ||
                    effects.getEffectOnValue<MemoryEffects::Read>(value);
    }
  }
  return access;
}

/// Whether the first op touching `argument` (or an alias) is a kernel that
/// writes every element of it, as marked by ml-gpu-map-*, and reads none:
/// then the caller's contents need not be copied in.
bool overwrittenFirst(BlockArgument argument, const Access &access) {
  for (Operation &op : *argument.getOwner()) {
    bool touches = op.walk([&](Operation *inner) {
                        return llvm::any_of(inner->getOperands(),
                                            [&](Value operand) {
                                              return access.aliases.contains(
                                                  operand);
                                            })
                                   ? WalkResult::interrupt()
                                   : WalkResult::advance();
                      }).wasInterrupted();
    if (!touches || isMemoryEffectFree(&op)) // untouched, or a view
      continue;
    auto launch = dyn_cast<mgpu::LaunchOp>(op);
    if (!launch)
      return false;
    bool covered = false, read = false;
    launch.walk([&](Operation *inner) {
      auto store = dyn_cast<memref::StoreOp>(inner);
      if (store && store.getMemRef() == argument &&
          store->hasAttr(ml::gpu::kWritesEveryElement))
        covered = true;
      for (Value operand : inner->getOperands()) {
        if (!access.aliases.contains(operand) ||
            (store && operand == store.getMemRef()))
          continue;
        auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
        if (!effects || effects.getEffectOnValue<MemoryEffects::Read>(operand))
          read = true;
      }
    });
    return covered && !read;
  }
  return false;
}

/// A device buffer of `type`; `dynamicSizes` are its dynamic dimensions'.
Value deviceAlloc(OpBuilder &b, Location loc, MemRefType type,
                  ValueRange dynamicSizes) {
  return mgpu::AllocOp::create(b, loc, type, /*asyncToken=*/nullptr,
                               /*asyncDependencies=*/{}, dynamicSizes,
                               /*symbolOperands=*/{},
                               /*hostShared=*/false)
      .getMemref();
}

void deviceDealloc(OpBuilder &b, Location loc, Value buffer) {
  mgpu::DeallocOp::create(b, loc, /*asyncToken=*/Type(),
                          /*asyncDependencies=*/{}, buffer);
}

void copy(OpBuilder &b, Location loc, Value to, Value from) {
  mgpu::MemcpyOp::create(b, loc, /*asyncToken=*/Type(),
                         /*asyncDependencies=*/{}, to, from);
}

/// The host's temporaries become device buffers: memref.alloc and
/// memref.dealloc become their gpu counterparts.
LogicalResult moveTemporaries(OpBuilder &b, ArrayRef<Operation *> allocs,
                              ArrayRef<Operation *> deallocs) {
  for (Operation *op : allocs) {
    if (isa<memref::AllocaOp>(op))
      return op->emitOpError("is a stack buffer, which kernels on the GPU "
                             "cannot read; allocate it with memref.alloc");
    auto alloc = cast<memref::AllocOp>(op);
    b.setInsertionPoint(alloc);
    Value device = deviceAlloc(b, alloc.getLoc(), alloc.getType(),
                               alloc.getDynamicSizes());
    alloc.replaceAllUsesWith(device);
    alloc.erase();
  }
  for (Operation *op : deallocs) {
    b.setInsertionPoint(op);
    deviceDealloc(b, op->getLoc(), cast<memref::DeallocOp>(op).getMemref());
    op->erase();
  }
  return success();
}

/// Each constant is copied to a device buffer once per call, right after
/// the memref.get_global in the entry block; the buffers go to `owned`.
LogicalResult copyGlobals(OpBuilder &b, Block &entry,
                          ArrayRef<Operation *> globals,
                          SmallVectorImpl<Value> &owned) {
  for (Operation *op : globals) {
    auto global = cast<memref::GetGlobalOp>(op);
    if (global->getBlock() != &entry)
      return global.emitOpError("must be in the function's entry block to "
                                "be copied to the GPU once per call");
    b.setInsertionPointAfter(global);
    Value device = deviceAlloc(b, global.getLoc(), global.getType(), {});
    global.getResult().replaceAllUsesWith(device);
    copy(b, global.getLoc(), device, global.getResult());
    owned.push_back(device);
  }
  return success();
}

/// Each buffer argument a kernel touches gets a device buffer at the start
/// of the function, into which the caller's contents are copied unless the
/// first kernel overwrites it whole; the buffers go to `owned`, and with the
/// arguments to `copiedBack` if a kernel may write them.
LogicalResult
copyArguments(OpBuilder &b, func::FuncOp function,
              SmallVectorImpl<Value> &owned,
              SmallVectorImpl<std::pair<Value, Value>> &copiedBack) {
  b.setInsertionPointToStart(&function.getBody().front());
  for (BlockArgument argument : function.getArguments()) {
    auto type = dyn_cast<MemRefType>(argument.getType());
    Access access = type ? accessOf(argument) : Access();
    if (!access.any)
      continue;
    bool copyIn = !overwrittenFirst(argument, access);
    if (!type.getLayout().isIdentity())
      return function.emitOpError("argument ")
             << argument.getArgNumber()
             << " has a non-identity layout; host arguments are copied to "
                "the GPU whole and must have the identity layout";
    Location loc = argument.getLoc();
    SmallVector<Value> sizes;
    SmallPtrSet<Operation *, 4> keep;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d)) {
        sizes.push_back(memref::DimOp::create(b, loc, argument, d));
        keep.insert(sizes.back().getDefiningOp());
      }
    Value device = deviceAlloc(b, loc, type, sizes);
    argument.replaceAllUsesExcept(device, keep);
    // In even if kernels only write it (one that writes part of it leaves
    // the rest as the caller had it), unless the first overwrites it whole.
    if (copyIn)
      copy(b, loc, device, argument);
    if (access.written)
      copiedBack.emplace_back(argument, device);
    owned.push_back(device);
  }
  return success();
}

/// Before every return: copies the `copiedBack` device buffers out to their
/// host buffers, then frees the `owned` ones.
void releaseAtReturns(OpBuilder &b, func::FuncOp function,
                      ArrayRef<std::pair<Value, Value>> copiedBack,
                      ArrayRef<Value> owned) {
  for (Block &block : function.getBody()) {
    auto ret = dyn_cast<func::ReturnOp>(block.getTerminator());
    if (!ret)
      continue;
    b.setInsertionPoint(ret);
    for (auto [host, device] : copiedBack)
      copy(b, ret.getLoc(), host, device);
    for (Value device : owned)
      deviceDealloc(b, ret.getLoc(), device);
  }
}

/// Host code reading or writing one element of a buffer (a loop's trip
/// count, a branch's condition, a loop index given to kernels): a copy
/// through a host scalar, since the buffer now lives in GPU memory.
void copyHostScalars(OpBuilder &b, func::FuncOp function) {
  SmallVector<Operation *> scalars;
  function.walk([&](Operation *op) {
    auto load = dyn_cast<memref::LoadOp>(op);
    auto store = dyn_cast<memref::StoreOp>(op);
    Value buffer = load ? load.getMemRef() : store ? store.getMemRef() : Value();
    if (buffer && onHost(op) && cast<MemRefType>(buffer.getType()).getRank() == 0)
      scalars.push_back(op);
  });
  for (Operation *op : scalars) {
    Location loc = op->getLoc();
    auto load = dyn_cast<memref::LoadOp>(op);
    Value device = load ? load.getMemRef() : cast<memref::StoreOp>(op).getMemRef();
    auto type = MemRefType::get({}, cast<MemRefType>(device.getType()).getElementType());
    // In the entry block: a stack buffer in a loop would grow the stack at
    // every iteration.
    b.setInsertionPointToStart(&function.getBody().front());
    Value host = memref::AllocaOp::create(b, loc, type);
    b.setInsertionPoint(op);
    if (load) {
      copy(b, loc, host, device);
      load.getMemrefMutable().assign(host);
      continue;
    }
    cast<memref::StoreOp>(op).getMemrefMutable().assign(host);
    b.setInsertionPointAfter(op);
    copy(b, loc, device, host);
  }
}

/// Fails on host code touching buffer contents (other than the host
/// scalars above): that would now read GPU memory.
LogicalResult verifyNoHostAccess(func::FuncOp function) {
  WalkResult hostAccess = function.walk([&](Operation *op) {
    if (!onHost(op) || isa<mgpu::GPUDialect>(op->getDialect()) ||
        isa<memref::GetGlobalOp>(op))
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects)
      return WalkResult::advance();
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &effect : instances)
      if (isa<MemoryEffects::Read, MemoryEffects::Write>(
              effect.getEffect()) &&
          effect.getValue() && isa<MemRefType>(effect.getValue().getType()) &&
          !effect.getValue().getDefiningOp<memref::AllocaOp>()) {
        op->emitOpError("accesses a buffer on the host, but its buffers "
                        "live in GPU memory; only kernels may read them");
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  return failure(hostAccess.wasInterrupted());
}

struct GPUDeviceBuffers : ml::impl::GPUDeviceBuffersBase<GPUDeviceBuffers> {
  using GPUDeviceBuffersBase::GPUDeviceBuffersBase;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal())
      return;
    SmallVector<Operation *> allocs, deallocs, globals;
    function.walk([&](Operation *op) {
      if (!onHost(op))
        return;
      if (isa<memref::AllocOp, memref::AllocaOp>(op))
        allocs.push_back(op);
      else if (isa<memref::DeallocOp>(op))
        deallocs.push_back(op);
      else if (isa<memref::GetGlobalOp>(op))
        globals.push_back(op);
    });
    OpBuilder b(&getContext());
    // Buffers made here that the function frees before it returns.
    SmallVector<Value> owned;
    SmallVector<std::pair<Value, Value>> copiedBack;
    if (failed(moveTemporaries(b, allocs, deallocs)) ||
        failed(copyGlobals(b, function.getBody().front(), globals, owned)) ||
        (hostArguments &&
         failed(copyArguments(b, function, owned, copiedBack))))
      return signalPassFailure();
    releaseAtReturns(b, function, copiedBack, owned);
    copyHostScalars(b, function);
    if (failed(verifyNoHostAccess(function)))
      signalPassFailure();
  }
};

} // namespace
