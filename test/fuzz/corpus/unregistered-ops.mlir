// Ops of no dialect among ml ops (run with --allow-unregistered-dialect to
// get them past the parser): passes must not expect a Dialect object.
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "foo.bar"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = ml.exp %0 : tensor<4xf32>
  %2 = "foo.empty"() : () -> tensor<0xf32>
  return %1 : tensor<4xf32>
}
