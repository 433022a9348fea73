//===- LaunchStackScope.cpp - the ml-launch-stack-scope pass -------------===//
//
// Translating a gpu.launch_func to LLVM IR packs the kernel's arguments into
// stack allocations made where the launch is. In a loop of the host code
// (cumsum launches kernels per element) every iteration takes more stack,
// only given back when the function returns: 100 000 iterations overflow it.
// The launch has copied its arguments by the time it returns, so the stack
// can be given back right after it.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::ml {
#define GEN_PASS_DEF_LAUNCHSTACKSCOPE
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

struct LaunchStackScope : ml::impl::LaunchStackScopeBase<LaunchStackScope> {
  void runOnOperation() override {
    getOperation()->walk([](gpu::LaunchFuncOp launch) {
      OpBuilder builder(launch);
      auto pointerType = LLVM::LLVMPointerType::get(launch.getContext());
      Value saved = LLVM::StackSaveOp::create(builder, launch.getLoc(),
                                              pointerType);
      builder.setInsertionPointAfter(launch);
      LLVM::StackRestoreOp::create(builder, launch.getLoc(), saved);
    });
  }
};

} // namespace
