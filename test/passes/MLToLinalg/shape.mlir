// Shape ops become tensor views and named linalg ops.
// RUN: ml-opt %s -convert-ml-to-linalg -canonicalize | FileCheck %s

// CHECK-DAG: #[[REVERSED:.*]] = affine_map<(d0, d1) -> (-d0 + 3, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>

// A stretched unit dimension is collapsed away, then linalg.broadcast adds
// the new dimensions.
// CHECK-LABEL: func.func @broadcast(
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x3xf32> into tensor<3xf32>
// CHECK: linalg.broadcast ins(%[[C]] : tensor<3xf32>) outs(%{{.*}} : tensor<2x4x3xf32>) dimensions = [0, 1]
func.func @broadcast(%a: tensor<1x3xf32>) -> tensor<2x4x3xf32> {
  %0 = ml.broadcast %a : tensor<1x3xf32> to tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// CHECK-LABEL: func.func @broadcast_trailing_unit(
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<4x1xf32> into tensor<4xf32>
// CHECK: linalg.broadcast ins(%[[C]] : tensor<4xf32>) outs(%{{.*}} : tensor<4x5xf32>) dimensions = [1]
func.func @broadcast_trailing_unit(%a: tensor<4x1xf32>) -> tensor<4x5xf32> {
  %0 = ml.broadcast %a : tensor<4x1xf32> to tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @reshape(
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x6xf32> into tensor<12xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[\[}}0, 1]] output_shape [3, 4] : tensor<12xf32> into tensor<3x4xf32>
func.func @reshape(%a: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %0 = ml.reshape %a : tensor<2x6xf32> to tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @reshape_scalar(
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1xf32> into tensor<f32>
func.func @reshape_scalar(%a: tensor<1x1xf32>) -> tensor<f32> {
  %0 = ml.reshape %a : tensor<1x1xf32> to tensor<f32>
  return %0 : tensor<f32>
}

// Booleans travel as bytes.
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %{{.*}}: tensor<2x3xi8>) -> tensor<3x2xi8>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3xi8>) outs(%{{.*}} : tensor<3x2xi8>) permutation = [1, 0]
func.func @transpose(%a: tensor<2x3xi1>) -> tensor<3x2xi1> {
  %0 = ml.transpose %a, [1, 0] : tensor<2x3xi1> -> tensor<3x2xi1>
  return %0 : tensor<3x2xi1>
}

// CHECK-LABEL: func.func @slice(
// CHECK: tensor.extract_slice %{{.*}}[1, 0] [3, 8] [2, 1] : tensor<8x8xf32> to tensor<3x8xf32>
func.func @slice(%a: tensor<8x8xf32>) -> tensor<3x8xf32> {
  %0 = ml.slice %a [1:7:2, 0:8:1] : tensor<8x8xf32> -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// A negative stride takes the same elements forwards, then reverses them.
// CHECK-LABEL: func.func @slice_backwards(
// CHECK: %[[FORWARD:.*]] = tensor.extract_slice %{{.*}}[1, 2] [4, 1] [2, 1] : tensor<8x3xf32> to tensor<4x1xf32>
// CHECK: linalg.generic {indexing_maps = [#[[REVERSED]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[FORWARD]] : tensor<4x1xf32>) outs(%{{.*}} : tensor<4x1xf32>)
func.func @slice_backwards(%a: tensor<8x3xf32>) -> tensor<4x1xf32> {
  %0 = ml.slice %a [7:-1:-2, 2:3:1] : tensor<8x3xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// A stride of INT64_MIN takes one element, and has no positive counterpart.
// CHECK-LABEL: func.func @slice_min_stride(
// CHECK: tensor.extract_slice %{{.*}}[7] [1] [1] : tensor<8xf32> to tensor<1xf32>
func.func @slice_min_stride(%a: tensor<8xf32>) -> tensor<1xf32> {
  %0 = ml.slice %a [7:-1:-9223372036854775808] : tensor<8xf32> -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// CHECK-LABEL: func.func @slice_empty(
// CHECK-NEXT: %[[E:.*]] = tensor.empty() : tensor<0xf32>
// CHECK-NEXT: return %[[E]]
func.func @slice_empty(%a: tensor<8xf32>) -> tensor<0xf32> {
  %0 = ml.slice %a [3:3:-1] : tensor<8xf32> -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// CHECK-LABEL: func.func @concatenate(
// CHECK-SAME: %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x5xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK: %[[I:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %[[B]] into %[[I]][0, 3] [2, 5] [1, 1]
func.func @concatenate(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = ml.concatenate %a, %b dim = 1 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// An empty operand inserts nothing (at the end, its offset would be out of
// bounds), so concatenating one is the other operand.
// CHECK-LABEL: func.func @concatenate_empty(
// CHECK-SAME: %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<0x3xf32>
// CHECK-NEXT: return %[[A]]
func.func @concatenate_empty(%a: tensor<2x3xf32>, %b: tensor<0x3xf32>) -> tensor<2x3xf32> {
  %0 = ml.concatenate %a, %b dim = 0 : (tensor<2x3xf32>, tensor<0x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// A gather reads the operand with tensor.extract at the wrapped and clamped
// index.
// CHECK-LABEL: func.func @gather(
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<2x3xi32>) outs(%{{.*}} : tensor<2x3x4xf32>)
// CHECK: arith.index_cast
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<10x4xf32>
func.func @gather(%t: tensor<10x4xf32>, %i: tensor<2x3xi32>) -> tensor<2x3x4xf32> {
  %0 = ml.gather %t, %i axis = 0 : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}
