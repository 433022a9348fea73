// Constants whose value does not match the result, sparse and unknown
// resource values, and values of other element types.
func.func @f() {
  %0 = ml.constant dense<[1.0, 2.0]> : tensor<3xf32>
  return
}

// -----

func.func @f() {
  %1 = "ml.constant"() <{value = dense<1> : tensor<2xi32>}> : () -> tensor<2xi64>
  return
}

// -----

func.func @f() {
  %2 = "ml.constant"() <{value = 1.0 : f32}> : () -> f32
  return
}

// -----

func.func @f() {
  %3 = ml.constant dense<1> : tensor<2xindex>
  return
}

// -----

func.func @f() {
  %4 = ml.constant dense<"abc"> : tensor<1x!ml.string>
  return
}
