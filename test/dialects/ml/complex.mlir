// Round-trip of the ops on complex numbers, in custom and generic form.
// RUN: ml-opt %s | ml-opt | FileCheck %s
// RUN: ml-opt %s -mlir-print-op-generic | ml-opt | FileCheck %s

// CHECK-LABEL: func.func @parts
func.func @parts(%z: tensor<2x3xcomplex<f32>>, %w: tensor<4xcomplex<f64>>) {
  // CHECK: ml.real %{{.*}} : tensor<2x3xcomplex<f32>>
  %0 = ml.real %z : tensor<2x3xcomplex<f32>>
  // CHECK: ml.imag %{{.*}} : tensor<4xcomplex<f64>>
  %1 = ml.imag %w : tensor<4xcomplex<f64>>
  // CHECK: ml.complex_abs %{{.*}} : tensor<2x3xcomplex<f32>>
  %2 = ml.complex_abs %z : tensor<2x3xcomplex<f32>>
  // CHECK: ml.conj %{{.*}} : tensor<4xcomplex<f64>>
  %3 = ml.conj %w : tensor<4xcomplex<f64>>
  return
}

// The arithmetic, exponential and shape ops take complex tensors too.
// CHECK-LABEL: func.func @arithmetic
func.func @arithmetic(%z: tensor<4xcomplex<f32>>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: ml.div %{{.*}}, %{{.*}} : tensor<4xcomplex<f32>>
  %0 = ml.div %z, %z : tensor<4xcomplex<f32>>
  // CHECK: ml.exp %{{.*}} : tensor<4xcomplex<f32>>
  %1 = ml.exp %0 : tensor<4xcomplex<f32>>
  // CHECK: ml.cast %{{.*}} : tensor<4xf32> to tensor<4xcomplex<f32>>
  %2 = ml.cast %x : tensor<4xf32> to tensor<4xcomplex<f32>>
  // CHECK: ml.compare lt, %{{.*}}, %{{.*}} : tensor<4xcomplex<f32>>
  %3 = ml.compare lt, %1, %2 : tensor<4xcomplex<f32>>
  // CHECK: ml.constant dense<(1.000000e+00,-2.000000e+00)> : tensor<4xcomplex<f32>>
  %4 = ml.constant dense<(1.0, -2.0)> : tensor<4xcomplex<f32>>
  // CHECK: ml.reduce sum %{{.*}} axes = [0] : tensor<4xcomplex<f32>> -> tensor<complex<f32>>
  %5 = ml.reduce sum %4 axes = [0] : tensor<4xcomplex<f32>> -> tensor<complex<f32>>
  %6 = ml.real %1 : tensor<4xcomplex<f32>>
  return %6 : tensor<4xf32>
}
