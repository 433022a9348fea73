// Required attributes left out.
func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %0 = "ml.gather"(%a, %i) : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %1 = "ml.slice"(%a) <{start = array<i64: 0, 0>}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %2 = "ml.constant"() : () -> tensor<2xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>, %i: tensor<2xi32>) {
  %3 = "ml.compare"(%a, %a) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  return
}
