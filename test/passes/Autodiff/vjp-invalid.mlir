// What ml-vjp refuses beyond ml-jvp's errors, and where it says so.
// RUN: ml-opt %s -ml-vjp -split-input-file -verify-diagnostics

// Dynamic sizes: not yet (the transposes read the sizes of tangents).
// expected-error @below {{'func.func' op has a tangent of dynamic shape 'tensor<?xf32>': reverse mode takes static shapes (for now)}}
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %y = ml.exp %x : tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// Loops: forward mode only, for now.
func.func @loop(%x: tensor<f32>) -> tensor<f32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  // expected-error @below {{'scf.for' op carries tangents: reverse mode through loops is not supported yet (forward mode is)}}
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%a = %x) -> tensor<f32> {
    %n = ml.sin %a : tensor<f32>
    scf.yield %n : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

// A JVP rule's error stops reverse mode too.
func.func @product(%x: tensor<4xf32>) -> tensor<f32> {
  // expected-error @below {{'ml.reduce' op has no derivative yet}}
  %p = ml.reduce prod %x axes = [0] : tensor<4xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// -----

// expected-error @below {{'func.func' op cannot be differentiated into 'f_vjp': that name is taken}}
func.func @f(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @f_vjp(%x: tensor<f32>) -> tensor<f32>
