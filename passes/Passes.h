//===- Passes.h - mljit passes and pipelines --------------------*- C++ -*-===//

#ifndef MLJIT_PASSES_PASSES_H
#define MLJIT_PASSES_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

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

/// Appends the passes that take `ml` IR to the LLVM dialect for the host CPU.
LogicalResult
buildMLCPUPipeline(OpPassManager &pm, const MLCPUPipelineOptions &options,
                   function_ref<LogicalResult(const Twine &)> onError);

/// Registers every mljit pass and the `ml-cpu-pipeline` pipeline.
void registerMLJITPassesAndPipelines();

} // namespace mlir::ml

#endif // MLJIT_PASSES_PASSES_H
