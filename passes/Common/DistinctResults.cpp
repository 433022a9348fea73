//===- DistinctResults.cpp - the ml-distinct-results pass ----------------===//

#include "passes/Common/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::ml {
#define GEN_PASS_DEF_DISTINCTRESULTS
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

struct DistinctResults : ml::impl::DistinctResultsBase<DistinctResults> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallDenseSet<Value> returned;
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type || returned.insert(value).second)
          continue;
        auto copy = bufferization::AllocTensorOp::create(
            builder, ret.getLoc(), type, ValueRange{}, /*copy=*/value);
        operand.set(copy);
      }
    });
  }
};

} // namespace
