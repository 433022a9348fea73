// Traced loops and branches through the CPU pipeline: carries updated in
// place once bufferized (nothing allocated or copied per iteration for
// them), invariant code hoisted, constant conditions folded, and the right
// answers when run.
// RUN: ml-opt %s --ml-cpu-to-linalg --ml-cpu-bufferize | FileCheck %s
// RUN: ml-opt %s --ml-cpu-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: ml-opt %s --ml-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:       -shared-libs=%mljit_runtime \
// RUN:   | FileCheck %s --check-prefix=OUT

// while x.sum() < limit: x = x * 2 + 1. The argument is copied once into
// the carry's buffer, which the body then updates in place.
// CHECK-LABEL: func.func @doubling(
// CHECK-SAME: %[[X:[^:]*]]: memref<4xf32>, %{{[^:]*}}: memref<f32>, %[[RES:[^:]*]]: memref<4xf32>)
// CHECK: %[[CARRY:.*]] = memref.alloca() {{.*}} : memref<4xf32>
// CHECK-NEXT: memref.copy %[[X]], %[[CARRY]]
// CHECK-NEXT: scf.while
// CHECK-NOT: memref.copy
// CHECK: } do {
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: linalg.generic {{.*}} ins(%[[CARRY]] : memref<4xf32>) outs(%[[CARRY]] : memref<4xf32>)
// CHECK-NOT: memref.copy
// CHECK: memref.copy %[[CARRY]], %[[RES]]
// CHECK-NEXT: return
func.func @doubling(%x: tensor<4xf32> {bufferization.writable = false}, %limit: tensor<f32> {bufferization.writable = false}) -> tensor<4xf32> {
  %r = scf.while (%v = %x) : (tensor<4xf32>) -> tensor<4xf32> {
    %s = ml.reduce sum %v axes = [0] : tensor<4xf32> -> tensor<f32>
    %c = ml.compare lt, %s, %limit : tensor<f32>
    %b = tensor.extract %c[] : tensor<i1>
    scf.condition(%b) %v : tensor<4xf32>
  } do {
  ^bb0(%v: tensor<4xf32>):
    %two = ml.constant dense<2.0> : tensor<4xf32>
    %one = ml.constant dense<1.0> : tensor<4xf32>
    %d = ml.mul %v, %two : tensor<4xf32>
    %e = ml.add %d, %one : tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// An RNN over the rows of xs, h = tanh(h @ w + xs[i]), with the sum of each
// h stacked: the product reads h before the new h is written into it, and
// each sum is written into its row of the stacked result.
// CHECK-LABEL: func.func @rnn(
// CHECK: %[[H:.*]] = memref.alloca() {{.*}} : memref<4xf32>
// CHECK: %[[YS:.*]] = memref.alloca() {{.*}} : memref<3xf32>
// CHECK: scf.for
// CHECK-NOT: memref.copy
// CHECK: outs(%[[H]] : memref<4xf32>)
// CHECK-NOT: memref.copy
// CHECK: %[[Y:.*]] = memref.subview %[[YS]]
// CHECK-NEXT: memref.copy %{{.*}}, %[[Y]] : memref<f32> to
// CHECK-NOT: memref.copy
// CHECK: memref.copy %[[H]], %{{.*}} : memref<4xf32> to memref<4xf32>
// CHECK-NEXT: memref.copy %[[YS]], %{{.*}} : memref<3xf32> to memref<3xf32>
// CHECK-NEXT: return
func.func @rnn(%h0: tensor<4xf32> {bufferization.writable = false}, %xs: tensor<3x4xf32> {bufferization.writable = false}, %w: tensor<4x4xf32> {bufferization.writable = false}) -> (tensor<4xf32>, tensor<3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %zeros = ml.constant dense<0.0> : tensor<3xf32>
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%h = %h0, %ys = %zeros) -> (tensor<4xf32>, tensor<3xf32>) {
    %x = ml.dynamic_slice %xs [%i, %c0] : tensor<3x4xf32> -> tensor<1x4xf32>
    %row = ml.reshape %h : tensor<4xf32> to tensor<1x4xf32>
    %p = ml.matmul %row, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    %q = ml.add %p, %x : tensor<1x4xf32>
    %t = ml.tanh %q : tensor<1x4xf32>
    %n = ml.reshape %t : tensor<1x4xf32> to tensor<4xf32>
    %s = ml.reduce sum %n axes = [0] : tensor<4xf32> -> tensor<f32>
    %s1 = ml.reshape %s : tensor<f32> to tensor<1xf32>
    %y = ml.dynamic_update_slice %s1 into %ys [%i] : tensor<1xf32> into tensor<3xf32>
    scf.yield %n, %y : tensor<4xf32>, tensor<3xf32>
  }
  return %r#0, %r#1 : tensor<4xf32>, tensor<3xf32>
}

// A branch on a traced boolean, each side computing its own result.
func.func @branch(%x: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32> {
  %s = ml.reduce sum %x axes = [0] : tensor<4xf32> -> tensor<f32>
  %zero = ml.constant dense<0.0> : tensor<f32>
  %c = ml.compare gt, %s, %zero : tensor<f32>
  %b = tensor.extract %c[] : tensor<i1>
  %r = scf.if %b -> (tensor<4xf32>) {
    %e = ml.neg %x : tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  } else {
    %e = ml.abs %x : tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// What the body computes from values defined outside the loop (exp(w))
// is computed once, before it.
// LINALG-LABEL: func.func @invariant(
// LINALG: math.exp
// LINALG: scf.for
// LINALG-NOT: math.exp
// LINALG: scf.yield
func.func @invariant(%x: tensor<4xf32> {bufferization.writable = false}, %w: tensor<4xf32> {bufferization.writable = false}, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<4xf32>) {
    %e = ml.exp %w : tensor<4xf32>
    %s = ml.add %v, %e : tensor<4xf32>
    scf.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// A condition known when compiling folds away, with the branch not taken.
// LINALG-LABEL: func.func @constant_condition(
// LINALG-NOT: scf.if
// LINALG-NOT: math.exp
// LINALG: math.absf
// LINALG: return
func.func @constant_condition(%x: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32> {
  %t = ml.constant dense<false> : tensor<i1>
  %b = tensor.extract %t[] : tensor<i1>
  %r = scf.if %b -> (tensor<4xf32>) {
    %e = ml.exp %x : tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  } else {
    %a = ml.abs %x : tensor<4xf32>
    scf.yield %a : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = ml.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %limit = ml.constant dense<100.0> : tensor<f32>
  %d = func.call @doubling(%x, %limit) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %du = tensor.cast %d : tensor<4xf32> to tensor<*xf32>
  // Sums 10, 24, 52, 108: three doublings.
  // OUT: [15, 23, 31, 39]
  call @printMemrefF32(%du) : (tensor<*xf32>) -> ()
  // With w = 0, h = tanh(xs[i]).
  %h0 = ml.constant dense<0.0> : tensor<4xf32>
  %xs = ml.constant dense<[[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [-1.0, 0.0, 0.0, 0.0]]> : tensor<3x4xf32>
  %w = ml.constant dense<0.0> : tensor<4x4xf32>
  %r:2 = func.call @rnn(%h0, %xs, %w) : (tensor<4xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> (tensor<4xf32>, tensor<3xf32>)
  %hu = tensor.cast %r#0 : tensor<4xf32> to tensor<*xf32>
  // OUT: [-0.76159{{[0-9]*}}, 0, 0, 0]
  call @printMemrefF32(%hu) : (tensor<*xf32>) -> ()
  %yu = tensor.cast %r#1 : tensor<3xf32> to tensor<*xf32>
  // OUT: [0, 1.5231{{[0-9]*}}, -0.76159{{[0-9]*}}]
  call @printMemrefF32(%yu) : (tensor<*xf32>) -> ()
  %neg = ml.constant dense<[-1.0, -2.0, 0.5, 1.0]> : tensor<4xf32>
  %b1 = func.call @branch(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %b1u = tensor.cast %b1 : tensor<4xf32> to tensor<*xf32>
  // OUT: [-1, -2, -3, -4]
  call @printMemrefF32(%b1u) : (tensor<*xf32>) -> ()
  %b2 = func.call @branch(%neg) : (tensor<4xf32>) -> tensor<4xf32>
  %b2u = tensor.cast %b2 : tensor<4xf32> to tensor<*xf32>
  // OUT: [1, 2, 0.5, 1]
  call @printMemrefF32(%b2u) : (tensor<*xf32>) -> ()
  return
}
