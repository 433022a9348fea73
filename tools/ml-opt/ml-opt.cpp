//===- ml-opt.cpp - mlir-opt with the ml dialect and mljit passes --------===//
//
// Everything upstream's mlir-opt registers, plus ours, so every mlir-opt flag
// and pass works unchanged.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLDialect.h"
#include "passes/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::ml::registerMLJITPassesAndPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::ml::MLDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "ml-opt: mlir-opt with the ml dialect and mljit passes\n",
      registry));
}
