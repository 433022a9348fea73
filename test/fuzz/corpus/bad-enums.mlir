// Enum attributes with unknown cases, out-of-range raw values and the other
// enum's cases.
func.func @f(%a: tensor<2x3xf32>) {
  %0 = ml.reduce mean %a axes = [0] : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %1 = ml.compare lq, %a, %a : tensor<2x3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %2 = "ml.reduce"(%a) <{kind = #ml<comparison_direction lt>, axes = array<i64: 0>}> : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %3 = "ml.compare"(%a, %a) <{direction = 7 : i32}> : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  return
}

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %4 = "ml.reduce"(%a) <{kind = #ml<reduce_kind 9>, axes = array<i64: 0>}> : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}
