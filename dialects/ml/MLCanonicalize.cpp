//===- MLCanonicalize.cpp - ml canonicalization patterns -----------------===//

#include "dialects/ml/MLOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ml;

namespace {
#include "dialects/ml/MLCanonicalize.inc"
} // namespace

void PowOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<PowTwo, PowThree, PowFour, PowTwoDynamic, PowThreeDynamic,
               PowFourDynamic>(context);
}
