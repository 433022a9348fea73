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

#endif // MLJIT_PASSES_TD
