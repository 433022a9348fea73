// ml-vjp through scf.if: the forward branches keep their primal results;
// the transpose is an scf.if on the same condition whose branches
// recompute what they need and yield the cotangents of the values they
// read (zeros from a branch that does not read one).
// RUN: ml-opt %s -ml-vjp -split-input-file | FileCheck %s
// RUN: ml-opt %s -ml-vjp -ml-cpu-pipeline -split-input-file | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @branch_vjp
// LLVM: llvm.func @nested_vjp
// LLVM: llvm.func @loop_vjp
// LLVM: llvm.func @nested_loops_vjp
// LLVM: llvm.func @scan_vjp

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

// -----

// A counted loop: the forward loop also stacks the values it carries at
// the start of each iteration that the derivative reads (%a, not the
// counter %n); the transpose runs the iterations backwards, reading them
// back, recomputing the body's primal values, carrying the cotangent of
// the carried value and summing that of %x, which the body reads from
// outside.
// CHECK-LABEL: func.func @loop_vjp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3xf64>, %[[DS:[^:]*]]: tensor<f64>)
// CHECK: %[[F:.*]]:3 = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %[[X]], %[[N:.*]] = %{{.*}}, %[[SA:.*]] = %{{.*}}) -> (tensor<3xf64>, tensor<i64>, tensor<3x3xf64>) {
// CHECK:   %[[K:.*]] = arith.divsi
// CHECK:   %[[ROW:.*]] = ml.reshape %[[A]] : tensor<3xf64> to tensor<1x3xf64>
// CHECK:   %[[STORED:.*]] = ml.dynamic_update_slice %[[ROW]] into %[[SA]][%[[K]], %{{.*}}]
// CHECK:   ml.sin %[[A]]
// CHECK:   scf.yield %{{.*}}, %{{.*}}, %[[STORED]] :
// CHECK: %[[S:.*]] = ml.reduce sum %[[F]]#0
// CHECK: %[[B:.*]] = ml.broadcast
// CHECK: %[[R:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[CA:.*]] = %[[B]], %[[CX:.*]] = %{{.*}}) -> (tensor<3xf64>, tensor<3xf64>) {
// CHECK:   %[[BACK:.*]] = arith.subi %{{.*}}, %[[J]]
// CHECK:   %[[READ:.*]] = ml.dynamic_slice %[[F]]#2[%[[BACK]], %{{.*}}]
// CHECK:   %[[AK:.*]] = ml.reshape %[[READ]]
// CHECK:   ml.cos %[[AK]]
// CHECK:   scf.yield
// CHECK: %[[DX:.*]] = ml.add %[[R]]#0, %[[R]]#1
// CHECK: return %[[S]], %[[DX]]
func.func @loop(%x: tensor<3xf64>) -> tensor<f64> {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c1 = arith.constant 1 : index
  %n0 = ml.constant dense<0> : tensor<i64>
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x, %n = %n0) -> (tensor<3xf64>, tensor<i64>) {
    %s = ml.sin %a : tensor<3xf64>
    %m = ml.mul %s, %x : tensor<3xf64>
    %k = ml.constant dense<1> : tensor<i64>
    %t = ml.add %n, %k : tensor<i64>
    scf.yield %m, %t : tensor<3xf64>, tensor<i64>
  }
  %sum = ml.reduce sum %r#0 axes = [0] : tensor<3xf64> -> tensor<f64>
  return %sum : tensor<f64>
}

// -----

// A loop in a loop: the inner loop's transpose runs inside the outer
// one's, on the residuals the inner loop stores in the recomputed body.
// CHECK-LABEL: func.func @nested_loops_vjp
// CHECK: scf.for
// CHECK:   scf.for
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:   scf.for
// CHECK: return
func.func @nested_loops(%x: tensor<f32>) -> tensor<f32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%a = %x) -> tensor<f32> {
    %in = scf.for %j = %c0 to %c2 step %c1 iter_args(%b = %a) -> tensor<f32> {
      %s = ml.sin %b : tensor<f32>
      %m = ml.mul %s, %x : tensor<f32>
      scf.yield %m : tensor<f32>
    }
    scf.yield %in : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

// A scan: the outputs' stack is carried, but only its tangent's updates
// touch it, so it is not stored per iteration (no 3x3x2 stack); the
// carried state %h is.
// CHECK-LABEL: func.func @scan_vjp
// CHECK: scf.for {{.*}} -> (tensor<2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
// CHECK-NOT: tensor<3x3x2xf32>
// CHECK: return
func.func @scan(%h0: tensor<2xf32>) -> tensor<3x2xf32> {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c1 = arith.constant 1 : index
  %ys0 = ml.constant dense<0.0> : tensor<3x2xf32>
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%h = %h0, %ys = %ys0) -> (tensor<2xf32>, tensor<3x2xf32>) {
    %t = ml.tanh %h : tensor<2xf32>
    %row = ml.reshape %t : tensor<2xf32> to tensor<1x2xf32>
    %next = ml.dynamic_update_slice %row into %ys[%i, %c0] : tensor<1x2xf32> into tensor<3x2xf32>
    scf.yield %t, %next : tensor<2xf32>, tensor<3x2xf32>
  }
  return %r#1 : tensor<3x2xf32>
}
