// Writes into arrays (ml.update_slice, ml.scatter) happen in place once
// bufferized: a chain of writes into a temporary copies no whole array, and
// a write into a read-only argument copies it once, into the result.
// RUN: ml-opt %s --ml-cpu-to-linalg --ml-cpu-bufferize | FileCheck %s
// RUN: ml-opt %s --ml-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:       -shared-libs=%mljit_runtime \
// RUN:   | FileCheck %s --check-prefix=OUT

// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[RES:[^:]*]]: memref<64x64xf32>) {
// CHECK: %[[T:.*]] = memref.alloc
// CHECK-NOT: memref.alloc
// CHECK: memref.subview %[[T]][0, 0] [1, 64] [1, 1]
// CHECK-NOT: memref.alloc
// CHECK: memref.subview %[[T]][2, 0] [1, 64] [1, 1]
// CHECK-NOT: memref.alloc
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[T]]
// CHECK: memref.copy %[[T]], %[[RES]]
// CHECK-NOT: memref.copy
// CHECK: return
func.func @chain(%x: tensor<64x64xf32>, %r: tensor<1x64xf32>, %i: tensor<2xi64>, %u: tensor<2x64xf32>) -> tensor<64x64xf32> {
  %e = ml.exp %x : tensor<64x64xf32>
  %0 = ml.update_slice %r into %e [0:1:1, 0:64:1] : tensor<1x64xf32> into tensor<64x64xf32>
  %1 = ml.update_slice %r into %0 [2:3:1, 0:64:1] : tensor<1x64xf32> into tensor<64x64xf32>
  %2 = ml.scatter %u into %1 [%i] axis = 0 : (tensor<64x64xf32>, tensor<2xi64>, tensor<2x64xf32>)
  return %2 : tensor<64x64xf32>
}

// CHECK-LABEL: func.func @readonly_argument(
// CHECK-SAME: %[[X:[^:]*]]: memref<4x4xf32>, %{{[^:]*}}: memref<1x4xf32>, %[[RES:[^:]*]]: memref<4x4xf32>) {
// CHECK-NEXT: memref.collapse_shape
// CHECK-NEXT: memref.copy %[[X]], %[[RES]]
// CHECK-NEXT: memref.subview %[[RES]][1, 0]
// CHECK-NEXT: memref.copy
// CHECK-NEXT: return
func.func @readonly_argument(%x: tensor<4x4xf32> {bufferization.writable = false}, %r: tensor<1x4xf32>) -> tensor<4x4xf32> {
  %0 = ml.update_slice %r into %x [1:2:1, 0:4:1] : tensor<1x4xf32> into tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// x[1:3] = 7 with strides, x[[3, -4, 9, 3]] = [1, 2, 3, 4] (9 is out of
// range: nothing written; the last 3 wins), and np.add.at(x, [0, 0], 5).
func.func @writes(%x: tensor<4xf32>) -> tensor<4xf32> {
  %seven = ml.constant dense<7.0> : tensor<2xf32>
  %0 = ml.update_slice %seven into %x [0:4:2] : tensor<2xf32> into tensor<4xf32>
  %i = ml.constant dense<[3, -4, 9, 3]> : tensor<4xi64>
  %u = ml.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %1 = ml.scatter %u into %0 [%i] axis = 0 : (tensor<4xf32>, tensor<4xi64>, tensor<4xf32>)
  %j = ml.constant dense<[0, 0]> : tensor<2xi64>
  %five = ml.constant dense<5.0> : tensor<2xf32>
  %2 = ml.scatter %five into %1 [%j] axis = 0 accumulate : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>)
  return %2 : tensor<4xf32>
}

// A KV-cache step: the row at a run-time position is written into the
// argument in place (one row copied, no whole-cache copy before the write),
// then the rows up to it are read through a view.
// CHECK-LABEL: func.func @kv_step(
// CHECK-SAME: %[[CACHE:[^:]*]]: memref<8x4xf32>, %[[K:[^:]*]]: memref<1x4xf32>
// CHECK-NOT: memref.alloc
// CHECK: %[[ROW:.*]] = memref.subview %[[CACHE]][%{{.*}}, 0] [1, 4] [1, 1]
// CHECK-NEXT: memref.copy %{{.*}}, %[[ROW]]
// CHECK: %[[PAST:.*]] = memref.subview %[[CACHE]][%{{.*}}, 0] [%{{.*}}, 4] [1, 1]
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} ins(%[[PAST]]
func.func @kv_step(%cache: tensor<8x4xf32>, %k: tensor<1x4xf32>, %p: tensor<i64>) -> (tensor<8x4xf32>, tensor<4xf32>) {
  %i = tensor.extract %p[] : tensor<i64>
  %pos = arith.index_cast %i : i64 to index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.addi %pos, %c1 : index
  %0 = ml.dynamic_update_slice %k into %cache [%pos, %c0] : tensor<1x4xf32> into tensor<8x4xf32>
  %past = ml.dynamic_slice %0 [%c0, %c0] [%n] : tensor<8x4xf32> -> tensor<?x4xf32>
  %s = ml.reduce sum %past axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
  return %0, %s : tensor<8x4xf32>, tensor<4xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = ml.constant dense<[-1.0, -2.0, -3.0, -4.0]> : tensor<4xf32>
  %r = func.call @writes(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %ru = tensor.cast %r : tensor<4xf32> to tensor<*xf32>
  // OUT: [12, -2, 7, 4]
  call @printMemrefF32(%ru) : (tensor<*xf32>) -> ()
  // Rows 0 and 1 hold 1s; row 2 gets [1, 2, 3, 4]: the rows up to it sum
  // to [3, 4, 5, 6].
  %ones = ml.constant dense<1.0> : tensor<8x4xf32>
  %k = ml.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %two = ml.constant dense<2> : tensor<i64>
  %c:2 = func.call @kv_step(%ones, %k, %two) : (tensor<8x4xf32>, tensor<1x4xf32>, tensor<i64>) -> (tensor<8x4xf32>, tensor<4xf32>)
  %su = tensor.cast %c#1 : tensor<4xf32> to tensor<*xf32>
  // OUT: [3, 4, 5, 6]
  call @printMemrefF32(%su) : (tensor<*xf32>) -> ()
  return
}
