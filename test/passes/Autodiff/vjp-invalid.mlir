// What ml-vjp refuses beyond ml-jvp's errors, and where it says so.
// RUN: ml-opt %s -ml-vjp -split-input-file -verify-diagnostics

// Dynamic sizes: not yet (the transposes read the sizes of tangents).
// expected-error @below {{'func.func' op has a tangent of dynamic shape 'tensor<?xf32>': reverse mode takes static shapes (for now)}}
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %y = ml.exp %x : tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// A loop whose trip count is known only at run time: not yet (its
// residuals are stacked in tensors of static shape).
func.func @dynamic_trips(%x: tensor<f32>, %n: index) -> tensor<f32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @below {{'scf.for' op carries tangents through a number of iterations known only at run time: reverse mode runs loops of a constant trip count (for now)}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %x) -> tensor<f32> {
    %s = ml.sin %a : tensor<f32>
    scf.yield %s : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

// A loop carrying a value other than a tensor of static shape that the
// derivative reads (here the index of a slice): not yet.
func.func @carried_index(%x: tensor<4xf32>) -> tensor<1xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %z = ml.constant dense<0.0> : tensor<1xf32>
  // expected-error @below {{'scf.for' op carries a value of type 'index' beside tangents: reverse mode runs loops carrying tensors of static shape (for now)}}
  %r:2 = scf.for %i = %c0 to %c2 step %c1 iter_args(%a = %z, %j = %c0) -> (tensor<1xf32>, index) {
    %s = ml.dynamic_slice %x [%j] : tensor<4xf32> -> tensor<1xf32>
    %m = ml.add %a, %s : tensor<1xf32>
    %n = arith.addi %j, %c1 : index
    scf.yield %m, %n : tensor<1xf32>, index
  }
  return %r#0 : tensor<1xf32>
}

// -----

// While loops: forward mode only (mljit.while_loop's max_iterations makes
// a counted loop, which has reverse mode).
func.func @until(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @below {{'scf.while' op carries tangents: reverse mode through while loops is not supported yet (forward mode is; a bound makes a counted loop: mljit.while_loop's max_iterations)}}
  %r = scf.while (%a = %x) : (tensor<f32>) -> tensor<f32> {
    %z = ml.constant dense<1.0> : tensor<f32>
    %more = ml.compare lt, %a, %z : tensor<f32>
    %c = tensor.extract %more[] : tensor<i1>
    scf.condition(%c) %a : tensor<f32>
  } do {
  ^bb0(%b: tensor<f32>):
    %s = ml.exp %b : tensor<f32>
    scf.yield %s : tensor<f32>
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

// -----

// An error inside a checkpoint's body stops reverse mode at its op.
func.func @checkpointed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = ml.checkpoint -> (tensor<4xf32>) {
    // expected-error @below {{'ml.reduce' op has no derivative yet}}
    %p = ml.reduce prod %x axes = [0] : tensor<4xf32> -> tensor<f32>
    %b = ml.broadcast %p : tensor<f32> to tensor<4xf32>
    ml.yield %b : tensor<4xf32>
  }
  return %y : tensor<4xf32>
}
