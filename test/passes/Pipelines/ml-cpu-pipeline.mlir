// ml-cpu-pipeline takes ml IR to the LLVM dialect only, and the result runs.
// RUN: ml-opt %s --ml-cpu-pipeline | FileCheck %s
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-cpu-pipeline)' | FileCheck %s
// With blas=true, large f32/f64 products call the runtime's gemm.
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-cpu-pipeline{blas=true})' | FileCheck %s --check-prefix=BLAS
// BLAS: llvm.call @_mlir_ciface_mljit_gemm_f32
// RUN: ml-opt %s --ml-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:       -shared-libs=%mljit_runtime \
// RUN:   | FileCheck %s --check-prefix=OUT

// Nothing but the LLVM dialect is left (and ml-outline-kernels' mark on the
// glue, the attribute ml.outlined).
// CHECK-NOT: {{ (ml|linalg|tensor|bufferization|memref|arith|math|complex|scf|cf|func|affine)\.[a-z_.]+[ (<]}}
// Temporaries come from the runtime's allocator, which LLVM knows returns
// fresh memory.
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> (!llvm.ptr {llvm.noalias})
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
// Results became caller-allocated out-params: three inputs, two outputs, each
// a memref descriptor (ptr, ptr, offset, sizes, strides).
// CHECK: llvm.func @layer(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64
// CHECK: llvm.func @_mlir_ciface_layer(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: {{ (ml|linalg|tensor|bufferization|memref|arith|math|complex|scf|cf|func|affine)\.[a-z_.]+[ (<]}}

// tanh(x @ w + b), its row sums, and integer floor division by zero.
func.func @layer(%x: tensor<2x3xf32>, %w: tensor<3x2xf32>, %b: tensor<2xf32>) -> (tensor<2x2xf32>, tensor<2xf32>) attributes {llvm.emit_c_interface} {
  %m = ml.matmul %x, %w : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %bb = ml.broadcast %b : tensor<2xf32> to tensor<2x2xf32>
  %s = ml.add %m, %bb : tensor<2x2xf32>
  %t = ml.tanh %s : tensor<2x2xf32>
  %r = ml.reduce sum %t axes = [1] : tensor<2x2xf32> -> tensor<2xf32>
  return %t, %r : tensor<2x2xf32>, tensor<2xf32>
}

func.func @divide(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>) {
  %q = ml.floordiv %a, %b : tensor<4xi32>
  %r = ml.rem %a, %b : tensor<4xi32>
  return %q, %r : tensor<4xi32>, tensor<4xi32>
}

// The first product is a 32 KiB temporary: too large for the stack.
func.func @large_matmul(%a: tensor<128x256xf32>, %b: tensor<256x64xf32>, %c: tensor<64x64xf32>) -> tensor<128x64xf32> {
  %0 = ml.matmul %a, %b : (tensor<128x256xf32>, tensor<256x64xf32>) -> tensor<128x64xf32>
  %1 = ml.matmul %0, %c : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %1 : tensor<128x64xf32>
}

// Complex numbers: |z * w + conj(z)| and the real part of sum(z) @ w.
func.func @complex_mix(%z: tensor<2xcomplex<f32>>, %w: tensor<2xcomplex<f32>>) -> (tensor<2xf32>, tensor<f32>) {
  %p = ml.mul %z, %w : tensor<2xcomplex<f32>>
  %c = ml.conj %z : tensor<2xcomplex<f32>>
  %s = ml.add %p, %c : tensor<2xcomplex<f32>>
  %a = ml.complex_abs %s : tensor<2xcomplex<f32>>
  %zr = ml.reshape %z : tensor<2xcomplex<f32>> to tensor<1x2xcomplex<f32>>
  %wr = ml.reshape %w : tensor<2xcomplex<f32>> to tensor<2x1xcomplex<f32>>
  %m = ml.matmul %zr, %wr : (tensor<1x2xcomplex<f32>>, tensor<2x1xcomplex<f32>>) -> tensor<1x1xcomplex<f32>>
  %t = ml.reduce sum %m axes = [0, 1] : tensor<1x1xcomplex<f32>> -> tensor<complex<f32>>
  %r = ml.real %t : tensor<complex<f32>>
  return %a, %r : tensor<2xf32>, tensor<f32>
}

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @main() {
  %x = ml.constant dense<[[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]> : tensor<2x3xf32>
  %w = ml.constant dense<[[0.5, -0.5], [0.25, 0.0], [0.0, 1.0]]> : tensor<3x2xf32>
  %b = ml.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %t, %r = func.call @layer(%x, %w, %b) : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> (tensor<2x2xf32>, tensor<2xf32>)
  %tu = tensor.cast %t : tensor<2x2xf32> to tensor<*xf32>
  %ru = tensor.cast %r : tensor<2xf32> to tensor<*xf32>
  // x @ w + b = [[0.5, -0.5], [0.375, 1.25]]
  // OUT: [0.462117, -0.462117]
  // OUT: [0.358357, 0.848284]
  func.call @printMemrefF32(%tu) : (tensor<*xf32>) -> ()
  // OUT: [0, 1.20664]
  func.call @printMemrefF32(%ru) : (tensor<*xf32>) -> ()

  %n = ml.constant dense<[7, -7, -2147483648, 5]> : tensor<4xi32>
  %d = ml.constant dense<[2, 2, -1, 0]> : tensor<4xi32>
  %q, %m = func.call @divide(%n, %d) : (tensor<4xi32>, tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>)
  %qu = tensor.cast %q : tensor<4xi32> to tensor<*xi32>
  %mu = tensor.cast %m : tensor<4xi32> to tensor<*xi32>
  // Floored, INT_MIN // -1 wraps, x // 0 == 0; no SIGFPE.
  // OUT: [3,  -4,  -2147483648,  0]
  func.call @printMemrefI32(%qu) : (tensor<*xi32>) -> ()
  // OUT: [1,  1,  0,  0]
  func.call @printMemrefI32(%mu) : (tensor<*xi32>) -> ()

  %z = ml.constant dense<[(1.0, 2.0), (0.0, -1.0)]> : tensor<2xcomplex<f32>>
  %v = ml.constant dense<[(3.0, 0.0), (2.0, 2.0)]> : tensor<2xcomplex<f32>>
  %ca, %cr = func.call @complex_mix(%z, %v) : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> (tensor<2xf32>, tensor<f32>)
  %cau = tensor.cast %ca : tensor<2xf32> to tensor<*xf32>
  %cru = tensor.cast %cr : tensor<f32> to tensor<*xf32>
  // (3+6i) + (1-2i) = 4+4i; (2-2i) + (0+i) = 2-i.
  // OUT: [5.65685, 2.23607]
  func.call @printMemrefF32(%cau) : (tensor<*xf32>) -> ()
  // (1+2i)(3) + (-i)(2+2i) = 3+6i + 2-2i: real part 5.
  // OUT: 5
  func.call @printMemrefF32(%cru) : (tensor<*xf32>) -> ()
  return
}
