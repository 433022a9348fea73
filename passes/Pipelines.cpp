//===- Pipelines.cpp - registered mljit pass pipelines -------------------===//
//
// Pipelines are data: a list of textual pass specs, so that any stage can be
// reproduced with `ml-opt --pass-pipeline=...` and read in `ml-opt --help`.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include <string>
#include <vector>
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
// ml -> linalg on tensors, fused; appendToLinalg adds the tiling into
// parallel loops.
constexpr const char *kCPUToLinalg[] = {
    "canonicalize",
    "convert-ml-to-linalg",
    "canonicalize",
    "ml-generalize-named-ops",
    "ml-fuse-elementwise",
    // keepdims reductions leave unit dimensions behind; without them the
    // result of a chain is written straight into the caller's array.
    "linalg-fold-unit-extent-dims",
    "canonicalize",
    "cse",
};
// Tensors -> buffers. Results become caller-allocated out-params: the caller
// owns every returned buffer and the kernel frees everything else.
constexpr const char *kCPUBufferize[] = {
    // A producer used twice in a tile is fused twice; CSE keeps one copy.
    "canonicalize",
    "cse",
    "func.func(ml-distinct-results)",
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map}",
    "buffer-results-to-out-params{hoist-static-allocs "
    "modify-public-functions}",
    "func.func(ml-promote-small-buffers)",
    "canonicalize",
    "buffer-deallocation-pipeline",
};

// Buffers -> loops (tile loops on threads through OpenMP, inner loops left
// to LLVM's vectorizer) -> LLVM. Copies between strided buffers call
// `memrefCopy` (runtime/MemrefCopy.c).
constexpr const char *kCPUToLLVM[] = {
    "scf-forall-to-parallel",
    "convert-linalg-to-loops",
    "convert-bufferization-to-memref",
    // Vectorizable f32 approximations whose error stays within a few ULP;
    // libm where LLVM has no accurate lowering.
    "ml-lower-math{approximate=tanh,exp,expm1,log,log1p,log2}",
    "convert-scf-to-openmp",
    "expand-strided-metadata",
    "lower-affine",
    // Before scf-to-cf: the OpenMP loop bodies sit in memref.alloca_scope,
    // which must still hold a single block when it is lowered.
    // Temporaries come from the runtime's caching allocator; marked noalias,
    // its pointers are as good as malloc's to LLVM.
    "finalize-memref-to-llvm{use-aligned-alloc=true "
    "use-generic-functions=true}",
    "ml-mark-allocators-noalias",
    "convert-scf-to-cf",
    "convert-math-to-llvm",
    "convert-openmp-to-llvm",
    "convert-arith-to-llvm",
    "convert-func-to-llvm",
    "convert-cf-to-llvm",
    "convert-index-to-llvm",
    "reconcile-unrealized-casts",
    "canonicalize",
};
} // namespace

namespace {
using StageBuilder = void (*)(const ml::MLCPUPipelineOptions &,
                              SmallVectorImpl<std::string> &);

void appendToLinalg(const ml::MLCPUPipelineOptions &options,
                    SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kCPUToLinalg), std::end(kCPUToLinalg));
  passes.push_back("func.func(ml-tile-and-fuse{threads=" +
                   std::to_string(options.threads) + "})");
}

void appendBufferize(const ml::MLCPUPipelineOptions &options,
                     SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kCPUBufferize), std::end(kCPUBufferize));
  if (options.blas)
    passes.push_back("ml-matmul-to-blas");
}

void appendToLLVM(const ml::MLCPUPipelineOptions &,
                  SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kCPUToLLVM), std::end(kCPUToLLVM));
}

LogicalResult build(ArrayRef<StageBuilder> stages, StringRef name,
                    OpPassManager &pm,
                    const ml::MLCPUPipelineOptions &options,
                    function_ref<LogicalResult(const Twine &)> onError) {
  SmallVector<std::string> passes;
  for (StageBuilder stage : stages)
    stage(options, passes);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(llvm::join(passes, ","), pm, errorStream)))
    return onError(name + ": " + errors);
  return success();
}

/// Registers a pipeline made of `stages`, taking ml-cpu-pipeline's options.
void registerStages(StringRef name, StringRef description,
                    std::vector<StageBuilder> stages) {
  registerPassPipeline(
      name, description,
      [name, stages](OpPassManager &pm, StringRef text,
                     function_ref<LogicalResult(const Twine &)> onError) {
        ml::MLCPUPipelineOptions options;
        std::string errors;
        llvm::raw_string_ostream errorStream(errors);
        if (failed(options.parseFromString(text, errorStream)))
          return onError(errors);
        return build(stages, name, pm, options, onError);
      },
      [](function_ref<void(const detail::PassOptions &)> printOptions) {
        printOptions(ml::MLCPUPipelineOptions());
      });
}
} // namespace

LogicalResult
ml::buildMLCPUPipeline(OpPassManager &pm, const MLCPUPipelineOptions &options,
                       function_ref<LogicalResult(const Twine &)> onError) {
  return build({appendToLinalg, appendBufferize, appendToLLVM},
               "ml-cpu-pipeline", pm, options, onError);
}

void ml::registerMLJITPassesAndPipelines() {
  registerMLJITPasses();
  // The stages one after the other are ml-cpu-pipeline; each alone lets
  // ml-opt and `Lowered.as_text(stage)` stop where a researcher wants to look.
  registerStages("ml-cpu-to-linalg",
                 "Stage 1 of ml-cpu-pipeline: ml -> linalg on tensors, fused "
                 "and tiled into parallel loops",
                 {appendToLinalg});
  registerStages("ml-cpu-bufferize",
                 "Stage 2 of ml-cpu-pipeline: tensors -> buffers with "
                 "caller-allocated results; large matmuls to BLAS if `blas`",
                 {appendBufferize});
  registerStages("ml-cpu-to-llvm",
                 "Stage 3 of ml-cpu-pipeline: buffers -> loops, OpenMP, "
                 "vectorizable math -> the LLVM dialect",
                 {appendToLLVM});
  registerStages("ml-cpu-pipeline",
                 "Lower ml IR to the LLVM dialect for the host CPU "
                 "(ml-cpu-to-linalg, ml-cpu-bufferize, ml-cpu-to-llvm)",
                 {appendToLinalg, appendBufferize, appendToLLVM});
}
