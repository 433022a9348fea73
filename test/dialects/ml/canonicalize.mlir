// Folding of ml ops: constants, identities and op chains.
// RUN: ml-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi32>)
func.func @identities(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4xi32>) {
  %negzero = ml.constant dense<-0.0> : tensor<4xf32>
  %one = ml.constant dense<1.0> : tensor<4xf32>
  %zero = ml.constant dense<0.0> : tensor<4xf32>
  %izero = ml.constant dense<0> : tensor<4xi32>
  %ione = ml.constant dense<1> : tensor<4xi32>
  %0 = ml.add %x, %negzero : tensor<4xf32>
  %1 = ml.mul %x, %one : tensor<4xf32>
  %2 = ml.sub %x, %zero : tensor<4xf32>
  %3 = ml.div %x, %one : tensor<4xf32>
  %4 = ml.add %i, %izero : tensor<4xi32>
  %5 = ml.mul %ione, %i : tensor<4xi32>
  // CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[I]], %[[I]]
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4xi32>
}

// -----

// x + 0.0 is not x when x is -0.0, so it stays.
// CHECK-LABEL: func.func @plus_positive_zero
func.func @plus_positive_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = ml.constant dense<0.0> : tensor<4xf32>
  // CHECK: ml.add
  %0 = ml.add %x, %zero : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @constant_arithmetic
func.func @constant_arithmetic() -> (tensor<2xf32>, tensor<2xi8>, tensor<2xi1>, tensor<2xf32>, tensor<2xf32>, tensor<2xi32>) {
  %a = ml.constant dense<[1.5, -2.0]> : tensor<2xf32>
  %b = ml.constant dense<[0.5, 4.0]> : tensor<2xf32>
  %c = ml.constant dense<[100, -7]> : tensor<2xi8>
  %n = ml.constant dense<[0x7FC00000, 1.0]> : tensor<2xf32>
  // CHECK-DAG: ml.constant dense<2.000000e+00> : tensor<2xf32>
  %0 = ml.add %a, %b : tensor<2xf32>
  // Integers wrap: 100 * 100 = 16 (mod 256).
  // CHECK-DAG: ml.constant dense<[16, 49]> : tensor<2xi8>
  %1 = ml.mul %c, %c : tensor<2xi8>
  // CHECK-DAG: ml.constant dense<[false, true]> : tensor<2xi1>
  %2 = ml.compare lt, %a, %b : tensor<2xf32>
  // NaN wins in maximum.
  // CHECK-DAG: ml.constant dense<[0x7FC00000, 4.000000e+00]> : tensor<2xf32>
  %3 = ml.maximum %n, %b : tensor<2xf32>
  // CHECK-DAG: ml.constant dense<[-1.500000e+00, 2.000000e+00]> : tensor<2xf32>
  %4 = ml.neg %a : tensor<2xf32>
  %i = ml.constant dense<[3, -3]> : tensor<2xi32>
  // CHECK-DAG: ml.constant dense<[3, -3]> : tensor<2xi32>
  %5 = ml.minimum %i, %i : tensor<2xi32>
  // CHECK-NOT: ml.add
  // CHECK-NOT: ml.mul
  // CHECK-NOT: ml.compare
  return %0, %1, %2, %3, %4, %5 : tensor<2xf32>, tensor<2xi8>, tensor<2xi1>, tensor<2xf32>, tensor<2xf32>, tensor<2xi32>
}

// -----

// NaN compares unequal to everything, itself included.
// CHECK-LABEL: func.func @nan_compare
func.func @nan_compare() -> (tensor<i1>, tensor<i1>) {
  %n = ml.constant dense<0x7FC00000> : tensor<f32>
  // CHECK-DAG: %[[F:.*]] = ml.constant dense<false> : tensor<i1>
  // CHECK-DAG: %[[T:.*]] = ml.constant dense<true> : tensor<i1>
  %0 = ml.compare eq, %n, %n : tensor<f32>
  %1 = ml.compare ne, %n, %n : tensor<f32>
  // CHECK: return %[[F]], %[[T]]
  return %0, %1 : tensor<i1>, tensor<i1>
}

// -----

// CHECK-LABEL: func.func @select_cast_neg
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[Y:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<3xi1>)
func.func @select_cast_neg(%x: tensor<3xf32>, %y: tensor<3xf32>, %c: tensor<3xi1>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %true = ml.constant dense<true> : tensor<3xi1>
  %0 = ml.select %true, %x, %y : tensor<3xi1>, tensor<3xf32>
  %1 = ml.select %c, %y, %y : tensor<3xi1>, tensor<3xf32>
  %2 = ml.cast %x : tensor<3xf32> to tensor<3xf32>
  %n = ml.neg %x : tensor<3xf32>
  %3 = ml.neg %n : tensor<3xf32>
  // CHECK: return %[[X]], %[[Y]], %[[X]], %[[X]]
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcasts
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
func.func @broadcasts(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<4x2x3xf32>, tensor<2x2xf32>) {
  %0 = ml.broadcast %x : tensor<3xf32> to tensor<3xf32>
  // CHECK-DAG: %[[B:.*]] = ml.broadcast %[[X]] : tensor<3xf32> to tensor<4x2x3xf32>
  %b = ml.broadcast %x : tensor<3xf32> to tensor<1x3xf32>
  %1 = ml.broadcast %b : tensor<1x3xf32> to tensor<4x2x3xf32>
  // CHECK-DAG: %[[S:.*]] = ml.constant dense<7.000000e+00> : tensor<2x2xf32>
  %s = ml.constant dense<7.0> : tensor<f32>
  %2 = ml.broadcast %s : tensor<f32> to tensor<2x2xf32>
  // CHECK: return %[[X]], %[[B]], %[[S]]
  return %0, %1, %2 : tensor<3xf32>, tensor<4x2x3xf32>, tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @reshapes(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x2xi32>) {
  %0 = ml.reshape %x : tensor<2x3xf32> to tensor<2x3xf32>
  // CHECK-DAG: %[[R:.*]] = ml.reshape %[[X]] : tensor<2x3xf32> to tensor<3x2xf32>
  %r = ml.reshape %x : tensor<2x3xf32> to tensor<6xf32>
  %1 = ml.reshape %r : tensor<6xf32> to tensor<3x2xf32>
  // CHECK-DAG: %[[C:.*]] = ml.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi32>
  %c = ml.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %2 = ml.reshape %c : tensor<4xi32> to tensor<2x2xi32>
  // CHECK: return %[[X]], %[[R]], %[[C]]
  return %0, %1, %2 : tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x2xi32>
}

// -----

// CHECK-LABEL: func.func @transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @transposes(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<3x4x2xf32>) {
  %0 = ml.transpose %x, [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %t = ml.transpose %x, [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = ml.transpose %t, [1, 2, 0] : tensor<4x2x3xf32> -> tensor<2x3x4xf32>
  // CHECK: %[[T:.*]] = ml.transpose %[[X]], [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %u = ml.transpose %x, [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %2 = ml.transpose %u, [0, 2, 1] : tensor<3x2x4xf32> -> tensor<3x4x2xf32>
  // CHECK: return %[[X]], %[[X]], %[[T]]
  return %0, %1, %2 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<3x4x2xf32>
}

// -----

// CHECK-LABEL: func.func @slice_concat
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @slice_concat(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1x3xf32>) {
  %0 = ml.slice %x [0:2:1, 0:3:1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = ml.concatenate %x dim = 0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[S:.*]] = ml.slice %[[X]] [1:2:1, 0:3:1]
  %2 = ml.slice %x [1:2:1, 0:3:1] : tensor<2x3xf32> -> tensor<1x3xf32>
  // CHECK: return %[[X]], %[[X]], %[[S]]
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<1x3xf32>
}

// -----

// Small constant exponents become multiplications; others stay pow.
// CHECK-LABEL: func.func @small_powers
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi64>)
// CHECK: %[[SQ:.*]] = ml.mul %[[X]], %[[X]] : tensor<4xf32>
// CHECK: %[[SQ3:.*]] = ml.mul %[[X]], %[[X]] : tensor<4xf32>
// CHECK: %[[CUBE:.*]] = ml.mul %[[SQ3]], %[[X]] : tensor<4xf32>
// CHECK: %[[SQ4:.*]] = ml.mul %[[X]], %[[X]] : tensor<4xf32>
// CHECK: %[[FOURTH:.*]] = ml.mul %[[SQ4]], %[[SQ4]] : tensor<4xf32>
// CHECK: %[[ISQ:.*]] = ml.mul %[[I]], %[[I]] : tensor<4xi64>
// CHECK: %[[ICUBE:.*]] = ml.mul %[[ISQ]], %[[I]] : tensor<4xi64>
// CHECK: %[[HALF:.*]] = ml.pow %[[X]], %{{.*}} : tensor<4xf32>
// CHECK: %[[FIVE:.*]] = ml.pow %[[X]], %{{.*}} : tensor<4xf32>
// CHECK: return %[[SQ]], %[[CUBE]], %[[FOURTH]], %[[ICUBE]], %[[HALF]], %[[FIVE]]
func.func @small_powers(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xf32>) {
  %two = ml.constant dense<2.0> : tensor<4xf32>
  %three = ml.constant dense<3.0> : tensor<4xf32>
  %four = ml.constant dense<4.0> : tensor<4xf32>
  %ithree = ml.constant dense<3> : tensor<4xi64>
  %half = ml.constant dense<0.5> : tensor<4xf32>
  %five = ml.constant dense<5.0> : tensor<4xf32>
  %0 = ml.pow %x, %two : tensor<4xf32>
  %1 = ml.pow %x, %three : tensor<4xf32>
  %2 = ml.pow %x, %four : tensor<4xf32>
  %3 = ml.pow %i, %ithree : tensor<4xi64>
  %4 = ml.pow %x, %half : tensor<4xf32>
  %5 = ml.pow %x, %five : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xf32>
}

// -----

// The same where the exponent is a constant broadcast to a dynamic shape.
// CHECK-LABEL: func.func @small_powers_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[N:.*]]: index)
// CHECK: %[[SQ:.*]] = ml.mul %[[X]], %[[X]] : tensor<?x4xf32>
// CHECK: %[[CUBE:.*]] = ml.mul %[[SQ]], %[[X]] : tensor<?x4xf32>
// CHECK: %[[FIVE:.*]] = ml.pow %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: return %[[CUBE]], %[[FIVE]]
func.func @small_powers_dynamic(%x: tensor<?x4xf32>, %n: index) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %three = ml.constant dense<3.0> : tensor<f32>
  %five = ml.constant dense<5.0> : tensor<f32>
  %b3 = ml.broadcast %three [%n] : tensor<f32> to tensor<?x4xf32>
  %b5 = ml.broadcast %five [%n] : tensor<f32> to tensor<?x4xf32>
  %0 = ml.pow %x, %b3 : tensor<?x4xf32>
  %1 = ml.pow %x, %b5 : tensor<?x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

// The sum of a split's cotangents, each padded with zeros: the pieces are
// written into one tensor (zeros, then each slice set), in either operand
// order; a slice that overlaps another, or a non-zero base, stays a sum.
// CHECK-LABEL: func.func @split_cotangents
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<2x3xf32>, %[[C:[^:]*]]: tensor<2x3xf32>)
// CHECK: %[[Z:.*]] = ml.constant dense<0.000000e+00> : tensor<2x9xf32>
// CHECK: %[[UA:.*]] = ml.update_slice %[[A]] into %[[Z]] [0:2:1, 0:3:1]
// CHECK: %[[UB:.*]] = ml.update_slice %[[B]] into %[[UA]] [0:2:1, 3:6:1]
// CHECK: %[[UC:.*]] = ml.update_slice %[[C]] into %[[UB]] [0:2:1, 6:9:1]
// CHECK-NOT: ml.add
// CHECK: %[[O:.*]] = ml.update_slice %[[B]] into %[[Z]] [0:2:1, 2:5:1]
// CHECK: %[[S:.*]] = ml.add %[[UA]], %[[O]]
// CHECK: return %[[UC]], %[[S]]
func.func @split_cotangents(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<2x3xf32>) -> (tensor<2x9xf32>, tensor<2x9xf32>) {
  %z = ml.constant dense<0.0> : tensor<2x9xf32>
  %pa = ml.update_slice %a into %z [0:2:1, 0:3:1] : tensor<2x3xf32> into tensor<2x9xf32>
  %pb = ml.update_slice %b into %z [0:2:1, 3:6:1] : tensor<2x3xf32> into tensor<2x9xf32>
  %pc = ml.update_slice %c into %z [0:2:1, 6:9:1] : tensor<2x3xf32> into tensor<2x9xf32>
  %ab = ml.add %pa, %pb : tensor<2x9xf32>
  %abc = ml.add %pc, %ab : tensor<2x9xf32>
  %overlap = ml.update_slice %b into %z [0:2:1, 2:5:1] : tensor<2x3xf32> into tensor<2x9xf32>
  %s = ml.add %pa, %overlap : tensor<2x9xf32>
  return %abc, %s : tensor<2x9xf32>, tensor<2x9xf32>
}

// -----

// Constants of unsigned integers fold as unsigned: 255 (uint8) is above 1,
// and the larger of the two; an int8's -1 is below.
// CHECK-LABEL: func.func @unsigned_folds
// CHECK-DAG: ml.constant dense<true> : tensor<2xi1>
// CHECK-DAG: ml.constant dense<255> : tensor<2xui8>
// CHECK-DAG: ml.constant dense<false> : tensor<2xi1>
func.func @unsigned_folds() -> (tensor<2xi1>, tensor<2xui8>, tensor<2xi1>) {
  %big = ml.constant dense<255> : tensor<2xui8>
  %one = ml.constant dense<1> : tensor<2xui8>
  %gt = ml.compare gt, %big, %one : tensor<2xui8>
  %max = ml.maximum %big, %one : tensor<2xui8>
  %m1 = ml.constant dense<-1> : tensor<2xi8>
  %p1 = ml.constant dense<1> : tensor<2xi8>
  %sgt = ml.compare gt, %m1, %p1 : tensor<2xi8>
  return %gt, %max, %sgt : tensor<2xi1>, tensor<2xui8>, tensor<2xi1>
}
