//===- Autodiff/Passes.h - the Autodiff passes ------------------*- C++ -*-===//
//
// The pass classes and registration generated from Autodiff/Passes.td. It
// pulls in no dialect: each pass's .cpp includes the dialects it uses.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_AUTODIFF_PASSES_H
#define MLJIT_PASSES_AUTODIFF_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::ml {

#define GEN_PASS_DECL
#include "passes/Autodiff/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Autodiff/Passes.h.inc"

} // namespace mlir::ml

#endif // MLJIT_PASSES_AUTODIFF_PASSES_H
