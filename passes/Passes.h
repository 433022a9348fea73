//===- Passes.h - mljit passes and pipelines --------------------*- C++ -*-===//

#ifndef MLJIT_PASSES_PASSES_H
#define MLJIT_PASSES_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::ml {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Options of `ml-cpu-pipeline`.
struct MLCPUPipelineOptions : PassPipelineOptions<MLCPUPipelineOptions> {
  Option<bool> blas{*this, "blas",
                    llvm::cl::desc("Hand large f32/f64 matmuls to the runtime's "
                                   "BLAS (ml-matmul-to-blas)"),
                    llvm::cl::init(false)};
  Option<int64_t> threads{*this, "threads",
                          llvm::cl::desc("Threads the parallel loops will run "
                                         "on (sets how finely they are tiled)"),
                          llvm::cl::init(1)};
};

/// Options of `ml-gpu-pipeline`.
struct MLGPUPipelineOptions : PassPipelineOptions<MLGPUPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("The GPU's architecture"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features (the PTX version must know `chip`)"),
      llvm::cl::init("+ptx80")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What the GPU binary holds: `isa` (PTX text, compiled "
                     "by the driver at load), `bin` (a cubin, by ptxas) or "
                     "`fatbin` (both)"),
      llvm::cl::init("fatbin")};
  Option<bool> hostArguments{
      *this, "host-arguments",
      llvm::cl::desc("Arguments and results are host buffers, copied to and "
                     "from the GPU by the function (else device buffers)"),
      llvm::cl::init(true)};
};

/// Appends the passes that take `ml` IR to the LLVM dialect for the host CPU.
LogicalResult
buildMLCPUPipeline(OpPassManager &pm, const MLCPUPipelineOptions &options,
                   function_ref<LogicalResult(const Twine &)> onError);

/// Appends the passes that take `ml` IR to host LLVM IR that launches
/// kernels compiled into a GPU binary.
LogicalResult
buildMLGPUPipeline(OpPassManager &pm, const MLGPUPipelineOptions &options,
                   function_ref<LogicalResult(const Twine &)> onError);

/// Registers every mljit pass and the `ml-cpu-pipeline` and
/// `ml-gpu-pipeline` pipelines with their stages.
void registerMLJITPassesAndPipelines();

} // namespace mlir::ml

#endif // MLJIT_PASSES_PASSES_H
