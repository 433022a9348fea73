module {
  func.func @jit_attention(%arg0: tensor<16x32xf32>, %arg1: tensor<16x32xf32>, %arg2: tensor<16x32xf32>) -> tensor<16x32xf64> attributes {llvm.emit_c_interface} {
    %0 = ml.transpose %arg1, [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
    %1 = ml.matmul %arg0, %0 : (tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<16x16xf32>
    %2 = ml.cast %1 : tensor<16x16xf32> to tensor<16x16xf64>
    %3 = ml.constant dense<5.6568542494923806> : tensor<16x16xf64>
    %4 = ml.div %2, %3 : tensor<16x16xf64>
    %5 = ml.constant dense<"0x0100030007000F001F003F007F00FF00FF01FF03FF07FF0FFF1FFF3FFF7FFFFF"> : tensor<16x16xi1>
    %6 = ml.constant dense<0xFFF0000000000000> : tensor<16x16xf64>
    %7 = ml.select %5, %4, %6 : tensor<16x16xi1>, tensor<16x16xf64>
    %8 = ml.reduce max %7 axes = [1] keepdims : tensor<16x16xf64> -> tensor<16x1xf64>
    %9 = ml.broadcast %8 : tensor<16x1xf64> to tensor<16x16xf64>
    %10 = ml.sub %7, %9 : tensor<16x16xf64>
    %11 = ml.exp %10 : tensor<16x16xf64>
    %12 = ml.reduce sum %11 axes = [1] keepdims : tensor<16x16xf64> -> tensor<16x1xf64>
    %13 = ml.broadcast %12 : tensor<16x1xf64> to tensor<16x16xf64>
    %14 = ml.div %11, %13 : tensor<16x16xf64>
    %15 = ml.cast %arg2 : tensor<16x32xf32> to tensor<16x32xf64>
    %16 = ml.matmul %14, %15 : (tensor<16x16xf64>, tensor<16x32xf64>) -> tensor<16x32xf64>
    return %16 : tensor<16x32xf64>
  }
}
