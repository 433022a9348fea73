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

//===----------------------------------------------------------------------===//
// GPU: linalg on buffers -> gpu.launch, then device memory
//===----------------------------------------------------------------------===//

def GPUMapMatmul : Pass<"ml-gpu-map-matmul", "::mlir::func::FuncOp"> {
  let summary = "Run products on the GPU in output tiles staged through "
                "shared memory";
  let description = [{
    Each linalg op on static buffers that is a contraction with one m, one n
    and one k dimension (any number of batch dimensions) and a payload
    `out + a * b` (`Combiner`: any arith op with a neutral element) becomes a
    `gpu.launch` of one 16 x 16 block per 64 x 64 output tile and batch. Per
    step of 16 along k, the block's threads copy a 64 x 16 tile of the left
    operand and a 16 x 64 tile of the right one into shared memory
    (`workgroup` buffers; four elements each, neighbouring threads
    neighbouring elements), synchronise, and each thread accumulates its
    4 x 4 outputs (rows ty + 16 i, columns tx + 16 j) in registers. Input
    tiles are read through the operands' own indexing maps, so transposed
    operands need no copy.

    Example: `linalg.matmul ins(%a, %b : memref<130x32xf32>,
    memref<32x70xf32>) outs(%c : memref<130x70xf32>)` becomes a launch of
    2 x 3 blocks of 16 x 16 threads with a `memref<64x16xf32,
    #gpu.address_space<workgroup>>` and a `memref<16x64xf32, ...>`.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def GPUMapReductions : Pass<"ml-gpu-map-reductions", "::mlir::func::FuncOp"> {
  let summary = "Run reductions on the GPU with a block of threads per "
                "output element";
  let description = [{
    A linalg op on static buffers with reduction loops, one output and a
    payload `combine(out, contribution)` where `combine` has a neutral element
    (addf, mulf, maximumf, minnumf, addi, andi, maxsi, ...) becomes a
    `gpu.launch` with one block per output element (blocks stride over the
    outputs past 2^20). Thread t of the block's B threads combines the
    contributions t, t + B, ... starting from the neutral element; the B
    partial results meet in a shared-memory buffer and are combined in
    log2(B) halving steps separated by `gpu.barrier`; thread 0 combines the
    total into the output. B is 256, or the reduction's length rounded up
    to a power of two if shorter. Fewer than 128 outputs of 4096 or more
    contributions each (a sum of a whole array) would leave the GPU idle:
    their rows are split into chunks, one block each (about 1024 blocks in
    all), the chunks' totals go to a temporary buffer, and a second kernel
    combines each row's totals. Reductions shorter than `min-reduction` are
    left for `ml-gpu-map-loops`.

    Example: a softmax's row maximum over `memref<4096x1024xf32>` becomes
    4096 blocks of 256 threads, each thread reducing 4 elements.
  }];
  let options = [
    Option<"minReduction", "min-reduction", "int64_t", /*default=*/"32",
           "Shortest reduction given a block per output element">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def GPUMapLoops : Pass<"ml-gpu-map-loops", "::mlir::func::FuncOp"> {
  let summary = "Run every remaining linalg op (and memref.copy) on the GPU, "
                "a thread per point of its parallel loops";
  let description = [{
    Each linalg op on static buffers becomes a `gpu.launch` of a
    one-dimensional grid of 256-thread blocks (at most 2^20 blocks; a
    grid-stride loop covers the rest). A thread delinearizes its index into
    the parallel loops' indices, loads the operands through their indexing
    maps, runs the payload and stores the outputs; reduction loops, if any,
    run in the thread with the outputs carried in registers. `memref.copy`
    is treated as `linalg.copy`. Ops with dynamic shapes, or still on
    tensors, are errors: nothing may be left to run on the host.

    Example: `linalg.generic` adding two `memref<1000xf32>` becomes a launch
    of 4 blocks of 256 threads, each thread handling one element.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def GPUDeviceBuffers : Pass<"ml-gpu-device-buffers", "::mlir::func::FuncOp"> {
  let summary = "Put the buffers that kernels use in GPU memory, copying "
                "host arguments in and out";
  let description = [{
    Runs after the ml-gpu-map-* passes, when only allocations, views and
    `gpu.launch` ops remain on the host. `memref.alloc`/`memref.dealloc`
    become `gpu.alloc`/`gpu.dealloc`; each `memref.get_global` (a constant)
    is copied into a fresh device buffer with `gpu.memcpy`. With
    `host-arguments` (the default), every buffer argument that kernels use
    is copied to a device buffer at entry — even one they only write, as a
    kernel may write part of it, unless the first op touching it is a kernel
    whose store the mapping passes marked `ml.writes_every_element` (it
    writes all of it) and which reads none of it — and every one they may
    write is copied back before each return; without it, arguments already
    are device buffers. Host code that still reads or writes buffer contents
    is an error.

    Example: `func.func @f(%x: memref<8xf32>, %y: memref<8xf32>)` with a
    kernel reading `%x` and writing `%y` gets `gpu.alloc` + `gpu.memcpy` of
    `%x` at entry, and `gpu.memcpy %y, ...` + two `gpu.dealloc` at the end.
  }];
  let options = [
    Option<"hostArguments", "host-arguments", "bool", /*default=*/"true",
           "Arguments are host buffers, copied to and from the GPU">
  ];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def GPULaunchToLoops : Pass<"ml-gpu-launch-to-loops"> {
  let summary = "Run gpu.launch kernels on the host, for testing kernels "
                "where there is no GPU";
  let description = [{
    Each `gpu.launch` with constant sizes becomes host loops: over the
    blocks, one after the other, and within a block over its threads, one
    after the other, up to the next `gpu.barrier` — the body is cut into
    phases at barriers, and a value a thread computes in one phase and uses
    in a later one goes through a per-thread array. A barrier may also sit
    in an `scf.for` whose bounds are the same for every thread: the loop
    runs on the host, each iteration cut the same way, its carried values
    per-thread arrays. Workgroup buffers become a buffer per block. This is
    the semantics of the kernel wherever its result does not depend on how
    threads interleave between barriers (true of correct kernels), so
    running `ml-gpu-map` output this way and comparing with NumPy checks the
    mapping passes without a GPU (test/pytest/test_gpu_emulated.py). Kernels
    whose barriers sit in thread-dependent control flow are rejected.

    Example: a block reduction's `memref.store %partial, %shared[%tid]`,
    `gpu.barrier`, `memref.load %shared[%tid + 128]` becomes two loops over
    the 256 threads, the second starting after the first has finished.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def LaunchStackScope : Pass<"ml-launch-stack-scope"> {
  let summary = "Give back the stack each host gpu.launch_func takes for its "
                "arguments";
  let description = [{
    Puts `llvm.intr.stacksave` before and `llvm.intr.stackrestore` after each
    `gpu.launch_func` of host code in the LLVM dialect. Translated to LLVM IR,
    a launch packs its kernel's arguments into stack allocations made where
    the launch is; in a loop (cumsum launches kernels per element) that stack
    would only be given back at the return, and a long loop overflows it.
    The launch has copied the arguments when it returns.

    Example: `gpu.launch_func <%stream : !llvm.ptr> @k::@k ...` becomes
    `%s = llvm.intr.stacksave : !llvm.ptr`, the launch, then
    `llvm.intr.stackrestore %s : !llvm.ptr`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // MLJIT_PASSES_TD
