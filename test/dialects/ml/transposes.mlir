// The transpose rules of the linear ml ops (MLDerivatives.cpp), as ml-vjp
// runs the tangents of a function backwards from its results' cotangents.
// RUN: ml-opt %s -ml-vjp -split-input-file | FileCheck %s

// A broadcast's cotangent is summed over the dimensions it stretched (and
// reshaped back); a product's is multiplied by the other factor.
// CHECK-LABEL: func.func @bias_vjp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<3xf32>, %[[CT:[^:]*]]: tensor<2x3xf32>)
// CHECK-SAME: -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>)
// CHECK: %[[BB:.*]] = ml.broadcast %[[B]]
// CHECK-DAG: %[[DX:.*]] = ml.mul %[[CT]], %[[BB]]
// CHECK-DAG: %[[DBB:.*]] = ml.mul %[[CT]], %[[X]]
// CHECK: %[[S:.*]] = ml.reduce sum %[[DBB]] axes = [0] keepdims : tensor<2x3xf32> -> tensor<1x3xf32>
// CHECK: %[[DB:.*]] = ml.reshape %[[S]] : tensor<1x3xf32> to tensor<3xf32>
// CHECK: return %{{.*}}, %[[DX]], %[[DB]]
func.func @bias(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %bb = ml.broadcast %b : tensor<3xf32> to tensor<2x3xf32>
  %y = ml.mul %x, %bb : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// C = A B: dA = dC B^T, dB = A^T dC.
// CHECK-LABEL: func.func @product_vjp
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<3x4xf32>, %[[CT:[^:]*]]: tensor<2x4xf32>)
// CHECK-DAG: %[[BT:.*]] = ml.transpose %[[B]], [1, 0]
// CHECK-DAG: %[[DA:.*]] = ml.matmul %[[CT]], %[[BT]] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
// CHECK-DAG: %[[AT:.*]] = ml.transpose %[[A]], [1, 0]
// CHECK-DAG: %[[DB:.*]] = ml.matmul %[[AT]], %[[CT]] : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
// CHECK: return %{{.*}}, %[[DA]], %[[DB]]
func.func @product(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %c = ml.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

// -----

// A gather's cotangent is added back at its indices; a slice's goes into
// zeros at the slice (a backwards slice: the reversed cotangent through the
// ascending slice). The two are summed. (Later ops go back first.)
// CHECK-LABEL: func.func @views_vjp
// CHECK: %[[G:.*]] = ml.scatter %{{.*}} into %{{.*}}[%{{.*}}] axis = 0 accumulate
// CHECK: %[[REV:.*]] = ml.slice %{{.*}} [1:-1:-1] : tensor<2xf32> -> tensor<2xf32>
// CHECK: %[[Z:.*]] = ml.constant dense<0.000000e+00> : tensor<6xf32>
// CHECK: %[[S:.*]] = ml.update_slice %[[REV]] into %[[Z]] [1:4:2]
// CHECK: ml.add %[[G]], %[[S]]
func.func @views(%x: tensor<6xf32>, %ids: tensor<3xi64>) -> (tensor<2xf32>, tensor<3xf32>) {
  %s = ml.slice %x [3:0:-2] : tensor<6xf32> -> tensor<2xf32>
  %g = ml.gather %x, %ids axis = 0 : (tensor<6xf32>, tensor<3xi64>) -> tensor<3xf32>
  return %s, %g : tensor<2xf32>, tensor<3xf32>
}

// -----

// A concatenation's cotangent is sliced back into its inputs; a running
// sum's runs from the end.
// CHECK-LABEL: func.func @joined_vjp
// CHECK: %[[REV:.*]] = ml.slice %{{.*}} [4:-1:-1]
// CHECK: %[[SUMS:.*]] = ml.cumsum %[[REV]] axis = 0
// CHECK: %[[BACK:.*]] = ml.slice %[[SUMS]] [4:-1:-1]
// CHECK: ml.slice %[[BACK]] [0:2:1] : tensor<5xf32> -> tensor<2xf32>
// CHECK: ml.slice %[[BACK]] [2:5:1] : tensor<5xf32> -> tensor<3xf32>
func.func @joined(%x: tensor<2xf32>, %y: tensor<3xf32>) -> tensor<5xf32> {
  %j = ml.concatenate %x, %y dim = 0 : (tensor<2xf32>, tensor<3xf32>) -> tensor<5xf32>
  %c = ml.cumsum %j axis = 0 : tensor<5xf32>
  return %c : tensor<5xf32>
}

// -----

// `where` sends the cotangent to the branch chosen, zeros to the other; a
// value used twice gathers both cotangents.
// CHECK-LABEL: func.func @choice_vjp
// CHECK: %[[Z:.*]] = ml.constant dense<0.000000e+00>
// CHECK: %[[T:.*]] = ml.select %[[C:.*]], %[[CT:[^,]*]], %[[Z]]
// CHECK: %[[F:.*]] = ml.select %[[C]], %[[Z]], %[[CT]]
// CHECK: %[[N:.*]] = ml.neg %[[F]]
// CHECK: ml.add %[[T]], %[[N]]
func.func @choice(%x: tensor<4xf32>, %c: tensor<4xi1>) -> tensor<4xf32> {
  %n = ml.neg %x : tensor<4xf32>
  %s = ml.select %c, %x, %n : tensor<4xi1>, tensor<4xf32>
  return %s : tensor<4xf32>
}
