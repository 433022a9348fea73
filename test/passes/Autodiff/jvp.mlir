// ml-jvp: @f_jvp beside @f, for the functions named (default: every public
// one); tangents after the arguments and after the results.
// RUN: ml-opt %s -ml-jvp | FileCheck %s
// RUN: ml-opt %s -ml-jvp=functions=g | FileCheck %s --check-prefix=NAMED

// CHECK-LABEL: func.func @f(
// CHECK-LABEL: func.func @f_jvp(
// CHECK-SAME: %{{.*}}: tensor<4xf32>, %[[DX:.*]]: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[Y:.*]] = ml.exp
// CHECK: %[[DY:.*]] = ml.mul %[[DX]], %[[Y]]
// CHECK: return %[[Y]], %[[DY]]
// NAMED-NOT: func.func @f_jvp
// NAMED: func.func @g_jvp
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = ml.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// Index arithmetic and tensor.dim (no tangent reaches them) are copied.
// CHECK-LABEL: func.func @g_jvp
// CHECK: tensor.dim
// CHECK: ml.broadcast
// CHECK: ml.mul
// A private function is not differentiated unless named.
// CHECK-NOT: func.func @helper_jvp
func.func @g(%x: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %two = ml.constant dense<2.0> : tensor<f32>
  %t = ml.broadcast %two [%n] : tensor<f32> to tensor<?xf32>
  %y = ml.mul %x, %t : tensor<?xf32>
  return %y : tensor<?xf32>
}

func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
