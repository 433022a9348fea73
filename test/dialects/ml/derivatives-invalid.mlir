// Ops whose rule has no derivative say so at the op.
// RUN: ml-opt %s -ml-jvp -split-input-file -verify-diagnostics

func.func @product(%x: tensor<4xf32>) -> tensor<f32> {
  // expected-error @below {{'ml.reduce' op has no derivative yet: products (`reduce prod`) are not differentiable}}
  %p = ml.reduce prod %x axes = [0] : tensor<4xf32> -> tensor<f32>
  return %p : tensor<f32>
}
