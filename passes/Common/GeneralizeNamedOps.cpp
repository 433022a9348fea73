//===- GeneralizeNamedOps.cpp - the ml-generalize-named-ops pass ---------===//

#include "passes/Common/Contractions.h"
#include "passes/Common/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::ml {
#define GEN_PASS_DEF_GENERALIZENAMEDOPS
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

struct GeneralizeNamedOps
    : ml::impl::GeneralizeNamedOpsBase<GeneralizeNamedOps> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> named;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::GenericOp>(op) && !ml::isContraction(op) &&
          !(isa<linalg::FillOp>(op) && ml::onlyInitializesContractions(op)))
        named.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      if (failed(linalg::generalizeNamedOp(rewriter, op)))
        continue; // Ops with no generic form (none today) stay named.
    }
  }
};

} // namespace
