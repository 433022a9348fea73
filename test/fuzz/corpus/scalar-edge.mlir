// Rank-0 tensors through every shape op that accepts them.
func.func @f(%s: tensor<f32>, %b: tensor<i1>, %n: tensor<i8>) -> (tensor<f32>, tensor<1x1xf32>, tensor<f32>, tensor<i1>, tensor<f32>, tensor<i8>, tensor<f32>) {
  %0 = ml.reduce sum %s axes = [] : tensor<f32> -> tensor<f32>
  %1 = ml.broadcast %s : tensor<f32> to tensor<1x1xf32>
  %2 = ml.transpose %s, [] : tensor<f32> -> tensor<f32>
  %3 = ml.cast %s : tensor<f32> to tensor<i1>
  %4 = ml.select %b, %s, %s : tensor<i1>, tensor<f32>
  %5 = ml.pow %n, %n : tensor<i8>
  %6 = ml.slice %s [] : tensor<f32> -> tensor<f32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<f32>, tensor<1x1xf32>, tensor<f32>, tensor<i1>, tensor<f32>, tensor<i8>, tensor<f32>
}
