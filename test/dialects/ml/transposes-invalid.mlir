// Linear ops without a transpose yet say so at the op.
// RUN: ml-opt %s -ml-vjp -split-input-file -verify-diagnostics

func.func @overwrite(%x: tensor<4xf32>, %ids: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @below {{'ml.scatter' op has no transpose yet: an overwriting scatter (x[idx] = u) may repeat indices}}
  %r = ml.scatter %u into %x [%ids] axis = 0 : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>)
  return %r : tensor<4xf32>
}
