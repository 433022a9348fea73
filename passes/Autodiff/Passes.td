//===- Autodiff/Passes.td - derivatives of ml functions -----*- tablegen -*-===//
//
// Derivatives as transformations of ml IR, after JAX: forward mode from each
// op's JVP rule (ml::JVPOpInterface), reverse mode by transposing the linear
// ops of the JVP (ml::TransposeOpInterface); both in
// dialects/ml/MLDerivatives.cpp.
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
    values have no tangent. Control flow (`scf.if`, `scf.for`,
    `scf.while`) is rebuilt with a tangent beside each float value it
    carries, its regions' ops followed by their tangents. Other ops without
    a rule (other dialects' ops) are copied as they are where no tangent
    reaches them, and are an error where one does; so is an op whose rule
    has no derivative (a product reduction).

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
    "::mlir::arith::ArithDialect",
    "::mlir::ml::MLDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def VJP : Pass<"ml-vjp", "ModuleOp"> {
  let summary = "Add each function's reverse-mode derivative: @f -> @f_vjp";
  let description = [{
    For every function named in `functions` (every public function when
    none is named), adds `@<name>_vjp`, which takes the function's
    arguments followed by a cotangent for each floating-point result and
    returns its results followed by the cotangent of each floating-point
    argument: the vector-Jacobian product, after the results in the same
    function. As in JAX, it is the JVP (`ml-jvp`'s rules) transposed: the
    ops a tangent flows through are linear in the tangents, and run
    backwards, each through its transpose rule (`ml::TransposeOpInterface`),
    cotangents of a value used twice summed. A scalar result with
    cotangent 1 gives the gradient. Integer and boolean values have no
    cotangent. The transpose of an `scf.if` is an `scf.if` on the same
    condition whose branches recompute what they need and run their
    linear ops backwards; an `scf.for` of a constant trip count also
    stores the values it carries at the start of each iteration, and its
    transpose is a loop over the iterations in reverse that reads them
    back, recomputes the body's primal values and runs its linear ops
    backwards. Errors: those of `ml-jvp`, a tangent of dynamic shape, a
    loop of a trip count known only at run time, an `scf.while` carrying
    tangents (not yet), and linear ops without a transpose (an
    overwriting scatter).

    Example:

    ```mlir
    func.func @f(%x: tensor<4xf32>) -> tensor<f32> {
      %y = ml.exp %x : tensor<4xf32>
      %s = ml.reduce sum %y axes = [0] : tensor<4xf32> -> tensor<f32>
      return %s : tensor<f32>
    }
    ```

    gains

    ```mlir
    func.func @f_vjp(%x: tensor<4xf32>, %ds: tensor<f32>)
        -> (tensor<f32>, tensor<4xf32>) {
      %y = ml.exp %x : tensor<4xf32>
      %s = ml.reduce sum %y axes = [0] : tensor<4xf32> -> tensor<f32>
      %r = ml.reshape %ds : tensor<f32> to tensor<1xf32>
      %b = ml.broadcast %r : tensor<1xf32> to tensor<4xf32>
      %dx = ml.mul %b, %y : tensor<4xf32>
      return %s, %dx : tensor<f32>, tensor<4xf32>
    }
    ```
  }];
  let options = [
    ListOption<"functions", "functions", "std::string",
               "The functions to differentiate (default: every public one)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::ml::MLDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ExpandDerivatives : Pass<"ml-expand-derivatives"> {
  let summary = "Replace each ml.vjp and ml.jvp with its body and the "
                "body's derivative, then inline ml.checkpoint";
  let description = [{
    `mljit.grad`, `value_and_grad` and `vjp` trace the differentiated
    function into the body of an `ml.vjp`; `mljit.jvp` into that of an
    `ml.jvp`. This pass puts the body's ops in place of the op, followed,
    for `ml.vjp`, by the cotangents of its primals, built as `ml-vjp`
    builds them (the JVP's linear ops run backwards from `cotangents`), and
    for `ml.jvp` by the tangents of its results, built as `ml-jvp` builds
    them from `tangents`. Values the body reads from outside have no
    tangent. Nested derivatives (a derivative of a derivative) are expanded
    innermost first. Reverse mode recomputes what an `ml.checkpoint`
    computes, in an `ml.checkpoint` of its own; once every derivative is
    taken, each `ml.checkpoint` gives way to its body. Errors: those of
    `ml-vjp` and `ml-jvp`.

    Example:

    ```mlir
    %s, %dx = ml.vjp (%x : tensor<4xf32>) cotangents (%one : tensor<f32>)
        -> (tensor<f32>) gradients (tensor<4xf32>) {
    ^bb0(%v: tensor<4xf32>):
      %e = ml.exp %v : tensor<4xf32>
      %r = ml.reduce sum %e axes = [0] : tensor<4xf32> -> tensor<f32>
      ml.yield %r : tensor<f32>
    }
    ```

    becomes

    ```mlir
    %e = ml.exp %x : tensor<4xf32>
    %s = ml.reduce sum %e axes = [0] : tensor<4xf32> -> tensor<f32>
    %r = ml.reshape %one : tensor<f32> to tensor<1xf32>
    %b = ml.broadcast %r : tensor<1xf32> to tensor<4xf32>
    %dx = ml.mul %b, %e : tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::ml::MLDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // MLJIT_PASSES_AUTODIFF_PASSES_TD
