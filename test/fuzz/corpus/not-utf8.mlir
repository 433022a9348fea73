// Bytes that are not UTF-8 and control characters in identifiers.
func.func @f(%a: tensor<4xf32>) {
  %0 = ml.exp %a : tensor<4xf32>  	
  %ï¿½ = ml.exp %a : tensor<4xf32>
  return
}
