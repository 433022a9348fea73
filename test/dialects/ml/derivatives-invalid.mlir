// Ops whose rule has no derivative say so at the op.
// RUN: ml-opt %s -ml-jvp -split-input-file -verify-diagnostics

func.func @product(%x: tensor<4xf32>) -> tensor<f32> {
  // expected-error @below {{'ml.reduce' op has no derivative yet: products (`reduce prod`) are not differentiable}}
  %p = ml.reduce prod %x axes = [0] : tensor<4xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// -----

// Complex numbers carry no tangents: a float's tangent cannot flow into one
// (dropping it would make the derivative silently zero).
func.func @into_complex(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'ml.cast' op cannot differentiate through complex numbers (a float with a tangent converted to 'complex<f32>')}}
  %z = ml.cast %x : tensor<4xf32> to tensor<4xcomplex<f32>>
  %e = ml.exp %z : tensor<4xcomplex<f32>>
  %r = ml.real %e : tensor<4xcomplex<f32>>
  return %r : tensor<4xf32>
}
