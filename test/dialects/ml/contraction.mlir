// Round-trip of matmul and the reductions, in custom and generic form.
// RUN: ml-opt %s | ml-opt | FileCheck %s
// RUN: ml-opt %s -mlir-print-op-generic | ml-opt | FileCheck %s

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<8x1x4x5xf16>, %d: tensor<3x5x6xf16>, %e: tensor<?x3xi32>, %f: tensor<3x?xi32>) {
  // CHECK: ml.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %0 = ml.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // Batch dimensions broadcast.
  // CHECK: ml.matmul %{{.*}}, %{{.*}} : (tensor<8x1x4x5xf16>, tensor<3x5x6xf16>) -> tensor<8x3x4x6xf16>
  %1 = ml.matmul %c, %d : (tensor<8x1x4x5xf16>, tensor<3x5x6xf16>) -> tensor<8x3x4x6xf16>
  // CHECK: ml.matmul %{{.*}}, %{{.*}} : (tensor<?x3xi32>, tensor<3x?xi32>) -> tensor<?x?xi32>
  %2 = ml.matmul %e, %f : (tensor<?x3xi32>, tensor<3x?xi32>) -> tensor<?x?xi32>
  return
}

// CHECK-LABEL: func.func @reduce
func.func @reduce(%a: tensor<2x3x4xf32>, %p: tensor<5xi1>) {
  // CHECK: ml.reduce sum %{{.*}} axes = [0, 2] keepdims : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  %0 = ml.reduce sum %a axes = [0, 2] keepdims : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  // CHECK: ml.reduce prod %{{.*}} axes = [1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
  %1 = ml.reduce prod %a axes = [1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
  // CHECK: ml.reduce max %{{.*}} axes = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  %2 = ml.reduce max %a axes = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  // On booleans, min is `all`.
  // CHECK: ml.reduce min %{{.*}} axes = [0] : tensor<5xi1> -> tensor<i1>
  %3 = ml.reduce min %p axes = [0] : tensor<5xi1> -> tensor<i1>
  // An empty axis list is the identity.
  // CHECK: ml.reduce sum %{{.*}} axes = [] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %4 = ml.reduce sum %a axes = [] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return
}

// CHECK-LABEL: func.func @arg_reduce
func.func @arg_reduce(%a: tensor<2x3xf32>) -> (tensor<2xi64>, tensor<1x3xi64>) {
  // CHECK: ml.argmax %{{.*}} axis = 1 : tensor<2x3xf32> -> tensor<2xi64>
  %0 = ml.argmax %a axis = 1 : tensor<2x3xf32> -> tensor<2xi64>
  // CHECK: ml.argmin %{{.*}} axis = 0 keepdims : tensor<2x3xf32> -> tensor<1x3xi64>
  %1 = ml.argmin %a axis = 0 keepdims : tensor<2x3xf32> -> tensor<1x3xi64>
  return %0, %1 : tensor<2xi64>, tensor<1x3xi64>
}

// CHECK-LABEL: func.func @cumsum
func.func @cumsum(%a: tensor<2x5xi64>) -> tensor<2x5xi64> {
  // CHECK: ml.cumsum %{{.*}} axis = 1 : tensor<2x5xi64>
  %0 = ml.cumsum %a axis = 1 : tensor<2x5xi64>
  return %0 : tensor<2x5xi64>
}
