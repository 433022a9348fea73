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

/// The indexing maps of a 2-D matmul that reads its right operand
/// transposed (`x @ w.T`: B indexed (n, k)), which BLAS takes as a
/// transposed view of B.
inline SmallVector<AffineMap> transposedRhsMatmulMaps(MLIRContext *ctx) {
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  return {AffineMap::get(3, 0, {m, k}, ctx), AffineMap::get(3, 0, {n, k}, ctx),
          AffineMap::get(3, 0, {m, n}, ctx)};
}

} // namespace mlir::ml

#endif // MLJIT_PASSES_COMMON_CONTRACTIONS_H
