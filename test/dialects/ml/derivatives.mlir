// The JVP rules of ml ops (MLDerivatives.cpp), as ml-jvp builds them: each
// op followed by its tangent, linear in the tangents.
// RUN: ml-opt %s -ml-jvp -split-input-file | FileCheck %s

// d(xy) = dx y + x dy; d(x/y) = dx/y + (-(x/y) dy)/y.
// CHECK-LABEL: func.func @products_jvp
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[DX:.*]]: tensor<4xf32>, %[[DY:.*]]: tensor<4xf32>)
// CHECK: %[[P:.*]] = ml.mul %[[X]], %[[Y]]
// CHECK: %[[A:.*]] = ml.mul %[[DX]], %[[Y]]
// CHECK: %[[B:.*]] = ml.mul %[[DY]], %[[X]]
// CHECK: %[[DP:.*]] = ml.add %[[A]], %[[B]]
// CHECK: %[[Q:.*]] = ml.div %[[P]], %[[Y]]
// CHECK: ml.div %[[DP]], %[[Y]]
// CHECK: %[[NQ:.*]] = ml.neg %[[Q]]
// CHECK: ml.mul %[[DY]], %[[NQ]]
// CHECK: return %[[Q]], %{{.*}} : tensor<4xf32>, tensor<4xf32>
func.func @products(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %p = ml.mul %x, %y : tensor<4xf32>
  %q = ml.div %p, %y : tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

// Unary rules reuse the result: exp's slope is exp(x), tanh's 1 - tanh^2.
// CHECK-LABEL: func.func @unary_jvp
// CHECK: %[[E:.*]] = ml.exp %{{.*}}
// CHECK: %[[DE:.*]] = ml.mul %{{.*}}, %[[E]]
// CHECK: %[[T:.*]] = ml.tanh %[[E]]
// CHECK: %[[T2:.*]] = ml.mul %[[T]], %[[T]]
// CHECK: %[[ONE:.*]] = ml.constant dense<1.000000e+00>
// CHECK: %[[S:.*]] = ml.sub %[[ONE]], %[[T2]]
// CHECK: %[[DT:.*]] = ml.mul %[[DE]], %[[S]]
// CHECK: return %[[T]], %[[DT]]
func.func @unary(%x: tensor<4xf64>) -> tensor<4xf64> {
  %e = ml.exp %x : tensor<4xf64>
  %t = ml.tanh %e : tensor<4xf64>
  return %t : tensor<4xf64>
}

// -----

// Linear ops apply themselves to the tangent: broadcast, sum, matmul.
// CHECK-LABEL: func.func @linear_jvp
// CHECK-SAME: %[[DB:[^:]*]]: tensor<3xf32>, %[[DW:[^:]*]]: tensor<3x3xf32>)
// CHECK: ml.broadcast %[[DB]] : tensor<3xf32> to tensor<2x3xf32>
// CHECK: ml.matmul %{{.*}}, %[[DW]]
// CHECK: ml.reduce sum %{{.*}} axes = [0]
func.func @linear(%b: tensor<3xf32>, %w: tensor<3x3xf32>) -> tensor<3xf32> {
  %x = ml.broadcast %b : tensor<3xf32> to tensor<2x3xf32>
  %m = ml.matmul %x, %w : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %s = ml.reduce sum %m axes = [0] : tensor<2x3xf32> -> tensor<3xf32>
  return %s : tensor<3xf32>
}

// -----

// max: the tangent where the operand equals the maximum, over the count of
// such elements.
// CHECK-LABEL: func.func @maximum_jvp
// CHECK: %[[M:.*]] = ml.reduce max %[[X:[^ ]*]] axes = [1]
// CHECK: %[[K:.*]] = ml.reshape %[[M]] : tensor<2xf32> to tensor<2x1xf32>
// CHECK: %[[B:.*]] = ml.broadcast %[[K]] : tensor<2x1xf32> to tensor<2x5xf32>
// CHECK: %[[EQ:.*]] = ml.compare eq, %[[X]], %[[B]]
// CHECK: %[[ONES:.*]] = ml.select %[[EQ]]
// CHECK: %[[COUNT:.*]] = ml.reduce sum %[[ONES]]
// CHECK: %[[PICKED:.*]] = ml.mul %{{.*}}, %[[ONES]]
// CHECK: %[[SUM:.*]] = ml.reduce sum %[[PICKED]]
// CHECK: ml.div %[[SUM]], %[[COUNT]]
func.func @maximum(%x: tensor<2x5xf32>) -> tensor<2xf32> {
  %m = ml.reduce max %x axes = [1] : tensor<2x5xf32> -> tensor<2xf32>
  return %m : tensor<2xf32>
}

// -----

// No tangent reaches integers or comparisons; a float result with none is
// returned as zeros, and `where` selects between tangents (zeros for y).
// CHECK-LABEL: func.func @discrete_jvp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[N:[^:]*]]: tensor<4xi32>, %[[DX:[^:]*]]: tensor<4xf32>)
// CHECK-SAME: -> (tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[C:.*]] = ml.compare gt
// CHECK: %[[Z:.*]] = ml.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK: %[[DS:.*]] = ml.select %[[C]], %[[DX]], %[[Z]]
// CHECK-NOT: ml.cast %[[DX]]
// CHECK: %[[ZF:.*]] = ml.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %[[DS]], %[[ZF]]
func.func @discrete(%x: tensor<4xf32>, %n: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xf32>) {
  %y = ml.cast %n : tensor<4xi32> to tensor<4xf32>
  %c = ml.compare gt, %x, %y : tensor<4xf32>
  %s = ml.select %c, %x, %y : tensor<4xi1>, tensor<4xf32>
  %i = ml.cast %x : tensor<4xf32> to tensor<4xi32>
  %f = ml.floor %x : tensor<4xf32>
  return %s, %i, %f : tensor<4xf32>, tensor<4xi32>, tensor<4xf32>
}

// -----

// Dynamic sizes: the zeros a rule needs take them from tensor.dim.
// CHECK-LABEL: func.func @dynamic_jvp
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: ml.broadcast %{{.*}} [%[[N]]] : tensor<f32> to tensor<?xf32>
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %s = ml.tanh %x : tensor<?xf32>
  return %s : tensor<?xf32>
}
