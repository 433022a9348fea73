// Round-trip and folding of the update ops (x[...] = v in traced code).
// RUN: ml-opt %s | ml-opt | FileCheck %s
// RUN: ml-opt %s -mlir-print-op-generic | ml-opt | FileCheck %s
// RUN: ml-opt %s -canonicalize | FileCheck %s --check-prefix=FOLD

// CHECK-LABEL: func.func @update_slice
// CHECK: ml.update_slice %{{.*}} into %{{.*}} [1:2:1, 0:4:2] : tensor<1x2xf32> into tensor<3x4xf32>
func.func @update_slice(%x: tensor<3x4xf32>, %v: tensor<1x2xf32>) -> tensor<3x4xf32> {
  %0 = ml.update_slice %v into %x [1:2:1, 0:4:2] : tensor<1x2xf32> into tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @scatter
// CHECK: ml.scatter %{{.*}} into %{{.*}}[%{{.*}}] axis = 1 : (tensor<3x4xf32>, tensor<2x2xi64>, tensor<3x2x2xf32>)
// CHECK: ml.scatter %{{.*}} into %{{.*}}[%{{.*}}] axis = 0 accumulate : (tensor<4xi1>, tensor<i32>, tensor<i1>)
func.func @scatter(%x: tensor<3x4xf32>, %i: tensor<2x2xi64>, %u: tensor<3x2x2xf32>,
                   %b: tensor<4xi1>, %j: tensor<i32>, %t: tensor<i1>) -> (tensor<3x4xf32>, tensor<4xi1>) {
  %0 = ml.scatter %u into %x [%i] axis = 1 : (tensor<3x4xf32>, tensor<2x2xi64>, tensor<3x2x2xf32>)
  %1 = ml.scatter %t into %b [%j] axis = 0 accumulate : (tensor<4xi1>, tensor<i32>, tensor<i1>)
  return %0, %1 : tensor<3x4xf32>, tensor<4xi1>
}

// An update of the whole operand is the new value; an empty one changes
// nothing, and neither does a scatter with no indices.
// FOLD-LABEL: func.func @folds
// FOLD-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[W:.*]]: tensor<2x3xf32>
// FOLD-NEXT: return %[[W]], %[[X]], %[[X]]
func.func @folds(%x: tensor<2x3xf32>, %w: tensor<2x3xf32>, %e: tensor<0x3xf32>,
                 %i: tensor<0xi64>, %u: tensor<0x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = ml.update_slice %w into %x [0:2:1, 0:3:1] : tensor<2x3xf32> into tensor<2x3xf32>
  %1 = ml.update_slice %e into %x [1:1:1, 0:3:1] : tensor<0x3xf32> into tensor<2x3xf32>
  %2 = ml.scatter %u into %x [%i] axis = 0 : (tensor<2x3xf32>, tensor<0xi64>, tensor<0x3xf32>)
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @dynamic_slices
// CHECK: ml.dynamic_slice %{{.*}}[%{{.*}}, %{{.*}}] : tensor<128x64xf32> -> tensor<1x64xf32>
// CHECK: ml.dynamic_slice %{{.*}}[%{{.*}}, %{{.*}}] [%{{.*}}] : tensor<128x64xf32> -> tensor<?x64xf32>
// CHECK: ml.dynamic_update_slice %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] : tensor<1x64xf32> into tensor<128x64xf32>
func.func @dynamic_slices(%cache: tensor<128x64xf32>, %k: tensor<1x64xf32>, %pos: index, %n: index)
    -> (tensor<1x64xf32>, tensor<?x64xf32>, tensor<128x64xf32>) {
  %c0 = arith.constant 0 : index
  %0 = ml.dynamic_slice %cache [%pos, %c0] : tensor<128x64xf32> -> tensor<1x64xf32>
  %1 = ml.dynamic_slice %cache [%c0, %c0] [%n] : tensor<128x64xf32> -> tensor<?x64xf32>
  %2 = ml.dynamic_update_slice %k into %cache [%pos, %c0] : tensor<1x64xf32> into tensor<128x64xf32>
  return %0, %1, %2 : tensor<1x64xf32>, tensor<?x64xf32>, tensor<128x64xf32>
}

// A slice as large as its operand starts at 0 whatever its starts say (they
// are clamped): the operand. So is an update that covers it; an empty one
// changes nothing.
// FOLD-LABEL: func.func @dynamic_folds
// FOLD-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[W:.*]]: tensor<2x3xf32>
// FOLD-NEXT: return %[[X]], %[[W]], %[[X]]
func.func @dynamic_folds(%x: tensor<2x3xf32>, %w: tensor<2x3xf32>, %e: tensor<0x3xf32>, %p: index)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = ml.dynamic_slice %x [%p, %p] : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = ml.dynamic_update_slice %w into %x [%p, %p] : tensor<2x3xf32> into tensor<2x3xf32>
  %2 = ml.dynamic_update_slice %e into %x [%p, %p] : tensor<0x3xf32> into tensor<2x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
