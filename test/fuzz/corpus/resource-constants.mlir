// Resource and sparse constants verify; folders and the conversion must not
// assume dense values.
func.func @f() -> (tensor<4xf32>, tensor<4xi1>, tensor<2xf32>) {
  %0 = ml.constant dense_resource<blob> : tensor<4xf32>
  %1 = ml.add %0, %0 : tensor<4xf32>
  %2 = ml.constant dense_resource<mask> : tensor<4xi1>
  %3 = ml.constant sparse<[[0]], [1.0]> : tensor<2xf32>
  %4 = ml.reshape %3 : tensor<2xf32> to tensor<1x2xf32>
  %5 = ml.reshape %4 : tensor<1x2xf32> to tensor<2xf32>
  %6 = ml.mul %5, %5 : tensor<2xf32>
  return %1, %2, %6 : tensor<4xf32>, tensor<4xi1>, tensor<2xf32>
}
