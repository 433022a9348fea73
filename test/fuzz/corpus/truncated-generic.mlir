// Truncated generic op: properties dictionary left open.
func.func @f(%x: tensor<2x3xf32>) {
  %0 = "ml.transpose"(%x) <{permutation = array<i64: 1,
