//===- Common/Passes.td - passes shared by both pipelines --*- tablegen -*-===//
//
// Passes that both the CPU and the GPU pipeline run: one on ml ops, on
// linalg over tensors, and one on buffers.
// Each pass here is implemented in <Name>.cpp in this folder and tested by
// test/passes/Common/<flag>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_COMMON_PASSES_TD
#define MLJIT_PASSES_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

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

def CarriesInPlace : Pass<"ml-carries-in-place", "::mlir::func::FuncOp"> {
  let summary = "Compute a loop's new carry into the buffer of the old one";
  let description = [{
    A loop body computing its next carry into a fresh `tensor.empty`
    bufferizes to a new buffer per iteration, and an `scf.while` then also
    copies the carry at every test of its condition (one-shot bufferization
    needs the carry yielded in place to avoid both). Where the op computing
    a carry's new value writes into a `tensor.empty` (itself, or the
    `linalg.fill` of its accumulator), and the old carry is read only before
    that write, or by the op itself element by element (a parallel
    `linalg.generic` reading it through the map it writes by), the old
    carry becomes that destination: the body then updates the carry in place.

    Applies to `scf.for`, and to `scf.while` whose condition region passes
    its arguments on unchanged (how mljit traces while loops).

    Example:

    ```mlir
    %r = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<8xf32>) {
      %e = tensor.empty() : tensor<8xf32>
      %w = linalg.generic {... ["parallel"]} ins(%v : tensor<8xf32>)
          outs(%e : tensor<8xf32>) { ... }
      scf.yield %w : tensor<8xf32>
    }
    ```

    becomes the same loop with `outs(%v : tensor<8xf32>)`.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def HoistLoopInvariants : Pass<"ml-hoist-loop-invariants", "::mlir::func::FuncOp"> {
  let summary = "Compute the ml ops of a loop body that depend on nothing "
                "the loop changes before the loop, except broadcasts";
  let description = [{
    Loop-invariant code motion for `ml` ops in traced loops (`scf.for`,
    `scf.while`), all of which are pure: an op whose operands are all
    defined outside the loop moves before it, inner loops first. Ops that
    make more elements than they read (`ml.broadcast`, `ml.iota`, any op of
    dynamic shape) stay: hoisted, they would be materialized and read back
    at every iteration, where inside the loop they fuse into their consumers
    for free.

    Example:

    ```mlir
    scf.for ... iter_args(%v = %x) -> (tensor<4xf32>) {
      %e = ml.exp %w : tensor<4xf32>
      %b = ml.broadcast %s : tensor<f32> to tensor<4xf32>
      ...
    }
    ```

    `%e` moves before the loop; `%b` stays.
  }];
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

def ShrinkBufferLifetimes : Pass<"ml-shrink-buffer-lifetimes",
                                  "::mlir::func::FuncOp"> {
  let summary = "Allocate each buffer at its first use and free it after "
                "its last";
  let description = [{
    After bufferization and deallocation, each `memref.alloc` freed by a
    `memref.dealloc` in its own block moves down to right before the first
    op of that block that uses it (the pure views of it before that op move
    with it), and the `memref.dealloc` moves up to right after the last such
    op (an op whose regions use it counts as using it). Uses through views
    (any memref an op derives from it) count, and so do calls, whose callees
    (BLAS, mljit's runtime) use a buffer only while they run. A buffer that
    may escape -- yielded by a terminator, its address taken -- is left
    where it is. Without this, every temporary of a traced function lives
    for the whole call; with it, the memory a program needs is what is live
    at once, and what `mljit.checkpoint` does not keep is freed.

    Example:

    ```mlir
    %a = memref.alloc() : memref<4xf32>
    %b = memref.alloc() : memref<4xf32>
    linalg.fill ins(%x : f32) outs(%a : memref<4xf32>)
    linalg.copy ins(%a : memref<4xf32>) outs(%out : memref<4xf32>)
    linalg.fill ins(%x : f32) outs(%b : memref<4xf32>)
    linalg.copy ins(%b : memref<4xf32>) outs(%out : memref<4xf32>)
    memref.dealloc %a : memref<4xf32>
    memref.dealloc %b : memref<4xf32>
    ```

    becomes

    ```mlir
    %a = memref.alloc() : memref<4xf32>
    linalg.fill ins(%x : f32) outs(%a : memref<4xf32>)
    linalg.copy ins(%a : memref<4xf32>) outs(%out : memref<4xf32>)
    memref.dealloc %a : memref<4xf32>
    %b = memref.alloc() : memref<4xf32>
    linalg.fill ins(%x : f32) outs(%b : memref<4xf32>)
    linalg.copy ins(%b : memref<4xf32>) outs(%out : memref<4xf32>)
    memref.dealloc %b : memref<4xf32>
    ```
  }];
}

def DestinationPerUse : Pass<"ml-destination-per-use"> {
  let summary = "Give every write its own empty or initialized destination";
  let description = [{
    CSE merges equal `tensor.empty` ops, and equal initializations of them
    (a `linalg.fill`, a `linalg.generic` reading no tensor), so that every
    op of a program writing a result of one shape names the same destination.
    One-Shot Bufferize then puts all those results in one alias set and
    checks each candidate in-place write against all of them, a time that
    grew with the cube of the program (11 s of a 12-layer GPT-2's 12 s of
    passes); and every product accumulating into the one zero-filled
    tensor but the first gets a copy of it. Here each use of an empty
    tensor, and each op writing into an initialized one, gets its own copy
    of the ops that made it, placed beside them (never into a loop body,
    which would allocate it at every iteration): the writes are in place and
    the sets small.

    Example:

    ```mlir
    %e = tensor.empty() : tensor<8x8xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
    %a = linalg.matmul ins(%p, %q : ...) outs(%z : tensor<8x8xf32>) -> tensor<8x8xf32>
    %b = linalg.matmul ins(%r, %s : ...) outs(%z : tensor<8x8xf32>) -> tensor<8x8xf32>
    ```

    becomes

    ```mlir
    %e = tensor.empty() : tensor<8x8xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
    %e2 = tensor.empty() : tensor<8x8xf32>
    %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x8xf32>) -> tensor<8x8xf32>
    %a = linalg.matmul ins(%p, %q : ...) outs(%z : tensor<8x8xf32>) -> tensor<8x8xf32>
    %b = linalg.matmul ins(%r, %s : ...) outs(%z2 : tensor<8x8xf32>) -> tensor<8x8xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def BoolBuffersAsBytes : Pass<"ml-bool-buffers-as-bytes", "ModuleOp"> {
  let summary = "Make every buffer of i1 a buffer of i8";
  let description = [{
    `finalize-memref-to-llvm` asserts on loads and stores of integers
    narrower than a byte. The program's own booleans are bytes from
    `convert-ml-to-linalg` on, but `bufferization-lower-deallocations`
    builds buffers of i1 of its own: the ownership flags of a
    `bufferization.dealloc` whose buffers may alias (a helper function
    looping over `memref<?xi1>`). Here those buffers hold one byte per
    flag: their allocations, views, casts and function signatures take i8,
    a load truncates and a store zero-extends. An op that reads or writes a
    buffer of i1 in any other way is an error.

    Example:

    ```mlir
    %flags = memref.alloc(%n) : memref<?xi1>
    memref.store %true, %flags[%i] : memref<?xi1>
    ```

    becomes

    ```mlir
    %flags = memref.alloc(%n) : memref<?xi8>
    %byte = arith.extui %true : i1 to i8
    memref.store %byte, %flags[%i] : memref<?xi8>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // MLJIT_PASSES_COMMON_PASSES_TD
