// ml-jvp through control flow: scf.if, scf.for and scf.while are rebuilt
// with a tangent beside each float value they carry, and their regions'
// ops are followed by their tangents there.
// RUN: ml-opt %s -ml-jvp -split-input-file | FileCheck %s
// The derivatives compile: down to LLVM.
// RUN: ml-opt %s -ml-jvp -ml-cpu-pipeline -split-input-file | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @branch_jvp
// LLVM: llvm.func @loop_jvp
// LLVM: llvm.func @until_jvp

// Both branches yield their result's tangent; a branch that does not read
// the tangent yields zeros.
// CHECK-LABEL: func.func @branch_jvp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[C:[^:]*]]: i1, %[[DX:[^:]*]]: tensor<4xf32>)
// CHECK: %[[R:.*]]:2 = scf.if %[[C]] -> (tensor<4xf32>, tensor<4xf32>) {
// CHECK:   %[[E:.*]] = ml.exp %[[X]]
// CHECK:   %[[DE:.*]] = ml.mul %[[DX]], %[[E]]
// CHECK:   scf.yield %[[E]], %[[DE]]
// CHECK: } else {
// CHECK:   %[[K:.*]] = ml.constant dense<2.0
// CHECK:   %[[Z:.*]] = ml.constant dense<0.0
// CHECK:   scf.yield %[[K]], %[[Z]]
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @branch(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  %r = scf.if %c -> tensor<4xf32> {
    %e = ml.exp %x : tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  } else {
    %k = ml.constant dense<2.0> : tensor<4xf32>
    scf.yield %k : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// A counted loop carries each float value's tangent (zeros where it starts
// with none: the body makes it non-zero); integers carry none. The body
// reads %x's tangent from outside.
// CHECK-LABEL: func.func @loop_jvp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[DX:[^:]*]]: tensor<4xf32>)
// CHECK: %[[Z:.*]] = ml.constant dense<0.0{{.*}}> : tensor<4xf32>
// CHECK: %[[L:.*]]:3 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}, %[[N:.*]] = %{{.*}}, %[[DA:.*]] = %[[Z]]) -> (tensor<4xf32>, tensor<i64>, tensor<4xf32>) {
// CHECK:   %[[M:.*]] = ml.mul %[[A]], %[[X]]
// CHECK:   %[[D1:.*]] = ml.mul %[[DA]], %[[X]]
// CHECK:   %[[D2:.*]] = ml.mul %[[DX]], %[[A]]
// CHECK:   %[[DM:.*]] = ml.add %[[D1]], %[[D2]]
// CHECK:   scf.yield %[[M]], %{{.*}}, %[[DM]]
// CHECK: return %[[L]]#0, %[[L]]#2
func.func @loop(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c1 = arith.constant 1 : index
  %one = ml.constant dense<1.0> : tensor<4xf32>
  %n0 = ml.constant dense<0> : tensor<i64>
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %one, %n = %n0) -> (tensor<4xf32>, tensor<i64>) {
    %m = ml.mul %a, %x : tensor<4xf32>
    %k = ml.constant dense<1> : tensor<i64>
    %s = ml.add %n, %k : tensor<i64>
    scf.yield %m, %s : tensor<4xf32>, tensor<i64>
  }
  return %r#0 : tensor<4xf32>
}

// -----

// A while loop: the tangents go through the condition region to the body
// and out of the loop.
// CHECK-LABEL: func.func @until_jvp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<f64>, %[[DX:[^:]*]]: tensor<f64>)
// CHECK: %[[W:.*]]:3 = scf.while (%[[A:.*]] = %[[X]], %{{.*}} = %{{.*}}, %[[DA:.*]] = %[[DX]]) : (tensor<f64>, tensor<i64>, tensor<f64>) -> (tensor<f64>, tensor<i64>, tensor<f64>) {
// CHECK:   scf.condition(%{{.*}}) %[[A]], %{{.*}}, %[[DA]]
// CHECK: } do {
// CHECK: ^bb0(%[[B:.*]]: tensor<f64>, %{{.*}}: tensor<i64>, %[[DB:.*]]: tensor<f64>):
// CHECK:   %[[S:.*]] = ml.sin %[[B]]
// CHECK:   %[[C:.*]] = ml.cos %[[B]]
// CHECK:   %[[DS:.*]] = ml.mul %[[DB]], %[[C]]
// CHECK:   scf.yield %[[S]], %{{.*}}, %[[DS]]
// CHECK: return %[[W]]#0, %[[W]]#2
func.func @until(%x: tensor<f64>) -> tensor<f64> {
  %n0 = ml.constant dense<0> : tensor<i64>
  %r:2 = scf.while (%a = %x, %n = %n0) : (tensor<f64>, tensor<i64>) -> (tensor<f64>, tensor<i64>) {
    %limit = ml.constant dense<3> : tensor<i64>
    %more = ml.compare lt, %n, %limit : tensor<i64>
    %c = tensor.extract %more[] : tensor<i1>
    scf.condition(%c) %a, %n : tensor<f64>, tensor<i64>
  } do {
  ^bb0(%b: tensor<f64>, %m: tensor<i64>):
    %s = ml.sin %b : tensor<f64>
    %k = ml.constant dense<1> : tensor<i64>
    %t = ml.add %m, %k : tensor<i64>
    scf.yield %s, %t : tensor<f64>, tensor<i64>
  }
  return %r#0 : tensor<f64>
}
