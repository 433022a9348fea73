// A function of dynamic size through the CPU pipeline: the result is
// computed in the caller's buffer (no copy), a row per tile over a number of
// rows read at run time, down to the LLVM dialect.
// RUN: ml-opt %s --ml-cpu-to-linalg --ml-cpu-bufferize | FileCheck %s
// RUN: ml-opt %s --ml-cpu-pipeline | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @scaled_tanh
// CHECK-SAME: (%[[X:.*]]: memref<?x1024xf32>, %[[OUT:.*]]: memref<?x1024xf32>)
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c0
// CHECK: scf.forall (%[[I:.*]]) in (%[[N]])
// CHECK: memref.subview %[[OUT]][%[[I]], 0] [1, 1024] [1, 1]
// CHECK: math.tanh
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.alloc
// LLVM: llvm.func @scaled_tanh
// LLVM: omp.parallel
func.func @scaled_tanh(%x: tensor<?x1024xf32>) -> tensor<?x1024xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x1024xf32>
  %half = ml.constant dense<0.5> : tensor<f32>
  %h = ml.broadcast %half [%n] : tensor<f32> to tensor<?x1024xf32>
  %t = ml.tanh %x : tensor<?x1024xf32>
  %r = ml.mul %t, %h : tensor<?x1024xf32>
  return %r : tensor<?x1024xf32>
}
