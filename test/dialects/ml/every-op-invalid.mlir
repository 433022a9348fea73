// One verifier error per op that the other invalid files do not cover.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @sub_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.sub' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values, but got 'tensor<2xi1>'}}
  %0 = ml.sub %a, %a : tensor<2xi1>
  return
}

// -----

func.func @mul_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.mul' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values, but got 'tensor<2xi1>'}}
  %0 = ml.mul %a, %a : tensor<2xi1>
  return
}

// -----

func.func @floordiv_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.floordiv' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer values, but got 'tensor<2xi1>'}}
  %0 = ml.floordiv %a, %a : tensor<2xi1>
  return
}

// -----

func.func @rem_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.rem' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer values, but got 'tensor<2xi1>'}}
  %0 = ml.rem %a, %a : tensor<2xi1>
  return
}

// -----

func.func @pow_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.pow' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values, but got 'tensor<2xi1>'}}
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
  // expected-error @+1 {{'ml.neg' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values, but got 'tensor<2xi1>'}}
  %0 = ml.neg %a : tensor<2xi1>
  return
}

// -----

func.func @abs_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.abs' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer values, but got 'tensor<2xi1>'}}
  %0 = ml.abs %a : tensor<2xi1>
  return
}

// -----

func.func @sign_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.sign' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer values, but got 'tensor<2xi1>'}}
  %0 = ml.sign %a : tensor<2xi1>
  return
}

// -----

func.func @log_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.log' op operand #0 must be ranked tensor of floating-point or complex values, but got 'tensor<2xi32>'}}
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
  // expected-error @+1 {{'ml.tanh' op operand #0 must be ranked tensor of floating-point or complex values, but got 'tensor<2xi32>'}}
  %0 = ml.tanh %a : tensor<2xi32>
  return
}

// -----

func.func @sqrt_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.sqrt' op operand #0 must be ranked tensor of floating-point or complex values, but got 'tensor<2xi32>'}}
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
  // expected-error @+1 {{'ml.sin' op operand #0 must be ranked tensor of floating-point or complex values, but got 'tensor<2xi32>'}}
  %0 = ml.sin %a : tensor<2xi32>
  return
}

// -----

func.func @cos_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.cos' op operand #0 must be ranked tensor of floating-point or complex values, but got 'tensor<2xi32>'}}
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

// -----

func.func @trunc_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.trunc' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.trunc %a : tensor<2xi32>
  return
}

// -----

func.func @rint_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.rint' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.rint %a : tensor<2xi32>
  return
}

// -----

func.func @expm1_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.expm1' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.expm1 %a : tensor<2xi32>
  return
}

// -----

func.func @exp2_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.exp2' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.exp2 %a : tensor<2xi32>
  return
}

// -----

func.func @log2_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.log2' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.log2 %a : tensor<2xi32>
  return
}

// -----

func.func @log10_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.log10' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.log10 %a : tensor<2xi32>
  return
}

// -----

func.func @cbrt_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.cbrt' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.cbrt %a : tensor<2xi32>
  return
}

// -----

func.func @tan_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.tan' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.tan %a : tensor<2xi32>
  return
}

// -----

func.func @asin_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.asin' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.asin %a : tensor<2xi32>
  return
}

// -----

func.func @acos_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.acos' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.acos %a : tensor<2xi32>
  return
}

// -----

func.func @atan_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.atan' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.atan %a : tensor<2xi32>
  return
}

// -----

func.func @sinh_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.sinh' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.sinh %a : tensor<2xi32>
  return
}

// -----

func.func @cosh_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.cosh' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2xi32>'}}
  %0 = ml.cosh %a : tensor<2xi32>
  return
}

// -----

func.func @atan2_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{'ml.atan2' op operand #0 must be ranked tensor of floating-point values}}
  %0 = ml.atan2 %a, %a : tensor<2xi32>
  return
}

// -----

func.func @and_float(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.and' op operand #0 must be ranked tensor of signless or unsigned integer or 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = ml.and %a, %a : tensor<2xf32>
  return
}

// -----

func.func @or_float(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.or' op operand #0 must be ranked tensor of signless or unsigned integer or 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = ml.or %a, %a : tensor<2xf32>
  return
}

// -----

func.func @xor_float(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.xor' op operand #0 must be ranked tensor of signless or unsigned integer or 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = ml.xor %a, %a : tensor<2xf32>
  return
}

// -----

func.func @shift_left_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.shift_left' op operand #0 must be ranked tensor of signless or unsigned integer values, but got 'tensor<2xi1>'}}
  %0 = ml.shift_left %a, %a : tensor<2xi1>
  return
}

// -----

func.func @shift_right_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{'ml.shift_right' op operand #0 must be ranked tensor of signless or unsigned integer values, but got 'tensor<2xi1>'}}
  %0 = ml.shift_right %a, %a : tensor<2xi1>
  return
}

// -----

func.func @cumsum_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.cumsum' op axis 2 is out of range for an operand of rank 2}}
  %0 = ml.cumsum %a axis = 2 : tensor<2x3xf32>
  return
}

// -----

func.func @cumsum_bool(%a: tensor<3xi1>) {
  // expected-error @+1 {{'ml.cumsum' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values}}
  %0 = ml.cumsum %a axis = 0 : tensor<3xi1>
  return
}

// -----

func.func @gather_axis(%a: tensor<2x3xf32>, %i: tensor<4xi32>) {
  // expected-error @+2 {{'ml.gather' op axis -1 is out of range for an operand of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.gather %a, %i axis = -1 : (tensor<2x3xf32>, tensor<4xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @gather_empty_axis(%a: tensor<0x3xf32>, %i: tensor<4xi32>) {
  // expected-error @+2 {{'ml.gather' op gathers from axis 0 of size zero (shape 0x3): every index is out of bounds}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.gather %a, %i axis = 0 : (tensor<0x3xf32>, tensor<4xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @gather_float_indices(%a: tensor<2x3xf32>, %i: tensor<4xf32>) {
  // expected-error @+1 {{'ml.gather' op operand #1 must be ranked tensor of signless or unsigned integer values, but got 'tensor<4xf32>'}}
  %0 = "ml.gather"(%a, %i) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @gather_result(%a: tensor<2x3xf32>, %i: tensor<4xi32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'ml.gather' op inferred type(s) 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<3x4xf32>'}}
  %0 = ml.gather %a, %i axis = 0 : (tensor<2x3xf32>, tensor<4xi32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @maximum_index(%a: tensor<2xindex>) {
  // expected-error @+1 {{'ml.maximum' op operand #0 must be ranked tensor of floating-point or signless or unsigned integer or 1-bit signless integer or complex values, but got 'tensor<2xindex>'}}
  %0 = ml.maximum %a, %a : tensor<2xindex>
  return
}

// -----

func.func @concatenate_index(%a: tensor<2xindex>) {
  // expected-error @+1 {{'ml.concatenate' op operand #0 must be variadic of ranked tensor of floating-point or signless or unsigned integer or 1-bit signless integer or complex values, but got 'tensor<2xindex>'}}
  %0 = ml.concatenate %a, %a dim = 0 : (tensor<2xindex>, tensor<2xindex>) -> tensor<4xindex>
  return
}

// -----

func.func @reduce_element_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.reduce' op requires the same element type for all operands and results}}
  %0 = "ml.reduce"(%a) {kind = #ml<reduce_kind sum>, axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @compare_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.compare' op requires the same shape for all operands and results}}
  %0 = "ml.compare"(%a, %a) {direction = #ml<comparison_direction lt>} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<3x2xi1>
  return
}
