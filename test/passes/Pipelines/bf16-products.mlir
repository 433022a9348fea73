// bfloat16 products: accumulated in f32 and rounded once (ml.matmul on
// bf16), and NumPy's form (its bf16 matmul gives float32: the tracer casts
// the operands) converting each operand once into an f32 buffer for one
// sgemm call. The product runs and gives the f32 sums.
// RUN: ml-opt %s --ml-cpu-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-cpu-to-linalg{blas=true},ml-cpu-bufferize{blas=true})' | FileCheck %s --check-prefix=BLAS
// RUN: ml-opt %s --ml-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:       -shared-libs=%mljit_runtime \
// RUN:   | FileCheck %s --check-prefix=OUT

// LINALG-LABEL: func.func @bf16_product
// LINALG: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x2xf32>)
// LINALG: %[[SUM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x3xbf16>, tensor<3x2xbf16>) outs(%[[ACC]] : tensor<4x2xf32>)
// LINALG: linalg.generic {{.*}} ins(%[[SUM]] : tensor<4x2xf32>) outs(%{{.*}} : tensor<4x2xbf16>)
// LINALG: arith.bitcast %{{.*}} : i16 to bf16
func.func @bf16_product(%a: tensor<4x3xbf16>, %b: tensor<3x2xbf16>) -> tensor<4x2xbf16> {
  %0 = ml.matmul %a, %b : (tensor<4x3xbf16>, tensor<3x2xbf16>) -> tensor<4x2xbf16>
  return %0 : tensor<4x2xbf16>
}

// BLAS-LABEL: func.func @bf16_as_numpy
// BLAS: %[[A:.*]] = memref.alloc() {{.*}} : memref<256x512xf32>
// BLAS: arith.extf %{{.*}} : bf16 to f32
// BLAS: %[[B:.*]] = memref.alloc() {{.*}} : memref<512x128xf32>
// BLAS: arith.extf %{{.*}} : bf16 to f32
// BLAS: %[[CA:.*]] = memref.cast %[[A]]
// BLAS: %[[CB:.*]] = memref.cast %[[B]]
// BLAS: call @mljit_gemm_f32(%[[CA]], %[[CB]], %{{.*}}, %{{.*}})
// BLAS-NOT: linalg.matmul
func.func @bf16_as_numpy(%a: tensor<256x512xbf16>, %b: tensor<512x128xbf16>) -> tensor<256x128xf32> {
  %0 = ml.cast %a : tensor<256x512xbf16> to tensor<256x512xf32>
  %1 = ml.cast %b : tensor<512x128xbf16> to tensor<512x128xf32>
  %2 = ml.matmul %0, %1 : (tensor<256x512xf32>, tensor<512x128xf32>) -> tensor<256x128xf32>
  return %2 : tensor<256x128xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  // 1 + 2^-8 is not a bfloat16: it rounds to 1 on the cast (else row 3
  // would sum to 258, a bfloat16).
  %x = ml.constant dense<[[1.0, 2.0, 3.0], [0.5, -1.0, 0.25], [256.0, 1.0, 1.0], [0.0, 0.0, 0.0]]> : tensor<4x3xf32>
  %w = ml.constant dense<[[1.00390625, 0.0], [0.0, 1.0], [1.0, -2.0]]> : tensor<3x2xf32>
  %a = ml.cast %x : tensor<4x3xf32> to tensor<4x3xbf16>
  %b = ml.cast %w : tensor<3x2xf32> to tensor<3x2xbf16>
  %p = func.call @bf16_product(%a, %b) : (tensor<4x3xbf16>, tensor<3x2xbf16>) -> tensor<4x2xbf16>
  %f = ml.cast %p : tensor<4x2xbf16> to tensor<4x2xf32>
  %u = tensor.cast %f : tensor<4x2xf32> to tensor<*xf32>
  // Row 3's f32 sum 257 rounds once, to even: 256.
  // OUT: [4, -4]
  // OUT-NEXT: [0.75, -1.5]
  // OUT-NEXT: [256, -1]
  // OUT-NEXT: [0, 0]
  func.call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
