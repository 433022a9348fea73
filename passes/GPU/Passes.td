//===- GPU/Passes.td - passes of the GPU pipeline ----------*- tablegen -*-===//
//
// Each pass here is implemented in <Name>.cpp in this folder and tested by
// test/passes/GPU/<flag>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_GPU_PASSES_TD
#define MLJIT_PASSES_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // MLJIT_PASSES_GPU_PASSES_TD
