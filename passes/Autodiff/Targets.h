//===- Targets.h - the functions a derivative pass works on ----*- C++ -*-===//

#ifndef MLJIT_PASSES_AUTODIFF_TARGETS_H
#define MLJIT_PASSES_AUTODIFF_TARGETS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::ml {

/// The functions named in `names` (every public function with a body when
/// there are none), each checked to have no `<name><suffix>` yet. Fails,
/// with an error naming `pass`, on a name without a function with a body or
/// a derivative's name already taken.
FailureOr<SmallVector<func::FuncOp>>
functionsToDifferentiate(ModuleOp module, ArrayRef<std::string> names,
                         StringRef suffix, StringRef pass);

} // namespace mlir::ml

#endif // MLJIT_PASSES_AUTODIFF_TARGETS_H
