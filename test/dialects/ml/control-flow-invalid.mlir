// Traced control flow is scf on ml tensors (docs/control-flow.md); scf's
// verifiers reject what mljit.cond and the loops refuse in Python: branches
// of different types, a carry changing its type.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @branches_differ(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  // expected-error @+1 {{successor operand type #0 'tensor<4xf16>' should match successor input type #0 'tensor<4xf32>'}}
  %r = scf.if %c -> (tensor<4xf32>) {
    scf.yield %x : tensor<4xf32>
  } else {
    %h = ml.cast %x : tensor<4xf32> to tensor<4xf16>
    // expected-note @+1 {{region branch point}}
    scf.yield %h : tensor<4xf16>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @carry_changes_shape(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'scf.for' op 0-th region iter_arg and 0-th yielded value have different type: 'tensor<4xf32>' != 'tensor<2x2xf32>'}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<4xf32>) {
    %w = ml.reshape %v : tensor<4xf32> to tensor<2x2xf32>
    scf.yield %w : tensor<2x2xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @condition_not_a_scalar(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = scf.while (%v = %x) : (tensor<4xf32>) -> tensor<4xf32> {
    %c = ml.compare lt, %v, %v : tensor<4xf32>
    // expected-error @+1 {{'scf.condition' op operand #0 must be 1-bit signless integer, but got 'tensor<4xi1>'}}
    "scf.condition"(%c, %v) : (tensor<4xi1>, tensor<4xf32>) -> ()
  } do {
  ^bb0(%v: tensor<4xf32>):
    scf.yield %v : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
