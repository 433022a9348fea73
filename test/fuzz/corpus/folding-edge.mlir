// Folders on constants: integer overflow, division by zero, NaN, i1
// comparisons, transposes of transposes, and pow canonicalized on integers.
func.func @f() -> (tensor<2xi8>, tensor<2xf32>, tensor<2xi1>, tensor<2xi1>, tensor<3x2xf32>, tensor<2xi8>, tensor<2xf32>) {
  %big = ml.constant dense<127> : tensor<2xi8>
  %0 = ml.add %big, %big : tensor<2xi8>
  %zero = ml.constant dense<0.0> : tensor<2xf32>
  %nan = ml.div %zero, %zero : tensor<2xf32>
  %1 = ml.maximum %nan, %zero : tensor<2xf32>
  %t = ml.constant dense<[true, false]> : tensor<2xi1>
  %2 = ml.compare gt, %t, %t : tensor<2xi1>
  %3 = ml.compare ne, %nan, %nan : tensor<2xf32>
  %m = ml.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %tt = ml.transpose %m, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %4 = ml.transpose %tt, [0, 1] : tensor<3x2xf32> -> tensor<3x2xf32>
  %two = ml.constant dense<2> : tensor<2xi8>
  %5 = ml.pow %big, %two : tensor<2xi8>
  %6 = ml.neg %nan : tensor<2xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2xi8>, tensor<2xf32>, tensor<2xi1>, tensor<2xi1>, tensor<3x2xf32>, tensor<2xi8>, tensor<2xf32>
}
