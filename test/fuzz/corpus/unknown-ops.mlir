// Ops the dialect does not have, in custom and generic form.
func.func @f(%a: tensor<4xf32>) {
  %0 = ml.frobnicate %a : tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  %1 = "ml.softmax"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return
}
