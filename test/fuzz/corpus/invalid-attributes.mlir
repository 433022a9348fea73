// Attributes of the wrong kind: a float axis, an i32 array permutation, a
// string enum, a dense attribute where an array goes.
func.func @f(%a: tensor<2x3xf32>) {
  %0 = "ml.cumsum"(%a) <{axis = 1.0 : f32}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %1 = "ml.transpose"(%a) <{permutation = array<i32: 1, 0>}> : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %2 = "ml.reduce"(%a) <{kind = "sum", axes = array<i64: 0>}> : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %3 = "ml.slice"(%a) <{start = dense<0> : tensor<2xi64>, limit = array<i64: 2, 3>, stride = array<i64: 1, 1>}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %4 = "ml.argmax"(%a) <{axis = 0 : i64, keepdims = 1 : i64}> : (tensor<2x3xf32>) -> tensor<3xi64>
  return
}
