//===- MLCanonicalize.cpp - ml canonicalization patterns -----------------===//

#include "dialects/ml/MLOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ml;

bool mlir::ml::isZeroOnSlice(Value value, DenseI64ArrayAttr start,
                             DenseI64ArrayAttr limit) {
  if (auto constant = value.getDefiningOp<ConstantOp>())
    return isSplatOf(constant.getValue(), 0.0, 0);
  auto update = value.getDefiningOp<UpdateSliceOp>();
  if (!update)
    return false;
  // Disjoint boxes: apart along some dimension.
  bool apart = false;
  for (auto [lo, hi, otherLo, otherHi] :
       llvm::zip(start.asArrayRef(), limit.asArrayRef(), update.getStart(),
                 update.getLimit()))
    apart |= otherHi <= lo || hi <= otherLo;
  return apart && isZeroOnSlice(update.getOperand(), start, limit);
}

namespace {
#include "dialects/ml/MLCanonicalize.inc"
} // namespace

void AddOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<AddIntoZeroSlice, AddIntoZeroSliceSwapped>(context);
}

void PowOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<PowTwo, PowThree, PowFour, PowTwoDynamic, PowThreeDynamic,
               PowFourDynamic>(context);
}
