// i1, f16 and bf16 through ops whose lowering special-cases them.
func.func @f(%b: tensor<4xi1>, %h: tensor<4xf16>, %g: tensor<2x2xbf16>) -> (tensor<4xi1>, tensor<i1>, tensor<4xf16>, tensor<2x2xbf16>, tensor<4xi64>, tensor<4xi1>, tensor<4xi1>) {
  %0 = ml.maximum %b, %b : tensor<4xi1>
  %1 = ml.reduce min %b axes = [0] : tensor<4xi1> -> tensor<i1>
  %2 = ml.cumsum %h axis = 0 : tensor<4xf16>
  %3 = ml.matmul %g, %g : (tensor<2x2xbf16>, tensor<2x2xbf16>) -> tensor<2x2xbf16>
  %4 = ml.cast %b : tensor<4xi1> to tensor<4xi64>
  %5 = ml.compare lt, %b, %b : tensor<4xi1>
  %6 = ml.xor %b, %b : tensor<4xi1>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xi1>, tensor<i1>, tensor<4xf16>, tensor<2x2xbf16>, tensor<4xi64>, tensor<4xi1>, tensor<4xi1>
}
