// Round-trip of the shape ops, in custom and generic form.
// RUN: ml-opt %s | ml-opt | FileCheck %s
// RUN: ml-opt %s -mlir-print-op-generic | ml-opt | FileCheck %s

// CHECK-LABEL: func.func @broadcast_reshape
func.func @broadcast_reshape(%a: tensor<1x3xf32>, %s: tensor<i64>) -> (tensor<2x4x3xf32>, tensor<3xf32>, tensor<5xi64>) {
  // CHECK: ml.broadcast %{{.*}} : tensor<1x3xf32> to tensor<2x4x3xf32>
  %0 = ml.broadcast %a : tensor<1x3xf32> to tensor<2x4x3xf32>
  // CHECK: ml.reshape %{{.*}} : tensor<1x3xf32> to tensor<3xf32>
  %1 = ml.reshape %a : tensor<1x3xf32> to tensor<3xf32>
  // CHECK: ml.broadcast %{{.*}} : tensor<i64> to tensor<5xi64>
  %2 = ml.broadcast %s : tensor<i64> to tensor<5xi64>
  return %0, %1, %2 : tensor<2x4x3xf32>, tensor<3xf32>, tensor<5xi64>
}

// CHECK-LABEL: func.func @dynamic_sizes
func.func @dynamic_sizes(%a: tensor<?x12xf32>, %n: index, %m: index) -> (tensor<?x?x12xf32>, tensor<?x3x4xf32>) {
  // CHECK: ml.broadcast %{{.*}} [%{{.*}}, %{{.*}}] : tensor<?x12xf32> to tensor<?x?x12xf32>
  %0 = ml.broadcast %a [%m, %n] : tensor<?x12xf32> to tensor<?x?x12xf32>
  // CHECK: ml.reshape %{{.*}} [%{{.*}}] : tensor<?x12xf32> to tensor<?x3x4xf32>
  %1 = ml.reshape %a [%n] : tensor<?x12xf32> to tensor<?x3x4xf32>
  // CHECK: ml.slice %{{.*}} [0:?:1, 4:8:1] : tensor<?x12xf32> -> tensor<?x4xf32>
  %2 = ml.slice %a [0:?:1, 4:8:1] : tensor<?x12xf32> -> tensor<?x4xf32>
  // CHECK: ml.iota [%{{.*}}] : tensor<?xi64>
  %3 = ml.iota [%n] : tensor<?xi64>
  // CHECK: ml.iota : tensor<5xf32>
  %4 = ml.iota : tensor<5xf32>
  return %0, %1 : tensor<?x?x12xf32>, tensor<?x3x4xf32>
}

// CHECK-LABEL: func.func @transpose_slice
func.func @transpose_slice(%a: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<1x3x2xf32>, tensor<0x3x4xf32>) {
  // CHECK: ml.transpose %{{.*}}, [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %0 = ml.transpose %a, [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: ml.slice %{{.*}} [1:2:1, 0:3:1, 3:-1:-2] : tensor<2x3x4xf32> -> tensor<1x3x2xf32>
  %1 = ml.slice %a [1:2:1, 0:3:1, 3:-1:-2] : tensor<2x3x4xf32> -> tensor<1x3x2xf32>
  // CHECK: ml.slice %{{.*}} [2:2:1, 0:3:1, 0:4:1] : tensor<2x3x4xf32> -> tensor<0x3x4xf32>
  %2 = ml.slice %a [2:2:1, 0:3:1, 0:4:1] : tensor<2x3x4xf32> -> tensor<0x3x4xf32>
  return %0, %1, %2 : tensor<4x2x3xf32>, tensor<1x3x2xf32>, tensor<0x3x4xf32>
}

// CHECK-LABEL: func.func @slice_scalar
func.func @slice_scalar(%a: tensor<f32>) -> tensor<f32> {
  // CHECK: ml.slice %{{.*}} [] : tensor<f32> -> tensor<f32>
  %0 = ml.slice %a [] : tensor<f32> -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @concatenate
func.func @concatenate(%a: tensor<2x3xi8>, %b: tensor<2x5xi8>) -> tensor<2x8xi8> {
  // CHECK: ml.concatenate %{{.*}}, %{{.*}} dim = 1 : (tensor<2x3xi8>, tensor<2x5xi8>) -> tensor<2x8xi8>
  %0 = ml.concatenate %a, %b dim = 1 : (tensor<2x3xi8>, tensor<2x5xi8>) -> tensor<2x8xi8>
  return %0 : tensor<2x8xi8>
}

// Type inference handles dynamic dimensions.
// CHECK-LABEL: func.func @dynamic
func.func @dynamic(%a: tensor<?x3xf32>, %b: tensor<2x?xf32>, %n: index) -> (tensor<3x?xf32>, tensor<?x3xf32>, tensor<?x2xf32>) {
  // CHECK: ml.transpose %{{.*}}, [1, 0] : tensor<?x3xf32> -> tensor<3x?xf32>
  %0 = ml.transpose %a, [1, 0] : tensor<?x3xf32> -> tensor<3x?xf32>
  // CHECK: ml.concatenate %{{.*}}, %{{.*}} dim = 0 : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %1 = ml.concatenate %a, %a dim = 0 : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  // CHECK: ml.slice %{{.*}} [0:1:1, 0:2:1] : tensor<?x3xf32> -> tensor<1x2xf32>
  %2 = ml.slice %a [0:1:1, 0:2:1] : tensor<?x3xf32> -> tensor<1x2xf32>
  // CHECK: ml.broadcast %{{.*}} [%{{.*}}] : tensor<?x3xf32> to tensor<?x3xf32>
  %3 = ml.broadcast %a [%n] : tensor<?x3xf32> to tensor<?x3xf32>
  // CHECK: ml.reshape %{{.*}} [%{{.*}}] : tensor<2x?xf32> to tensor<?x2xf32>
  %4 = ml.reshape %b [%n] : tensor<2x?xf32> to tensor<?x2xf32>
  return %0, %3, %4 : tensor<3x?xf32>, tensor<?x3xf32>, tensor<?x2xf32>
}

// Shape arithmetic at the ends of int64 neither overflows nor asserts.
// CHECK-LABEL: func.func @extremes
func.func @extremes(%a: tensor<?xf32>, %e: tensor<0x4xf32>, %i: tensor<?xi32>) {
  // CHECK: ml.slice %{{.*}} [0:9223372036854775807:2] : tensor<?xf32> -> tensor<4611686018427387904xf32>
  %0 = ml.slice %a [0:9223372036854775807:2] : tensor<?xf32> -> tensor<4611686018427387904xf32>
  // CHECK: ml.slice %{{.*}} [5:-1:-9223372036854775808] : tensor<?xf32> -> tensor<1xf32>
  %1 = ml.slice %a [5:-1:-9223372036854775808] : tensor<?xf32> -> tensor<1xf32>
  // Whether a zero-size axis is indexed at all is known at run time only.
  // CHECK: ml.gather %{{.*}}, %{{.*}} axis = 0 : (tensor<0x4xf32>, tensor<?xi32>) -> tensor<?x4xf32>
  %2 = ml.gather %e, %i axis = 0 : (tensor<0x4xf32>, tensor<?xi32>) -> tensor<?x4xf32>
  return
}

// CHECK-LABEL: func.func @gather
func.func @gather(%t: tensor<10x4xf32>, %i: tensor<2x3xi32>) -> (tensor<2x3x4xf32>, tensor<10x2x3xf32>) {
  // CHECK: ml.gather %{{.*}}, %{{.*}} axis = 0 : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  %0 = ml.gather %t, %i axis = 0 : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  // CHECK: ml.gather %{{.*}}, %{{.*}} axis = 1 : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<10x2x3xf32>
  %1 = ml.gather %t, %i axis = 1 : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<10x2x3xf32>
  return %0, %1 : tensor<2x3x4xf32>, tensor<10x2x3xf32>
}
