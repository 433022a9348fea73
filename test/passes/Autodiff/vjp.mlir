// ml-vjp: @f_vjp beside @f: the arguments and a cotangent per float result
// in; the results and a cotangent per float argument out, the backward ops
// after the forward ones, the forward tangents gone.
// RUN: ml-opt %s -ml-vjp | FileCheck %s
// RUN: ml-opt %s -ml-vjp=functions=loss | FileCheck %s --check-prefix=NAMED

// The gradient of sum(tanh(x @ w)): the slope 1 - tanh^2 computed once,
// then the two products of the backward pass.
// CHECK-LABEL: func.func @loss_vjp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<8x4xf32>, %[[W:[^:]*]]: tensor<4x2xf32>, %[[CT:[^:]*]]: tensor<f32>)
// CHECK-SAME: -> (tensor<f32>, tensor<8x4xf32>, tensor<4x2xf32>)
// CHECK: %[[M:.*]] = ml.matmul %[[X]], %[[W]]
// CHECK: %[[T:.*]] = ml.tanh %[[M]]
// CHECK: %[[SLOPE:.*]] = ml.sub
// CHECK: %[[L:.*]] = ml.reduce sum %[[T]]
// CHECK: %[[R:.*]] = ml.reshape %[[CT]] : tensor<f32> to tensor<1x1xf32>
// CHECK: %[[B:.*]] = ml.broadcast %[[R]] : tensor<1x1xf32> to tensor<8x2xf32>
// CHECK: %[[DM:.*]] = ml.mul %[[B]], %[[SLOPE]]
// CHECK-DAG: ml.matmul %{{.*}}, %[[DM]] : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
// CHECK-DAG: ml.matmul %[[DM]], %{{.*}} : (tensor<8x2xf32>, tensor<2x4xf32>) -> tensor<8x4xf32>
// CHECK: return %[[L]],
// NAMED: func.func @loss_vjp
// NAMED-NOT: func.func @labels_vjp
func.func @loss(%x: tensor<8x4xf32>, %w: tensor<4x2xf32>) -> tensor<f32> {
  %m = ml.matmul %x, %w : (tensor<8x4xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
  %t = ml.tanh %m : tensor<8x2xf32>
  %l = ml.reduce sum %t axes = [0, 1] : tensor<8x2xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// Integer arguments and results have no cotangent; a float argument no
// cotangent reaches gets zeros.
// CHECK-LABEL: func.func @labels_vjp
// CHECK-SAME: (%{{[^:]*}}: tensor<4xf32>, %{{[^:]*}}: tensor<4xi64>, %{{[^:]*}}: tensor<4xf32>, %[[CT:[^:]*]]: tensor<4xf32>)
// CHECK-SAME: -> (tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[Z:.*]] = ml.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK: return %{{.*}}, %{{.*}}, %[[CT]], %[[Z]]
func.func @labels(%x: tensor<4xf32>, %n: tensor<4xi64>, %unused: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi64>) {
  return %x, %n : tensor<4xf32>, tensor<4xi64>
}
