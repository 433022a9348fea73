//===- GPULaunchToLoops.cpp - the ml-gpu-launch-to-loops pass ------------===//
//
// Runs gpu.launch kernels on the host, so that what the ml-gpu-map-* passes
// compute can be checked against NumPy where there is no GPU. Blocks run one
// after the other. A block's threads run one after the other too, but only
// up to the next barrier: the body is cut into phases at each gpu.barrier,
// and each phase becomes a loop over all threads. A value a thread computes
// in one phase and uses in a later one is kept in a per-thread array.
// Barriers may also sit in scf.for loops whose bounds are the same for every
// thread (each iteration is then cut the same way, and the loop's carried
// values are per-thread arrays) — the shapes the mapping passes produce.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GPULAUNCHTOLOOPS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;
namespace mgpu = mlir::gpu;

namespace {

bool containsBarrier(Operation *op) {
  return op
      ->walk([](mgpu::BarrierOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

/// The block's ops, terminator excluded.
SmallVector<Operation *> opsOf(Block &block) {
  return llvm::map_to_vector(block.without_terminator(),
                             [](Operation &op) { return &op; });
}

/// The values `op` uses, as operands or in its regions, defined outside it.
SetVector<Value> usedValues(Operation *op) {
  SetVector<Value> used;
  for (Value operand : op->getOperands())
    used.insert(operand);
  for (Region &region : op->getRegions())
    getUsedValuesDefinedAbove(region, used);
  return used;
}

/// Stores `value` at `t` of a per-thread array; booleans are stored as bytes
/// (memrefs of i1 have no LLVM lowering).
void storeToArray(OpBuilder &b, Location loc, Value value, Value array,
                  Value t) {
  if (value.getType().isInteger(1))
    value = arith::ExtUIOp::create(b, loc, b.getI8Type(), value);
  memref::StoreOp::create(b, loc, value, array, t);
}

/// The value of `type` at `t` of a per-thread array written by storeToArray.
Value loadFromArray(OpBuilder &b, Location loc, Value array, Value t,
                    Type type) {
  Value value = memref::LoadOp::create(b, loc, array, t);
  if (type.isInteger(1))
    value = arith::TruncIOp::create(b, loc, type, value);
  return value;
}

/// The values every thread of block `zyx` (z, y, x) of `launch` sees alike:
/// the block ids, the grid and the block sizes.
IRMapping blockUniforms(mgpu::LaunchOp launch, ValueRange zyx) {
  IRMapping uniform;
  mgpu::KernelDim3 ids = launch.getBlockIds();
  uniform.map(ids.z, zyx[0]);
  uniform.map(ids.y, zyx[1]);
  uniform.map(ids.x, zyx[2]);
  mgpu::KernelDim3 gridSize = launch.getGridSize();
  mgpu::KernelDim3 blockSize = launch.getBlockSize();
  uniform.map(gridSize.x, launch.getGridSizeX());
  uniform.map(gridSize.y, launch.getGridSizeY());
  uniform.map(gridSize.z, launch.getGridSizeZ());
  uniform.map(blockSize.x, launch.getBlockSizeX());
  uniform.map(blockSize.y, launch.getBlockSizeY());
  uniform.map(blockSize.z, launch.getBlockSizeZ());
  return uniform;
}

/// Maps `launch`'s thread ids to those of linear thread `t` of a block of
/// `block` (x, y, z) threads, x fastest.
void mapThreadIds(OpBuilder &b, Location loc, mgpu::LaunchOp launch,
                  ArrayRef<int64_t> block, Value t, IRMapping &mapping) {
  Value x = arith::ConstantIndexOp::create(b, loc, block[0]);
  Value xy = arith::ConstantIndexOp::create(b, loc, block[0] * block[1]);
  mgpu::KernelDim3 ids = launch.getThreadIds();
  mapping.map(ids.x, arith::RemUIOp::create(b, loc, t, x));
  mapping.map(ids.y, arith::DivUIOp::create(
                         b, loc, arith::RemUIOp::create(b, loc, t, xy), x));
  mapping.map(ids.z, arith::DivUIOp::create(b, loc, t, xy));
}

/// The lower bound, upper bound and step of `loop` in `launch`'s body as a
/// host loop sees them, with `uniform` mapping the values every thread sees
/// alike; they must be the same for every thread.
FailureOr<SmallVector<Value>> hostBounds(scf::ForOp loop,
                                         mgpu::LaunchOp launch,
                                         const IRMapping &uniform) {
  SmallVector<Value> bounds;
  for (Value bound :
       {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()}) {
    if (uniform.contains(bound))
      bounds.push_back(uniform.lookup(bound));
    else if (!launch.getBody().isAncestor(bound.getParentRegion()))
      bounds.push_back(bound);
    else
      return loop.emitOpError("holds a gpu.barrier but its bounds may "
                              "differ between threads");
  }
  return bounds;
}

/// Emits one block of a launch: its phases, at the builder's position.
class BlockEmitter {
public:
  BlockEmitter(OpBuilder &b, mgpu::LaunchOp launch, ArrayRef<int64_t> block,
               IRMapping uniform)
      : b(b), launch(launch), block(block), uniform(std::move(uniform)) {
    threads = block[0] * block[1] * block[2];
  }

  /// Emits the block: its shared memory, the launch body run by its
  /// threads, then frees every buffer it allocated, even after a failure.
  LogicalResult emit(Location loc) {
    allocateShared(loc);
    // Per-thread arrays go before the code that uses them.
    auto marker = arith::ConstantIndexOp::create(b, loc, 0);
    allocationPoint =
        OpBuilder::InsertPoint(marker->getBlock(), marker->getIterator());
    LogicalResult status = emitOps(opsOf(launch.getBody().front()));
    for (Value buffer : buffers)
      memref::DeallocOp::create(b, loc, buffer);
    return status;
  }

private:
  /// Host buffers for the launch's shared memory, in place of its workgroup
  /// attributions.
  void allocateShared(Location loc) {
    for (BlockArgument attribution : launch.getWorkgroupAttributions()) {
      auto type = cast<MemRefType>(attribution.getType());
      Value buffer = memref::AllocOp::create(
          b, loc, MemRefType::get(type.getShape(), type.getElementType()));
      uniform.map(attribution, buffer);
      buffers.push_back(buffer);
    }
  }

  /// Emits `ops` (a block's ops, terminator excluded): the runs between
  /// barriers as phases, the loops holding barriers as host loops.
  LogicalResult emitOps(ArrayRef<Operation *> ops) {
    SmallVector<Operation *> phase;
    for (Operation *op : ops) {
      if (isa<mgpu::BarrierOp>(op) || containsBarrier(op)) {
        emitPhase(phase);
        phase.clear();
        if (isa<mgpu::BarrierOp>(op))
          continue;
        auto loop = dyn_cast<scf::ForOp>(op);
        if (!loop)
          return op->emitOpError(
              "holds a gpu.barrier; only scf.for loops with the same bounds "
              "for every thread may hold one on the host");
        if (failed(emitLoop(loop)))
          return failure();
        continue;
      }
      phase.push_back(op);
    }
    emitPhase(phase);
    return success();
  }

  /// A per-thread array for values of `type`, allocated at allocationPoint.
  Value newArray(Location loc, Type type) {
    OpBuilder::InsertionGuard guard(b);
    b.restoreInsertionPoint(allocationPoint);
    if (type.isInteger(1))
      type = b.getI8Type();
    Value array = memref::AllocOp::create(
        b, loc, MemRefType::get({threads}, type));
    buffers.push_back(array);
    return array;
  }

  /// `body(b, loc, t, mapping)` for every thread t, with the thread ids
  /// mapped.
  void forEachThread(Location loc,
                     function_ref<void(OpBuilder &, Location, Value,
                                       IRMapping &)> body) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value count = arith::ConstantIndexOp::create(b, loc, threads);
    scf::ForOp::create(
        b, loc, zero, count, one, ValueRange{},
        [&](OpBuilder &tb, Location tl, Value t, ValueRange) {
          IRMapping mapping = uniform;
          mapThreadIds(tb, tl, launch, block, t, mapping);
          body(tb, tl, t, mapping);
          scf::YieldOp::create(tb, tl);
        });
  }

  /// Maps `value` inside a thread loop to what it is there: itself if it
  /// is uniform or mapped already, else loaded from its per-thread array.
  void fetch(OpBuilder &tb, Location loc, Value value, Value t,
             IRMapping &mapping) {
    auto array = perThread.find(value);
    if (!mapping.contains(value) && array != perThread.end())
      mapping.map(value, loadFromArray(tb, loc, array->second, t,
                                       value.getType()));
  }

  /// Runs `ops` for every thread; keeps the results later code uses.
  void emitPhase(ArrayRef<Operation *> ops) {
    if (ops.empty())
      return;
    llvm::SmallPtrSet<Operation *, 16> inPhase(ops.begin(), ops.end());
    Block *home = ops.front()->getBlock();
    auto usedLater = [&](Value result) {
      return llvm::any_of(result.getUsers(), [&](Operation *user) {
        Operation *ancestor = home->findAncestorOpInBlock(*user);
        return !ancestor || !inPhase.contains(ancestor);
      });
    };
    forEachThread(ops.front()->getLoc(), [&](OpBuilder &tb, Location loc,
                                             Value t, IRMapping &mapping) {
      for (Operation *op : ops) {
        for (Value value : usedValues(op))
          fetch(tb, op->getLoc(), value, t, mapping);
        Operation *clone = tb.clone(*op, mapping);
        for (auto [result, cloned] :
             llvm::zip(op->getResults(), clone->getResults())) {
          if (!usedLater(result))
            continue;
          Value array = newArray(op->getLoc(), result.getType());
          storeToArray(tb, loc, cloned, array, t);
          perThread[result] = array;
        }
      }
    });
  }

  /// A loop holding barriers: the loop runs on the host, its body is cut
  /// into phases, its carried values live in per-thread arrays.
  LogicalResult emitLoop(scf::ForOp loop) {
    FailureOr<SmallVector<Value>> bounds = hostBounds(loop, launch, uniform);
    if (failed(bounds))
      return failure();
    Location loc = loop.getLoc();
    SmallVector<Value> carried;
    for (Value init : loop.getInitArgs())
      carried.push_back(newArray(loc, init.getType()));
    storeInitial(loop, carried);
    for (auto [argument, array] : llvm::zip(loop.getRegionIterArgs(), carried))
      perThread[argument] = array;
    auto hostLoop =
        scf::ForOp::create(b, loc, (*bounds)[0], (*bounds)[1], (*bounds)[2]);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(hostLoop.getBody()->getTerminator());
      uniform.map(loop.getInductionVar(), hostLoop.getInductionVar());
      if (failed(emitOps(opsOf(*loop.getBody()))))
        return failure();
      storeYielded(loc, loop.getBody()->getTerminator(), carried);
    }
    for (auto [result, array] : llvm::zip(loop.getResults(), carried))
      perThread[result] = array;
    return success();
  }

  /// Stores every thread's initial values of `loop`'s carried values into
  /// their arrays `carried`.
  void storeInitial(scf::ForOp loop, ArrayRef<Value> carried) {
    if (carried.empty())
      return;
    forEachThread(loop.getLoc(), [&](OpBuilder &tb, Location tl, Value t,
                                     IRMapping &mapping) {
      for (auto [init, array] : llvm::zip(loop.getInitArgs(), carried)) {
        fetch(tb, tl, init, t, mapping);
        storeToArray(tb, tl, mapping.lookupOrDefault(init), array, t);
      }
    });
  }

  /// Stores every thread's values yielded by `yield` into the arrays
  /// `carried`, for the next iteration.
  void storeYielded(Location loc, Operation *yield, ArrayRef<Value> carried) {
    if (carried.empty())
      return;
    forEachThread(loc, [&](OpBuilder &tb, Location tl, Value t,
                           IRMapping &mapping) {
      // All loaded before any is stored: a yield may swap them.
      for (Value value : yield->getOperands())
        fetch(tb, tl, value, t, mapping);
      SmallVector<Value> values;
      for (Value value : yield->getOperands())
        values.push_back(mapping.lookupOrDefault(value));
      for (auto [value, array] : llvm::zip(values, carried))
        storeToArray(tb, tl, value, array, t);
    });
  }

  OpBuilder &b;
  mgpu::LaunchOp launch;
  ArrayRef<int64_t> block;
  int64_t threads;
  IRMapping uniform;
  DenseMap<Value, Value> perThread;
  /// Buffers to free when the block is done: its shared memory, then its
  /// per-thread arrays.
  SmallVector<Value> buffers;
  /// Where per-thread arrays are allocated: before the block's code.
  OpBuilder::InsertPoint allocationPoint;
};

/// The launch's block sizes, which must be constants: the host keeps
/// per-thread arrays of that many values (the grid may be computed at run
/// time; the host loops over it).
LogicalResult getBlockSizes(mgpu::LaunchOp launch,
                            SmallVectorImpl<int64_t> &block) {
  for (Value size : {launch.getBlockSizeX(), launch.getBlockSizeY(),
                     launch.getBlockSizeZ()}) {
    std::optional<int64_t> constant = getConstantIntValue(size);
    if (!constant)
      return launch.emitOpError("needs constant block sizes to run on the host");
    block.push_back(*constant);
  }
  return success();
}

LogicalResult runOnHost(mgpu::LaunchOp launch) {
  SmallVector<int64_t> block;
  if (failed(getBlockSizes(launch, block)))
    return failure();
  if (launch.getAsyncToken() || !launch.getPrivateAttributions().empty() ||
      launch.getDynamicSharedMemorySize() || !launch.getBody().hasOneBlock())
    return launch.emitOpError(
        "is asynchronous, uses private or dynamic shared memory, or has "
        "several blocks, which the host emulation lacks");
  OpBuilder b(launch);
  Location loc = launch.getLoc();
  SmallVector<Value> lbs(3, arith::ConstantIndexOp::create(b, loc, 0));
  SmallVector<Value> steps(3, arith::ConstantIndexOp::create(b, loc, 1));
  SmallVector<Value> ubs{launch.getGridSizeZ(), launch.getGridSizeY(),
                         launch.getGridSizeX()};
  LogicalResult status = success();
  scf::buildLoopNest(b, loc, lbs, ubs, steps,
                     [&](OpBuilder &nb, Location nl, ValueRange zyx) {
    BlockEmitter emitter(nb, launch, block, blockUniforms(launch, zyx));
    if (failed(emitter.emit(nl)))
      status = failure();
  });
  if (succeeded(status))
    launch.erase();
  return status;
}

struct GPULaunchToLoops : ml::impl::GPULaunchToLoopsBase<GPULaunchToLoops> {
  void runOnOperation() override {
    SmallVector<mgpu::LaunchOp> launches;
    getOperation()->walk([&](mgpu::LaunchOp launch) { launches.push_back(launch); });
    for (mgpu::LaunchOp launch : launches)
      if (failed(runOnHost(launch)))
        return signalPassFailure();
  }
};

} // namespace
