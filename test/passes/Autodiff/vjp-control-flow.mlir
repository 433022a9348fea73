// ml-vjp through scf.if: the forward branches keep their primal results;
// the transpose is an scf.if on the same condition whose branches
// recompute what they need and yield the cotangents of the values they
// read (zeros from a branch that does not read one).
// RUN: ml-opt %s -ml-vjp -split-input-file | FileCheck %s
// RUN: ml-opt %s -ml-vjp -ml-cpu-pipeline -split-input-file | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @branch_vjp
// LLVM: llvm.func @nested_vjp

// CHECK-LABEL: func.func @branch_vjp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[Y:[^:]*]]: tensor<4xf32>, %[[C:[^:]*]]: i1, %[[DS:[^:]*]]: tensor<f32>)
// CHECK: %[[R:.*]] = scf.if %[[C]] -> (tensor<4xf32>) {
// CHECK:   scf.yield
// CHECK: } else {
// CHECK:   scf.yield
// CHECK: }
// CHECK: %[[S:.*]] = ml.reduce sum %[[R]]
// CHECK: %[[B:.*]] = ml.broadcast
// CHECK: %[[T:.*]]:2 = scf.if %[[C]] -> (tensor<4xf32>, tensor<4xf32>) {
// CHECK:   %[[E:.*]] = ml.exp %[[X]]
// CHECK:   %[[GY:.*]] = ml.mul %[[B]], %[[E]]
// CHECK:   %[[BY:.*]] = ml.mul %[[B]], %[[Y]]
// CHECK:   %[[GX:.*]] = ml.mul %[[BY]], %[[E]]
// CHECK:   scf.yield %[[GX]], %[[GY]]
// CHECK: } else {
// CHECK:   %[[K:.*]] = ml.constant dense<2.0
// CHECK:   %[[GY2:.*]] = ml.mul %[[B]], %[[K]]
// CHECK:   %[[Z:.*]] = ml.constant dense<0.0
// CHECK:   scf.yield %[[Z]], %[[GY2]]
// CHECK: return %[[S]], %[[T]]#0, %[[T]]#1
func.func @branch(%x: tensor<4xf32>, %y: tensor<4xf32>, %c: i1) -> tensor<f32> {
  %r = scf.if %c -> tensor<4xf32> {
    %e = ml.exp %x : tensor<4xf32>
    %m = ml.mul %e, %y : tensor<4xf32>
    scf.yield %m : tensor<4xf32>
  } else {
    %k = ml.constant dense<2.0> : tensor<4xf32>
    %n = ml.mul %y, %k : tensor<4xf32>
    scf.yield %n : tensor<4xf32>
  }
  %s = ml.reduce sum %r axes = [0] : tensor<4xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// A branch in a branch: the inner scf.if is transposed inside the outer
// transpose's branch; no tangent is left in the forward branches.
// CHECK-LABEL: func.func @nested_vjp
// CHECK: scf.if %{{.*}} -> (tensor<f64>) {
// CHECK:   scf.if %{{.*}} -> (tensor<f64>) {
// CHECK: scf.if %{{.*}} -> (tensor<f64>) {
// CHECK:   scf.if %{{.*}} -> (tensor<f64>) {
// CHECK:     ml.cos
// CHECK: return
func.func @nested(%x: tensor<f64>, %c: i1, %d: i1) -> tensor<f64> {
  %r = scf.if %c -> tensor<f64> {
    %i = scf.if %d -> tensor<f64> {
      %s = ml.sin %x : tensor<f64>
      scf.yield %s : tensor<f64>
    } else {
      scf.yield %x : tensor<f64>
    }
    %m = ml.mul %i, %x : tensor<f64>
    scf.yield %m : tensor<f64>
  } else {
    %n = ml.neg %x : tensor<f64>
    scf.yield %n : tensor<f64>
  }
  return %r : tensor<f64>
}
