// Element types outside the dialect's: index, unsigned, complex, f8, i16.
func.func @f(%i: tensor<4xindex>, %u: tensor<4xui32>, %c: tensor<4xcomplex<f32>>, %e: tensor<4xf8E4M3FN>, %h: tensor<4xi16>) {
  %0 = ml.add %i, %i : tensor<4xindex>
  return
}

// -----

func.func @f(%i: tensor<4xindex>, %u: tensor<4xui32>, %c: tensor<4xcomplex<f32>>, %e: tensor<4xf8E4M3FN>, %h: tensor<4xi16>) {
  %1 = ml.neg %u : tensor<4xui32>
  return
}

// -----

func.func @f(%i: tensor<4xindex>, %u: tensor<4xui32>, %c: tensor<4xcomplex<f32>>, %e: tensor<4xf8E4M3FN>, %h: tensor<4xi16>) {
  %2 = ml.exp %c : tensor<4xcomplex<f32>>
  return
}

// -----

func.func @f(%i: tensor<4xindex>, %u: tensor<4xui32>, %c: tensor<4xcomplex<f32>>, %e: tensor<4xf8E4M3FN>, %h: tensor<4xi16>) {
  %3 = ml.sqrt %e : tensor<4xf8E4M3FN>
  return
}

// -----

func.func @f(%i: tensor<4xindex>, %u: tensor<4xui32>, %c: tensor<4xcomplex<f32>>, %e: tensor<4xf8E4M3FN>, %h: tensor<4xi16>) {
  %4 = ml.cast %h : tensor<4xi16> to tensor<4xf32>
  return
}
