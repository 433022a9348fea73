// Verifier errors of the update ops.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @update_negative_stride(%x: tensor<4xf32>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'ml.update_slice' op strides must be positive (write a reversed update through the ascending slice instead)}}
  %0 = ml.update_slice %v into %x [3:-1:-2] : tensor<2xf32> into tensor<4xf32>
  return
}

// -----

func.func @update_out_of_bounds(%x: tensor<4xf32>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'ml.update_slice' op range 3:5:1 is out of bounds for dimension 0 of size 4}}
  %0 = ml.update_slice %v into %x [3:5:1] : tensor<2xf32> into tensor<4xf32>
  return
}

// -----

func.func @update_ranges(%x: tensor<4x4xf32>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'ml.update_slice' op needs one start:limit:stride per dimension (2), got 1, 1 and 1}}
  %0 = ml.update_slice %v into %x [0:2:1] : tensor<2xf32> into tensor<4x4xf32>
  return
}

// -----

func.func @update_shape(%x: tensor<4xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'ml.update_slice' op update shape 3 differs from the slice's 2}}
  %0 = ml.update_slice %v into %x [0:4:2] : tensor<3xf32> into tensor<4xf32>
  return
}

// -----

func.func @update_element_type(%x: tensor<4xf32>, %v: tensor<2xf64>) {
  // expected-error @+1 {{'ml.update_slice' op update element type 'f64' differs from the operand's 'f32'}}
  %0 = ml.update_slice %v into %x [0:2:1] : tensor<2xf64> into tensor<4xf32>
  return
}

// -----

func.func @scatter_axis(%x: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{'ml.scatter' op axis 1 is out of range for an operand of rank 1}}
  %0 = ml.scatter %u into %x [%i] axis = 1 : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>)
  return
}

// -----

func.func @scatter_shape(%x: tensor<4x3xf32>, %i: tensor<2xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+1 {{'ml.scatter' op updates shape 2x4 differs from the gathered shape 2x3}}
  %0 = ml.scatter %u into %x [%i] axis = 0 : (tensor<4x3xf32>, tensor<2xi64>, tensor<2x4xf32>)
  return
}

// -----

func.func @scatter_element_type(%x: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xi32>) {
  // expected-error @+1 {{'ml.scatter' op updates element type 'i32' differs from the operand's 'f32'}}
  %0 = ml.scatter %u into %x [%i] axis = 0 : (tensor<4xf32>, tensor<2xi64>, tensor<2xi32>)
  return
}

// -----

func.func @scatter_float_indices(%x: tensor<4xf32>, %i: tensor<2xf32>, %u: tensor<2xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of}}
  %0 = ml.scatter %u into %x [%i] axis = 0 : (tensor<4xf32>, tensor<2xf32>, tensor<2xf32>)
  return
}

// -----

func.func @dynamic_slice_starts(%x: tensor<4x4xf32>, %p: index) {
  // expected-error @+1 {{'ml.dynamic_slice' op needs one start per dimension (2), got 1}}
  %0 = ml.dynamic_slice %x [%p] : tensor<4x4xf32> -> tensor<1x4xf32>
  return
}

// -----

func.func @dynamic_slice_too_large(%x: tensor<4x4xf32>, %p: index) {
  // expected-error @+1 {{'ml.dynamic_slice' op result shape 5x4 does not fit in the operand's 4x4 (dimension 0)}}
  %0 = ml.dynamic_slice %x [%p, %p] : tensor<4x4xf32> -> tensor<5x4xf32>
  return
}

// -----

func.func @dynamic_slice_sizes(%x: tensor<4x4xf32>, %p: index) {
  // expected-error @+1 {{'ml.dynamic_slice' op has 0 sizes for the 1 dynamic dimensions of its result}}
  %0 = ml.dynamic_slice %x [%p, %p] : tensor<4x4xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @dynamic_slice_rank(%x: tensor<4x4xf32>, %p: index) {
  // expected-error @+1 {{'ml.dynamic_slice' op result rank 1 differs from the operand's 2}}
  %0 = ml.dynamic_slice %x [%p, %p] : tensor<4x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @dynamic_update_element_type(%x: tensor<4x4xf32>, %u: tensor<1x4xf64>, %p: index) {
  // expected-error @+1 {{'ml.dynamic_update_slice' op update element type 'f64' differs from the operand's 'f32'}}
  %0 = ml.dynamic_update_slice %u into %x [%p, %p] : tensor<1x4xf64> into tensor<4x4xf32>
  return
}

// -----

func.func @dynamic_update_too_large(%x: tensor<4x4xf32>, %u: tensor<1x8xf32>, %p: index) {
  // expected-error @+1 {{'ml.dynamic_update_slice' op update shape 1x8 does not fit in the operand's 4x4 (dimension 1)}}
  %0 = ml.dynamic_update_slice %u into %x [%p, %p] : tensor<1x8xf32> into tensor<4x4xf32>
  return
}
