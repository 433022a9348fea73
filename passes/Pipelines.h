//===- Pipelines.h - mljit's pipelines and registration ---------*- C++ -*-===//
//
// `ml-cpu-pipeline` and `ml-gpu-pipeline` (with their stages) as pass lists,
// and the one call that registers every mljit pass and pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_PIPELINES_H
#define MLJIT_PASSES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::ml {

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
  Option<bool> mergeKernels{*this, "merge-kernels",
                            llvm::cl::desc("Compile equal loop nests once "
                                           "(ml-outline-kernels{merge})"),
                            llvm::cl::init(true)};
  Option<std::string> affinePasses{
      *this, "affine-passes",
      llvm::cl::desc("Passes run on each function once its loop nests are "
                     "affine.for (a func.func pipeline; empty for none)"),
      llvm::cl::init("affine-loop-invariant-code-motion")};
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

/// Registers every mljit pass (of each folder's Passes.td) and the
/// `ml-cpu-pipeline` and `ml-gpu-pipeline` pipelines with their stages.
void registerMLJITPassesAndPipelines();

} // namespace mlir::ml

#endif // MLJIT_PASSES_PIPELINES_H
