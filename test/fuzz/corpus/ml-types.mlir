// The dialect defines no types.
func.func @f(%a: !ml.tensor<4xf32>) {
  return
}
