//===- Autodiff/Passes.td - derivatives of ml functions -----*- tablegen -*-===//
//
// Derivatives as transformations of ml IR, after JAX: forward mode from each
// op's JVP rule (ml::JVPOpInterface, dialects/ml/MLDerivatives.cpp).
// Each pass here is implemented in <Name>.cpp in this folder and tested by
// test/passes/Autodiff/<flag>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef MLJIT_PASSES_AUTODIFF_PASSES_TD
#define MLJIT_PASSES_AUTODIFF_PASSES_TD

include "mlir/Pass/PassBase.td"

def JVP : Pass<"ml-jvp", "ModuleOp"> {
  let summary = "Add each function's forward-mode derivative: @f -> @f_jvp";
  let description = [{
    For every function named in `functions` (every public function when
    none is named), adds `@<name>_jvp`, which takes the function's
    arguments followed by a tangent for each floating-point argument and
    returns its results followed by a tangent for each floating-point
    result: the Jacobian-vector product, with the results computed once.
    Each op's tangent comes from its JVP rule (`ml::JVPOpInterface`); a
    tangent that is known to be zero is not computed. Integer and boolean
    values have no tangent. Ops without a rule (other dialects' ops, control
    flow) are copied as they are where no tangent reaches them, and are an
    error where one does; so is an op whose rule has no derivative (a
    product reduction).

    Example:

    ```mlir
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %y = ml.exp %x : tensor<4xf32>
      return %y : tensor<4xf32>
    }
    ```

    gains

    ```mlir
    func.func @f_jvp(%x: tensor<4xf32>, %dx: tensor<4xf32>)
        -> (tensor<4xf32>, tensor<4xf32>) {
      %y = ml.exp %x : tensor<4xf32>
      %dy = ml.mul %dx, %y : tensor<4xf32>
      return %y, %dy : tensor<4xf32>, tensor<4xf32>
    }
    ```
  }];
  let options = [
    ListOption<"functions", "functions", "std::string",
               "The functions to differentiate (default: every public one)">
  ];
  let dependentDialects = [
    "::mlir::ml::MLDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // MLJIT_PASSES_AUTODIFF_PASSES_TD
