//===- MarkAllocatorsNoAlias.cpp - the ml-mark-allocators-noalias pass ---===//
//
// LLVM knows that malloc and aligned_alloc return memory nothing else points
// to, and relies on it to keep a reduction's accumulator in registers and
// vectorize loops over temporaries. The generic allocation functions that
// finalize-memref-to-llvm{use-generic-functions} calls (the runtime's caching
// allocator) are unknown to it; this pass says the same of them.
//
//===----------------------------------------------------------------------===//

#include "passes/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::ml {
#define GEN_PASS_DEF_MARKALLOCATORSNOALIAS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

constexpr StringLiteral kAllocators[] = {"_mlir_memref_to_llvm_alloc",
                                         "_mlir_memref_to_llvm_aligned_alloc"};

struct MarkAllocatorsNoAlias
    : ml::impl::MarkAllocatorsNoAliasBase<MarkAllocatorsNoAlias> {
  void runOnOperation() override {
    for (StringLiteral name : kAllocators) {
      auto function =
          getOperation().lookupSymbol<LLVM::LLVMFuncOp>(StringRef(name));
      if (!function)
        continue;
      if (!function.isExternal() ||
          !isa<LLVM::LLVMPointerType>(
              function.getFunctionType().getReturnType())) {
        function.emitOpError("is an allocation function of the runtime, so it "
                             "must be an external function returning a "
                             "pointer");
        return signalPassFailure();
      }
      function.setResultAttr(0, LLVM::LLVMDialect::getNoAliasAttrName(),
                             UnitAttr::get(&getContext()));
    }
  }
};

} // namespace
