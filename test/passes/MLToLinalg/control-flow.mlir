// Traced control flow is scf on ml tensors: convert-ml-to-linalg lowers
// the ml ops in its regions and turns its boolean tensors into bytes, the
// conditions read from them included.
// RUN: ml-opt %s -convert-ml-to-linalg -split-input-file -verify-diagnostics | FileCheck %s

// A branch on a traced boolean: its byte is read and compared with zero.
// CHECK-LABEL: func.func @branch
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[P:.*]]: tensor<i8>)
// CHECK: %[[BYTE:.*]] = tensor.extract %[[P]][] : tensor<i8>
// CHECK: %[[C:.*]] = arith.cmpi ne, %[[BYTE]], %{{.*}} : i8
// CHECK: scf.if %[[C]] -> (tensor<4xf32>) {
// CHECK: math.exp
// CHECK: } else {
// CHECK: scf.yield %[[X]]
func.func @branch(%x: tensor<4xf32>, %p: tensor<i1>) -> tensor<4xf32> {
  %c = tensor.extract %p[] : tensor<i1>
  %r = scf.if %c -> (tensor<4xf32>) {
    %e = ml.exp %x : tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  } else {
    scf.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// A while loop carrying a boolean mask: the carry becomes bytes in both
// regions and in the results.
// CHECK-LABEL: func.func @boolean_carry
// CHECK: scf.while (%{{.*}} = %{{.*}}) : (tensor<4xi8>) -> tensor<4xi8>
// CHECK: scf.condition(%{{.*}}) %{{.*}} : tensor<4xi8>
// CHECK: ^bb0(%{{.*}}: tensor<4xi8>):
// CHECK: scf.yield %{{.*}} : tensor<4xi8>
// CHECK: return %{{.*}} : tensor<4xi8>
func.func @boolean_carry(%m: tensor<4xi1>) -> tensor<4xi1> {
  %r = scf.while (%v = %m) : (tensor<4xi1>) -> tensor<4xi1> {
    %any = ml.reduce max %v axes = [0] : tensor<4xi1> -> tensor<i1>
    %c = tensor.extract %any[] : tensor<i1>
    scf.condition(%c) %v : tensor<4xi1>
  } do {
  ^bb0(%v: tensor<4xi1>):
    %t = ml.constant dense<true> : tensor<4xi1>
    %n = ml.xor %v, %t : tensor<4xi1>
    scf.yield %n : tensor<4xi1>
  }
  return %r : tensor<4xi1>
}

// -----

// A counted loop whose index becomes a traced int64, and a traced boolean
// built from a scalar (stored as a byte 0 or 1).
// CHECK-LABEL: func.func @counted
// CHECK: scf.for %[[I:.*]] = {{.*}} iter_args
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: tensor.from_elements %[[I64]] : tensor<i64>
// CHECK: %[[B:.*]] = arith.extui %{{.*}} : i1 to i8
// CHECK: tensor.from_elements %[[B]] : tensor<i8>
func.func @counted(%x: tensor<f32>, %n: index, %flag: i1) -> (tensor<f32>, tensor<i1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<f32>) {
    %i64 = arith.index_cast %i : index to i64
    %t = tensor.from_elements %i64 : tensor<i64>
    %f = ml.cast %t : tensor<i64> to tensor<f32>
    %s = ml.add %v, %f : tensor<f32>
    scf.yield %s : tensor<f32>
  }
  %b = tensor.from_elements %flag : tensor<i1>
  return %r, %b : tensor<f32>, tensor<i1>
}

// -----

// A choice between existing boolean tensors (a canonicalized scf.if).
// CHECK-LABEL: func.func @select_bools
// CHECK-SAME: (%[[C:.*]]: i1, %[[A:.*]]: tensor<2xi8>, %[[B:.*]]: tensor<2xi8>)
// CHECK: arith.select %[[C]], %[[A]], %[[B]] : tensor<2xi8>
func.func @select_bools(%c: i1, %a: tensor<2xi1>, %b: tensor<2xi1>) -> tensor<2xi1> {
  %r = arith.select %c, %a, %b : tensor<2xi1>
  return %r : tensor<2xi1>
}
