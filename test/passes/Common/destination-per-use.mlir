// ml-destination-per-use: every write gets an empty or initialized
// destination of its own, so that bufferization writes each in place.
// RUN: ml-opt %s -ml-destination-per-use -split-input-file -verify-diagnostics | FileCheck %s
// Bufferized, two products into one zero fill copy it for the second; with a
// fill each, nothing is copied.
// RUN: ml-opt %s -split-input-file -one-shot-bufferize | FileCheck %s --check-prefix=SHARED
// RUN: ml-opt %s -split-input-file -ml-destination-per-use -one-shot-bufferize | FileCheck %s --check-prefix=SPLIT

// CHECK-LABEL: func.func @products
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x4xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[Z2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : {{.*}}) outs(%[[Z]] : tensor<4x4xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : {{.*}}) outs(%[[Z2]] : tensor<4x4xf32>)
// SHARED-LABEL: func.func @products
// SHARED: memref.copy
// SPLIT-LABEL: func.func @products
// SPLIT-NOT: memref.copy
// SPLIT: return
func.func @products(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
  %q = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %p, %q : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// Each use of a shared empty tensor but the first gets its own, beside it.
// CHECK-LABEL: func.func @empties
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8xf32>
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<8xf32>
// CHECK-NEXT: %[[A:.*]] = linalg.generic {{.*}} outs(%[[E]] : tensor<8xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[E2]] : tensor<8xf32>)
func.func @empties(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  return %a, %b : tensor<8xf32>, tensor<8xf32>
}

// -----

// An empty tensor sliced in a loop body (a tiled chain's destination) is
// copied beside the original, outside the loop: never allocated per
// iteration.
// CHECK-LABEL: func.func @tiled
// CHECK: tensor.empty() : tensor<64x32xf32>
// CHECK-NEXT: tensor.empty() : tensor<64x32xf32>
// CHECK: scf.forall
// CHECK-NOT: tensor.empty
// CHECK: tensor.extract_slice
func.func @tiled(%x: tensor<64x32xf32>) -> (tensor<64x32xf32>, tensor<64x32xf32>) {
  %e = tensor.empty() : tensor<64x32xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.negf %in : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32>
  %r = scf.forall (%i) in (64) shared_outs(%o = %x) -> (tensor<64x32xf32>) {
    %s = tensor.extract_slice %e[%i, 0] [1, 32] [1, 1] : tensor<64x32xf32> to tensor<1x32xf32>
    %f = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
        outs(%s : tensor<1x32xf32>) {
    ^bb0(%out: f32):
      %c = arith.constant 1.0 : f32
      linalg.yield %c : f32
    } -> tensor<1x32xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %f into %o[%i, 0] [1, 32] [1, 1] : tensor<1x32xf32> into tensor<64x32xf32>
    }
  }
  return %n, %r : tensor<64x32xf32>, tensor<64x32xf32>
}

// -----

// A fill that is also read keeps its value for the read; each write into it
// gets a copy. A destination used once, and a tensor that is not a fresh
// destination (an argument), are left alone.
// CHECK-LABEL: func.func @read_and_written
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[Z2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4xf32>)
// CHECK-NEXT: %[[W:.*]] = linalg.generic {{.*}} outs(%[[Z2]] : tensor<4xf32>)
// CHECK: return %[[Z]], %[[W]], %{{.*}}
func.func @read_and_written(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %z = linalg.fill ins(%one : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %w = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%z : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %v = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %z, %w, %v : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Dynamic sizes: each write gets its own tensor.empty of the same sizes.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[N:.*]]: index)
// CHECK: %[[E1:.*]] = tensor.empty(%[[N]]) : tensor<?x8xf32>
// CHECK: %[[F1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E1]] : tensor<?x8xf32>)
// CHECK: %[[E2:.*]] = tensor.empty(%[[N]]) : tensor<?x8xf32>
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<?x8xf32>)
// CHECK: linalg.add {{.*}} outs(%[[F1]] : tensor<?x8xf32>)
// CHECK: linalg.mul {{.*}} outs(%[[F2]] : tensor<?x8xf32>)
func.func @dynamic(%x: tensor<?x8xf32>, %n: index) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x8xf32>) -> tensor<?x8xf32>
  %a = linalg.add ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%f : tensor<?x8xf32>) -> tensor<?x8xf32>
  %b = linalg.mul ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%f : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %a, %b : tensor<?x8xf32>, tensor<?x8xf32>
}
