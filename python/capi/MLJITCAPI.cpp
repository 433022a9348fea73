//===- MLJITCAPI.cpp - C entry points for the Python package -------------===//
//
// The upstream `mlir` Python package knows nothing of our dialect; mljit
// calls these through ctypes with the C handles of `mlir.ir` objects.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLDialect.h"
#include "passes/Pipelines.h"

#include "mlir-c/IR.h"
#include "mlir-c/RegisterEverything.h"
#include "mlir-c/Support.h"
#include "mlir/CAPI/IR.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>
#include <string>
#include <vector>

#define MLJIT_EXPORT __attribute__((visibility("default")))

extern "C" {

/// Loads the ml dialect into `context`; the first call also registers the
/// mljit passes and pipelines with the process-wide pass registry.
MLJIT_EXPORT void mljitRegisterAll(MlirContext context) {
  static std::once_flag registered;
  std::call_once(registered, mlir::ml::registerMLJITPassesAndPipelines);
  unwrap(context)->getOrLoadDialect<mlir::ml::MLDialect>();
}

/// The LLVM IR of an LLVM-dialect module, as the ExecutionEngine translates
/// it, passed to `callback`; false (and diagnostics emitted) if the module
/// cannot be translated.
MLJIT_EXPORT bool mljitTranslateToLLVMIR(MlirOperation module,
                                         MlirStringCallback callback,
                                         void *userData) {
  mlirRegisterAllLLVMTranslations(mlirOperationGetContext(module));
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> translated =
      mlir::translateModuleToLLVMIR(unwrap(module), context);
  if (!translated)
    return false;
  std::string text;
  llvm::raw_string_ostream stream(text);
  translated->print(stream, nullptr);
  callback(mlirStringRefCreate(text.data(), text.size()), userData);
  return true;
}

/// The host CPU the JIT generates code for: its name, then every feature
/// LLVM detects, `+avx2,-avx512f,...` (it keys the disk cache).
MLJIT_EXPORT void mljitHostCPU(MlirStringCallback callback, void *userData) {
  std::vector<std::string> features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    features.push_back((feature.second ? "+" : "-") + feature.first().str());
  llvm::sort(features);
  std::string text = llvm::sys::getHostCPUName().str();
  for (const std::string &feature : features)
    text += " " + feature;
  callback(mlirStringRefCreate(text.data(), text.size()), userData);
}

/// Sets the LLVM command-line option `name` (without its dash) to `value` in
/// this process's LLVM, the libLLVM.so the ExecutionEngine optimizes with, as
/// `-name=value` would; false if no such option is registered or the value is
/// invalid for it (LLVM prints why). Unlike LLVMParseCommandLineOptions, an
/// unknown option never exits the process.
MLJIT_EXPORT bool mljitSetLLVMOption(const char *name, const char *value) {
  auto &options = llvm::cl::getRegisteredOptions();
  auto found = options.find(name);
  if (found == options.end())
    return false;
  // addOccurrence returns true on error.
  return !found->second->addOccurrence(0, found->first, value);
}

} // extern "C"
