// Stage 3 of ml-cpu-pipeline, ml-cpu-to-affine: each loop nest a kernel, its
// tiles an scf.parallel, the loops inside affine.for (ml-linalg-to-affine-
// loops), then the `affine-passes` (invariant code motion by default). What
// `Lowered.as_text("affine")` shows.
// RUN: ml-opt %s -split-input-file --ml-cpu-to-linalg=threads=2 --ml-cpu-bufferize=threads=2 --ml-cpu-to-affine=threads=2 | FileCheck %s
// A researcher's affine pass in the stage: the product's loops tiled by 32.
// RUN: ml-opt %s -split-input-file --ml-cpu-to-linalg --ml-cpu-bufferize \
// RUN:   --ml-cpu-to-affine='affine-passes={affine-loop-tile{tile-size=32},affine-loop-invariant-code-motion}' \
// RUN:   | FileCheck %s --check-prefix=TILED
// No affine passes: the loads stay where the loop nest put them.
// RUN: ml-opt %s -split-input-file --ml-cpu-to-linalg --ml-cpu-bufferize \
// RUN:   --ml-cpu-to-affine='affine-passes=' | FileCheck %s --check-prefix=NONE
// And the whole pipeline with a pass inserted still reaches LLVM.
// RUN: ml-opt %s -split-input-file \
// RUN:   --ml-cpu-pipeline='threads=2 affine-passes={affine-loop-tile{tile-size=32}}' \
// RUN:   | FileCheck %s --check-prefix=LLVM

// Elementwise, tiled by rows: affine loops inside the parallel loop.
// CHECK-LABEL: func.func private @gelu_like_kernel
// CHECK: scf.parallel
// CHECK:   affine.for %[[I:.*]] = 0 to {{[0-9]+}} {
// CHECK:     affine.for %[[J:.*]] = 0 to 256 {
// CHECK:       %[[X:.*]] = affine.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:       math.tanh %[[X]]
// CHECK:       affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]]
// CHECK-NOT: linalg.
// LLVM-LABEL: llvm.func @gelu_like
// LLVM-NOT: affine.
func.func @gelu_like(%x: tensor<512x256xf32>) -> tensor<512x256xf32> {
  %t = ml.tanh %x : tensor<512x256xf32>
  %r = ml.mul %t, %x : tensor<512x256xf32>
  return %r : tensor<512x256xf32>
}

// -----

// Reductions (too small to tile: each op a kernel of its own). The row's
// max is read once per row, not once per element: invariant code motion.
// CHECK-LABEL: func.func private @softmax_kernel_0
// CHECK: affine.for %[[I:.*]] = 0 to 64 {
// CHECK:   affine.for %[[J:.*]] = 0 to 100 {
// CHECK:     affine.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:     affine.load %[[MAX:.*]][%[[I]]]
// CHECK:     arith.maximumf
// CHECK:     affine.store %{{.*}}, %[[MAX]][%[[I]]]
// CHECK-LABEL: func.func private @softmax_kernel_1
// CHECK: affine.for %[[I:.*]] = 0 to 64 {
// CHECK-NEXT: %[[M:.*]] = affine.load %{{.*}}[%[[I]]]
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 100 {
// CHECK:     %[[X:.*]] = affine.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:     arith.subf %[[X]], %[[M]]
// NONE-LABEL: func.func private @softmax_kernel_1
// NONE: affine.for %[[I:.*]] = 0 to 64 {
// NONE-NEXT: affine.for %[[J:.*]] = 0 to 100 {
func.func @softmax(%x: tensor<64x100xf32>) -> tensor<64x100xf32> {
  %0 = ml.reduce max %x axes = [1] keepdims : tensor<64x100xf32> -> tensor<64x1xf32>
  %1 = ml.broadcast %0 : tensor<64x1xf32> to tensor<64x100xf32>
  %2 = ml.sub %x, %1 : tensor<64x100xf32>
  %3 = ml.exp %2 : tensor<64x100xf32>
  %4 = ml.reduce sum %3 axes = [1] keepdims : tensor<64x100xf32> -> tensor<64x1xf32>
  %5 = ml.broadcast %4 : tensor<64x1xf32> to tensor<64x100xf32>
  %6 = ml.div %3, %5 : tensor<64x100xf32>
  return %6 : tensor<64x100xf32>
}

// -----

// A product (no BLAS in ml-opt's default) and the bias and ReLU after it.
// CHECK-LABEL: func.func private @dense_relu_kernel_0
// CHECK: affine.for %[[I:.*]] = 0 to 64 {
// CHECK:   affine.for %[[J:.*]] = 0 to 96 {
// CHECK:     affine.for %[[K:.*]] = 0 to 128 {
// CHECK:       affine.load %{{.*}}[%[[I]], %[[K]]] : memref<64x128xf32
// CHECK:       affine.load %{{.*}}[%[[K]], %[[J]]] : memref<128x96xf32
// CHECK:       arith.mulf
// CHECK:       affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<64x96xf32
// CHECK-LABEL: func.func private @dense_relu_kernel_1
// CHECK: affine.for
// CHECK:   affine.for
// CHECK:     arith.addf
// CHECK:     arith.select
// TILED-LABEL: func.func private @dense_relu_kernel_0
// TILED: affine.for %[[I:.*]] = 0 to 64 step 32 {
// TILED:   affine.for %[[J:.*]] = 0 to 96 step 32 {
// TILED:     affine.for %[[K:.*]] = 0 to 128 step 32 {
// TILED:       affine.for %{{.*}} = #{{.*}}(%[[I]]) to #{{.*}}(%[[I]]) {
// TILED:         arith.mulf
// LLVM-LABEL: llvm.func @dense_relu
func.func @dense_relu(%x: tensor<64x128xf32>, %w: tensor<128x96xf32>, %b: tensor<96xf32>) -> tensor<64x96xf32> {
  %0 = ml.matmul %x, %w : (tensor<64x128xf32>, tensor<128x96xf32>) -> tensor<64x96xf32>
  %1 = ml.broadcast %b : tensor<96xf32> to tensor<64x96xf32>
  %2 = ml.add %0, %1 : tensor<64x96xf32>
  %3 = ml.constant dense<0.000000e+00> : tensor<64x96xf32>
  %4 = ml.maximum %2, %3 : tensor<64x96xf32>
  return %4 : tensor<64x96xf32>
}

// -----

// A gather: the row is computed from the ids (clamped), so the table is read
// with memref.load, inside affine loops; the row's index is computed once
// per row.
// CHECK-LABEL: func.func private @embed_kernel
// CHECK-SAME: (%[[IDS:.*]]: memref<256xi64, {{.*}}>, %[[OUT:.*]]: memref<256x64xf32, {{.*}}>, %[[TABLE:.*]]: memref<1000x64xf32
// CHECK: affine.for %[[I:.*]] = 0 to 256 {
// CHECK:   affine.load %[[IDS]][%[[I]]]
// CHECK:   %[[ROW:.*]] = arith.minsi
// CHECK:   affine.for %[[J:.*]] = 0 to 64 {
// CHECK:     %[[V:.*]] = memref.load %[[TABLE]][%[[ROW]], %[[J]]]
// CHECK:     affine.store %[[V]], %[[OUT]][%[[I]], %[[J]]]
func.func @embed(%table: tensor<1000x64xf32>, %ids: tensor<256xi64>) -> tensor<256x64xf32> {
  %0 = ml.gather %table, %ids axis = 0 : (tensor<1000x64xf32>, tensor<256xi64>) -> tensor<256x64xf32>
  return %0 : tensor<256x64xf32>
}

// -----

// Tiles of 4 rows of 1001: the last tile's size is no affine bound, so the
// loops inside the tiles are scf.for.
// CHECK-LABEL: func.func private @partial_tiles_kernel
// CHECK: scf.parallel (%[[T:.*]]) =
// CHECK:   %[[ROWS:.*]] = affine.min #{{.*}}(%[[T]])
// CHECK:   scf.for %{{.*}} = %c0 to %[[ROWS]] step %c1 {
// CHECK:     scf.for
// CHECK:       memref.load
// CHECK:       math.exp
// CHECK-NOT: affine.for
func.func @partial_tiles(%x: tensor<1001x256xf32>) -> tensor<1001x256xf32> {
  %0 = ml.exp %x : tensor<1001x256xf32>
  return %0 : tensor<1001x256xf32>
}
