//===- OutlineKernels.cpp - the ml-outline-kernels pass ------------------===//
//
// LLVM's cost on one big function grows faster than the function (loop
// passes such as IndVarSimplify revisit the whole function per loop): a
// 2-layer GPT-2 spent 70% of its O3 time there. Model code also repeats
// itself (layers, heads), so most loop nests are the same code on other
// buffers. Outlined into functions and merged when equal, each distinct
// loop nest is optimized once, in a function of its own size.
//
//===----------------------------------------------------------------------===//

#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::ml {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

constexpr StringLiteral kNoAliasArguments = "ml.noalias_arguments";
constexpr StringLiteral kOutlined = "ml.outlined";

/// Whether every use of `value` in `kernel` (the op or its regions) reads
/// the buffer through its layout at run time, so that the kernel works for
/// any offset: structured ops, loads, stores and copies.
bool offsetFree(Value value, Operation *kernel) {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (user != kernel && !kernel->isProperAncestor(user))
      continue;
    if (!isa<linalg::LinalgOp, memref::LoadOp, memref::StoreOp,
             memref::CopyOp>(user))
      return false;
  }
  return true;
}

/// The type a kernel takes `value` as: a statically strided buffer with any
/// offset where its uses allow (the same loop nest on another slice of
/// another buffer is then the same kernel), else its own type.
Type kernelType(Value value, Operation *kernel) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type || !offsetFree(value, kernel))
    return value.getType();
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return type;
  auto layout = StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic,
                                       strides);
  auto general = MemRefType::get(type.getShape(), type.getElementType(),
                                 layout, type.getMemorySpace());
  return memref::CastOp::areCastCompatible(type, general) ? Type(general)
                                                          : Type(type);
}

/// The buffer `value` is a view of: followed through casts and views.
Value rootBuffer(Value value) {
  while (Operation *op = value.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(op))
      value = view.getViewSource();
    else if (auto cast = dyn_cast<memref::CastOp>(op))
      value = cast.getSource();
    else
      break;
  }
  return value;
}

/// Whether `value` is memory allocated by this function (nothing it did not
/// allocate can point into it).
bool isAllocation(Value value) {
  return isa_and_present<memref::AllocOp, memref::AllocaOp>(
      value.getDefiningOp());
}

/// Whether the memref operand `index` of `call` is a buffer none of its
/// other memref operands points into: a buffer of its own, and not an
/// argument or global of the caller when another operand is one too.
bool distinctOperand(func::CallOp call, unsigned index) {
  Value root = rootBuffer(call.getOperand(index));
  for (auto [other, operand] : llvm::enumerate(call.getOperands())) {
    if (other == index || !isa<MemRefType>(operand.getType()))
      continue;
    Value otherRoot = rootBuffer(operand);
    if (otherRoot == root || (!isAllocation(root) && !isAllocation(otherRoot)))
      return false;
  }
  return true;
}

/// The position of each argument's aligned pointer among the arguments of
/// the LLVM function `convert-func-to-llvm` makes of `kernel` (a ranked
/// memref expands into allocated and aligned pointers, offset, sizes and
/// strides), -1 for arguments that are not ranked memrefs.
SmallVector<int64_t> alignedPointerPositions(func::FuncOp kernel) {
  SmallVector<int64_t> positions;
  int64_t next = 0;
  for (Type type : kernel.getArgumentTypes()) {
    if (auto memref = dyn_cast<MemRefType>(type)) {
      positions.push_back(next + 1);
      next += 3 + 2 * memref.getRank();
    } else {
      positions.push_back(-1);
      next += isa<UnrankedMemRefType>(type) ? 2 : 1;
    }
  }
  return positions;
}

/// Whether `op` computes with loops a kernel can hold: it has regions, and
/// no buffer result (one the op allocated on the stack would die with the
/// kernel's frame).
bool isKernel(Operation &op) {
  return op.getNumRegions() > 0 &&
         llvm::none_of(op.getResultTypes(),
                       [](Type type) { return isa<BaseMemRefType>(type); });
}

/// Whether `op` is control flow around loop nests (a traced branch or
/// loop): the nests inside are the kernels, and the control flow stays in
/// the caller.
bool holdsKernels(Operation &op) {
  if (isa<linalg::LinalgOp, scf::ForallOp>(op))
    return false;
  return op.walk([](Operation *inner) {
             return isa<linalg::LinalgOp, scf::ForallOp>(inner)
                        ? WalkResult::interrupt()
                        : WalkResult::advance();
           }).wasInterrupted();
}

/// The kernels of `region`, in the blocks of control flow too.
void collectKernels(Region &region, SmallVectorImpl<Operation *> &kernels) {
  for (Block &block : region)
    for (Operation &op : block) {
      if (holdsKernels(op)) {
        for (Region &inner : op.getRegions())
          collectKernels(inner, kernels);
      } else if (isKernel(op)) {
        kernels.push_back(&op);
      }
    }
}

struct OutlineKernels : ml::impl::OutlineKernelsBase<OutlineKernels> {
  using OutlineKernelsBase::OutlineKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> functions;
    for (auto function : module.getOps<func::FuncOp>())
      if (!function.isExternal())
        functions.push_back(function);
    for (func::FuncOp function : functions) {
      SmallVector<Operation *> kernels;
      collectKernels(function.getBody(), kernels);
      for (Operation *op : kernels)
        outline(op, function, symbols);
      function->setAttr(kOutlined, UnitAttr::get(&getContext()));
    }
    markNoAlias();
  }

  /// Replaces `op` with a call of a kernel function computing it: a new one,
  /// or an equal one made before.
  void outline(Operation *op, func::FuncOp function, SymbolTable &symbols) {
    llvm::SetVector<Value> captured(op->getOperands().begin(),
                                    op->getOperands().end());
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    // Constants are part of the kernel: kernels that differ in one differ.
    SmallVector<Value> arguments;
    SmallVector<Type> types;
    for (Value value : captured) {
      Operation *producer = value.getDefiningOp();
      if (producer && producer->hasTrait<OpTrait::ConstantLike>())
        continue;
      arguments.push_back(value);
      types.push_back(kernelType(value, op));
    }

    OpBuilder builder = OpBuilder::atBlockEnd(getOperation().getBody());
    // Named when it is kept: equal kernels print equal.
    auto kernel = func::FuncOp::create(
        builder, op->getLoc(), "kernel",
        builder.getFunctionType(types, op->getResultTypes()));
    kernel.setPrivate();
    // Inlined back, the kernels would make one big function again.
    kernel->setAttr("passthrough",
                    builder.getArrayAttr({builder.getStringAttr("noinline")}));
    Block *body = kernel.addEntryBlock();
    builder.setInsertionPointToStart(body);
    IRMapping mapping;
    for (auto [value, argument] : llvm::zip(arguments, body->getArguments()))
      mapping.map(value, argument);
    for (Value value : captured)
      if (!mapping.contains(value))
        mapping.map(value, builder.clone(*value.getDefiningOp())->getResult(
                               cast<OpResult>(value).getResultNumber()));
    Operation *copy = builder.clone(*op, mapping);
    func::ReturnOp::create(builder, op->getLoc(), copy->getResults());

    func::FuncOp callee = merged(kernel, function, symbols);
    builder.setInsertionPoint(op);
    SmallVector<Value> operands;
    for (auto [value, type] : llvm::zip(arguments, types))
      operands.push_back(value.getType() == type
                             ? value
                             : memref::CastOp::create(builder, op->getLoc(),
                                                      type, value)
                                   .getResult());
    auto call = func::CallOp::create(builder, op->getLoc(), callee, operands);
    op->replaceAllUsesWith(call.getResults());
    op->erase();
    calls[callee].push_back(call);
  }

  /// With `merge`, an earlier kernel equal to `kernel` (which is then
  /// erased), else `kernel`, named after `function` and added to the module.
  func::FuncOp merged(func::FuncOp kernel, func::FuncOp function,
                      SymbolTable &symbols) {
    if (merge) {
      std::string text;
      llvm::raw_string_ostream stream(text);
      kernel->print(stream, OpPrintingFlags().useLocalScope());
      auto [entry, inserted] = kernelsByText.try_emplace(text, kernel);
      if (!inserted) {
        kernel->erase();
        return entry->second;
      }
    }
    kernel.setName((function.getName() + "_kernel").str());
    symbols.insert(kernel); // made unique
    return kernel;
  }

  /// Records the arguments of each kernel that alias nothing at any of its
  /// calls, by their position in the LLVM function (ml-noalias-arguments
  /// marks them there: convert-func-to-llvm drops argument attributes of
  /// memrefs).
  void markNoAlias() {
    for (auto &[kernel, kernelCalls] : calls) {
      SmallVector<int64_t> positions = alignedPointerPositions(kernel);
      SmallVector<int64_t> noAlias;
      for (auto [index, position] : llvm::enumerate(positions))
        if (position >= 0 &&
            llvm::all_of(kernelCalls, [&](func::CallOp call) {
              return distinctOperand(call, index);
            }))
          noAlias.push_back(position);
      if (!noAlias.empty())
        kernel->setAttr(kNoAliasArguments,
                        DenseI64ArrayAttr::get(&getContext(), noAlias));
    }
  }

  llvm::StringMap<func::FuncOp> kernelsByText;
  llvm::MapVector<func::FuncOp, SmallVector<func::CallOp>> calls;
};

} // namespace
