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
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
// ml -> fused linalg on tensors -> buffers. Results become caller-allocated
// out-params: the caller owns every returned buffer and the kernel frees
// everything else.
constexpr const char *kCPUToBuffers[] = {
    "convert-ml-to-linalg",
    "canonicalize",
    "linalg-fuse-elementwise-ops",
    "canonicalize",
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map}",
    "buffer-results-to-out-params{hoist-static-allocs "
    "modify-public-functions}",
    "canonicalize",
    "buffer-deallocation-pipeline",
};

// Buffers -> loops -> LLVM. Copies between strided buffers call `memrefCopy`
// (runtime/MemrefCopy.c).
constexpr const char *kCPUToLLVM[] = {
    "convert-linalg-to-loops",
    "convert-bufferization-to-memref",
    "expand-strided-metadata",
    "lower-affine",
    "convert-scf-to-cf",
    // bf16 conversions as integer ops: no compiler-rt calls needed.
    "arith-expand{include-bf16}",
    "finalize-memref-to-llvm",
    // libm for every math op: convert-math-to-llvm computes log1p and expm1
    // as log(1 + x) and exp(x) - 1, which lose all precision near zero.
    // LLVM turns the libm calls it knows (sqrtf, floorf, ...) into
    // instructions.
    "convert-math-to-libm",
    "convert-math-to-llvm",
    "convert-arith-to-llvm",
    "convert-func-to-llvm",
    "convert-cf-to-llvm",
    "convert-index-to-llvm",
    "reconcile-unrealized-casts",
    "canonicalize",
};
} // namespace

LogicalResult
ml::buildMLCPUPipeline(OpPassManager &pm, const MLCPUPipelineOptions &options,
                       function_ref<LogicalResult(const Twine &)> onError) {
  SmallVector<StringRef> passes(std::begin(kCPUToBuffers),
                                std::end(kCPUToBuffers));
  if (options.blas)
    passes.push_back("ml-matmul-to-blas");
  passes.append(std::begin(kCPUToLLVM), std::end(kCPUToLLVM));
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(llvm::join(passes, ","), pm, errorStream)))
    return onError("ml-cpu-pipeline: " + errors);
  return success();
}

void ml::registerMLJITPassesAndPipelines() {
  registerMLJITPasses();
  registerPassPipeline(
      "ml-cpu-pipeline",
      "Lower ml IR to the LLVM dialect for the host CPU (ml -> linalg, "
      "fusion, bufferization with caller-allocated results, loops, LLVM)",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> onError) {
        MLCPUPipelineOptions options;
        std::string errors;
        llvm::raw_string_ostream errorStream(errors);
        if (failed(options.parseFromString(text, errorStream)))
          return onError(errors);
        return buildMLCPUPipeline(pm, options, onError);
      },
      [](function_ref<void(const detail::PassOptions &)> printOptions) {
        printOptions(MLCPUPipelineOptions());
      });
}
