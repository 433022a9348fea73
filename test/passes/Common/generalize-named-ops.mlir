// ml-generalize-named-ops: named linalg ops become generics so that fusion
// can merge them, except contractions and the fills of their accumulators.
// RUN: ml-opt %s -ml-generalize-named-ops -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @named
// CHECK-NOT: linalg.broadcast
// CHECK-NOT: linalg.transpose
// CHECK-NOT: linalg.reduce
// Broadcast, transpose and reduction as generics.
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}}ins(%{{.*}} : tensor<16xf32>)
// CHECK: linalg.generic {{.*}}ins(%{{.*}} : tensor<32x16xf32>) outs(%{{.*}} : tensor<16x32xf32>)
// The fill of a reduction's accumulator is generalized too ...
// CHECK: %[[RF:.*]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<16xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}}outs(%[[RF]] : tensor<16xf32>)
// ... but a matmul and the fill of its accumulator keep their names.
// CHECK: %[[MF:.*]] = linalg.fill
// CHECK: linalg.matmul {{.*}}outs(%[[MF]] : tensor<16x16xf32>)
func.func @named(%v: tensor<16xf32>, %m: tensor<32x16xf32>, %a: tensor<16x32xf32>) -> (tensor<32x16xf32>, tensor<16x32xf32>, tensor<16xf32>, tensor<16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<32x16xf32>
  %b = linalg.broadcast ins(%v : tensor<16xf32>) outs(%e0 : tensor<32x16xf32>) dimensions = [0]
  %e1 = tensor.empty() : tensor<16x32xf32>
  %t = linalg.transpose ins(%m : tensor<32x16xf32>) outs(%e1 : tensor<16x32xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<16xf32>
  %rf = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %r = linalg.reduce ins(%a : tensor<16x32xf32>) outs(%rf : tensor<16xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  %e3 = tensor.empty() : tensor<16x16xf32>
  %mf = linalg.fill ins(%zero : f32) outs(%e3 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %p = linalg.matmul ins(%a, %m : tensor<16x32xf32>, tensor<32x16xf32>) outs(%mf : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %b, %t, %r, %p : tensor<32x16xf32>, tensor<16x32xf32>, tensor<16xf32>, tensor<16x16xf32>
}

// Dynamic sizes change nothing: a broadcast of ? rows is a generic, a
// product of ? rows keeps its name.
// CHECK-LABEL: func.func @dynamic
// CHECK: linalg.generic {{.*}}ins(%{{.*}} : tensor<16xf32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: linalg.matmul {{.*}}outs(%[[F]] : tensor<?x16xf32>)
func.func @dynamic(%v: tensor<16xf32>, %a: tensor<?x32xf32>, %m: tensor<32x16xf32>, %n: index) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty(%n) : tensor<?x16xf32>
  %b = linalg.broadcast ins(%v : tensor<16xf32>) outs(%e0 : tensor<?x16xf32>) dimensions = [0]
  %e1 = tensor.empty(%n) : tensor<?x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %p = linalg.matmul ins(%a, %m : tensor<?x32xf32>, tensor<32x16xf32>) outs(%f : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %b, %p : tensor<?x16xf32>, tensor<?x16xf32>
}
