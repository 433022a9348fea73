// Integer literals that do not fit their attributes.
func.func @f(%a: tensor<2x3xf32>) {
  %0 = ml.cumsum %a axis = 9223372036854775808 : tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %1 = ml.slice %a [0:18446744073709551616:1, 0:3:1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %2 = ml.constant dense<300> : tensor<2xi8>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %3 = ml.constant dense<1.0e400> : tensor<2xf16>
  return
}
