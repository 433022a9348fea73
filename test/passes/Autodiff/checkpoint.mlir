// Derivatives through ml.checkpoint: forward mode as through a branch,
// reverse mode recomputing the body's values behind an
// ml.optimization_barrier; with no derivative left, the body takes the
// op's place.
// RUN: ml-opt %s -ml-expand-derivatives -split-input-file | FileCheck %s
// RUN: ml-opt %s -ml-expand-derivatives -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=CSE
// The barrier lasts until bufferization, where it is the buffers it reads.
// RUN: ml-opt %s --ml-cpu-to-linalg -split-input-file | FileCheck %s --check-prefix=LINALG
// RUN: ml-opt %s --ml-cpu-pipeline -split-input-file | FileCheck %s --check-prefix=LLVM
// LINALG-LABEL: func.func @layer
// LINALG: ml.optimization_barrier {{.*}} : tensor<4x8xf32>, tensor<8x8xf32>
// LLVM-NOT: ml.optimization_barrier
// LLVM: llvm.func @layer
// LLVM: llvm.func @loop
// LLVM: llvm.func @forward

// d/dw sum(tanh(x @ w)): the transpose of the checkpoint recomputes x @ w
// from x and w behind a barrier, and CSE cannot merge it with the forward
// product, which the backward pass no longer reads.
// CHECK-LABEL: func.func @layer
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4x8xf32>, %[[W:[^:]*]]: tensor<8x8xf32>)
// CHECK-NOT: ml.checkpoint
// CHECK: %[[M:.*]] = ml.matmul %[[X]], %[[W]]
// CHECK: %[[T:.*]] = ml.tanh %[[M]]
// CHECK: ml.reduce sum %[[T]]
// CHECK: %[[B:.*]]:2 = ml.optimization_barrier %[[X]], %[[W]]
// CHECK: %[[M2:.*]] = ml.matmul %[[B]]#0, %[[B]]#1
// CHECK: ml.tanh %[[M2]]
// CHECK: %[[XT:.*]] = ml.transpose %[[B]]#0
// CHECK: ml.matmul %[[XT]]
// CSE-LABEL: func.func @layer
// CSE: ml.matmul %arg0, %arg1
// CSE: %[[B:.*]]:2 = ml.optimization_barrier %arg0, %arg1
// CSE: ml.matmul %[[B]]#0, %[[B]]#1
func.func @layer(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> (tensor<f32>, tensor<8x8xf32>) {
  %one = ml.constant dense<1.0> : tensor<f32>
  %s, %dw = ml.vjp (%w : tensor<8x8xf32>) cotangents (%one : tensor<f32>)
      -> (tensor<f32>) gradients (tensor<8x8xf32>) {
  ^bb0(%v: tensor<8x8xf32>):
    %y = ml.checkpoint -> (tensor<4x8xf32>) {
      %m = ml.matmul %x, %v : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
      %t = ml.tanh %m : tensor<4x8xf32>
      ml.yield %t : tensor<4x8xf32>
    }
    %r = ml.reduce sum %y axes = [0, 1] : tensor<4x8xf32> -> tensor<f32>
    ml.yield %r : tensor<f32>
  }
  return %s, %dw : tensor<f32>, tensor<8x8xf32>
}

// -----

// prevent_cse = false: no barrier, so CSE merges the recomputation back
// (what jax.checkpoint allows in a loop body, which is recomputed anyway).
// CHECK-LABEL: func.func @merged
// CHECK-NOT: ml.optimization_barrier
// CSE-LABEL: func.func @merged
// CSE: ml.exp
// CSE-NOT: ml.exp
// CSE: return
func.func @merged(%x: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32>) {
  %one = ml.constant dense<1.0> : tensor<f32>
  %s, %dx = ml.vjp (%x : tensor<4xf32>) cotangents (%one : tensor<f32>)
      -> (tensor<f32>) gradients (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %y = ml.checkpoint -> (tensor<4xf32>) {
      %e = ml.exp %v : tensor<4xf32>
      %m = ml.mul %e, %e : tensor<4xf32>
      ml.yield %m : tensor<4xf32>
    } {prevent_cse = false}
    %r = ml.reduce sum %y axes = [0] : tensor<4xf32> -> tensor<f32>
    ml.yield %r : tensor<f32>
  }
  return %s, %dx : tensor<f32>, tensor<4xf32>
}

// -----

// Forward mode: the tangents follow the body's ops, as through a branch.
// CHECK-LABEL: func.func @tangent
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[DX:[^:]*]]: tensor<4xf32>)
// CHECK-NOT: ml.checkpoint
// CHECK: %[[E:.*]] = ml.exp %[[X]]
// CHECK: %[[DE:.*]] = ml.mul %[[DX]], %[[E]]
// CHECK: return %[[E]], %[[DE]]
func.func @tangent(%x: tensor<4xf32>, %dx: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y, %dy = ml.jvp (%x : tensor<4xf32>) tangents (%dx : tensor<4xf32>)
      -> (tensor<4xf32>) tangents (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %e = ml.checkpoint -> (tensor<4xf32>) {
      %f = ml.exp %v : tensor<4xf32>
      ml.yield %f : tensor<4xf32>
    }
    ml.yield %e : tensor<4xf32>
  }
  return %y, %dy : tensor<4xf32>, tensor<4xf32>
}

// -----

// A checkpoint in a loop body: the loop's transpose recomputes the body,
// the checkpoint's transpose its values once more; the gradient of
// sum(sin^3(x)) flows through both.
// CHECK-LABEL: func.func @loop
// CHECK-NOT: ml.checkpoint
// CHECK: scf.for
// CHECK: ml.sin
// CHECK: scf.for
// CHECK: ml.optimization_barrier
// CHECK: ml.cos
func.func @loop(%x: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32>) {
  %one = ml.constant dense<1.0> : tensor<f32>
  %s, %dx = ml.vjp (%x : tensor<4xf32>) cotangents (%one : tensor<f32>)
      -> (tensor<f32>) gradients (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %c1 = arith.constant 1 : index
    %y = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %v) -> (tensor<4xf32>) {
      %b = ml.checkpoint -> (tensor<4xf32>) {
        %c = ml.sin %a : tensor<4xf32>
        ml.yield %c : tensor<4xf32>
      }
      scf.yield %b : tensor<4xf32>
    }
    %r = ml.reduce sum %y axes = [0] : tensor<4xf32> -> tensor<f32>
    ml.yield %r : tensor<f32>
  }
  return %s, %dx : tensor<f32>, tensor<4xf32>
}

// -----

// No derivative: the body, as it is.
// CHECK-LABEL: func.func @forward
// CHECK-NOT: ml.checkpoint
// CHECK-NOT: ml.optimization_barrier
// CHECK: %[[E:.*]] = ml.exp
// CHECK: return %[[E]]
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = ml.checkpoint -> (tensor<4xf32>) {
    %e = ml.exp %x : tensor<4xf32>
    ml.yield %e : tensor<4xf32>
  }
  return %y : tensor<4xf32>
}
