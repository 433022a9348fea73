//===- CPU/Passes.td - passes of the CPU pipeline ----------*- tablegen -*-===//
//
// Each pass here is implemented in <Name>.cpp in this folder and tested by
// test/passes/CPU/<flag>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_CPU_PASSES_TD
#define MLJIT_PASSES_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // MLJIT_PASSES_CPU_PASSES_TD
