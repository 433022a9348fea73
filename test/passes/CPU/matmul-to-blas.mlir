// ml-matmul-to-blas hands large f32/f64 products on buffers to the runtime.
// RUN: ml-opt %s -ml-matmul-to-blas -split-input-file | FileCheck %s
// Products it must leave alone are left alone, without diagnostics.
// RUN: ml-opt %s -ml-matmul-to-blas -split-input-file -verify-diagnostics > /dev/null
// RUN: ml-opt %s -ml-matmul-to-blas=min-flops=1 -split-input-file | FileCheck %s --check-prefix=ALL

// A zero fill right before the product becomes beta = 0 and disappears.
// CHECK-LABEL: func.func @large(
// CHECK-SAME: %[[A:.*]]: memref<256x512xf32>, %[[B:.*]]: memref<512x128xf32>, %[[C:.*]]: memref<256x128xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[CA:.*]] = memref.cast %[[A]] : memref<256x512xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-NEXT: %[[CB:.*]] = memref.cast %[[B]]
// CHECK-NEXT: %[[CC:.*]] = memref.cast %[[C]]
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: call @mljit_gemm_f32(%[[CA]], %[[CB]], %[[CC]], %[[BETA]])
// CHECK-NOT: linalg.matmul
// CHECK: func.func private @mljit_gemm_f32(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, f32) attributes {llvm.emit_c_interface}
func.func @large(%a: memref<256x512xf32>, %b: memref<512x128xf32>, %c: memref<256x128xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<256x128xf32>)
  linalg.matmul ins(%a, %b : memref<256x512xf32>, memref<512x128xf32>) outs(%c : memref<256x128xf32>)
  return
}

// -----

// Accumulating into existing values keeps beta = 1; batches too.
// CHECK-LABEL: func.func @batched(
// CHECK: %[[BETA:.*]] = arith.constant 1.000000e+00 : f64
// CHECK: call @mljit_batch_gemm_f64(%{{.*}}, %{{.*}}, %{{.*}}, %[[BETA]]) : (memref<?x?x?xf64, strided<[?, ?, ?], offset: ?>>
func.func @batched(%a: memref<8x128x64xf64>, %b: memref<8x64x128xf64>, %c: memref<8x128x128xf64>) {
  linalg.batch_matmul ins(%a, %b : memref<8x128x64xf64>, memref<8x64x128xf64>) outs(%c : memref<8x128x128xf64>)
  return
}

// -----

// Small products are cheaper as loops (unless min-flops says otherwise).
// CHECK-LABEL: func.func @small(
// CHECK: linalg.matmul
// ALL-LABEL: func.func @small(
// ALL: call @mljit_gemm_f32
func.func @small(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// -----

// Other mixed precision (here f16 into f32, and f32 rows by an f64 matrix),
// integers, batches of f64 by f32 and tensors have no runtime routine.
// CHECK-LABEL: func.func @unsupported(
// CHECK-COUNT-5: linalg.
// ALL-LABEL: func.func @unsupported(
// ALL-COUNT-5: linalg.
func.func @unsupported(%h: memref<256x256xf16>, %f: memref<256x256xf32>, %d: memref<256x256xf64>, %i: memref<256x256xi32>,
                       %bd: memref<4x256x256xf64>, %bf: memref<4x256x256xf32>, %t: tensor<256x256xf32>) -> tensor<256x256xf32> {
  linalg.matmul ins(%h, %h : memref<256x256xf16>, memref<256x256xf16>) outs(%f : memref<256x256xf32>)
  linalg.matmul ins(%f, %d : memref<256x256xf32>, memref<256x256xf64>) outs(%d : memref<256x256xf64>)
  linalg.matmul ins(%i, %i : memref<256x256xi32>, memref<256x256xi32>) outs(%i : memref<256x256xi32>)
  linalg.batch_matmul ins(%bd, %bf : memref<4x256x256xf64>, memref<4x256x256xf32>) outs(%bd : memref<4x256x256xf64>)
  %r = linalg.matmul ins(%t, %t : tensor<256x256xf32>, tensor<256x256xf32>) outs(%t : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %r : tensor<256x256xf32>
}

// -----

// f64 rows by an f32 weight (ml-fold-casts-into-products) read the weight as
// stored: mljit_gemm_f64_f32, transposed weights too.
// CHECK-LABEL: func.func @f32_weight(
// CHECK-SAME: %[[X:.*]]: memref<1x768xf64>, %[[W:.*]]: memref<768x3072xf32>, %[[C:.*]]: memref<1x3072xf64>
// CHECK: %[[CX:.*]] = memref.cast %[[X]] : memref<1x768xf64> to memref<?x?xf64, strided<[?, ?], offset: ?>>
// CHECK-NEXT: %[[CW:.*]] = memref.cast %[[W]] : memref<768x3072xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-NEXT: %[[CC:.*]] = memref.cast %[[C]] : memref<1x3072xf64> to memref<?x?xf64, strided<[?, ?], offset: ?>>
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT: call @mljit_gemm_f64_f32(%[[CX]], %[[CW]], %[[CC]], %[[BETA]])
// CHECK-LABEL: func.func @f32_weight_transposed(
// CHECK: %[[WT:.*]] = memref.transpose %{{.*}} (d0, d1) -> (d1, d0) : memref<1024x768xf32> to memref<768x1024xf32, strided<[1, 768]>>
// CHECK: call @mljit_gemm_f64_f32(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf64, strided<[?, ?], offset: ?>>, f64) -> ()
// CHECK: func.func private @mljit_gemm_f64_f32(memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf64, strided<[?, ?], offset: ?>>, f64) attributes {llvm.emit_c_interface}
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhsT = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @f32_weight(%x: memref<1x768xf64>, %w: memref<768x3072xf32>, %c: memref<1x3072xf64>) {
  linalg.matmul ins(%x, %w : memref<1x768xf64>, memref<768x3072xf32>) outs(%c : memref<1x3072xf64>)
  return
}
func.func @f32_weight_transposed(%x: memref<1x768xf64>, %w: memref<1024x768xf32>, %c: memref<1x1024xf64>) {
  linalg.matmul indexing_maps = [#lhs, #rhsT, #out] ins(%x, %w : memref<1x768xf64>, memref<1024x768xf32>) outs(%c : memref<1x1024xf64>)
  return
}

// -----

// A small product of dynamic size is both, chosen at run time by its work;
// the zero fill goes with the loops and is beta = 0 for the call.
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[A:.*]]: memref<?x8xf32>, %[[B:.*]]: memref<8x16xf32>, %[[C:.*]]: memref<?x16xf32>
// CHECK: %[[M:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[MN:.*]] = arith.muli %[[M]], %c16
// CHECK: %[[WORK:.*]] = arith.muli %[[MN]], %c8
// CHECK: %[[LARGE:.*]] = arith.cmpi sge, %[[WORK]], %c4096
// CHECK: scf.if %[[LARGE]] {
// CHECK-NOT: linalg.fill
// CHECK: %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: call @mljit_gemm_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[BETA]])
// CHECK: } else {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[B]] : memref<?x8xf32>, memref<8x16xf32>) outs(%[[C]] : memref<?x16xf32>)
// CHECK-NEXT: }
func.func @dynamic(%a: memref<?x8xf32>, %b: memref<8x16xf32>, %c: memref<?x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<?x16xf32>)
  linalg.matmul ins(%a, %b : memref<?x8xf32>, memref<8x16xf32>) outs(%c : memref<?x16xf32>)
  return
}

// -----

// x @ w.T (the right operand read transposed, as convert-ml-to-linalg
// leaves it) is the call on a transposed view of w: no copy of w.
// CHECK-LABEL: func.func @transposed_weight(
// CHECK-SAME: %[[X:.*]]: memref<1x256xf32>, %[[W:.*]]: memref<512x256xf32>
// CHECK: %[[WT:.*]] = memref.transpose %[[W]] (d0, d1) -> (d1, d0) : memref<512x256xf32> to memref<256x512xf32, strided<[1, 256]>>
// CHECK: %[[CW:.*]] = memref.cast %[[WT]]
// CHECK: call @mljit_gemm_f32(%{{.*}}, %[[CW]], %{{.*}}, %{{.*}})
// CHECK-NOT: linalg.matmul
// x @ x.T: only the right operand is the transposed view.
// CHECK-LABEL: func.func @gram(
// CHECK-SAME: %[[X:[^:]*]]: memref<300x2xf32>
// CHECK: %[[CX:.*]] = memref.cast %[[X]] : memref<300x2xf32> to
// CHECK: %[[XT:.*]] = memref.transpose %[[X]]
// CHECK: %[[CXT:.*]] = memref.cast %[[XT]]
// CHECK: call @mljit_gemm_f32(%[[CX]], %[[CXT]],
// x.T @ w (a weight's gradient): the left operand is the transposed view.
// CHECK-LABEL: func.func @transposed_lhs(
// CHECK-SAME: %[[X:[^:]*]]: memref<256x1xf32>, %[[W:[^:]*]]: memref<256x512xf32>
// CHECK: %[[XT:.*]] = memref.transpose %[[X]] (d0, d1) -> (d1, d0)
// CHECK: %[[CXT:.*]] = memref.cast %[[XT]]
// CHECK: %[[CW:.*]] = memref.cast %[[W]]
// CHECK: call @mljit_gemm_f32(%[[CXT]], %[[CW]],
// CHECK-NOT: linalg.matmul
// Both transposed: x.T @ w.T.
// CHECK-LABEL: func.func @both_transposed(
// CHECK: memref.transpose
// CHECK: memref.transpose
// CHECK: call @mljit_gemm_f32
// Other maps stay loops.
// CHECK-LABEL: func.func @other_maps(
// CHECK: linalg.matmul
#lhs = affine_map<(m, n, k) -> (m, k)>
#lhsT = affine_map<(m, n, k) -> (k, m)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#rhsT = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @transposed_weight(%x: memref<1x256xf32>, %w: memref<512x256xf32>, %c: memref<1x512xf32>) {
  linalg.matmul indexing_maps = [#lhs, #rhsT, #out] ins(%x, %w : memref<1x256xf32>, memref<512x256xf32>) outs(%c : memref<1x512xf32>)
  return
}
func.func @gram(%x: memref<300x2xf32>, %c: memref<300x300xf32>) {
  linalg.matmul indexing_maps = [#lhs, #rhsT, #out] ins(%x, %x : memref<300x2xf32>, memref<300x2xf32>) outs(%c : memref<300x300xf32>)
  return
}
func.func @transposed_lhs(%x: memref<256x1xf32>, %w: memref<256x512xf32>, %c: memref<1x512xf32>) {
  linalg.matmul indexing_maps = [#lhsT, #rhs, #out] ins(%x, %w : memref<256x1xf32>, memref<256x512xf32>) outs(%c : memref<1x512xf32>)
  return
}
func.func @both_transposed(%x: memref<256x64xf32>, %w: memref<512x256xf32>, %c: memref<64x512xf32>) {
  linalg.matmul indexing_maps = [#lhsT, #rhsT, #out] ins(%x, %w : memref<256x64xf32>, memref<512x256xf32>) outs(%c : memref<64x512xf32>)
  return
}
#outT = affine_map<(m, n, k) -> (n, m)>
func.func @other_maps(%x: memref<64x256xf32>, %w: memref<256x512xf32>, %c: memref<512x64xf32>) {
  linalg.matmul indexing_maps = [#lhs, #rhs, #outT] ins(%x, %w : memref<64x256xf32>, memref<256x512xf32>) outs(%c : memref<512x64xf32>)
  return
}

// -----

// The zero fill of a fresh buffer goes away wherever it is before the
// product, if nothing between touches the buffer (here another fill and a
// view of it): beta = 0. A buffer read in between keeps its fill (beta 1).
// CHECK-LABEL: func.func @distant_fill(
// CHECK: %[[C:.*]] = memref.alloc() : memref<256x128xf32>
// CHECK: %[[D:.*]] = memref.alloc() : memref<256x128xf32>
// CHECK-NEXT: linalg.fill ins(%{{.*}} : f32) outs(%[[D]] : memref<256x128xf32>)
// CHECK-NEXT: memref.cast %[[C]]
// CHECK-NOT: linalg.fill
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: call @mljit_gemm_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[ZERO]])
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: call @mljit_gemm_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[ONE]])
func.func @distant_fill(%a: memref<256x512xf32>, %b: memref<512x128xf32>, %out: memref<256x128xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<256x128xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<256x128xf32>)
  %d = memref.alloc() : memref<256x128xf32>
  linalg.fill ins(%zero : f32) outs(%d : memref<256x128xf32>)
  %view = memref.cast %c : memref<256x128xf32> to memref<?x128xf32>
  linalg.matmul ins(%a, %b : memref<256x512xf32>, memref<512x128xf32>) outs(%c : memref<256x128xf32>)
  memref.copy %d, %out : memref<256x128xf32> to memref<256x128xf32>
  linalg.matmul ins(%a, %b : memref<256x512xf32>, memref<512x128xf32>) outs(%d : memref<256x128xf32>)
  return
}

// -----

// A large weight by a dynamic count of rows: the call at any count (even
// one row), no loops.
// CHECK-LABEL: func.func @weight_by_rows(
// CHECK-NOT: scf.if
// CHECK: call @mljit_gemm_f32
// CHECK-NOT: linalg.matmul
func.func @weight_by_rows(%a: memref<?x256xf32>, %b: memref<256x768xf32>, %c: memref<?x768xf32>) {
  linalg.matmul ins(%a, %b : memref<?x256xf32>, memref<256x768xf32>) outs(%c : memref<?x768xf32>)
  return
}

// -----

// Complex products call cgemm (c64) and zgemm (c128); their beta is a real
// number of the parts' type, and a complex zero fill is beta = 0 too.
// CHECK-LABEL: func.func @complex(
// CHECK-NOT: linalg.fill
// CHECK: %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: call @mljit_gemm_c64(%{{.*}}, %{{.*}}, %{{.*}}, %[[BETA]]) : (memref<?x?xcomplex<f32>, strided<[?, ?], offset: ?>>, memref<?x?xcomplex<f32>, strided<[?, ?], offset: ?>>, memref<?x?xcomplex<f32>, strided<[?, ?], offset: ?>>, f32) -> ()
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT: call @mljit_batch_gemm_c128(%{{.*}}, %{{.*}}, %{{.*}}, %[[ONE]])
func.func @complex(%a: memref<128x256xcomplex<f32>>, %b: memref<256x64xcomplex<f32>>, %c: memref<128x64xcomplex<f32>>,
                   %x: memref<4x64x64xcomplex<f64>>, %y: memref<4x64x64xcomplex<f64>>, %z: memref<4x64x64xcomplex<f64>>) {
  %zero = complex.constant [0.0 : f32, 0.0 : f32] : complex<f32>
  linalg.fill ins(%zero : complex<f32>) outs(%c : memref<128x64xcomplex<f32>>)
  linalg.matmul ins(%a, %b : memref<128x256xcomplex<f32>>, memref<256x64xcomplex<f32>>) outs(%c : memref<128x64xcomplex<f32>>)
  linalg.batch_matmul ins(%x, %y : memref<4x64x64xcomplex<f64>>, memref<4x64x64xcomplex<f64>>) outs(%z : memref<4x64x64xcomplex<f64>>)
  return
}
