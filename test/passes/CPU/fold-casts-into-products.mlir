// ml-fold-casts-into-products lets float64 products of a few rows read a
// float32 weight as stored.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-fold-casts-into-products))' -split-input-file | FileCheck %s
// Products it must leave alone are left alone, without diagnostics.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-fold-casts-into-products))' -split-input-file -verify-diagnostics > /dev/null
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-fold-casts-into-products{max-rows=0}))' -split-input-file | FileCheck %s --check-prefix=NONE

#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>

// A decode step's `x @ w`: the cast goes, the product reads the f32 weight.
// CHECK-LABEL: func.func @decode_step(
// CHECK-SAME: %[[X:.*]]: tensor<1x768xf64>, %[[W:.*]]: tensor<768x3072xf32>
// CHECK-NOT: arith.extf
// CHECK: linalg.matmul ins(%[[X]], %[[W]] : tensor<1x768xf64>, tensor<768x3072xf32>) outs(%{{.*}} : tensor<1x3072xf64>)
// NONE-LABEL: func.func @decode_step(
// NONE: arith.extf
// NONE: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x768xf64>, tensor<768x3072xf64>)
func.func @decode_step(%x: tensor<1x768xf64>, %w: tensor<768x3072xf32>) -> tensor<1x3072xf64> {
  %e = tensor.empty() : tensor<768x3072xf64>
  %w64 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<768x3072xf32>) outs(%e : tensor<768x3072xf64>) {
  ^bb0(%in: f32, %out: f64):
    %0 = arith.extf %in : f32 to f64
    linalg.yield %0 : f64
  } -> tensor<768x3072xf64>
  %zero = arith.constant 0.0 : f64
  %c = tensor.empty() : tensor<1x3072xf64>
  %acc = linalg.fill ins(%zero : f64) outs(%c : tensor<1x3072xf64>) -> tensor<1x3072xf64>
  %y = linalg.matmul ins(%x, %w64 : tensor<1x768xf64>, tensor<768x3072xf64>) outs(%acc : tensor<1x3072xf64>) -> tensor<1x3072xf64>
  return %y : tensor<1x3072xf64>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>

// `x @ w.T` with the transpose fused into the cast: the product reads w
// transposed, through its (n, k) map.
// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @transposed(
// CHECK-SAME: %[[X:.*]]: tensor<16x64xf64>, %[[W:.*]]: tensor<100x64xf32>
// CHECK-NOT: arith.extf
// CHECK: linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #[[MN]]] ins(%[[X]], %[[W]] : tensor<16x64xf64>, tensor<100x64xf32>)
func.func @transposed(%x: tensor<16x64xf64>, %w: tensor<100x64xf32>, %acc: tensor<16x100xf64>) -> tensor<16x100xf64> {
  %e = tensor.empty() : tensor<64x100xf64>
  %w64 = linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<100x64xf32>) outs(%e : tensor<64x100xf64>) {
  ^bb0(%in: f32, %out: f64):
    %0 = arith.extf %in : f32 to f64
    linalg.yield %0 : f64
  } -> tensor<64x100xf64>
  %y = linalg.matmul ins(%x, %w64 : tensor<16x64xf64>, tensor<64x100xf64>) outs(%acc : tensor<16x100xf64>) -> tensor<16x100xf64>
  return %y : tensor<16x100xf64>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// More rows than max-rows (or a dynamic count): dgemm on the widened copy.
// CHECK-LABEL: func.func @many_rows(
// CHECK: arith.extf
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<17x64xf64>, tensor<64x32xf64>)
// CHECK-LABEL: func.func @dynamic_rows(
// CHECK: arith.extf
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x64xf64>, tensor<64x32xf64>)
func.func @many_rows(%x: tensor<17x64xf64>, %w: tensor<64x32xf32>, %acc: tensor<17x32xf64>) -> tensor<17x32xf64> {
  %e = tensor.empty() : tensor<64x32xf64>
  %w64 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<64x32xf32>) outs(%e : tensor<64x32xf64>) {
  ^bb0(%in: f32, %out: f64):
    %0 = arith.extf %in : f32 to f64
    linalg.yield %0 : f64
  } -> tensor<64x32xf64>
  %y = linalg.matmul ins(%x, %w64 : tensor<17x64xf64>, tensor<64x32xf64>) outs(%acc : tensor<17x32xf64>) -> tensor<17x32xf64>
  return %y : tensor<17x32xf64>
}
func.func @dynamic_rows(%x: tensor<?x64xf64>, %w: tensor<64x32xf32>, %acc: tensor<?x32xf64>) -> tensor<?x32xf64> {
  %e = tensor.empty() : tensor<64x32xf64>
  %w64 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<64x32xf32>) outs(%e : tensor<64x32xf64>) {
  ^bb0(%in: f32, %out: f64):
    %0 = arith.extf %in : f32 to f64
    linalg.yield %0 : f64
  } -> tensor<64x32xf64>
  %y = linalg.matmul ins(%x, %w64 : tensor<?x64xf64>, tensor<64x32xf64>) outs(%acc : tensor<?x32xf64>) -> tensor<?x32xf64>
  return %y : tensor<?x32xf64>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A cast used elsewhere too is written anyway; one that computes more than
// the widening, or widens f16, is no weight read as stored.
// CHECK-LABEL: func.func @shared_cast(
// CHECK: linalg.matmul ins(%{{.*}}, %[[W64:.*]] : tensor<1x64xf64>, tensor<64x32xf64>)
// CHECK: return %{{.*}}, %[[W64]]
func.func @shared_cast(%x: tensor<1x64xf64>, %w: tensor<64x32xf32>, %acc: tensor<1x32xf64>) -> (tensor<1x32xf64>, tensor<64x32xf64>) {
  %e = tensor.empty() : tensor<64x32xf64>
  %w64 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<64x32xf32>) outs(%e : tensor<64x32xf64>) {
  ^bb0(%in: f32, %out: f64):
    %0 = arith.extf %in : f32 to f64
    linalg.yield %0 : f64
  } -> tensor<64x32xf64>
  %y = linalg.matmul ins(%x, %w64 : tensor<1x64xf64>, tensor<64x32xf64>) outs(%acc : tensor<1x32xf64>) -> tensor<1x32xf64>
  return %y, %w64 : tensor<1x32xf64>, tensor<64x32xf64>
}

// CHECK-LABEL: func.func @scaled_cast(
// CHECK: arith.mulf
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x64xf64>, tensor<64x32xf64>)
func.func @scaled_cast(%x: tensor<1x64xf64>, %w: tensor<64x32xf32>, %acc: tensor<1x32xf64>) -> tensor<1x32xf64> {
  %e = tensor.empty() : tensor<64x32xf64>
  %w64 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<64x32xf32>) outs(%e : tensor<64x32xf64>) {
  ^bb0(%in: f32, %out: f64):
    %0 = arith.extf %in : f32 to f64
    %1 = arith.mulf %0, %0 : f64
    linalg.yield %1 : f64
  } -> tensor<64x32xf64>
  %y = linalg.matmul ins(%x, %w64 : tensor<1x64xf64>, tensor<64x32xf64>) outs(%acc : tensor<1x32xf64>) -> tensor<1x32xf64>
  return %y : tensor<1x32xf64>
}

// CHECK-LABEL: func.func @half_weight(
// CHECK: arith.extf
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x64xf32>, tensor<64x32xf32>)
func.func @half_weight(%x: tensor<1x64xf32>, %w: tensor<64x32xf16>, %acc: tensor<1x32xf32>) -> tensor<1x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %w32 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<64x32xf16>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%in: f16, %out: f32):
    %0 = arith.extf %in : f16 to f32
    linalg.yield %0 : f32
  } -> tensor<64x32xf32>
  %y = linalg.matmul ins(%x, %w32 : tensor<1x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<1x32xf32>) -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}
