// ml-expand-derivatives: each ml.vjp becomes its body's ops, in place,
// then its primals' cotangents; what the body reads from outside is a
// constant of the derivative; nested ones go innermost first.
// RUN: ml-opt %s -ml-expand-derivatives -split-input-file | FileCheck %s
// ml-cpu-pipeline expands them first: a traced gradient compiles to LLVM.
// RUN: ml-opt %s --ml-cpu-pipeline -split-input-file | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @closure
// LLVM: llvm.func @second
// LLVM: llvm.func @forward

// d/dx sum(exp(x * y)) = y exp(x * y): y, read from outside, is fixed.
// CHECK-LABEL: func.func @closure
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[Y:[^:]*]]: tensor<4xf32>)
// CHECK-NOT: ml.vjp
// CHECK: %[[M:.*]] = ml.mul %[[X]], %[[Y]]
// CHECK: %[[E:.*]] = ml.exp %[[M]]
// CHECK: %[[S:.*]] = ml.reduce sum %[[E]]
// CHECK: %[[B:.*]] = ml.broadcast
// CHECK: %[[DE:.*]] = ml.mul %[[B]], %[[E]]
// CHECK: %[[DX:.*]] = ml.mul %[[DE]], %[[Y]]
// CHECK: return %[[S]], %[[DX]]
func.func @closure(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32>) {
  %one = ml.constant dense<1.0> : tensor<f32>
  %s, %dx = ml.vjp (%x : tensor<4xf32>) cotangents (%one : tensor<f32>)
      -> (tensor<f32>) gradients (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %m = ml.mul %v, %y : tensor<4xf32>
    %e = ml.exp %m : tensor<4xf32>
    %r = ml.reduce sum %e axes = [0] : tensor<4xf32> -> tensor<f32>
    ml.yield %r : tensor<f32>
  }
  return %s, %dx : tensor<f32>, tensor<4xf32>
}

// -----

// The second derivative of x^3: the inner ml.vjp (3x^2) is expanded inside
// the outer one, which then differentiates it (6x). Results after the
// differentiated ones (auxiliary data) are passed through.
// CHECK-LABEL: func.func @second
// CHECK-NOT: ml.vjp
// CHECK: return
func.func @second(%x: tensor<f64>) -> (tensor<f64>, tensor<f64>) {
  %one = ml.constant dense<1.0> : tensor<f64>
  %d, %aux, %dd = ml.vjp (%x : tensor<f64>) cotangents (%one : tensor<f64>)
      -> (tensor<f64>, tensor<f64>) gradients (tensor<f64>) {
  ^bb0(%v: tensor<f64>):
    %c = ml.mul %v, %v : tensor<f64>
    %cube, %slope = ml.vjp (%v : tensor<f64>) cotangents (%one : tensor<f64>)
        -> (tensor<f64>) gradients (tensor<f64>) {
    ^bb0(%w: tensor<f64>):
      %w2 = ml.mul %w, %w : tensor<f64>
      %w3 = ml.mul %w2, %w : tensor<f64>
      ml.yield %w3 : tensor<f64>
    }
    ml.yield %slope, %c : tensor<f64>, tensor<f64>
  }
  return %d, %dd : tensor<f64>, tensor<f64>
}

// -----

// ml.jvp: the body's ops, each followed by its tangent, from the given
// tangents; d(exp(x) * y) = exp(x) dx * y, with y read from outside fixed.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[DX:[^:]*]]: tensor<4xf32>, %[[Y:[^:]*]]: tensor<4xf32>)
// CHECK-NOT: ml.jvp
// CHECK: %[[E:.*]] = ml.exp %[[X]]
// CHECK: %[[DE:.*]] = ml.mul %[[DX]], %[[E]]
// CHECK: %[[M:.*]] = ml.mul %[[E]], %[[Y]]
// CHECK: %[[DM:.*]] = ml.mul %[[DE]], %[[Y]]
// CHECK: return %[[M]], %[[DM]]
func.func @forward(%x: tensor<4xf32>, %dx: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %m, %dm = ml.jvp (%x : tensor<4xf32>) tangents (%dx : tensor<4xf32>)
      -> (tensor<4xf32>) tangents (tensor<4xf32>) {
  ^bb0(%v: tensor<4xf32>):
    %e = ml.exp %v : tensor<4xf32>
    %p = ml.mul %e, %y : tensor<4xf32>
    ml.yield %p : tensor<4xf32>
  }
  return %m, %dm : tensor<4xf32>, tensor<4xf32>
}

// -----

// A tangent no op reaches is a zero of its result's type.
// CHECK-LABEL: func.func @constant_result
// CHECK-NOT: ml.jvp
// CHECK: %[[Z:.*]] = ml.constant dense<0.000000e+00> : tensor<2xf64>
// CHECK: return %{{.*}}, %[[Z]]
func.func @constant_result(%x: tensor<f64>, %dx: tensor<f64>, %c: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {
  %r, %dr = ml.jvp (%x : tensor<f64>) tangents (%dx : tensor<f64>)
      -> (tensor<2xf64>) tangents (tensor<2xf64>) {
  ^bb0(%v: tensor<f64>):
    ml.yield %c : tensor<2xf64>
  }
  return %r, %dr : tensor<2xf64>, tensor<2xf64>
}
