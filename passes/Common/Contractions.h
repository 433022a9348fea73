//===- Contractions.h - what the fusion passes leave to BLAS ----*- C++ -*-===//
//
// Matmuls stay whole and named through fusion and tiling, with the fill of
// their accumulator, so that ml-matmul-to-blas can hand them to BLAS (and a
// zero fill becomes beta = 0); a weight read transposed is a map of theirs.
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

/// The indexing maps of a 2-D matmul that reads its left operand
/// transposed (`x.T @ y`: A indexed (k, m)) and/or its right one (`x @ w.T`:
/// B indexed (n, k)); BLAS takes each as a transposed view.
inline SmallVector<AffineMap> matmulMaps(MLIRContext *ctx, bool lhsTransposed,
                                         bool rhsTransposed) {
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  return {AffineMap::get(3, 0,
                         lhsTransposed ? ArrayRef<AffineExpr>{k, m}
                                       : ArrayRef<AffineExpr>{m, k},
                         ctx),
          AffineMap::get(3, 0,
                         rhsTransposed ? ArrayRef<AffineExpr>{n, k}
                                       : ArrayRef<AffineExpr>{k, n},
                         ctx),
          AffineMap::get(3, 0, {m, n}, ctx)};
}

inline SmallVector<AffineMap> transposedRhsMatmulMaps(MLIRContext *ctx) {
  return matmulMaps(ctx, false, true);
}

} // namespace mlir::ml

#endif // MLJIT_PASSES_COMMON_CONTRACTIONS_H
