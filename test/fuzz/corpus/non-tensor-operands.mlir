// Scalars, vectors, memrefs and unranked tensors where ranked tensors go, in
// generic form (past the custom parsers' type checks).
func.func @f(%s: f32, %v: vector<4xf32>, %m: memref<4xf32>, %u: tensor<*xf32>) {
  %0 = "ml.add"(%s, %s) : (f32, f32) -> f32
  return
}

// -----

func.func @f(%s: f32, %v: vector<4xf32>, %m: memref<4xf32>, %u: tensor<*xf32>) {
  %1 = "ml.exp"(%v) : (vector<4xf32>) -> vector<4xf32>
  return
}

// -----

func.func @f(%s: f32, %v: vector<4xf32>, %m: memref<4xf32>, %u: tensor<*xf32>) {
  %2 = "ml.reshape"(%m) : (memref<4xf32>) -> memref<2x2xf32>
  return
}

// -----

func.func @f(%s: f32, %v: vector<4xf32>, %m: memref<4xf32>, %u: tensor<*xf32>) {
  %3 = "ml.transpose"(%u) <{permutation = array<i64: 0>}> : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @f(%s: f32, %v: vector<4xf32>, %m: memref<4xf32>, %u: tensor<*xf32>) {
  %4 = "ml.compare"(%s, %s) <{direction = #ml<comparison_direction lt>}> : (f32, f32) -> i1
  return
}
