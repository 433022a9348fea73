// ml.vjp: a body run on its primals, the results it yields and the
// primals' cotangents; it round-trips.
// RUN: ml-opt %s | ml-opt | FileCheck %s

// CHECK-LABEL: func.func @loss
// CHECK: %[[R:.*]]:2, %[[G:.*]] = ml.vjp(%{{.*}} : tensor<4xf32>) cotangents(%{{.*}} : tensor<f32>) -> (tensor<f32>, tensor<4xi64>) gradients(tensor<4xf32>) {
// CHECK: ^bb0(%[[V:.*]]: tensor<4xf32>):
// CHECK:   ml.yield %{{.*}}, %{{.*}} : tensor<f32>, tensor<4xi64>
func.func @loss(%x: tensor<4xf32>, %n: tensor<4xi64>) -> (tensor<f32>, tensor<4xf32>) {
  %one = ml.constant dense<1.0> : tensor<f32>
  %r:2, %g = ml.vjp (%x : tensor<4xf32>) cotangents (%one : tensor<f32>)
      -> (tensor<f32>, tensor<4xi64>) gradients (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %e = ml.exp %v : tensor<4xf32>
    %s = ml.reduce sum %e axes = [0] : tensor<4xf32> -> tensor<f32>
    ml.yield %s, %n : tensor<f32>, tensor<4xi64>
  }
  return %r#0, %g : tensor<f32>, tensor<4xf32>
}
