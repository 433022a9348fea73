// Every elementwise op lowers to a linalg.generic computing it with the
// expected scalar ops, for floats and integers.
// RUN: ml-opt %s -convert-ml-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @add_f32(
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: linalg.yield
func.func @add_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.add %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @sub_f32(
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: linalg.yield
func.func @sub_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.sub %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @mul_f32(
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.yield
func.func @mul_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.mul %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @div_f32(
// CHECK: linalg.generic
// CHECK: arith.divf
// CHECK: linalg.yield
func.func @div_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.div %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @floordiv_f32(
// CHECK: linalg.generic
// CHECK: math.floor
// CHECK: linalg.yield
func.func @floordiv_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.floordiv %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @rem_f32(
// CHECK: linalg.generic
// CHECK: arith.remf
// CHECK: linalg.yield
func.func @rem_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.rem %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @pow_f32(
// CHECK: linalg.generic
// CHECK: math.powf
// CHECK: linalg.yield
func.func @pow_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.pow %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @maximum_f32(
// CHECK: linalg.generic
// CHECK: arith.cmpf ogt
// CHECK: linalg.yield
func.func @maximum_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.maximum %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @minimum_f32(
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
// CHECK: linalg.yield
func.func @minimum_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.minimum %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @add_i64(
// CHECK: linalg.generic
// CHECK: arith.addi
// CHECK: linalg.yield
func.func @add_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.add %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @sub_i64(
// CHECK: linalg.generic
// CHECK: arith.subi
// CHECK: linalg.yield
func.func @sub_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.sub %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @mul_i64(
// CHECK: linalg.generic
// CHECK: arith.muli
// CHECK: linalg.yield
func.func @mul_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.mul %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @floordiv_i64(
// CHECK: linalg.generic
// CHECK: arith.divsi
// CHECK: linalg.yield
func.func @floordiv_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.floordiv %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @rem_i64(
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK: linalg.yield
func.func @rem_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.rem %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @pow_i64(
// CHECK: linalg.generic
// CHECK: scf.while
// CHECK: linalg.yield
func.func @pow_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.pow %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @maximum_i64(
// CHECK: linalg.generic
// CHECK: arith.maxsi
// CHECK: linalg.yield
func.func @maximum_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.maximum %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @minimum_i64(
// CHECK: linalg.generic
// CHECK: arith.minsi
// CHECK: linalg.yield
func.func @minimum_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %0 = ml.minimum %a, %b : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @neg_f64(
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: linalg.yield
func.func @neg_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.neg %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @abs_f64(
// CHECK: linalg.generic
// CHECK: math.absf
// CHECK: linalg.yield
func.func @abs_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.abs %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @sign_f64(
// CHECK: linalg.generic
// CHECK: arith.cmpf ogt
// CHECK: linalg.yield
func.func @sign_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.sign %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @exp_f64(
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: linalg.yield
func.func @exp_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.exp %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @log_f64(
// CHECK: linalg.generic
// CHECK: math.log
// CHECK: linalg.yield
func.func @log_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.log %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @log1p_f64(
// CHECK: linalg.generic
// CHECK: math.log1p
// CHECK: linalg.yield
func.func @log1p_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.log1p %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @tanh_f64(
// CHECK: linalg.generic
// CHECK: math.tanh
// CHECK: linalg.yield
func.func @tanh_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.tanh %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @sqrt_f64(
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK: linalg.yield
func.func @sqrt_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.sqrt %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @rsqrt_f64(
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK: linalg.yield
func.func @rsqrt_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.rsqrt %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @sin_f64(
// CHECK: linalg.generic
// CHECK: math.sin
// CHECK: linalg.yield
func.func @sin_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.sin %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @cos_f64(
// CHECK: linalg.generic
// CHECK: math.cos
// CHECK: linalg.yield
func.func @cos_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.cos %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @floor_f64(
// CHECK: linalg.generic
// CHECK: math.floor
// CHECK: linalg.yield
func.func @floor_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.floor %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @ceil_f64(
// CHECK: linalg.generic
// CHECK: math.ceil
// CHECK: linalg.yield
func.func @ceil_f64(%a: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = ml.ceil %a : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @neg_i8(
// CHECK: linalg.generic
// CHECK: arith.subi
// CHECK: linalg.yield
func.func @neg_i8(%a: tensor<2xi8>) -> tensor<2xi8> {
  %0 = ml.neg %a : tensor<2xi8>
  return %0 : tensor<2xi8>
}

// CHECK-LABEL: func.func @abs_i8(
// CHECK: linalg.generic
// CHECK: arith.cmpi slt
// CHECK: linalg.yield
func.func @abs_i8(%a: tensor<2xi8>) -> tensor<2xi8> {
  %0 = ml.abs %a : tensor<2xi8>
  return %0 : tensor<2xi8>
}

// CHECK-LABEL: func.func @sign_i8(
// CHECK: linalg.generic
// CHECK: arith.cmpi sgt
// CHECK: linalg.yield
func.func @sign_i8(%a: tensor<2xi8>) -> tensor<2xi8> {
  %0 = ml.sign %a : tensor<2xi8>
  return %0 : tensor<2xi8>
}

// On booleans (bytes), maximum is or and minimum is and.
// CHECK-LABEL: func.func @maximum_i1(
// CHECK: arith.maxui %{{.*}}, %{{.*}} : i1
func.func @maximum_i1(%a: tensor<3xi1>, %b: tensor<3xi1>) -> tensor<3xi1> {
  %0 = ml.maximum %a, %b : tensor<3xi1>
  return %0 : tensor<3xi1>
}

// CHECK-LABEL: func.func @minimum_i1(
// CHECK: arith.minui %{{.*}}, %{{.*}} : i1
func.func @minimum_i1(%a: tensor<3xi1>, %b: tensor<3xi1>) -> tensor<3xi1> {
  %0 = ml.minimum %a, %b : tensor<3xi1>
  return %0 : tensor<3xi1>
}

// CHECK-LABEL: func.func @compare_eq(
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi eq
func.func @compare_eq(%a: tensor<2xf16>, %b: tensor<2xi32>) -> (tensor<2xi1>, tensor<2xi1>) {
  %0 = ml.compare eq, %a, %a : tensor<2xf16>
  %1 = ml.compare eq, %b, %b : tensor<2xi32>
  return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// CHECK-LABEL: func.func @compare_ne(
// CHECK: arith.cmpf une
// CHECK: arith.cmpi ne
func.func @compare_ne(%a: tensor<2xf16>, %b: tensor<2xi32>) -> (tensor<2xi1>, tensor<2xi1>) {
  %0 = ml.compare ne, %a, %a : tensor<2xf16>
  %1 = ml.compare ne, %b, %b : tensor<2xi32>
  return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// CHECK-LABEL: func.func @compare_lt(
// CHECK: arith.cmpf olt
// CHECK: arith.cmpi slt
func.func @compare_lt(%a: tensor<2xf16>, %b: tensor<2xi32>) -> (tensor<2xi1>, tensor<2xi1>) {
  %0 = ml.compare lt, %a, %a : tensor<2xf16>
  %1 = ml.compare lt, %b, %b : tensor<2xi32>
  return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// CHECK-LABEL: func.func @compare_le(
// CHECK: arith.cmpf ole
// CHECK: arith.cmpi sle
func.func @compare_le(%a: tensor<2xf16>, %b: tensor<2xi32>) -> (tensor<2xi1>, tensor<2xi1>) {
  %0 = ml.compare le, %a, %a : tensor<2xf16>
  %1 = ml.compare le, %b, %b : tensor<2xi32>
  return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// CHECK-LABEL: func.func @compare_gt(
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpi sgt
func.func @compare_gt(%a: tensor<2xf16>, %b: tensor<2xi32>) -> (tensor<2xi1>, tensor<2xi1>) {
  %0 = ml.compare gt, %a, %a : tensor<2xf16>
  %1 = ml.compare gt, %b, %b : tensor<2xi32>
  return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// CHECK-LABEL: func.func @compare_ge(
// CHECK: arith.cmpf oge
// CHECK: arith.cmpi sge
func.func @compare_ge(%a: tensor<2xf16>, %b: tensor<2xi32>) -> (tensor<2xi1>, tensor<2xi1>) {
  %0 = ml.compare ge, %a, %a : tensor<2xf16>
  %1 = ml.compare ge, %b, %b : tensor<2xi32>
  return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// Booleans compare unsigned (false < true).
// CHECK-LABEL: func.func @compare_bool(
// CHECK: arith.cmpi ult
func.func @compare_bool(%a: tensor<2xi1>) -> tensor<2xi1> {
  %0 = ml.compare lt, %a, %a : tensor<2xi1>
  return %0 : tensor<2xi1>
}

// CHECK-LABEL: func.func @argmin(
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
// CHECK: linalg.index 0
func.func @argmin(%a: tensor<4x2xf32>) -> tensor<1x2xi64> {
  %0 = ml.argmin %a axis = 0 keepdims : tensor<4x2xf32> -> tensor<1x2xi64>
  return %0 : tensor<1x2xi64>
}

// CHECK-LABEL: func.func @reduce_prod_min(
// CHECK: linalg.reduce { arith.muli
// CHECK: linalg.reduce
// CHECK: arith.minsi
func.func @reduce_prod_min(%a: tensor<4x2xi32>) -> (tensor<2xi32>, tensor<4xi32>) {
  %0 = ml.reduce prod %a axes = [0] : tensor<4x2xi32> -> tensor<2xi32>
  %1 = ml.reduce min %a axes = [1] : tensor<4x2xi32> -> tensor<4xi32>
  return %0, %1 : tensor<2xi32>, tensor<4xi32>
}

// CHECK-LABEL: func.func @trunc_f32(
// CHECK: linalg.generic
// CHECK: math.trunc
// CHECK: linalg.yield
func.func @trunc_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.trunc %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @rint_f32(
// CHECK: linalg.generic
// CHECK: math.roundeven
// CHECK: linalg.yield
func.func @rint_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.rint %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @expm1_f32(
// CHECK: linalg.generic
// CHECK: math.expm1
// CHECK: linalg.yield
func.func @expm1_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.expm1 %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @exp2_f32(
// CHECK: linalg.generic
// CHECK: math.exp2
// CHECK: linalg.yield
func.func @exp2_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.exp2 %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @log2_f32(
// CHECK: linalg.generic
// CHECK: math.log2
// CHECK: linalg.yield
func.func @log2_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.log2 %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @log10_f32(
// CHECK: linalg.generic
// CHECK: math.log10
// CHECK: linalg.yield
func.func @log10_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.log10 %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @cbrt_f32(
// CHECK: linalg.generic
// CHECK: math.cbrt
// CHECK: linalg.yield
func.func @cbrt_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.cbrt %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @tan_f32(
// CHECK: linalg.generic
// CHECK: math.tan
// CHECK: linalg.yield
func.func @tan_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.tan %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @asin_f32(
// CHECK: linalg.generic
// CHECK: math.asin
// CHECK: linalg.yield
func.func @asin_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.asin %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @acos_f32(
// CHECK: linalg.generic
// CHECK: math.acos
// CHECK: linalg.yield
func.func @acos_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.acos %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @atan_f32(
// CHECK: linalg.generic
// CHECK: math.atan
// CHECK: linalg.yield
func.func @atan_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.atan %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @sinh_f32(
// CHECK: linalg.generic
// CHECK: math.sinh
// CHECK: linalg.yield
func.func @sinh_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.sinh %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @cosh_f32(
// CHECK: linalg.generic
// CHECK: math.cosh
// CHECK: linalg.yield
func.func @cosh_f32(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = ml.cosh %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// atan2(±0, ±0) is selected apart from math.atan2, whose constant folder
// makes it NaN.
// CHECK-LABEL: func.func @atan2_f64(
// CHECK: %[[ZEROS:.*]] = arith.andi
// CHECK: %[[ATAN2:.*]] = math.atan2
// CHECK: arith.select %[[ZEROS]], %{{.*}}, %[[ATAN2]] : f64
func.func @atan2_f64(%a: tensor<2xf64>) -> tensor<2xf64> {
  %0 = ml.atan2 %a, %a : tensor<2xf64>
  return %0 : tensor<2xf64>
}

// CHECK-LABEL: func.func @and_i32(
// CHECK: arith.andi
func.func @and_i32(%a: tensor<2xi32>) -> tensor<2xi32> {
  %0 = ml.and %a, %a : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// CHECK-LABEL: func.func @or_i32(
// CHECK: arith.ori
func.func @or_i32(%a: tensor<2xi32>) -> tensor<2xi32> {
  %0 = ml.or %a, %a : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// CHECK-LABEL: func.func @xor_i32(
// CHECK: arith.xori
func.func @xor_i32(%a: tensor<2xi32>) -> tensor<2xi32> {
  %0 = ml.xor %a, %a : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// Shifts by the bit width or more saturate, as NumPy.
// CHECK-LABEL: func.func @shift_left_i16(
// CHECK: arith.cmpi ult
// CHECK: arith.shli
// CHECK: arith.select
func.func @shift_left_i16(%a: tensor<2xi32>) -> tensor<2xi32> {
  %0 = ml.shift_left %a, %a : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// CHECK-LABEL: func.func @shift_right_i64(
// CHECK: arith.cmpi ult
// CHECK: arith.shrsi
// CHECK: arith.select
func.func @shift_right_i64(%a: tensor<2xi64>) -> tensor<2xi64> {
  %0 = ml.shift_right %a, %a : tensor<2xi64>
  return %0 : tensor<2xi64>
}
