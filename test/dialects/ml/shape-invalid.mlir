// Verifier errors of the shape ops.
// RUN: ml-opt %s -split-input-file -verify-diagnostics

func.func @broadcast_element_type(%a: tensor<3xf32>) {
  // expected-error @+1 {{'ml.broadcast' op changes the element type from 'f32' to 'f64'; use ml.cast}}
  %0 = ml.broadcast %a : tensor<3xf32> to tensor<2x3xf64>
  return
}

// -----

func.func @broadcast_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.broadcast' op cannot broadcast shape 2x3 to the lower-rank shape 3}}
  %0 = ml.broadcast %a : tensor<2x3xf32> to tensor<3xf32>
  return
}

// -----

func.func @broadcast_dims(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.broadcast' op cannot broadcast shape 2x3 to 4x4x3: operand dimension 0 has size 2 but the result has 4}}
  %0 = ml.broadcast %a : tensor<2x3xf32> to tensor<4x4x3xf32>
  return
}

// -----

func.func @broadcast_sizes(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'ml.broadcast' op has 0 sizes for the 1 dynamic dimensions of its result}}
  %0 = ml.broadcast %a : tensor<2x3xf32> to tensor<?x3xf32>
  return
}

// -----

func.func @reshape_sizes(%a: tensor<?x6xf32>, %n: index) {
  // expected-error @+1 {{'ml.reshape' op has 1 sizes for the 2 dynamic dimensions of its result}}
  %0 = ml.reshape %a [%n] : tensor<?x6xf32> to tensor<?x?xf32>
  return
}

// -----

func.func @slice_partial_dynamic(%a: tensor<?x6xf32>) {
  // expected-error @+2 {{'ml.slice' op a limit of ? takes a dynamic dimension whole (0:?:1); dimension 0 has 1:?:1 of size ?}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.slice %a [1:?:1, 0:6:1] : tensor<?x6xf32> -> tensor<?x6xf32>
  return
}

// -----

func.func @slice_whole_static(%a: tensor<?x6xf32>) {
  // expected-error @+2 {{'ml.slice' op a limit of ? takes a dynamic dimension whole (0:?:1); dimension 1 has 0:?:1 of size 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.slice %a [0:?:1, 0:?:1] : tensor<?x6xf32> -> tensor<?x6xf32>
  return
}

// -----

func.func @iota_rank(%n: index) {
  // expected-error @+1 {{'ml.iota' op result must be 1-D, not of rank 2}}
  %0 = ml.iota [%n] : tensor<?x2xi64>
  return
}

// -----

func.func @iota_sizes(%n: index) {
  // expected-error @+1 {{'ml.iota' op has 1 sizes for the 0 dynamic dimensions of its result}}
  %0 = ml.iota [%n] : tensor<4xi64>
  return
}

// -----

func.func @reshape_element_type(%a: tensor<6xf32>) {
  // expected-error @+1 {{'ml.reshape' op changes the element type from 'f32' to 'i32'; use ml.cast}}
  %0 = ml.reshape %a : tensor<6xf32> to tensor<2x3xi32>
  return
}

// -----

func.func @reshape_count(%a: tensor<6xf32>) {
  // expected-error @+1 {{'ml.reshape' op cannot reshape 6 (6 elements) into 4x2 (8 elements)}}
  %0 = ml.reshape %a : tensor<6xf32> to tensor<4x2xf32>
  return
}

// -----

// Element counts overflowing int64 used to abort the reshape verifier (and
// the conversion, and bufferization); every ml op rejects them first.
func.func @reshape_uncountable(%a: tensor<9223372036854775807x4xf32>) {
  // expected-error @+1 {{'ml.reshape' op failed to verify that every tensor's non-zero sizes multiply to less than 2^63}}
  %0 = ml.reshape %a : tensor<9223372036854775807x4xf32> to tensor<4x9223372036854775807xf32>
  return
}

// -----

func.func @uncountable_empty(%a: tensor<0x4611686018427387904x4xf32>) {
  // expected-error @+1 {{'ml.exp' op failed to verify that every tensor's non-zero sizes multiply to less than 2^63}}
  %0 = ml.exp %a : tensor<0x4611686018427387904x4xf32>
  return
}

// -----

func.func @transpose_length(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.transpose' op permutation has 3 entries but the operand has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "ml.transpose"(%a) {permutation = array<i64: 0, 1, 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_range(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.transpose' op axis 2 is out of range for an operand of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "ml.transpose"(%a) {permutation = array<i64: 0, 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_repeated(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.transpose' op axis 1 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "ml.transpose"(%a) {permutation = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_result(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'ml.transpose' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  %0 = ml.transpose %a, [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_arity(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ml.slice' op needs one start:limit:stride per dimension (2), got 1, 1 and 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.slice %a [0:1:1] : tensor<2x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @slice_syntax(%a: tensor<4x4xf32>) {
  // expected-error @+1 {{expected ']' in slice ranges}}
  %0 = ml.slice %a [0:1:1 0:1:1] : tensor<4x4xf32> -> tensor<1x1xf32>
  return
}

// -----

func.func @slice_zero_stride(%a: tensor<4xf32>) {
  // expected-error @+2 {{'ml.slice' op stride of dimension 0 is zero}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.slice %a [0:4:0] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @slice_bounds(%a: tensor<4xf32>) {
  // expected-error @+2 {{'ml.slice' op range 2:5:1 is out of bounds for dimension 0 of size 4 (a positive stride needs 0 <= start <= limit <= size)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.slice %a [2:5:1] : tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @slice_backwards_bounds(%a: tensor<4xf32>) {
  // expected-error @+2 {{'ml.slice' op range 4:0:-1 is out of bounds for dimension 0 of size 4 (a negative stride needs -1 <= limit <= start <= size - 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.slice %a [4:0:-1] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// A dynamic size is at most 2^63 - 1, so a backwards range cannot start at
// 2^63 - 1 (its span would not fit in int64).
func.func @slice_dynamic_bounds(%a: tensor<?xf32>) {
  // expected-error @+2 {{'ml.slice' op range 9223372036854775807:-1:-1 is out of bounds for dimension 0 of size ?}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.slice %a [9223372036854775807:-1:-1] : tensor<?xf32> -> tensor<?xf32>
  return
}

// -----

func.func @slice_result(%a: tensor<4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'ml.slice' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  %0 = ml.slice %a [0:4:2] : tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @concatenate_none() {
  // expected-error @+1 {{'ml.concatenate' op expected 1 or more operands, but found 0}}
  %0 = "ml.concatenate"() {dimension = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concatenate_dim(%a: tensor<2xf32>) {
  // expected-error @+2 {{'ml.concatenate' op dimension 1 is out of range for operands of rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.concatenate %a, %a dim = 1 : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @concatenate_rank(%a: tensor<2xf32>, %b: tensor<2x2xf32>) {
  // expected-error @+2 {{'ml.concatenate' op operand 1 has rank 2 but operand 0 has rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.concatenate %a, %b dim = 0 : (tensor<2xf32>, tensor<2x2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @concatenate_shape(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{'ml.concatenate' op operand 1 has shape 2x4 which differs from operand 0 (2x3) in dimension 1, not only in the concatenated dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.concatenate %a, %b dim = 0 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concatenate_overflow(%a: tensor<9223372036854775807xi8>) {
  // expected-error @+2 {{'ml.concatenate' op the sizes along dimension 0 add up to more than 2^63 - 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ml.concatenate %a, %a dim = 0 : (tensor<9223372036854775807xi8>, tensor<9223372036854775807xi8>) -> tensor<?xi8>
  return
}

// -----

func.func @concatenate_types(%a: tensor<2xf32>, %b: tensor<2xf64>) {
  // expected-error @+1 {{'ml.concatenate' op requires the same element type for all operands}}
  %0 = ml.concatenate %a, %b dim = 0 : (tensor<2xf32>, tensor<2xf64>) -> tensor<4xf32>
  return
}
