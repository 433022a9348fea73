// Update ops become tensor writes: ml.update_slice a tensor.insert_slice,
// ml.scatter a loop nest of guarded tensor.insert ops.
// RUN: ml-opt %s -convert-ml-to-linalg -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @update_slice(
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32>, %[[V:.*]]: tensor<1x2xf32>
// CHECK: tensor.insert_slice %[[V]] into %[[X]][1, 0] [1, 2] [1, 2] : tensor<1x2xf32> into tensor<3x4xf32>
func.func @update_slice(%x: tensor<3x4xf32>, %v: tensor<1x2xf32>) -> tensor<3x4xf32> {
  %0 = ml.update_slice %v into %x [1:2:1, 0:4:2] : tensor<1x2xf32> into tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// One loop per dimension of the updates, carrying the result; negative
// indices wrap, out-of-range ones skip the write.
// CHECK-LABEL: func.func @scatter(
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<2xi64>, %[[U:.*]]: tensor<3x2xf32>
// CHECK: scf.for %[[R:.*]] = {{.*}} iter_args(%[[A:.*]] = %[[X]])
// CHECK: scf.for %[[K:.*]] = {{.*}} iter_args(%[[B:.*]] = %[[A]])
// CHECK: %[[AT:.*]] = tensor.extract %[[I]][%[[K]]]
// CHECK: arith.index_cast %[[AT]]
// CHECK: scf.if
// CHECK: %[[E:.*]] = tensor.extract %[[U]][%[[R]], %[[K]]]
// CHECK: tensor.insert %[[E]] into %[[B]][%[[R]], %{{.*}}]
// CHECK: } else {
// CHECK: scf.yield %[[B]]
func.func @scatter(%x: tensor<3x4xf32>, %i: tensor<2xi64>, %u: tensor<3x2xf32>) -> tensor<3x4xf32> {
  %0 = ml.scatter %u into %x [%i] axis = 1 : (tensor<3x4xf32>, tensor<2xi64>, tensor<3x2xf32>)
  return %0 : tensor<3x4xf32>
}

// With accumulate, the old element is read and added (or, for booleans,
// or-ed: they are stored as bytes).
// CHECK-LABEL: func.func @scatter_accumulate(
// CHECK-SAME: %[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<i64>, %[[U:.*]]: tensor<f32>
// CHECK: scf.if
// CHECK: %[[NEW:.*]] = tensor.extract %[[U]][]
// CHECK: %[[OLD:.*]] = tensor.extract %[[X]][%[[AT:.*]]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]], %[[NEW]]
// CHECK: tensor.insert %[[SUM]] into %[[X]][%[[AT]]]
// CHECK-LABEL: func.func @scatter_accumulate_bool(
// CHECK: arith.ori
func.func @scatter_accumulate(%x: tensor<4xf32>, %i: tensor<i64>, %u: tensor<f32>) -> tensor<4xf32> {
  %0 = ml.scatter %u into %x [%i] axis = 0 accumulate : (tensor<4xf32>, tensor<i64>, tensor<f32>)
  return %0 : tensor<4xf32>
}
func.func @scatter_accumulate_bool(%x: tensor<4xi1>, %i: tensor<2xi64>, %u: tensor<2xi1>) -> tensor<4xi1> {
  %0 = ml.scatter %u into %x [%i] axis = 0 accumulate : (tensor<4xi1>, tensor<2xi64>, tensor<2xi1>)
  return %0 : tensor<4xi1>
}

// Slices at run-time positions are tensor slices at the positions clamped
// into [0, size - slice size]; a dynamic slice size comes from the op.
// CHECK-LABEL: func.func @dynamic_slices(
// CHECK-SAME: %[[CACHE:[^:]*]]: tensor<128x64xf32>, %[[K:[^:]*]]: tensor<1x64xf32>, %[[POS:[^:]*]]: index, %[[N:[^:]*]]: index)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C127:.*]] = arith.constant 127 : index
// CHECK: %[[LOW:.*]] = arith.maxsi %[[POS]], %[[C0]] : index
// CHECK: %[[AT:.*]] = arith.minsi %[[LOW]], %[[C127]] : index
// CHECK: tensor.extract_slice %[[CACHE]][%[[AT]], 0] [1, 64] [1, 1] : tensor<128x64xf32> to tensor<1x64xf32>
// CHECK: tensor.extract_slice %[[CACHE]][%{{.*}}, 0] [%[[N]], 64] [1, 1] : tensor<128x64xf32> to tensor<?x64xf32>
// CHECK: %[[LOW2:.*]] = arith.maxsi %[[POS]], %[[C0]] : index
// CHECK: %[[AT2:.*]] = arith.minsi %[[LOW2]], %[[C127]] : index
// CHECK: tensor.insert_slice %[[K]] into %[[CACHE]][%[[AT2]], 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
func.func @dynamic_slices(%cache: tensor<128x64xf32>, %k: tensor<1x64xf32>, %pos: index, %n: index)
    -> (tensor<1x64xf32>, tensor<?x64xf32>, tensor<128x64xf32>) {
  %c0 = arith.constant 0 : index
  %0 = ml.dynamic_slice %cache [%pos, %c0] : tensor<128x64xf32> -> tensor<1x64xf32>
  %1 = ml.dynamic_slice %cache [%c0, %c0] [%n] : tensor<128x64xf32> -> tensor<?x64xf32>
  %2 = ml.dynamic_update_slice %k into %cache [%pos, %c0] : tensor<1x64xf32> into tensor<128x64xf32>
  return %0, %1, %2 : tensor<1x64xf32>, tensor<?x64xf32>, tensor<128x64xf32>
}
