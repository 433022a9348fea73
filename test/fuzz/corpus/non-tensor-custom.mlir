// The custom syntax of ops whose result type is inferred (ml.compare) with a
// scalar operand type.
func.func @f(%a: f32, %b: f32) {
  %0 = ml.compare lt, %a, %b : f32
  return
}
