// What the ml.vjp verifier rejects.
// RUN: ml-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

func.func @arguments(%x: tensor<4xf32>, %c: tensor<f32>) {
  // expected-error @below {{'ml.vjp' op body arguments must have the primals' types}}
  %r, %g = ml.vjp (%x : tensor<4xf32>) cotangents (%c : tensor<f32>)
      -> (tensor<f32>) gradients (tensor<4xf32>) {
  ^bb0(%v: tensor<3xf32>):
    ml.yield %c : tensor<f32>
  }
  return
}

// -----

func.func @yields(%x: tensor<4xf32>, %c: tensor<f32>) {
  // expected-error @below {{'ml.vjp' op yields 1 values whose types differ from its results'}}
  %r, %g = ml.vjp (%x : tensor<4xf32>) cotangents (%c : tensor<f32>)
      -> (tensor<f64>) gradients (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    ml.yield %c : tensor<f32>
  }
  return
}

// -----

func.func @cotangents(%x: tensor<4xf32>, %c: tensor<4xf32>) {
  // expected-error @below {{'ml.vjp' op needs a cotangent of the type of each of its first 1 results}}
  %r, %g = ml.vjp (%x : tensor<4xf32>) cotangents (%c : tensor<4xf32>)
      -> (tensor<f32>) gradients (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %s = ml.reduce sum %v axes = [0] : tensor<4xf32> -> tensor<f32>
    ml.yield %s : tensor<f32>
  }
  return
}

// -----

func.func @gradients(%x: tensor<4xf32>, %c: tensor<f32>) {
  // expected-error @below {{'ml.vjp' op gradients must have the primals' types}}
  %r, %g = ml.vjp (%x : tensor<4xf32>) cotangents (%c : tensor<f32>)
      -> (tensor<f32>) gradients (tensor<4xf64>) {
  ^bb0(%v: tensor<4xf32>):
    %s = ml.reduce sum %v axes = [0] : tensor<4xf32> -> tensor<f32>
    ml.yield %s : tensor<f32>
  }
  return
}

// -----

func.func @terminator(%x: tensor<4xf32>, %c: tensor<f32>) {
  // expected-error @below {{'ml.vjp' op body must end in ml.yield}}
  %r, %g = "ml.vjp"(%x, %c) ({
  ^bb0(%v: tensor<4xf32>):
    "test.end"() : () -> ()
  }) {operandSegmentSizes = array<i32: 1, 1>, resultSegmentSizes = array<i32: 1, 1>}
      : (tensor<4xf32>, tensor<f32>) -> (tensor<f32>, tensor<4xf32>)
  return
}
