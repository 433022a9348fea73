// ml-hoist-loop-invariants: ml ops of a loop body that read only values
// defined before the loop move before it; broadcasts stay.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-hoist-loop-invariants))' -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @for_loop
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[W:.*]]: tensor<4xf32>, %[[S:.*]]: tensor<f32>
// CHECK: %[[E:.*]] = ml.exp %[[W]]
// CHECK-NEXT: %[[T:.*]] = ml.tanh %[[E]]
// CHECK-NEXT: scf.for
// CHECK-NEXT: ml.broadcast %[[S]]
// CHECK-NEXT: ml.add %{{.*}}, %[[T]]
func.func @for_loop(%x: tensor<4xf32>, %w: tensor<4xf32>, %s: tensor<f32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<4xf32>) {
    %b = ml.broadcast %s : tensor<f32> to tensor<4xf32>
    %e = ml.exp %w : tensor<4xf32>
    %t = ml.tanh %e : tensor<4xf32>
    %a = ml.add %v, %t : tensor<4xf32>
    %m = ml.mul %a, %b : tensor<4xf32>
    scf.yield %m : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// From both regions of a while loop, and out of nested loops: what the
// inner loop hoists leaves the outer one too. What depends on the carry or
// the index stays.
// CHECK-LABEL: func.func @nested
// CHECK: ml.neg
// CHECK-NEXT: ml.exp
// CHECK-NEXT: scf.while
// CHECK-NOT: ml.neg
// CHECK-NOT: ml.exp
// CHECK: ml.reduce
// CHECK: } do {
// CHECK: scf.for
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: tensor.from_elements
// CHECK-NEXT: ml.cast
func.func @nested(%x: tensor<4xf32>, %w: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.while (%v = %x) : (tensor<4xf32>) -> tensor<4xf32> {
    %limit = ml.neg %w : tensor<4xf32>
    %d = ml.sub %v, %limit : tensor<4xf32>
    %s = ml.reduce sum %d axes = [0] : tensor<4xf32> -> tensor<f32>
    %z = ml.constant dense<100.0> : tensor<f32>
    %c = ml.compare lt, %s, %z : tensor<f32>
    %b = tensor.extract %c[] : tensor<i1>
    scf.condition(%b) %v : tensor<4xf32>
  } do {
  ^bb0(%v: tensor<4xf32>):
    %u = scf.for %i = %c0 to %n step %c1 iter_args(%a = %v) -> (tensor<4xf32>) {
      %i64 = arith.index_cast %i : index to i64
      %it = tensor.from_elements %i64 : tensor<i64>
      %f = ml.cast %it : tensor<i64> to tensor<f32>
      %e = ml.exp %w : tensor<4xf32>
      %p = ml.add %a, %e : tensor<4xf32>
      scf.yield %p : tensor<4xf32>
    }
    scf.yield %u : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
