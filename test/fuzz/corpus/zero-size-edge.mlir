// Zero-size dimensions everywhere the verifiers allow them: every op must
// lower (to empty tensors) without dividing by zero or indexing past ends.
func.func @f(%a: tensor<0x3xf32>, %b: tensor<3x0xf32>, %i: tensor<0xi32>, %m: tensor<0x3xi1>) -> (tensor<0x0xf32>, tensor<3xf32>, tensor<0x3xf32>, tensor<0x3xf32>, tensor<0xi64>, tensor<0x3xf32>, tensor<0xi1>) {
  %0 = ml.matmul %a, %b : (tensor<0x3xf32>, tensor<3x0xf32>) -> tensor<0x0xf32>
  %1 = ml.reduce sum %a axes = [0] : tensor<0x3xf32> -> tensor<3xf32>
  %2 = ml.cumsum %a axis = 0 : tensor<0x3xf32>
  %3 = ml.gather %a, %i axis = 0 : (tensor<0x3xf32>, tensor<0xi32>) -> tensor<0x3xf32>
  %4 = ml.argmax %a axis = 1 : tensor<0x3xf32> -> tensor<0xi64>
  %5 = ml.select %m, %a, %a : tensor<0x3xi1>, tensor<0x3xf32>
  %6 = ml.reduce max %m axes = [1] : tensor<0x3xi1> -> tensor<0xi1>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<0x0xf32>, tensor<3xf32>, tensor<0x3xf32>, tensor<0x3xf32>, tensor<0xi64>, tensor<0x3xf32>, tensor<0xi1>
}

// -----

// Empty contractions and reductions produce identities (zeros, ones).
func.func @f(%a: tensor<3x0xf32>, %b: tensor<0x4xf32>, %n: tensor<3x0xi32>) -> (tensor<3x4xf32>, tensor<3xf32>, tensor<3xi32>, tensor<3x0xi32>) {
  %0 = ml.matmul %a, %b : (tensor<3x0xf32>, tensor<0x4xf32>) -> tensor<3x4xf32>
  %1 = ml.reduce sum %a axes = [1] : tensor<3x0xf32> -> tensor<3xf32>
  %2 = ml.reduce prod %n axes = [1] : tensor<3x0xi32> -> tensor<3xi32>
  %3 = ml.cumsum %n axis = 1 : tensor<3x0xi32>
  return %0, %1, %2, %3 : tensor<3x4xf32>, tensor<3xf32>, tensor<3xi32>, tensor<3x0xi32>
}
