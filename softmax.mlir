module {
  func.func @jit_softmax(%arg0: tensor<64x128xf32>) -> tensor<64x128xf32> attributes {llvm.emit_c_interface} {
    %0 = ml.reduce max %arg0 axes = [1] keepdims : tensor<64x128xf32> -> tensor<64x1xf32>
    %1 = ml.broadcast %0 : tensor<64x1xf32> to tensor<64x128xf32>
    %2 = ml.sub %arg0, %1 : tensor<64x128xf32>
    %3 = ml.exp %2 : tensor<64x128xf32>
    %4 = ml.reduce sum %3 axes = [1] keepdims : tensor<64x128xf32> -> tensor<64x1xf32>
    %5 = ml.broadcast %4 : tensor<64x1xf32> to tensor<64x128xf32>
    %6 = ml.div %3, %5 : tensor<64x128xf32>
    return %6 : tensor<64x128xf32>
  }
}
