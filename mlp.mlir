module {
  func.func @jit_mlp(%arg0: tensor<32x64xf32>, %arg1: tensor<64x256xf32>, %arg2: tensor<256xf32>, %arg3: tensor<256x64xf32>, %arg4: tensor<64xf32>) -> tensor<32x64xf32> attributes {llvm.emit_c_interface} {
    %0 = ml.matmul %arg0, %arg1 : (tensor<32x64xf32>, tensor<64x256xf32>) -> tensor<32x256xf32>
    %1 = ml.broadcast %arg2 : tensor<256xf32> to tensor<32x256xf32>
    %2 = ml.add %0, %1 : tensor<32x256xf32>
    %3 = ml.constant dense<0.000000e+00> : tensor<32x256xf32>
    %4 = ml.maximum %2, %3 : tensor<32x256xf32>
    %5 = ml.matmul %4, %arg3 : (tensor<32x256xf32>, tensor<256x64xf32>) -> tensor<32x64xf32>
    %6 = ml.broadcast %arg4 : tensor<64xf32> to tensor<32x64xf32>
    %7 = ml.add %5, %6 : tensor<32x64xf32>
    return %7 : tensor<32x64xf32>
  }
}
