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
    small. Chains smaller than `min-elements` are left alone. A dynamic
    outer dimension (with static inner ones, rows of at least
    `tile-elements`) gets a row per tile, as a static one would: the tiles
    are static, only their number is known at run time.

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
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def AccumulateIntoProducts : Pass<"ml-accumulate-into-products",
                                   "::mlir::func::FuncOp"> {
  let summary = "Let a loop's sum of products accumulate in the product";
  let description = [{
    `acc + A @ B`, where `acc` is a value a loop carries (an `scf.for`
    iteration argument of the same type) and the product's only use is
    this elementwise sum, becomes the product into `acc`: `linalg.matmul`
    accumulates into its output, so the sum needs no pass of its own and
    the carry is updated in place (`ml-matmul-to-blas` then calls BLAS with
    beta = 1). Reverse mode through a loop sums a weight's gradient so, one
    iteration at a time. Only carried values: elsewhere the sum keeps
    NumPy's order (the product, then the sum).

    Example:

    ```mlir
    %p = linalg.matmul ins(%a, %b : ...) outs(%zeros : tensor<512x512xf32>)
    %s = linalg.generic {...} ins(%acc, %p : ...) outs(%acc : ...) { addf }
    ```

    becomes

    ```mlir
    %s = linalg.matmul ins(%a, %b : ...) outs(%acc : tensor<512x512xf32>)
    ```
  }];
}

def FoldCastsIntoProducts : Pass<"ml-fold-casts-into-products",
                                  "::mlir::func::FuncOp"> {
  let summary = "Let float64 products of a few rows read a float32 weight "
                "as stored";
  let description = [{
    A `linalg.matmul` on tensors of float64 whose right operand is a
    float32 -> float64 cast of its own (an elementwise `arith.extf`, possibly
    transposing) and whose left operand has at most `max-rows` rows (static)
    reads the float32 matrix instead: the named op widens its operands
    itself, and the cast goes away. A transposing cast becomes the product's
    `(n, k)` map for its right operand. `ml-matmul-to-blas` then calls the
    runtime's `mljit_gemm_f64_f32`, which reads the weight once, at half the
    bytes of the cast. Products of more rows keep the cast: BLAS's dgemm on
    the widened copy is faster there.

    Example:

    ```mlir
    %w64 = linalg.generic {...} ins(%w : tensor<768x3072xf32>)
        outs(%e : tensor<768x3072xf64>) { arith.extf ... }
    %y = linalg.matmul ins(%x, %w64 : tensor<1x768xf64>, tensor<768x3072xf64>)
                       outs(%acc : tensor<1x3072xf64>) -> tensor<1x3072xf64>
    ```

    becomes

    ```mlir
    %y = linalg.matmul ins(%x, %w : tensor<1x768xf64>, tensor<768x3072xf32>)
                       outs(%acc : tensor<1x3072xf64>) -> tensor<1x3072xf64>
    ```
  }];
  let options = [
    Option<"maxRows", "max-rows", "int64_t", /*default=*/"16",
           "Most rows of the left operand a product may have">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
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
    explicitly, returned or stored are left alone. Each scope puts at most
    `max-scope-bytes` on the stack (a model's function holds thousands of
    temporaries, all live on the stack until it returns); later buffers
    stay on the heap.

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
           "Largest buffer put on the stack">,
    Option<"maxScopeBytes", "max-scope-bytes", "int64_t", /*default=*/"262144",
           "Most bytes put on the stack per scope (function or parallel loop "
           "body), in program order; the rest stays on the heap">
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
    read any strided layout (a product that reads B transposed, `x @ w.T`,
    passes a `memref.transpose` view of it: no copy). A zero fill of C right
    before the product becomes beta = 0. A 2-D f64 product of an f32 B (left
    by `ml-fold-casts-into-products`) calls `mljit_gemm_f64_f32`, which
    reads B as stored. Smaller or other mixed-precision products stay loops. A
    product of dynamic size whose static sizes alone reach a quarter of
    `min-flops` (a weight by a sequence) is always the call; a smaller one
    is both, chosen at run time by its work (`scf.if`).

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
    Option<"minFlops", "min-flops", "int64_t", /*default=*/"1 << 12",
           "Smallest M*N*K (times the batch) worth a library call">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def LinalgToAffineLoops : Pass<"ml-linalg-to-affine-loops",
                                "::mlir::func::FuncOp"> {
  let summary = "Lower linalg ops on buffers to affine.for loop nests (scf.for "
                "where a bound is not affine)";
  let description = [{
    Each linalg op on buffers becomes its loop nest, as
    `convert-linalg-to-affine-loops` makes it: `affine.for` loops whose
    accesses are `affine.load`/`affine.store` at the op's indexing maps.
    Loads at computed positions in the op's body (a gather's
    `memref.load %table[%row, %j]`) stay `memref.load`, inside the affine
    loops. An affine loop's bounds must be affine dimensions or symbols: a
    size computed inside a non-affine loop (the partial last tile of an
    `scf.parallel`, an `affine.min` of its induction variable) is neither,
    and such an op becomes `scf.for` loops, as `convert-linalg-to-loops`
    makes them. Linalg ops on tensors are an error.

    Example:

    ```mlir
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) { ... }
    ```

    becomes

    ```mlir
    affine.for %i = 0 to 8 {
      %0 = affine.load %x[%i] : memref<8xf32>
      ...
      affine.store %1, %y[%i] : memref<8xf32>
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
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
    The approximations assume normal numbers, so exp is computed as
    exp(x / 2)^2 where its result is subnormal, and log and log2 of a
    subnormal as log(x * 2^23) - 23 log(2): NumPy's subnormals, not 0 and
    -87.3. Functions LLVM has no accurate lowering for (expm1 and log1p, which
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

def OutlineKernels : Pass<"ml-outline-kernels", "ModuleOp"> {
  let summary = "Outline each loop nest into a function, equal ones into one";
  let description = [{
    Every op holding regions in a function's body (a linalg op, a loop, a
    tiled `scf.forall`) on buffers, unless it returns a buffer (one it
    allocated on the stack would not outlive the kernel), becomes a call of a
    private,
    `noinline` function computing it: the kernel. Control flow around such
    ops (a traced `scf.if`, `scf.for` or `scf.while` holding linalg ops or
    `scf.forall`s) stays in the function, and the ops in its regions become
    the kernels. Its arguments are the
    values the op uses from outside; the constants it uses are copied in, so
    kernels that differ in a constant, a shape or a dtype stay apart. A
    buffer that the kernel reads only through structured ops, loads, stores
    and copies is passed with its offset dynamic (`memref.cast`), so that
    the same loop nest on another slice is the same kernel. With `merge`,
    kernels that print the same become one.

    LLVM then optimizes each distinct kernel once, in a function of its own
    size. The functions the kernels came from, now only glue (allocations,
    views, copies and calls), are marked `ml.outlined`: mljit compiles them
    without optimizing (python/capi/NativeCode.cpp). A kernel argument that is a buffer none of the other arguments
    points into, at every call, is listed in `ml.noalias_arguments` by its
    position in the LLVM function (see `ml-noalias-arguments`).

    Example: two heads' scaling of the scores,

    ```mlir
    linalg.generic ... ins(%s0 : memref<8x8xf32>) outs(%t0 : memref<8x8xf32>)
    linalg.generic ... ins(%s1 : memref<8x8xf32>) outs(%t1 : memref<8x8xf32>)
    ```

    become two calls of one kernel:

    ```mlir
    %a = memref.cast %s0 : memref<8x8xf32> to memref<8x8xf32, strided<[8, 1], offset: ?>>
    ...
    call @f_kernel(%a, %b) : (...) -> ()
    call @f_kernel(%c, %d) : (...) -> ()
    ```
  }];
  let options = [
    Option<"merge", "merge", "bool", /*default=*/"true",
           "Call one kernel for equal loop nests">
  ];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def NoAliasArguments : Pass<"ml-noalias-arguments", "ModuleOp"> {
  let summary = "Mark the pointer arguments listed by ml-outline-kernels "
                "noalias";
  let description = [{
    An `llvm.func` with `ml.noalias_arguments = array<i64: ...>` gets
    `llvm.noalias` on those arguments, which must be pointers, and loses the
    attribute. `ml-outline-kernels` lists the aligned pointers of buffers
    that alias no other argument: LLVM then vectorizes the kernel's loops
    and keeps its accumulators in registers as it did before outlining,
    without run-time overlap checks.

    Example:

    ```mlir
    llvm.func @k(%a: !llvm.ptr, %b: !llvm.ptr) attributes {ml.noalias_arguments = array<i64: 1>}
    ```

    becomes `llvm.func @k(%a: !llvm.ptr, %b: !llvm.ptr {llvm.noalias})`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // MLJIT_PASSES_CPU_PASSES_TD
