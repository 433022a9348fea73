// ml ops given regions and successors, which none of them has.
func.func @f(%a: tensor<4xf32>) {
  %0 = "ml.add"(%a, %a) ({
  ^bb0(%x: f32):
    "ml.exp"(%x) : (f32) -> f32
  }) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<4xf32>) {
  "ml.neg"(%a)[^bb1] : (tensor<4xf32>) -> tensor<4xf32>
^bb1:
  return
}

// -----

// An ml op as a block terminator, and a block with no terminator.
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.exp %a : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
^bb0(%b: tensor<4xf32>):
  %0 = ml.exp %b : tensor<4xf32>
  cf.br ^bb1(%0 : tensor<4xf32>)
^bb1(%c: tensor<4xi32>):
  return %c : tensor<4xi32>
}
