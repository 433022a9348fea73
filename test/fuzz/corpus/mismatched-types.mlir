// Operands and results of different types or shapes, in generic form.
func.func @f(%a: tensor<4xf32>, %b: tensor<4xf64>, %c: tensor<5xf32>, %m: tensor<4xi1>) {
  %0 = "ml.add"(%a, %b) : (tensor<4xf32>, tensor<4xf64>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %b: tensor<4xf64>, %c: tensor<5xf32>, %m: tensor<4xi1>) {
  %1 = "ml.mul"(%a, %c) : (tensor<4xf32>, tensor<5xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %b: tensor<4xf64>, %c: tensor<5xf32>, %m: tensor<4xi1>) {
  %2 = "ml.select"(%m, %a, %c) : (tensor<4xi1>, tensor<4xf32>, tensor<5xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %b: tensor<4xf64>, %c: tensor<5xf32>, %m: tensor<4xi1>) {
  %3 = "ml.cast"(%a) : (tensor<4xf32>) -> tensor<5xi32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %b: tensor<4xf64>, %c: tensor<5xf32>, %m: tensor<4xi1>) {
  %4 = "ml.compare"(%a, %b) <{direction = #ml<comparison_direction eq>}> : (tensor<4xf32>, tensor<4xf64>) -> tensor<4xi1>
  return
}
