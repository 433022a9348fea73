//===- NoAliasArguments.cpp - the ml-noalias-arguments pass --------------===//
//
// convert-func-to-llvm drops the argument attributes of memrefs (one memref
// becomes several arguments), so ml-outline-kernels says which pointers alias
// nothing in a function attribute, by position, and this pass, run after the
// conversion, puts the attribute on them.
//
//===----------------------------------------------------------------------===//

#include "passes/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::ml {
#define GEN_PASS_DEF_NOALIASARGUMENTS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

constexpr StringLiteral kNoAliasArguments = "ml.noalias_arguments";

LogicalResult markArguments(LLVM::LLVMFuncOp function) {
  auto positions = function->getAttrOfType<DenseI64ArrayAttr>(kNoAliasArguments);
  if (!positions)
    return function.emitOpError()
           << "has a '" << kNoAliasArguments
           << "' attribute that is not an array of i64";
  ArrayRef<Type> types = function.getFunctionType().getParams();
  for (int64_t position : positions.asArrayRef()) {
    if (position < 0 || position >= static_cast<int64_t>(types.size()) ||
        !isa<LLVM::LLVMPointerType>(types[position]))
      return function.emitOpError()
             << "has no pointer argument at position " << position
             << " to mark noalias";
    function.setArgAttr(position, LLVM::LLVMDialect::getNoAliasAttrName(),
                        UnitAttr::get(function.getContext()));
  }
  function->removeAttr(kNoAliasArguments);
  return success();
}

struct NoAliasArguments : ml::impl::NoAliasArgumentsBase<NoAliasArguments> {
  void runOnOperation() override {
    for (auto function : getOperation().getOps<LLVM::LLVMFuncOp>())
      if (function->hasAttr(kNoAliasArguments) &&
          failed(markArguments(function)))
        return signalPassFailure();
  }
};

} // namespace
