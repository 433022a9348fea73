// One verifier error per op that the other invalid files do not cover.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @sub_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.sub' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.sub %a, %a : tensor<2xi1>
  return
}

// -----

func.func @mul_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.mul' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.mul %a, %a : tensor<2xi1>
  return
}

// -----

func.func @floordiv_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.floordiv' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.floordiv %a, %a : tensor<2xi1>
  return
}

// -----

func.func @rem_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.rem' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.rem %a, %a : tensor<2xi1>
  return
}

// -----

func.func @pow_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.pow' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.pow %a, %a : tensor<2xi1>
  return
}

// -----

func.func @maximum_mismatched(%a: tensor<2xf32>, %b: tensor<2xf16>) {
  // expected-error @+1 {{'ml.maximum' op requires the same type for all operands and results}}
  %0 = "ml.maximum"(%a, %b) : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return
}

// -----

func.func @minimum_mismatched(%a: tensor<2xf32>, %b: tensor<2xf16>) {
  // expected-error @+1 {{'ml.minimum' op requires the same type for all operands and results}}
  %0 = "ml.minimum"(%a, %b) : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return
}

// -----

func.func @neg_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.neg' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.neg %a : tensor<2xi1>
  return
}

// -----

func.func @abs_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.abs' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.abs %a : tensor<2xi1>
  return
}

// -----

func.func @sign_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.sign' op operand #0 must be ranked tensor of floating-point or signless integer values, but got 'tensor<2xi1>'}}
  %0 = ml.sign %a : tensor<2xi1>
  return
}

// -----

func.func @log_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.log' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.log %a : tensor<2xi32>
  return
}

// -----

func.func @log1p_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.log1p' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.log1p %a : tensor<2xi32>
  return
}

// -----

func.func @tanh_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.tanh' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.tanh %a : tensor<2xi32>
  return
}

// -----

func.func @sqrt_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.sqrt' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.sqrt %a : tensor<2xi32>
  return
}

// -----

func.func @rsqrt_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.rsqrt' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.rsqrt %a : tensor<2xi32>
  return
}

// -----

func.func @sin_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.sin' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.sin %a : tensor<2xi32>
  return
}

// -----

func.func @cos_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.cos' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.cos %a : tensor<2xi32>
  return
}

// -----

func.func @floor_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.floor' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.floor %a : tensor<2xi32>
  return
}

// -----

func.func @ceil_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.ceil' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.ceil %a : tensor<2xi32>
  return
}

// -----

func.func @unary_result(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.exp' op requires the same type for all operands and results}}
  %0 = "ml.exp"(%a) : (tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @argmin_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.argmin' op axis 2 is out of range for an operand of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.argmin %a axis = 2 : tensor<2x3xf32> -> tensor<2xi64>
  return
}
