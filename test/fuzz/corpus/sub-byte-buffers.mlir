// Integers narrower than a byte outside ml ops, through the pipelines:
// finalize-memref-to-llvm asserts on loads and stores of them.
func.func @f(%a: memref<4x4xi1>, %c: memref<4x4xi1>) {
  linalg.matmul ins(%a, %a : memref<4x4xi1>, memref<4x4xi1>) outs(%c : memref<4x4xi1>)
  return
}

// -----

func.func @f(%a: memref<4xi2>) -> i2 {
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xi2>
  return %v : i2
}

// -----

#id = affine_map<(d0) -> (d0)>
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xi1>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%e : tensor<4xi1>) {
  ^bb0(%x: f32, %o: i1):
    %c = arith.cmpf olt, %x, %x : f32
    linalg.yield %c : i1
  } -> tensor<4xi1>
  %r = ml.cast %m : tensor<4xi1> to tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// ml's booleans at function boundaries and in ml ops are bytes after
// convert-ml-to-linalg: this lowers.
func.func @f(%a: tensor<4xi1>, %b: tensor<4xi1>) -> tensor<4xi1> {
  %0 = ml.xor %a, %b : tensor<4xi1>
  return %0 : tensor<4xi1>
}
