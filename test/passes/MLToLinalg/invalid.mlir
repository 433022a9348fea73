// What convert-ml-to-linalg rejects.
// RUN: ml-opt %s -convert-ml-to-linalg -split-input-file -verify-diagnostics

// Sizes multiplying to 2^63 or more made bufferization assert; the checks
// cover every op and function signature, not only ml ops.
// expected-error @+1 {{'func.func' op has 'tensor<64x9223372036854775807xf32>', whose sizes multiply to 2^63 or more, which cannot be bufferized}}
func.func @uncountable(%a: tensor<64x9223372036854775807xf32>) -> tensor<64x9223372036854775807xf32> {
  return %a : tensor<64x9223372036854775807xf32>
}

// -----

func.func @uncountable_op() {
  // expected-error @+1 {{'tensor.empty' op has 'tensor<0x4611686018427387904x4xf32>', whose sizes multiply to 2^63 or more}}
  %0 = tensor.empty() : tensor<0x4611686018427387904x4xf32>
  return
}

// -----

// Booleans become bytes only in ml ops (and at function boundaries);
// finalize-memref-to-llvm asserts on the buffers of anything narrower left.
// expected-error @+1 {{'func.func' op has 'memref<4x4xi1>': integers narrower than a byte become bytes only in ml ops, and buffers of them do not lower to LLVM}}
func.func @bool_buffer(%a: memref<4x4xi1>, %c: memref<4x4xi1>) {
  linalg.matmul ins(%a, %a : memref<4x4xi1>, memref<4x4xi1>) outs(%c : memref<4x4xi1>)
  return
}

// -----

func.func @bool_tensor() {
  // expected-error @+1 {{'tensor.empty' op has 'tensor<4xi1>': integers narrower than a byte}}
  %0 = tensor.empty() : tensor<4xi1>
  return
}
