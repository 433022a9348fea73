// Verifier errors of the elementwise ops.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @add_mismatched(%a: tensor<2xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "ml.add"(%a, %b) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @add_bool(%a: tensor<2xi1>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values, but got 'tensor<2xi1>'}}
  %0 = ml.add %a, %a : tensor<2xi1>
  return
}

// -----

func.func @div_int(%a: tensor<2xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or complex values, but got 'tensor<2xi32>'}}
  %0 = ml.div %a, %a : tensor<2xi32>
  return
}

// -----

func.func @exp_int(%a: tensor<2xi64>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or complex values}}
  %0 = ml.exp %a : tensor<2xi64>
  return
}

// -----

func.func @unsupported_element(%a: tensor<2xi4>) {
  // expected-error @+1 {{must be ranked tensor of floating-point or signless or unsigned integer or complex values}}
  %0 = ml.neg %a : tensor<2xi4>
  return
}

// -----

func.func @unranked(%a: tensor<*xf32>) {
  // expected-error @+1 {{must be ranked tensor}}
  %0 = "ml.neg"(%a) : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @compare_mismatched(%a: tensor<2xf32>, %b: tensor<2xf64>) {
  // expected-error @+1 {{requires all operands to have the same type}}
  %0 = "ml.compare"(%a, %b) {direction = #ml<comparison_direction eq>} : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xi1>
  return
}

// -----

func.func @compare_result(%a: tensor<2xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = "ml.compare"(%a, %a) {direction = #ml<comparison_direction eq>} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @compare_direction(%a: tensor<2xf32>) {
  // expected-error @+2 {{expected ::mlir::ml::ComparisonDirection to be one of: eq, ne, lt, le, gt, ge}}
  // expected-error @+1 {{failed to parse ML_ComparisonDirectionAttr parameter 'value'}}
  %0 = ml.compare lq, %a, %a : tensor<2xf32>
  return
}

// -----

func.func @select_shapes(%c: tensor<3xi1>, %a: tensor<2xf32>) {
  // expected-error @+1 {{all of {condition, result} have same shape}}
  %0 = "ml.select"(%c, %a, %a) : (tensor<3xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @select_types(%c: tensor<2xi1>, %a: tensor<2xf32>, %b: tensor<2xi32>) {
  // expected-error @+1 {{all of {on_true, on_false, result} have same type}}
  %0 = "ml.select"(%c, %a, %b) : (tensor<2xi1>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

func.func @cast_shape(%a: tensor<2xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = ml.cast %a : tensor<2xf32> to tensor<3xi32>
  return
}

// -----

func.func @constant_type() {
  // expected-error @+1 {{failed to verify that all of {value, result} have same type}}
  %0 = "ml.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}
