// Ops of unregistered dialects have no Dialect object: the conversion leaves
// them alone (it used to assert looking for one).
// RUN: ml-opt %s -allow-unregistered-dialect -convert-ml-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @unregistered
// CHECK: "foo.bar"
// CHECK: linalg.generic
func.func @unregistered(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "foo.bar"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = ml.exp %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
