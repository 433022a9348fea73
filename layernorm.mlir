module {
  func.func @jit_layernorm(%arg0: tensor<64x128xf32>, %arg1: tensor<128xf32>, %arg2: tensor<128xf32>) -> tensor<64x128xf32> attributes {llvm.emit_c_interface} {
    %0 = ml.reduce sum %arg0 axes = [1] keepdims : tensor<64x128xf32> -> tensor<64x1xf32>
    %1 = ml.cast %0 : tensor<64x1xf32> to tensor<64x1xf64>
    %2 = ml.constant dense<1.280000e+02> : tensor<64x1xf64>
    %3 = ml.div %1, %2 : tensor<64x1xf64>
    %4 = ml.cast %3 : tensor<64x1xf64> to tensor<64x1xf32>
    %5 = ml.broadcast %4 : tensor<64x1xf32> to tensor<64x128xf32>
    %6 = ml.sub %arg0, %5 : tensor<64x128xf32>
    %7 = ml.mul %6, %6 : tensor<64x128xf32>
    %8 = ml.reduce sum %7 axes = [1] keepdims : tensor<64x128xf32> -> tensor<64x1xf32>
    %9 = ml.cast %8 : tensor<64x1xf32> to tensor<64x1xf64>
    %10 = ml.constant dense<1.280000e+02> : tensor<64x1xf64>
    %11 = ml.div %9, %10 : tensor<64x1xf64>
    %12 = ml.cast %11 : tensor<64x1xf64> to tensor<64x1xf32>
    %13 = ml.broadcast %4 : tensor<64x1xf32> to tensor<64x128xf32>
    %14 = ml.sub %arg0, %13 : tensor<64x128xf32>
    %15 = ml.constant dense<9.99999974E-6> : tensor<64x1xf32>
    %16 = ml.add %12, %15 : tensor<64x1xf32>
    %17 = ml.sqrt %16 : tensor<64x1xf32>
    %18 = ml.broadcast %17 : tensor<64x1xf32> to tensor<64x128xf32>
    %19 = ml.div %14, %18 : tensor<64x128xf32>
    %20 = ml.broadcast %arg1 : tensor<128xf32> to tensor<64x128xf32>
    %21 = ml.mul %19, %20 : tensor<64x128xf32>
    %22 = ml.broadcast %arg2 : tensor<128xf32> to tensor<64x128xf32>
    %23 = ml.add %21, %22 : tensor<64x128xf32>
    return %23 : tensor<64x128xf32>
  }
}
