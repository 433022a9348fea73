// Round-trip of the elementwise ops, in custom and generic form.
// RUN: ml-opt %s | ml-opt | FileCheck %s
// RUN: ml-opt %s -mlir-print-op-generic | ml-opt | FileCheck %s

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %i: tensor<4xi32>, %p: tensor<4xi1>) {
  // CHECK: ml.add %{{.*}}, %{{.*}} : tensor<2x3xf32>
  %0 = ml.add %a, %b : tensor<2x3xf32>
  // CHECK: ml.sub %{{.*}}, %{{.*}} : tensor<2x3xf32>
  %1 = ml.sub %a, %b : tensor<2x3xf32>
  // CHECK: ml.mul %{{.*}}, %{{.*}} : tensor<4xi32>
  %2 = ml.mul %i, %i : tensor<4xi32>
  // CHECK: ml.div %{{.*}}, %{{.*}} : tensor<2x3xf32>
  %3 = ml.div %a, %b : tensor<2x3xf32>
  // CHECK: ml.floordiv %{{.*}}, %{{.*}} : tensor<4xi32>
  %4 = ml.floordiv %i, %i : tensor<4xi32>
  // CHECK: ml.rem %{{.*}}, %{{.*}} : tensor<2x3xf32>
  %5 = ml.rem %a, %b : tensor<2x3xf32>
  // CHECK: ml.pow %{{.*}}, %{{.*}} : tensor<4xi32>
  %6 = ml.pow %i, %i : tensor<4xi32>
  // CHECK: ml.maximum %{{.*}}, %{{.*}} : tensor<4xi1>
  %7 = ml.maximum %p, %p : tensor<4xi1>
  // CHECK: ml.minimum %{{.*}}, %{{.*}} : tensor<2x3xf32>
  %8 = ml.minimum %a, %b : tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<8xf16>, %y: tensor<bf16>, %z: tensor<0x4xf64>, %i: tensor<3xi8>) {
  // CHECK: ml.neg %{{.*}} : tensor<3xi8>
  %0 = ml.neg %i : tensor<3xi8>
  // CHECK: ml.abs %{{.*}} : tensor<8xf16>
  %1 = ml.abs %x : tensor<8xf16>
  // CHECK: ml.sign %{{.*}} : tensor<3xi8>
  %2 = ml.sign %i : tensor<3xi8>
  // CHECK: ml.exp %{{.*}} : tensor<bf16>
  %3 = ml.exp %y : tensor<bf16>
  // CHECK: ml.log %{{.*}} : tensor<0x4xf64>
  %4 = ml.log %z : tensor<0x4xf64>
  // CHECK: ml.log1p
  %5 = ml.log1p %x : tensor<8xf16>
  // CHECK: ml.tanh
  %6 = ml.tanh %x : tensor<8xf16>
  // CHECK: ml.sqrt
  %7 = ml.sqrt %x : tensor<8xf16>
  // CHECK: ml.rsqrt
  %8 = ml.rsqrt %x : tensor<8xf16>
  // CHECK: ml.sin
  %9 = ml.sin %x : tensor<8xf16>
  // CHECK: ml.cos
  %10 = ml.cos %x : tensor<8xf16>
  // CHECK: ml.floor
  %11 = ml.floor %x : tensor<8xf16>
  // CHECK: ml.ceil
  %12 = ml.ceil %x : tensor<8xf16>
  return
}

// CHECK-LABEL: func.func @more_unary
func.func @more_unary(%x: tensor<4xf32>) {
  // CHECK: ml.trunc
  %0 = ml.trunc %x : tensor<4xf32>
  // CHECK: ml.rint
  %1 = ml.rint %x : tensor<4xf32>
  // CHECK: ml.expm1
  %2 = ml.expm1 %x : tensor<4xf32>
  // CHECK: ml.exp2
  %3 = ml.exp2 %x : tensor<4xf32>
  // CHECK: ml.log2
  %4 = ml.log2 %x : tensor<4xf32>
  // CHECK: ml.log10
  %5 = ml.log10 %x : tensor<4xf32>
  // CHECK: ml.cbrt
  %6 = ml.cbrt %x : tensor<4xf32>
  // CHECK: ml.tan
  %7 = ml.tan %x : tensor<4xf32>
  // CHECK: ml.asin
  %8 = ml.asin %x : tensor<4xf32>
  // CHECK: ml.acos
  %9 = ml.acos %x : tensor<4xf32>
  // CHECK: ml.atan %
  %10 = ml.atan %x : tensor<4xf32>
  // CHECK: ml.sinh
  %11 = ml.sinh %x : tensor<4xf32>
  // CHECK: ml.cosh
  %12 = ml.cosh %x : tensor<4xf32>
  // CHECK: ml.atan2 %{{.*}}, %{{.*}} : tensor<4xf32>
  %13 = ml.atan2 %x, %x : tensor<4xf32>
  return
}

// CHECK-LABEL: func.func @bitwise
func.func @bitwise(%i: tensor<4xi32>, %p: tensor<4xi1>) {
  // CHECK: ml.and %{{.*}}, %{{.*}} : tensor<4xi32>
  %0 = ml.and %i, %i : tensor<4xi32>
  // CHECK: ml.or %{{.*}}, %{{.*}} : tensor<4xi1>
  %1 = ml.or %p, %p : tensor<4xi1>
  // CHECK: ml.xor %{{.*}}, %{{.*}} : tensor<4xi1>
  %2 = ml.xor %p, %p : tensor<4xi1>
  // CHECK: ml.shift_left %{{.*}}, %{{.*}} : tensor<4xi32>
  %3 = ml.shift_left %i, %i : tensor<4xi32>
  // CHECK: ml.shift_right %{{.*}}, %{{.*}} : tensor<4xi32>
  %4 = ml.shift_right %i, %i : tensor<4xi32>
  return
}

// CHECK-LABEL: func.func @compare_select_cast
func.func @compare_select_cast(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>) -> tensor<2x2xi64> {
  // CHECK: %[[M:.*]] = ml.compare le, %{{.*}}, %{{.*}} : tensor<2x2xf32>
  %m = ml.compare le, %a, %b : tensor<2x2xf32>
  // CHECK: ml.select %[[M]], %{{.*}}, %{{.*}} : tensor<2x2xi1>, tensor<2x2xf32>
  %s = ml.select %m, %a, %b : tensor<2x2xi1>, tensor<2x2xf32>
  // CHECK: ml.cast %{{.*}} : tensor<2x2xf32> to tensor<2x2xi64>
  %c = ml.cast %s : tensor<2x2xf32> to tensor<2x2xi64>
  return %c : tensor<2x2xi64>
}

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xf32>, tensor<i1>, tensor<0x3xi8>) {
  // CHECK: ml.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %0 = ml.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK: ml.constant dense<true> : tensor<i1>
  %1 = ml.constant dense<true> : tensor<i1>
  // CHECK: ml.constant dense<> : tensor<0x3xi8>
  %2 = ml.constant dense<> : tensor<0x3xi8>
  return %0, %1, %2 : tensor<2xf32>, tensor<i1>, tensor<0x3xi8>
}

// Dynamic dimensions stay representable.
// CHECK-LABEL: func.func @dynamic
func.func @dynamic(%a: tensor<?x3xf32>) -> tensor<?x3xi1> {
  // CHECK: ml.compare ne, %{{.*}}, %{{.*}} : tensor<?x3xf32>
  %0 = ml.compare ne, %a, %a : tensor<?x3xf32>
  return %0 : tensor<?x3xi1>
}
