// Uses before definitions, self-uses and duplicated names.
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.add %1, %a : tensor<4xf32>
  %1 = ml.exp %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %1 = ml.exp %1 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %1 = ml.exp %a : tensor<4xf32>
  %1 = ml.neg %a : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.exp %undefined : tensor<4xf32>
  return %0 : tensor<4xf32>
}
