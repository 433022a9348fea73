// Axes and dimensions at and past the ends of int64 and of the rank.
func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %0 = ml.cumsum %a axis = -9223372036854775808 : tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %1 = ml.reduce sum %a axes = [9223372036854775807] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %2 = ml.gather %a, %i axis = -1 : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %3 = ml.argmax %a axis = 2 : tensor<2x3xf32> -> tensor<2xi64>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %4 = ml.concatenate %a, %a dim = -1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %5 = ml.transpose %a, [0, -9223372036854775808] : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %6 = ml.reduce max %a axes = [0, 0] : tensor<2x3xf32> -> tensor<3xf32>
  return
}
