// ml-distinct-results: a tensor returned twice gets a copy for its second
// position, so that each result bufferizes into a buffer of its own.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-distinct-results))' -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[E:.*]] = math.exp %[[X]]
// CHECK: %[[COPY:.*]] = bufferization.alloc_tensor() copy(%[[E]]) : tensor<4xf32>
// CHECK: %[[COPY2:.*]] = bufferization.alloc_tensor() copy(%[[E]]) : tensor<4xf32>
// CHECK: return %[[E]], %[[COPY]], %[[X]], %[[COPY2]]
func.func @twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = math.exp %x : tensor<4xf32>
  return %e, %e, %x, %e : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Distinct results and non-tensors are left alone.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: alloc_tensor
// CHECK: return %arg0, %arg1, %{{.*}}, %{{.*}} :
func.func @distinct(%x: tensor<4xf32>, %y: tensor<4xf32>, %i: index) -> (tensor<4xf32>, tensor<4xf32>, index, index) {
  return %x, %y, %i, %i : tensor<4xf32>, tensor<4xf32>, index, index
}

// -----

// A tensor of dynamic size returned twice: the copy has its type.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[E:.*]] = math.exp %arg0 : tensor<?x4xf32>
// CHECK: %[[COPY:.*]] = bufferization.alloc_tensor() copy(%[[E]]) : tensor<?x4xf32>
// CHECK: return %[[E]], %[[COPY]]
func.func @dynamic(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %e = math.exp %x : tensor<?x4xf32>
  return %e, %e : tensor<?x4xf32>, tensor<?x4xf32>
}
