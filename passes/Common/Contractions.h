//===- Contractions.h - what the fusion passes leave to BLAS ----*- C++ -*-===//
//
// Matmuls stay whole and named through fusion and tiling, with the fill of
// their accumulator, so that ml-matmul-to-blas can hand them to BLAS (and a
// zero fill becomes beta = 0).
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_COMMON_CONTRACTIONS_H
#define MLJIT_PASSES_COMMON_CONTRACTIONS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

namespace mlir::ml {

inline bool isContraction(Operation *op) {
  auto linalgOp = dyn_cast_if_present<linalg::LinalgOp>(op);
  return linalgOp && linalg::isaContractionOpInterface(linalgOp);
}

/// True if every use of `op`'s results is the accumulator of a contraction.
inline bool onlyInitializesContractions(Operation *op) {
  return !op->use_empty() && llvm::all_of(op->getUses(), [](OpOperand &use) {
    auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
    return consumer && isContraction(consumer) && consumer.isDpsInit(&use);
  });
}

} // namespace mlir::ml

#endif // MLJIT_PASSES_COMMON_CONTRACTIONS_H
