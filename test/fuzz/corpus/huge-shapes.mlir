// Shapes at the limits of int64: element counts that overflow, and sums,
// spans and strides that would.
func.func @f(%a: tensor<9223372036854775807x2xf32>, %b: tensor<9223372036854775807xi8>, %d: tensor<?xf32>) {
  %0 = ml.exp %a : tensor<9223372036854775807x2xf32>
  return
}

// -----

func.func @f(%a: tensor<9223372036854775807x2xf32>, %b: tensor<9223372036854775807xi8>, %d: tensor<?xf32>) {
  %1 = ml.concatenate %b, %b dim = 0 : (tensor<9223372036854775807xi8>, tensor<9223372036854775807xi8>) -> tensor<?xi8>
  return
}

// -----

func.func @f(%a: tensor<9223372036854775807x2xf32>, %b: tensor<9223372036854775807xi8>, %d: tensor<?xf32>) {
  %2 = ml.slice %d [0:9223372036854775807:3] : tensor<?xf32> -> tensor<3074457345618258603xf32>
  return
}

// -----

func.func @f(%a: tensor<9223372036854775807x2xf32>, %b: tensor<9223372036854775807xi8>, %d: tensor<?xf32>) {
  %3 = ml.slice %d [9223372036854775806:-1:-9223372036854775808] : tensor<?xf32> -> tensor<1xf32>
  return
}

// -----

func.func @f(%a: tensor<9223372036854775807x2xf32>, %b: tensor<9223372036854775807xi8>, %d: tensor<?xf32>) {
  %4 = ml.reshape %b : tensor<9223372036854775807xi8> to tensor<1x9223372036854775807xi8>
  return
}
