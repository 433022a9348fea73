//===- Pipelines.cpp - registered mljit pass pipelines -------------------===//
//
// Pipelines are data: a list of textual pass specs, so that any stage can be
// reproduced with `ml-opt --pass-pipeline=...` and read in `ml-opt --help`.
//
//===----------------------------------------------------------------------===//

#include "passes/Pipelines.h"

#include "passes/Autodiff/Passes.h"
#include "passes/CPU/Passes.h"
#include "passes/Common/Passes.h"
#include "passes/GPU/Passes.h"
#include "passes/MLToLinalg/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

using namespace mlir;

namespace {
// ml -> linalg on tensors, fused; appendToLinalg adds the tiling into
// parallel loops.
constexpr const char *kCPUToLinalg[] = {
    // Derivatives (mljit.grad) become the ops computing them.
    "ml-expand-derivatives",
    "canonicalize",
    // What a traced loop body computes from values defined outside it is
    // computed once, before the loop.
    "func.func(ml-hoist-loop-invariants)",
    "convert-ml-to-linalg",
    // Dynamic sizes read from the function's arguments rather than from
    // intermediate results, whose extra uses would block fusion.
    "resolve-ranked-shaped-type-result-dims",
    "canonicalize",
    "ml-generalize-named-ops",
    "ml-fuse-elementwise",
    // keepdims reductions leave unit dimensions behind; without them the
    // result of a chain is written straight into the caller's array.
    "linalg-fold-unit-extent-dims",
    "canonicalize",
    "cse",
    // Traced loops update their carries in place (else a new buffer per
    // iteration).
    "func.func(ml-carries-in-place)",
};
// Tensors -> buffers. Results become caller-allocated out-params: the caller
// owns every returned buffer and the kernel frees everything else. The CPU
// puts small temporaries on the stack in between (kernels on a GPU could
// not read them there).
constexpr const char *kBufferize[] = {
    // A producer used twice in a tile is fused twice; CSE keeps one copy.
    "canonicalize",
    "cse",
    "func.func(ml-distinct-results)",
    // After CSE, which merges equal destinations.
    "ml-destination-per-use",
    "one-shot-bufferize{bufferize-function-boundaries allow-return-allocs-from-loops "
    "function-boundary-type-conversion=identity-layout-map}",
    "buffer-results-to-out-params{hoist-static-allocs hoist-dynamic-allocs "
    "modify-public-functions}",
};
constexpr const char *kDeallocate[] = {
    "canonicalize",
    "buffer-deallocation-pipeline",
    // Its helper keeps ownership flags in buffers of i1.
    "ml-bool-buffers-as-bytes",
};
// Buffers were allocated where CSE hoisted their tensor.empty (and its zero
// fill, which BLAS makes redundant) and freed at the end of the function.
constexpr const char *kShrinkLifetimes = "func.func(ml-shrink-buffer-lifetimes)";

// Buffers -> loops: the tile loops parallel (scf.parallel), the loop nests
// inside the tiles affine, for the `affine-passes` option to work on.
constexpr const char *kCPUToAffine[] = {
    "scf-forall-to-parallel",
    "func.func(ml-linalg-to-affine-loops)",
};
// Loops -> LLVM: tile loops on threads through OpenMP, inner loops left to
// LLVM's vectorizer. Copies between strided buffers call `memrefCopy`
// (runtime/MemrefCopy.c).
constexpr const char *kCPUToLLVM[] = {
    "convert-bufferization-to-memref",
    // Complex arithmetic as NumPy's on the parts (Smith's division, hypot
    // for abs), before the math ops it makes are lowered.
    "convert-complex-to-standard",
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
    "convert-complex-to-llvm",
    "convert-arith-to-llvm",
    "convert-func-to-llvm",
    "ml-noalias-arguments",
    "convert-cf-to-llvm",
    "convert-index-to-llvm",
    "reconcile-unrealized-casts",
    "canonicalize",
};
} // namespace

namespace {
template <typename Options>
using StageBuilder = void (*)(const Options &, SmallVectorImpl<std::string> &);

void appendToLinalg(const ml::MLCPUPipelineOptions &options,
                    SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kCPUToLinalg), std::end(kCPUToLinalg));
  passes.push_back("func.func(ml-accumulate-into-products)");
  if (options.blas)
    passes.push_back("func.func(ml-fold-casts-into-products)");
  passes.push_back("func.func(ml-tile-and-fuse{threads=" +
                   std::to_string(options.threads) + "})");
}

void appendBufferize(const ml::MLCPUPipelineOptions &options,
                     SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kBufferize), std::end(kBufferize));
  passes.push_back("func.func(ml-promote-small-buffers)");
  passes.append(std::begin(kDeallocate), std::end(kDeallocate));
  if (options.blas)
    passes.push_back("ml-matmul-to-blas");
  passes.push_back(kShrinkLifetimes);
}

void appendToAffine(const ml::MLCPUPipelineOptions &options,
                    SmallVectorImpl<std::string> &passes) {
  // Each loop nest a function of its own, compiled once however often the
  // program repeats it.
  passes.push_back(std::string("ml-outline-kernels{merge=") +
                   (options.mergeKernels ? "true" : "false") + "}");
  passes.append(std::begin(kCPUToAffine), std::end(kCPUToAffine));
  // By default invariant code motion: on bench/affine.py's programs it reads
  // a row's max or sum once per row rather than once per element (the code
  // LLVM gets no longer depends on it proving the load invariant), at no
  // measurable cost in pipeline time. Scalar replacement, normalization and
  // unroll-and-jam changed no program's code, or not its speed; unrolling
  // made tiled rows 1.4-1.6x slower (LLVM vectorizes the plain loop better).
  if (!options.affinePasses.empty())
    passes.push_back("func.func(" + options.affinePasses.getValue() + ")");
}

void appendToLLVM(const ml::MLCPUPipelineOptions &,
                  SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kCPUToLLVM), std::end(kCPUToLLVM));
}

// The GPU keeps whole ops as kernels: no CPU tiling.
void appendGPUToLinalg(const ml::MLGPUPipelineOptions &,
                       SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kCPUToLinalg), std::end(kCPUToLinalg));
}

void appendGPUBufferize(const ml::MLGPUPipelineOptions &,
                        SmallVectorImpl<std::string> &passes) {
  passes.append(std::begin(kBufferize), std::end(kBufferize));
  passes.append(std::begin(kDeallocate), std::end(kDeallocate));
  passes.push_back(kShrinkLifetimes);
}

// Specialised mappings first; ml-gpu-map-loops takes the rest.
void appendGPUMap(const ml::MLGPUPipelineOptions &options,
                  SmallVectorImpl<std::string> &passes) {
  passes.push_back(
      std::string("func.func(ml-gpu-map-matmul,ml-gpu-map-reductions,"
                  "ml-gpu-map-loops,ml-gpu-device-buffers{host-arguments=") +
      (options.hostArguments ? "true" : "false") + "})");
  passes.push_back("canonicalize");
  passes.push_back("cse");
}

// Kernels -> gpu.func in a gpu.module -> NVVM -> a binary embedded in the
// host module, whose launches and copies become mgpu* runtime calls on one
// stream per call (gpu-async-region), synchronised before returning. Each
// launch gives back the stack its arguments take (cumsum launches in loops).
void appendGPUToLLVM(const ml::MLGPUPipelineOptions &options,
                     SmallVectorImpl<std::string> &passes) {
  // Constants stay in the kernels (else they become kernel arguments that
  // NVVM cannot fold).
  passes.push_back("gpu-launch-sink-index-computations");
  passes.push_back("gpu-kernel-outlining");
  passes.push_back("func.func(gpu-async-region)");
  passes.push_back("gpu-lower-to-nvvm-pipeline{cubin-chip=" +
                   options.chip.getValue() +
                   " cubin-features=" + options.features.getValue() +
                   " cubin-format=" + options.format.getValue() +
                   " opt-level=3}");
  passes.push_back("ml-launch-stack-scope");
}

LogicalResult validate(const ml::MLCPUPipelineOptions &,
                       function_ref<LogicalResult(const Twine &)>) {
  return success();
}

// gpu-module-to-binary would only fail at run time, after a module dump.
LogicalResult validate(const ml::MLGPUPipelineOptions &options,
                       function_ref<LogicalResult(const Twine &)> onError) {
  StringRef format = options.format.getValue();
  if (format != "isa" && format != "bin" && format != "fatbin")
    return onError("ml-gpu-pipeline: format must be isa, bin or fatbin, not '" +
                   format + "'");
  return success();
}

// The kernels of ml-gpu-map, run on the host (ml-gpu-launch-to-loops) and
// compiled like CPU code: what they compute, checkable without a GPU.
void appendGPUEmulation(const ml::MLGPUPipelineOptions &,
                        SmallVectorImpl<std::string> &passes) {
  passes.push_back("func.func(ml-gpu-map-matmul,ml-gpu-map-reductions,"
                   "ml-gpu-map-loops,ml-gpu-launch-to-loops)");
  passes.append(std::begin(kCPUToAffine), std::end(kCPUToAffine));
  passes.append(std::begin(kCPUToLLVM), std::end(kCPUToLLVM));
}

template <typename Options>
LogicalResult build(ArrayRef<StageBuilder<Options>> stages, StringRef name,
                    OpPassManager &pm, const Options &options,
                    function_ref<LogicalResult(const Twine &)> onError) {
  if (failed(validate(options, onError)))
    return failure();
  SmallVector<std::string> passes;
  for (StageBuilder<Options> stage : stages)
    stage(options, passes);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(llvm::join(passes, ","), pm, errorStream)))
    return onError(name + ": " + errors);
  return success();
}

/// Registers a pipeline made of `stages`, taking their pipeline's options.
template <typename Options>
void registerStages(StringRef name, StringRef description,
                    std::vector<StageBuilder<Options>> stages) {
  registerPassPipeline(
      name, description,
      [name, stages](OpPassManager &pm, StringRef text,
                     function_ref<LogicalResult(const Twine &)> onError) {
        Options options;
        std::string errors;
        llvm::raw_string_ostream errorStream(errors);
        if (failed(options.parseFromString(text, errorStream)))
          return onError(errors);
        return build<Options>(stages, name, pm, options, onError);
      },
      [](function_ref<void(const detail::PassOptions &)> printOptions) {
        printOptions(Options());
      });
}
} // namespace

LogicalResult
ml::buildMLCPUPipeline(OpPassManager &pm, const MLCPUPipelineOptions &options,
                       function_ref<LogicalResult(const Twine &)> onError) {
  return build<MLCPUPipelineOptions>(
      {appendToLinalg, appendBufferize, appendToAffine, appendToLLVM},
      "ml-cpu-pipeline", pm, options, onError);
}

LogicalResult
ml::buildMLGPUPipeline(OpPassManager &pm, const MLGPUPipelineOptions &options,
                       function_ref<LogicalResult(const Twine &)> onError) {
  return build<MLGPUPipelineOptions>(
      {appendGPUToLinalg, appendGPUBufferize, appendGPUMap, appendGPUToLLVM},
      "ml-gpu-pipeline", pm, options, onError);
}

void ml::registerMLJITPassesAndPipelines() {
  using ml::MLCPUPipelineOptions;
  using ml::MLGPUPipelineOptions;
  registerMLJITMLToLinalgPasses();
  registerMLJITAutodiffPasses();
  registerMLJITCommonPasses();
  registerMLJITCPUPasses();
  registerMLJITGPUPasses();
  // The stages one after the other are ml-cpu-pipeline; each alone lets
  // ml-opt and `Lowered.as_text(stage)` stop where a researcher wants to look.
  registerStages<MLCPUPipelineOptions>("ml-cpu-to-linalg",
                 "Stage 1 of ml-cpu-pipeline: ml -> linalg on tensors, fused "
                 "and tiled into parallel loops",
                 {appendToLinalg});
  registerStages<MLCPUPipelineOptions>("ml-cpu-bufferize",
                 "Stage 2 of ml-cpu-pipeline: tensors -> buffers with "
                 "caller-allocated results; large matmuls to BLAS if `blas`",
                 {appendBufferize});
  registerStages<MLCPUPipelineOptions>("ml-cpu-to-affine",
                 "Stage 3 of ml-cpu-pipeline: each loop nest outlined, its "
                 "tiles parallel loops (scf.parallel), the loops inside a "
                 "tile affine.for",
                 {appendToAffine});
  registerStages<MLCPUPipelineOptions>("ml-cpu-to-llvm",
                 "Stage 4 of ml-cpu-pipeline: loops -> OpenMP, vectorizable "
                 "math -> the LLVM dialect",
                 {appendToLLVM});
  registerStages<MLCPUPipelineOptions>(
      "ml-cpu-pipeline",
      "Lower ml IR to the LLVM dialect for the host CPU "
      "(ml-cpu-to-linalg, ml-cpu-bufferize, ml-cpu-to-affine, ml-cpu-to-llvm)",
      {appendToLinalg, appendBufferize, appendToAffine, appendToLLVM});

  registerStages<MLGPUPipelineOptions>(
      "ml-gpu-to-linalg",
      "Stage 1 of ml-gpu-pipeline: ml -> linalg on tensors, fused",
      {appendGPUToLinalg});
  registerStages<MLGPUPipelineOptions>(
      "ml-gpu-bufferize",
      "Stage 2 of ml-gpu-pipeline: tensors -> buffers with caller-allocated "
      "results",
      {appendGPUBufferize});
  registerStages<MLGPUPipelineOptions>(
      "ml-gpu-map",
      "Stage 3 of ml-gpu-pipeline: linalg on buffers -> gpu.launch kernels "
      "(tiled products, block reductions, a thread per point), buffers in "
      "GPU memory",
      {appendGPUMap});
  registerStages<MLGPUPipelineOptions>(
      "ml-gpu-to-llvm",
      "Stage 4 of ml-gpu-pipeline: kernels outlined and compiled to a GPU "
      "binary (NVVM), host code to the LLVM dialect calling mgpu* wrappers",
      {appendGPUToLLVM});
  registerStages<MLGPUPipelineOptions>(
      "ml-gpu-pipeline",
      "Lower ml IR to host LLVM IR launching kernels on an NVIDIA GPU "
      "(ml-gpu-to-linalg, ml-gpu-bufferize, ml-gpu-map, ml-gpu-to-llvm)",
      {appendGPUToLinalg, appendGPUBufferize, appendGPUMap, appendGPUToLLVM});
  registerStages<MLGPUPipelineOptions>(
      "ml-gpu-emulation-pipeline",
      "ml-gpu-pipeline's kernels run on the host CPU, one thread at a time "
      "between barriers (ml-gpu-launch-to-loops): for testing the kernels "
      "where there is no GPU",
      {appendGPUToLinalg, appendGPUBufferize, appendGPUEmulation});
}
