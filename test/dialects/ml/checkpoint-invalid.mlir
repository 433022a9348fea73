// What the ml.checkpoint and ml.optimization_barrier verifiers reject.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @types(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.checkpoint' op yields 1 values whose types differ from its results'}}
  %r = ml.checkpoint -> (tensor<4xf64>) {
    ml.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @terminator(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.checkpoint' op body must end in ml.yield}}
  %r = ml.checkpoint -> (tensor<4xf32>) {
    func.return
  }
  return
}

// -----

func.func @barrier(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.optimization_barrier' op inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<4xf64>'}}
  // expected-error @below {{'ml.optimization_barrier' op failed to infer returned types}}
  %b = "ml.optimization_barrier"(%x) : (tensor<4xf32>) -> tensor<4xf64>
  return
}

// -----

func.func @unterminated(%x: tensor<4xf32>) {
  // expected-error @below {{'ml.checkpoint' op body must end in ml.yield}}
  %r = ml.checkpoint -> (tensor<4xf32>) {
    %e = ml.exp %x : tensor<4xf32>
  }
  return
}
