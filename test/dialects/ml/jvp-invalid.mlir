// What the ml.jvp verifier rejects.
// RUN: ml-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

func.func @arguments(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.jvp' op body arguments must have the primals' types}}
  %r, %t = ml.jvp (%x : tensor<4xf32>) tangents (%x : tensor<4xf32>)
      -> (tensor<4xf32>) tangents (tensor<4xf32>) {
  ^bb0(%v: tensor<3xf32>):
    ml.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @tangents(%x: tensor<4xf32>, %dx: tensor<4xf64>) {
  // expected-error @below {{'ml.jvp' op needs a tangent of the type of each primal}}
  %r, %t = ml.jvp (%x : tensor<4xf32>) tangents (%dx : tensor<4xf64>)
      -> (tensor<4xf32>) tangents (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    ml.yield %v : tensor<4xf32>
  }
  return
}

// -----

func.func @yields(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.jvp' op yields 1 values whose types differ from its results'}}
  %r, %t = ml.jvp (%x : tensor<4xf32>) tangents (%x : tensor<4xf32>)
      -> (tensor<4xf64>) tangents (tensor<4xf64>) {
  ^bb0(%v: tensor<4xf32>):
    ml.yield %v : tensor<4xf32>
  }
  return
}

// -----

func.func @result_tangents(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.jvp' op result tangents must have the types of its first 1 results}}
  %r, %t = ml.jvp (%x : tensor<4xf32>) tangents (%x : tensor<4xf32>)
      -> (tensor<4xf32>) tangents (tensor<f32>) {
  ^bb0(%v: tensor<4xf32>):
    ml.yield %v : tensor<4xf32>
  }
  return
}

// -----

func.func @terminator(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.jvp' op body must end in ml.yield}}
  %r, %t = "ml.jvp"(%x, %x) ({
  ^bb0(%v: tensor<4xf32>):
    "test.end"() : () -> ()
  }) {operandSegmentSizes = array<i32: 1, 1>, resultSegmentSizes = array<i32: 1, 1>}
      : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// A body without a terminator (the verifier asserted on it before).
func.func @unterminated(%x: tensor<4xf32>, %dx: tensor<4xf32>) {
  // expected-error @below {{'ml.jvp' op body must end in ml.yield}}
  %r, %t = ml.jvp (%x : tensor<4xf32>) tangents (%dx : tensor<4xf32>)
      -> (tensor<4xf32>) tangents (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %e = ml.exp %v : tensor<4xf32>
  }
  return
}
