//===- MLToLinalg/Passes.td - ml to linalg -----------------*- tablegen -*-===//
//
// Each pass here is implemented in <Name>.cpp in this folder and tested by
// test/passes/MLToLinalg/<flag>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_MLTOLINALG_PASSES_TD
#define MLJIT_PASSES_MLTOLINALG_PASSES_TD

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
    "::mlir::complex::ComplexDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // MLJIT_PASSES_MLTOLINALG_PASSES_TD
