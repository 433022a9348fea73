// ml-tile-and-fuse tiles the last op of each chain into a parallel loop over
// its outer dimension and fuses the chain's producers into it.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-tile-and-fuse{threads=2}),cse)' -split-input-file -verify-diagnostics | FileCheck %s
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-tile-and-fuse{threads=2 tile-elements=4096}),cse)' -split-input-file | FileCheck %s --check-prefix=ROWS4

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Softmax: one parallel loop over rows, each computing its row's sum and
// quotients from the input alone.
// CHECK-LABEL: func.func @softmax_tail
// CHECK: scf.forall (%[[I:.*]]) in (4096) shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK: %[[ROW:.*]] = tensor.extract_slice %{{.*}}[%[[I]], 0] [1, 1024] [1, 1]
// CHECK: %[[E:.*]] = linalg.generic {{.*}}ins(%[[ROW]] : tensor<1x1024xf32>)
// CHECK: math.exp
// CHECK: %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}}ins(%[[E]] : tensor<1x1024xf32>)
// CHECK: linalg.generic {{.*}}ins(%[[E]], %[[S]] : tensor<1x1024xf32>, tensor<1xf32>)
// CHECK: arith.divf
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[OUT]][%[[I]], 0] [1, 1024] [1, 1]
// ROWS4-LABEL: func.func @softmax_tail
// ROWS4: scf.forall (%{{.*}}) = (0) to (4096) step (4)
// ROWS4: tensor.extract_slice %{{.*}} [4, 1024] [1, 1]
func.func @softmax_tail(%x: tensor<4096x1024xf32>) -> tensor<4096x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4096x1024xf32>
  %e = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4096x1024xf32>) outs(%empty : tensor<4096x1024xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4096x1024xf32>
  %rows = tensor.empty() : tensor<4096xf32>
  %init = linalg.fill ins(%zero : f32) outs(%rows : tensor<4096xf32>) -> tensor<4096xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%e : tensor<4096x1024xf32>) outs(%init : tensor<4096xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  } -> tensor<4096xf32>
  %q = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%e, %s : tensor<4096x1024xf32>, tensor<4096xf32>) outs(%empty : tensor<4096x1024xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4096x1024xf32>
  return %q : tensor<4096x1024xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Chains smaller than min-elements are not worth a parallel loop.
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.forall
func.func @small(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %empty = tensor.empty() : tensor<64x64xf32>
  %e = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x64xf32>) outs(%empty : tensor<64x64xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<64x64xf32>
  return %e : tensor<64x64xf32>
}

// -----

// Matmuls and the fills of their accumulators are left for BLAS; the
// elementwise op after the product is tiled on its own.
// CHECK-LABEL: func.func @matmul_left_whole
// CHECK: %[[F:.*]] = linalg.fill
// CHECK-NEXT: %[[M:.*]] = linalg.matmul {{.*}}outs(%[[F]] : tensor<512x512xf32>)
// CHECK: scf.forall (%{{.*}}) = (0) to (512) step (2)
// CHECK: math.tanh
func.func @matmul_left_whole(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<512x512xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<512x512xf32>) -> tensor<512x512xf32>
  %m = linalg.matmul ins(%a, %b : tensor<512x512xf32>, tensor<512x512xf32>) outs(%init : tensor<512x512xf32>) -> tensor<512x512xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<512x512xf32>) outs(%empty : tensor<512x512xf32>) {
  ^bb0(%x: f32, %out: f32):
    %r = math.tanh %x : f32
    linalg.yield %r : f32
  } -> tensor<512x512xf32>
  return %t : tensor<512x512xf32>
}

// -----

// A dynamic outer dimension of 1024-element rows: a row per tile, as for a
// static one; the tiles are static, their number is read at run time.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x1024xf32>
// CHECK: scf.forall (%[[I:.*]]) in (%[[N]])
// CHECK: tensor.extract_slice %{{.*}}[%[[I]], 0] [1, 1024] [1, 1] : tensor<?x1024xf32> to tensor<1x1024xf32>
// CHECK: math.exp
func.func @dynamic(%x: tensor<?x1024xf32>, %init: tensor<?x1024xf32>) -> tensor<?x1024xf32> {
  %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x1024xf32>) outs(%init : tensor<?x1024xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<?x1024xf32>
  return %e : tensor<?x1024xf32>
}

// -----

// A dynamic inner dimension, or rows narrower than a tile (256 elements
// here), are left alone, without diagnostics.
// CHECK-LABEL: func.func @dynamic_rows
// CHECK-NOT: scf.forall
// CHECK-LABEL: func.func @narrow_rows
// CHECK-NOT: scf.forall
func.func @dynamic_rows(%x: tensor<4096x?xf32>, %init: tensor<4096x?xf32>) -> tensor<4096x?xf32> {
  %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4096x?xf32>) outs(%init : tensor<4096x?xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4096x?xf32>
  return %e : tensor<4096x?xf32>
}
func.func @narrow_rows(%x: tensor<?x256xf32>, %init: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x256xf32>) outs(%init : tensor<?x256xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<?x256xf32>
  return %e : tensor<?x256xf32>
}

// -----

// A reversal (x[::-1]) walks its input backwards, which Linalg's tiling
// cannot express: it is left whole, and the op after it is tiled alone.
// CHECK-LABEL: func.func @reversal_left_whole
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<65536xf64>)
// CHECK: scf.forall
// CHECK: tensor.extract_slice %[[R]]
// CHECK: linalg.generic
// CHECK: arith.addf
func.func @reversal_left_whole(%x: tensor<65536xf64>) -> tensor<65536xf64> {
  %empty = tensor.empty() : tensor<65536xf64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (-d0 + 65535)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<65536xf64>) outs(%empty : tensor<65536xf64>) {
  ^bb0(%a: f64, %out: f64):
    linalg.yield %a : f64
  } -> tensor<65536xf64>
  %s = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%r, %x : tensor<65536xf64>, tensor<65536xf64>) outs(%empty : tensor<65536xf64>) {
  ^bb0(%a: f64, %b: f64, %out: f64):
    %sum = arith.addf %a, %b : f64
    linalg.yield %sum : f64
  } -> tensor<65536xf64>
  return %s : tensor<65536xf64>
}
