// Verifier errors of matmul and the reductions.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @matmul_rank(%a: tensor<3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+2 {{'ml.matmul' op operands need rank 2 or more, got shapes 3 and 3x4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.matmul %a, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{'ml.matmul' op contracting dimensions differ: lhs 2x3 has K = 3 but rhs 4x5 has K = 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x4x3xf32>, %b: tensor<5x3x4xf32>) {
  // expected-error @+2 {{'ml.matmul' op batch dimensions of 2x4x3 and 5x3x4 do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.matmul %a, %b : (tensor<2x4x3xf32>, tensor<5x3x4xf32>) -> tensor<2x4x4xf32>
  return
}

// -----

func.func @matmul_types(%a: tensor<2x3xf32>, %b: tensor<3x4xf64>) {
  // expected-error @+1 {{'ml.matmul' op requires the same element type for all operands}}
  %0 = ml.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_bool(%a: tensor<2x2xi1>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values}}
  %0 = ml.matmul %a, %a : (tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  return
}

// -----

func.func @reduce_axis_range(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.reduce' op axis 2 is out of range for an operand of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.reduce sum %a axes = [2] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_axis_repeated(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.reduce' op axis 0 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.reduce sum %a axes = [0, 0] : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_sum_bool(%a: tensor<3xi1>) {
  // expected-error @+2 {{'ml.reduce' op sum is not defined on i1; cast to an integer type first}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.reduce sum %a axes = [0] : tensor<3xi1> -> tensor<i1>
  return
}

// -----

func.func @reduce_max_empty(%a: tensor<0x3xf32>) {
  // expected-error @+2 {{'ml.reduce' op max over axis 0 of size zero has no identity (shape 0x3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.reduce max %a axes = [0] : tensor<0x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_result(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'ml.reduce' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  %0 = ml.reduce sum %a axes = [1] keepdims : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_kind(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{expected ::mlir::ml::ReduceKind to be one of: sum, prod, max, min}}
  // expected-error @+1 {{failed to parse ML_ReduceKindAttr parameter 'value'}}
  %0 = ml.reduce mean %a axes = [1] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @argmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.argmax' op axis -1 is out of range for an operand of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.argmax %a axis = -1 : tensor<2x3xf32> -> tensor<2xi64>
  return
}

// -----

func.func @argmin_empty(%a: tensor<2x0xf32>) {
  // expected-error @+2 {{'ml.argmin' op axis 1 has size zero, so there is no element to pick (shape 2x0)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.argmin %a axis = 1 : tensor<2x0xf32> -> tensor<2xi64>
  return
}

// -----

func.func @argmax_result(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 64-bit signless integer values}}
  %0 = "ml.argmax"(%a) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2xi32>
  return
}
