// Another dialect's syntax under ml names, and ml syntax under other names.
func.func @f(%a: tensor<4xf32>, %s: f32) {
  %0 = ml.addf %s, %s : f32
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %s: f32) {
  %1 = arith.addf %a, %a : tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %s: f32) {
  %2 = math.exp %a : tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %s: f32) {
  %3 = ml.add %s, %s : f32
  return
}

// -----

func.func @f(%a: tensor<4xf32>, %s: f32) {
  %4 = tensor.add %a, %a : tensor<4xf32>
  return
}
