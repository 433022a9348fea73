// What LLVM makes of ml-cpu-pipeline's loops: with the target's vector width
// (the JIT compiles for the host CPU; here a Zen 4 with 512-bit vectors and a
// Haswell with 256-bit ones), the fused softmax row loop, its
// reductions and the exp approximation are vectorized.
// RUN: ml-opt %s --ml-cpu-pipeline | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 -S | FileCheck %s --check-prefix=AVX512
// RUN: ml-opt %s --ml-cpu-pipeline | mlir-translate --mlir-to-llvmir \
// RUN:   | opt -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=haswell -S | FileCheck %s --check-prefix=AVX2

// The row maximum and the sum of exponentials as vector reductions, the
// exponential itself as vector arithmetic (no call to expf).
// AVX512-LABEL: define {{.*}} @softmax_kernel..omp_par
// AVX512-DAG: call <16 x float> @llvm.maximum.v16f32
// AVX512-DAG: fadd reassoc <16 x float>
// AVX512-DAG: fdiv <16 x float>
// AVX512-NOT: call float @expf
// AVX2-LABEL: define {{.*}} @softmax_kernel..omp_par
// AVX2-DAG: call <8 x float> @llvm.maximum.v8f32
// AVX2-DAG: fadd reassoc <8 x float>
// AVX2-DAG: fdiv <8 x float>
func.func @softmax(%x: tensor<512x1024xf32>) -> tensor<512x1024xf32> {
  %m = ml.reduce max %x axes = [1] keepdims : tensor<512x1024xf32> -> tensor<512x1xf32>
  %mb = ml.broadcast %m : tensor<512x1xf32> to tensor<512x1024xf32>
  %d = ml.sub %x, %mb : tensor<512x1024xf32>
  %e = ml.exp %d : tensor<512x1024xf32>
  %s = ml.reduce sum %e axes = [1] keepdims : tensor<512x1024xf32> -> tensor<512x1xf32>
  %sb = ml.broadcast %s : tensor<512x1xf32> to tensor<512x1024xf32>
  %r = ml.div %e, %sb : tensor<512x1024xf32>
  return %r : tensor<512x1024xf32>
}
