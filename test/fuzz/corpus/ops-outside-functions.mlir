// ml ops at module level, and using values from outside an isolated region.
%c = ml.constant dense<1.0> : tensor<4xf32>

// -----

%c = ml.constant dense<1.0> : tensor<4xf32>
module {
  %0 = ml.exp %c : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) {
  func.func @g() {
    %0 = ml.exp %a : tensor<4xf32>
    return
  }
  return
}
