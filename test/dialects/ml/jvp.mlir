// ml.jvp: a body run on its primals, the results it yields and the
// tangents of the first ones; it round-trips.
// RUN: ml-opt %s | ml-opt | FileCheck %s

// CHECK-LABEL: func.func @tangent
// CHECK: %[[R:.*]]:2, %[[T:.*]] = ml.jvp(%{{.*}} : tensor<4xf32>) tangents(%{{.*}} : tensor<4xf32>) -> (tensor<f32>, tensor<4xi64>) tangents(tensor<f32>) {
// CHECK: ^bb0(%[[V:.*]]: tensor<4xf32>):
// CHECK:   ml.yield %{{.*}}, %{{.*}} : tensor<f32>, tensor<4xi64>
func.func @tangent(%x: tensor<4xf32>, %dx: tensor<4xf32>, %n: tensor<4xi64>) -> (tensor<f32>, tensor<f32>) {
  %r:2, %t = ml.jvp (%x : tensor<4xf32>) tangents (%dx : tensor<4xf32>)
      -> (tensor<f32>, tensor<4xi64>) tangents (tensor<f32>) {
  ^bb0(%v: tensor<4xf32>):
    %e = ml.exp %v : tensor<4xf32>
    %s = ml.reduce sum %e axes = [0] : tensor<4xf32> -> tensor<f32>
    ml.yield %s, %n : tensor<f32>, tensor<4xi64>
  }
  return %r#0, %t : tensor<f32>, tensor<f32>
}
