//===- Passes.td - mljit passes ------------------------------*- tablegen -*-===//
//
// Every mljit pass is declared here; its implementation is <Name>.cpp in this
// folder and its lit test is under test/ with the same name.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_TD
#define MLJIT_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMLToLinalg : Pass<"convert-ml-to-linalg"> {
  let summary = "Lower every ml op to linalg, tensor, arith, math and scf";
  let description = [{
    Rewrites `ml` ops into value-semantic upstream ops: named linalg ops where
    one has the exact meaning (`linalg.matmul`, `linalg.batch_matmul`,
    `linalg.transpose`, `linalg.broadcast`, `linalg.reduce`, `linalg.fill`),
    `linalg.generic` with a scalar body otherwise (elementwise ops, arg-max),
    and `tensor` ops for reshapes, slices and concatenation. The scalar bodies
    carry NumPy's semantics: integer division by zero gives 0 instead of
    trapping, f16/bf16 arithmetic is computed in f32 and rounded once.
    Booleans are stored as i8 bytes holding 0 or 1 (NumPy's layout), so
    `tensor<...xi1>` becomes `tensor<...xi8>`, function signatures included.

    Example:

    ```mlir
    %r = ml.add %a, %b : tensor<4xf32>
    ```

    becomes

    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %r = linalg.generic {indexing_maps = [#id, #id, #id],
                         iterator_types = ["parallel"]}
        ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%x: f32, %y: f32, %out: f32):
      %s = arith.addf %x, %y : f32
      linalg.yield %s : f32
    } -> tensor<4xf32>
    ```

    Ops with dynamic dimensions are rejected with an error for now.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def MatmulToBlas : Pass<"ml-matmul-to-blas", "ModuleOp"> {
  let summary = "Call a BLAS gemm for large f32/f64 matmuls on buffers";
  let description = [{
    Replaces `linalg.matmul` and `linalg.batch_matmul` on memrefs of f32 or
    f64 whose work (M*N*K per batch, times the batch) reaches `min-flops`
    with calls to the mljit runtime, `mljit_gemm_<type>(A, B, C, beta)` and
    `mljit_batch_gemm_<type>`, which compute `C = A @ B + beta * C` with the
    BLAS the runtime was given (NumPy's OpenBLAS when called from Python) and
    read any strided layout. A zero fill of C right before the product
    becomes beta = 0. Smaller or mixed-precision products stay loops.

    Example:

    ```mlir
    linalg.matmul ins(%a, %b : memref<256x512xf32>, memref<512x128xf32>)
                  outs(%c : memref<256x128xf32>)
    ```

    becomes

    ```mlir
    %0 = memref.cast %a : memref<256x512xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
    ...
    call @mljit_gemm_f32(%0, %1, %2, %beta) : (...) -> ()
    ```
  }];
  let options = [
    Option<"minFlops", "min-flops", "int64_t", /*default=*/"1 << 18",
           "Smallest M*N*K (times the batch) worth a library call">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def GeneralizeNamedOps : Pass<"ml-generalize-named-ops"> {
  let summary = "Turn named linalg ops into linalg.generic, except contractions";
  let description = [{
    Like `linalg-generalize-named-ops`, so elementwise fusion can merge
    broadcasts, transposes, fills and reductions with their neighbours, but
    matmuls (named contractions) and the fills of their accumulators keep
    their names for `ml-matmul-to-blas` (which turns a zero fill into
    beta = 0).

    Example: `linalg.broadcast` becomes a `linalg.generic` with a projected
    input map; `linalg.matmul` and the `linalg.fill` of its output stay.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FuseElementwise : Pass<"ml-fuse-elementwise"> {
  let summary = "Fuse elementwise producers into their consumers where no "
                "work is repeated";
  let description = [{
    The patterns of `linalg-fuse-elementwise-ops` (producer-consumer fusion of
    generics, reshape propagation by expansion, constant folding) under a
    cost rule: a producer is fused only into its single user, only where that
    user reads each produced element once (a permutation indexing map, as in
    elementwise ops and reductions), and never into a contraction. A matmul
    thus keeps its named form and its operands stay materialized, so it can
    be handed to BLAS, while chains such as softmax's `exp(x - max)` fuse
    into the sum that consumes them.

    Example:

    ```mlir
    %e = linalg.generic ... { math.exp } -> tensor<64x128xf32>
    %s = linalg.generic {iterator_types = ["parallel", "reduction"]}
        ins(%e : ...) { arith.addf } -> tensor<64xf32>
    ```

    becomes one reduction generic whose body computes `exp` then adds, while
    an elementwise producer of a `linalg.matmul` operand is left alone.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DistinctResults : Pass<"ml-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Give every tensor a function returns a value of its own";
  let description = [{
    A value returned twice is returned once and copied for its other
    positions (`bufferization.alloc_tensor() copy(...)`), so that after
    bufferization each result has its own buffer and
    `buffer-results-to-out-params{hoist-static-allocs}` can compute every
    result straight into its out-parameter (that option does not handle one
    buffer returned twice).

    Example:

    ```mlir
    return %0, %0 : tensor<4xf32>, tensor<4xf32>
    ```

    becomes

    ```mlir
    %1 = bufferization.alloc_tensor() copy(%0) : tensor<4xf32>
    return %0, %1 : tensor<4xf32>, tensor<4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def MarkAllocatorsNoAlias : Pass<"ml-mark-allocators-noalias", "ModuleOp"> {
  let summary = "Tell LLVM that the runtime's allocation functions return "
                "fresh memory";
  let description = [{
    Adds `llvm.noalias` to the result of the generic allocation functions
    that `finalize-memref-to-llvm{use-generic-functions}` declares
    (`_mlir_memref_to_llvm_alloc`, `_mlir_memref_to_llvm_aligned_alloc`),
    which the mljit runtime implements with a caching allocator. LLVM then
    treats them as it treats `malloc`: temporaries alias nothing, so loops
    over them vectorize and accumulators stay in registers.

    Example:

    ```mlir
    llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
    ```

    becomes

    ```mlir
    llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64)
        -> (!llvm.ptr {llvm.noalias})
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def PromoteSmallBuffers : Pass<"ml-promote-small-buffers",
                                "::mlir::func::FuncOp"> {
  let summary = "Put small temporaries on the stack where it is released "
                "per iteration";
  let description = [{
    Replaces `memref.alloc` of statically shaped buffers of at most
    `max-bytes` with `memref.alloca`, where the stack is released in time: at
    function level and in the bodies of `scf.parallel`/`scf.forall` (each
    iteration of the OpenMP loop they become has its own
    `memref.alloca_scope`), never inside a sequential loop. Run after
    bufferization and before deallocation; buffers already freed
    explicitly, returned or stored are left alone.

    Example: a row's sum in a tiled softmax,

    ```mlir
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      %acc = memref.alloc() : memref<1xf32>
      ...
    }
    ```

    becomes `%acc = memref.alloca() : memref<1xf32>`.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"16384",
           "Largest buffer put on the stack">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def TileAndFuse : Pass<"ml-tile-and-fuse", "::mlir::func::FuncOp"> {
  let summary = "Tile the ends of elementwise/reduction chains into parallel "
                "loops and fuse their producers in";
  let description = [{
    A chain of fusible linalg ops (anything but contractions) on tensors is
    tiled at its last op, along the outermost parallel dimension, with an
    `scf.forall`; its producers (elementwise ops, reductions, broadcasts,
    fills) are fused into the loop, recomputed per tile. A tile is about
    `tile-elements` iterations (whole rows at least) and there are at least
    two per thread, so its intermediates stay in the L1 cache and the loop
    spreads over the threads. A tile of one row also leaves LLVM no constant
    row loop to unroll, which keeps the machine code (and its compile time)
    small. Chains smaller than `min-elements` are left alone.

    Example: softmax's final division over `tensor<4096x1024xf32>` becomes an
    `scf.forall` over rows, each computing its row's max, sum of
    exponentials and quotients.
  }];
  let options = [
    Option<"tileElements", "tile-elements", "int64_t", /*default=*/"1024",
           "Iterations per tile to aim for">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"65536",
           "Smallest iteration space worth tiling">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "Threads the tiles will be spread over">
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def LowerMath : Pass<"ml-lower-math"> {
  let summary = "Choose how each math function is computed: polynomial, "
                "libm or LLVM intrinsic";
  let description = [{
    The f32 math functions listed in `approximate` become MLIR's polynomial
    approximations: plain arithmetic that the LLVM vectorizer turns into SIMD
    code, where a libm call would keep the loop scalar (the default list
    holds functions whose approximation stays within a few ULP of NumPy).
    Functions LLVM has no accurate lowering for (expm1 and log1p, which
    `convert-math-to-llvm` computes as exp(x) - 1 and log(1 + x); tanh, cbrt,
    erf, erfc) become libm calls. The rest is left for
    `convert-math-to-llvm` (sqrt, floor, fma, ... are instructions there).

    Example:

    ```mlir
    %y = math.tanh %x : f32   // approximated: arith ops only
    %z = math.expm1 %w : f64  // call @expm1
    ```
  }];
  let options = [
    ListOption<"approximate", "approximate", "std::string",
               "Math functions (without `math.`) to approximate for f32">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // MLJIT_PASSES_TD
