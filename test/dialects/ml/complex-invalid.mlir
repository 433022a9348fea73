// Verifier errors of the ops on complex numbers.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @real_of_floats(%x: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of complex values, but got 'tensor<2xf32>'}}
  %0 = "ml.real"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @imag_of_other_width(%z: tensor<2xcomplex<f32>>) {
  // expected-error @+1 {{failed to verify that result elements are the operand's parts}}
  %0 = "ml.imag"(%z) : (tensor<2xcomplex<f32>>) -> tensor<2xf64>
  return
}

// -----

func.func @abs_of_other_shape(%z: tensor<2xcomplex<f64>>) {
  // expected-error @+1 {{failed to verify that result elements are the operand's parts}}
  %0 = "ml.complex_abs"(%z) : (tensor<2xcomplex<f64>>) -> tensor<3xf64>
  return
}

// -----

func.func @complex_of_integers(%z: tensor<2xcomplex<i32>>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or signless or unsigned integer or complex values, but got 'tensor<2xcomplex<i32>>'}}
  %0 = ml.add %z, %z : tensor<2xcomplex<i32>>
  return
}

// -----

func.func @floordiv_of_complex(%z: tensor<2xcomplex<f32>>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or signless or unsigned integer values, but got 'tensor<2xcomplex<f32>>'}}
  %0 = ml.floordiv %z, %z : tensor<2xcomplex<f32>>
  return
}

// -----

func.func @max_of_complex(%z: tensor<2xcomplex<f32>>) {
  // expected-error @+2 {{'ml.reduce' op max is not defined on complex numbers}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.reduce max %z axes = [0] : tensor<2xcomplex<f32>> -> tensor<complex<f32>>
  return
}

// -----

func.func @argmin_of_complex(%z: tensor<2xcomplex<f32>>) {
  // expected-error @+2 {{'ml.argmin' op is not defined on complex numbers}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.argmin %z axis = 0 : tensor<2xcomplex<f32>> -> tensor<i64>
  return
}

// -----

func.func @conj_of_floats(%x: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of complex values, but got 'tensor<2xf32>'}}
  %0 = ml.conj %x : tensor<2xf32>
  return
}
