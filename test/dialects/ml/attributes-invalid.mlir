// The checks ODS generates from the op definitions: attribute constraints,
// required attributes, property conversion and operand counts.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @axis_i32(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.cumsum' op attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute}}
  %0 = "ml.cumsum"(%a) {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @permutation_i32(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.transpose' op attribute 'permutation' failed to satisfy constraint: i64 dense array attribute}}
  %0 = "ml.transpose"(%a) {permutation = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @constant_scalar() {
  // expected-error @+1 {{'ml.constant' op attribute 'value' failed to satisfy constraint: constant vector/tensor attribute}}
  %0 = "ml.constant"() {value = 1.0 : f32} : () -> tensor<f32>
  return
}

// -----

func.func @direction_integer(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.compare' op attribute 'direction' failed to satisfy constraint: how ml.compare compares its operands}}
  %0 = "ml.compare"(%a, %a) {direction = 1 : i32} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return
}

// -----

func.func @kind_of_compare(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.reduce' op attribute 'kind' failed to satisfy constraint: the combining function of ml.reduce}}
  %0 = "ml.reduce"(%a) {kind = #ml<comparison_direction lt>, axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @keepdims_integer(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.reduce' op attribute 'keepdims' failed to satisfy constraint: unit attribute}}
  %0 = "ml.reduce"(%a) {kind = #ml<reduce_kind sum>, axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @missing_kind(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.reduce' op requires attribute 'kind'}}
  %0 = "ml.reduce"(%a) {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @missing_permutation(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.transpose' op requires attribute 'permutation'}}
  %0 = "ml.transpose"(%a) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @property_of_wrong_kind(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{invalid properties {axis = 1.000000e+00 : f32} for op ml.cumsum: Invalid attribute `axis` in property conversion: 1.000000e+00 : f32}}
  %0 = "ml.cumsum"(%a) <{axis = 1.0 : f32}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @operand_count(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.add' op expected 2 operands, but found 1}}
  %0 = "ml.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @result_count(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.neg' op requires one result}}
  %0:2 = "ml.neg"(%a) : (tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return
}

// -----

func.func @region(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ml.exp' op requires zero regions}}
  %0 = "ml.exp"(%a) ({
    "ml.neg"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  }) : (tensor<2xf32>) -> tensor<2xf32>
  return
}
