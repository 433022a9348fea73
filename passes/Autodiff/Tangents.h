//===- Tangents.h - forward-mode tangents of a function body ---*- C++ -*-===//
//
// What ml-jvp and ml-vjp share: every op of a block followed by its tangent.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_AUTODIFF_TANGENTS_H
#define MLJIT_PASSES_AUTODIFF_TANGENTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::ml {

/// A copy of `function` named `name`, inserted after it, with a tangent
/// argument appended for each float argument and, after every op, the ops
/// computing its results' tangents (ml::JVPOpInterface). `tangents` maps
/// each value with a non-zero tangent to it. Fails, with an error, on a
/// function of several blocks, an op without a rule that a tangent reaches,
/// or an op whose rule fails.
FailureOr<func::FuncOp> cloneWithTangents(func::FuncOp function, StringRef name,
                                          DenseMap<Value, Value> &tangents);

} // namespace mlir::ml

#endif // MLJIT_PASSES_AUTODIFF_TANGENTS_H
