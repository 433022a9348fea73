//===- KernelBuilders.h - IR builders of the ml-gpu-map-* passes -*- C++ -*-===//
//
// The ml-gpu-map-* passes turn linalg ops on buffers into `gpu.launch` ops
// whose bodies compute the op's payload at the thread's iteration points.
// What they share: matching a payload of the form
// `yield combine(out, contribution)`, cloning a payload at given iteration
// indices, and launching a one-dimensional grid.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_GPU_KERNELBUILDERS_H
#define MLJIT_PASSES_GPU_KERNELBUILDERS_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <optional>

namespace mlir::ml::gpu {

/// Marks a kernel's memref.store that, over all threads, writes every
/// element of its buffer: ml-gpu-device-buffers need not copy in a host
/// argument the first kernel touching it overwrites so.
constexpr llvm::StringLiteral kWritesEveryElement = "ml.writes_every_element";

/// Threads per block of the one-dimensional kernels.
constexpr int64_t kBlockSize = 256;
/// Most blocks launched; larger iteration spaces are covered by grid-stride
/// loops.
constexpr int64_t kMaxBlocks = int64_t(1) << 20;

/// The combining op of a payload `yield combine(out, contribution)` with one
/// output, where `out` is used by nothing else: the threads of a block can
/// then each combine their own share of contributions, starting from
/// `neutral`, and combine the partial results in any order.
struct Combiner {
  Operation *combine;
  /// The operand of `combine` that is the output's block argument.
  unsigned outOperand;
  TypedAttr neutral;

  static std::optional<Combiner> match(linalg::LinalgOp op);
  /// `combine(lhs, rhs)`, a clone of the payload's op.
  Value emit(OpBuilder &b, Location loc, Value lhs, Value rhs) const;
  /// The contribution computed by a payload clone.
  Value contribution(const IRMapping &mapping) const {
    return mapping.lookupOrDefault(combine->getOperand(1 - outOperand));
  }
  Value neutralValue(OpBuilder &b, Location loc) const;
};

/// Whether the op's iteration space and operands have static shapes and
/// fewer than 2^62 iterations: the kernels index them with constants.
bool hasStaticIterationSpace(linalg::LinalgOp op);

/// The element of `operand` at iteration `ivs`, or the operand itself if it
/// is a scalar.
Value loadOperand(OpBuilder &b, Location loc, linalg::LinalgOp op,
                  OpOperand &operand, ValueRange ivs);

/// The inputs' elements at iteration `ivs`, as clonePayload's leading
/// arguments: null for those the payload does not read, so that they cost
/// no load.
SmallVector<Value> loadInputs(OpBuilder &b, Location loc, linalg::LinalgOp op,
                              ValueRange ivs);

/// Stores `value` into output `operand` at iteration `ivs`; the kernel stores
/// there at every point of the op's parallel loops (kWritesEveryElement).
void storeOperand(OpBuilder &b, Location loc, linalg::LinalgOp op,
                  OpOperand &operand, Value value, ValueRange ivs);

/// Clones the payload with `args` for its leading block arguments (null for
/// those the payload does not use) and `ivs`
/// for `linalg.index`, stopping before `stop` (the terminator if null).
IRMapping clonePayload(OpBuilder &b, linalg::LinalgOp op, ValueRange args,
                       ValueRange ivs, Operation *stop = nullptr);

/// An `index` constant.
Value indexConstant(OpBuilder &b, Location loc, int64_t value);

/// Splits `linear` into indices of a row-major space of `sizes`.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> sizes);
/// The same for sizes known at run time (constants materialized here).
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<OpFoldResult> sizes);

/// A `gpu.launch` of `grid` x `block` threads (x, y, z) with
/// `workgroup` buffers in shared memory, built at the builder's position with
/// an empty body ending in `gpu.terminator`; the builder is left inside the
/// body.
::mlir::gpu::LaunchOp createLaunch(OpBuilder &b, Location loc,
                                   ArrayRef<int64_t> grid,
                                   ArrayRef<int64_t> block,
                                   TypeRange workgroup = {});
/// The same with the grid's x size computed at run time.
::mlir::gpu::LaunchOp createLaunch(OpBuilder &b, Location loc, Value gridX,
                                   ArrayRef<int64_t> block);

/// A memref type in the GPU's shared (workgroup) memory.
MemRefType workgroupMemRef(ArrayRef<int64_t> shape, Type elementType);

/// Builds `for (i = start; i < end; i += step) body(i)` on index values.
void forLoop(OpBuilder &b, Location loc, Value start, Value end, Value step,
             function_ref<void(OpBuilder &, Location, Value)> body);

/// The sizes of the given iterator kind's dimensions, in loop order.
SmallVector<int64_t> loopSizes(linalg::LinalgOp op,
                               utils::IteratorType kind);
/// The same, read from the operands (memref.dim) where not static, built at
/// the builder's position.
SmallVector<OpFoldResult> loopSizes(OpBuilder &b, Location loc,
                                    linalg::LinalgOp op,
                                    utils::IteratorType kind);

/// Scatters `parallel` and `reduction` indices back into loop order.
SmallVector<Value> loopOrder(linalg::LinalgOp op, ValueRange parallel,
                              ValueRange reduction);

} // namespace mlir::ml::gpu

#endif // MLJIT_PASSES_GPU_KERNELBUILDERS_H
