// Dynamic dimensions verify and convert; the ops whose patterns build
// static shapes (gather) report them instead.
func.func @f(%a: tensor<?x3xf32>, %i: tensor<?xi32>, %e: tensor<0x3xf32>, %n: index) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = ml.exp %a : tensor<?x3xf32>
  %1 = ml.gather %e, %i axis = 0 : (tensor<0x3xf32>, tensor<?xi32>) -> tensor<?x3xf32>
  %2 = ml.reshape %a [%n] : tensor<?x3xf32> to tensor<?x3xf32>
  return %0, %1, %2 : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}
