// Truncated in the middle of an op: the parser reports the missing token.
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.add %x, %x : tensor<4x
