//===- MLJITCAPI.cpp - C entry point for the Python package --------------===//
//
// The upstream `mlir` Python package knows nothing of our dialect; mljit
// calls this through ctypes with the MlirContext of an `mlir.ir.Context`.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLDialect.h"
#include "passes/Passes.h"

#include "mlir-c/IR.h"
#include "mlir/CAPI/IR.h"

#include <mutex>

extern "C" {

/// Loads the ml dialect into `context`; the first call also registers the
/// mljit passes and pipelines with the process-wide pass registry.
__attribute__((visibility("default"))) void
mljitRegisterAll(MlirContext context) {
  static std::once_flag registered;
  std::call_once(registered, mlir::ml::registerMLJITPassesAndPipelines);
  unwrap(context)->getOrLoadDialect<mlir::ml::MLDialect>();
}

} // extern "C"
