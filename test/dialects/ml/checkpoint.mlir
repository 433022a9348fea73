// ml.checkpoint (a body whose values reverse mode recomputes) and
// ml.optimization_barrier (its operands, seen through by no optimization):
// they round-trip, and canonicalization and CSE leave them alone.
// RUN: ml-opt %s | ml-opt | FileCheck %s
// RUN: ml-opt %s -canonicalize -cse | FileCheck %s --check-prefix=OPT

// CHECK-LABEL: func.func @checkpoint
// CHECK: %[[R:.*]]:2 = ml.checkpoint -> (tensor<4xf32>, tensor<4xi1>) {
// CHECK:   ml.yield %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xi1>
// CHECK: } {prevent_cse = false}
func.func @checkpoint(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>) {
  %r:2 = ml.checkpoint -> (tensor<4xf32>, tensor<4xi1>) {
    %e = ml.exp %x : tensor<4xf32>
    %p = ml.compare gt, %e, %x : tensor<4xf32>
    ml.yield %e, %p : tensor<4xf32>, tensor<4xi1>
  } {prevent_cse = false}
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xi1>
}

// Two barriers on the same values stay two, and so do the ops reading
// them: the recomputation is not merged with the computation.
// CHECK-LABEL: func.func @barrier
// CHECK: ml.optimization_barrier %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<2xi32>
// OPT-LABEL: func.func @barrier
// OPT: %[[E:.*]] = ml.exp %[[X:[^ ]*]]
// OPT: %[[B:.*]]:2 = ml.optimization_barrier %[[X]], %{{.*}} : tensor<4xf32>, tensor<2xi32>
// OPT: %[[C:.*]]:2 = ml.optimization_barrier %[[X]], %{{.*}} : tensor<4xf32>, tensor<2xi32>
// OPT: ml.exp %[[B]]#0
// OPT: ml.exp %[[C]]#0
func.func @barrier(%x: tensor<4xf32>, %n: tensor<2xi32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = ml.exp %x : tensor<4xf32>
  %b:2 = ml.optimization_barrier %x, %n : tensor<4xf32>, tensor<2xi32>
  %c:2 = ml.optimization_barrier %x, %n : tensor<4xf32>, tensor<2xi32>
  %f = ml.exp %b#0 : tensor<4xf32>
  %g = ml.exp %c#0 : tensor<4xf32>
  return %e, %f, %g : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
