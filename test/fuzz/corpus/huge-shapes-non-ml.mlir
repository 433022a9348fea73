// Non-ml ops with shapes whose sizes multiply to 2^63 or more, through the
// pipelines (bufferization asserts computing their strides).
func.func @f(%x: tensor<64x9223372036854775807xf32>) -> tensor<64x9223372036854775807xf32> {
  return %x : tensor<64x9223372036854775807xf32>
}

// -----

func.func @f() {
  %e = tensor.empty() : tensor<0x4611686018427387904x4xf32>
  return
}

// -----

func.func private @g(tensor<9223372036854775807x2xf32>)
