// Elementwise ml ops become linalg.generic with NumPy's scalar semantics.
// RUN: ml-opt %s -convert-ml-to-linalg -canonicalize -split-input-file | FileCheck %s

// CHECK: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @add
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
// CHECK: arith.addf
// CHECK-NOT: ml.
func.func @add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.add %a, %b : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer floor division never traps: a zero divisor (and INT_MIN / -1)
// divides by 1 instead, and a zero divisor yields 0.
// CHECK-LABEL: func.func @floordiv_int
// CHECK-DAG: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK-DAG: %[[M1:.*]] = arith.constant -1 : i32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: ^bb0(%[[X:.*]]: i32, %[[Y:.*]]: i32, %{{.*}}: i32):
// CHECK:   %[[YZERO:.*]] = arith.cmpi eq, %[[Y]], %[[ZERO]]
// CHECK:   %[[XMIN:.*]] = arith.cmpi eq, %[[X]], %[[MIN]]
// CHECK:   %[[YM1:.*]] = arith.cmpi eq, %[[Y]], %[[M1]]
// CHECK:   %[[OVF:.*]] = arith.andi %[[XMIN]], %[[YM1]]
// CHECK:   %[[BAD:.*]] = arith.ori %[[YZERO]], %[[OVF]]
// CHECK:   %[[SAFE:.*]] = arith.select %[[BAD]], %[[ONE]], %[[Y]]
// CHECK:   %[[Q:.*]] = arith.divsi %[[X]], %[[SAFE]]
// CHECK:   %[[REM:.*]] = arith.remsi %[[X]], %[[SAFE]]
// CHECK:   %[[RNEG:.*]] = arith.cmpi slt, %[[REM]], %[[ZERO]]
// CHECK:   %[[DNEG:.*]] = arith.cmpi slt, %[[SAFE]], %[[ZERO]]
// CHECK:   %[[DIFF:.*]] = arith.xori %[[RNEG]], %[[DNEG]]
// CHECK:   %[[RNZ:.*]] = arith.cmpi ne, %[[REM]], %[[ZERO]]
// CHECK:   %[[ADJ:.*]] = arith.andi %[[RNZ]], %[[DIFF]]
// CHECK:   %[[LOW:.*]] = arith.subi %[[Q]], %[[ONE]]
// CHECK:   %[[FQ:.*]] = arith.select %[[ADJ]], %[[LOW]], %[[Q]]
// CHECK:   %[[R:.*]] = arith.select %[[YZERO]], %[[ZERO]], %[[FQ]]
// CHECK:   linalg.yield %[[R]]
func.func @floordiv_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = ml.floordiv %a, %b : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Python's modulo: the remainder takes the divisor's sign.
// CHECK-LABEL: func.func @rem_int
// CHECK: arith.remsi
// CHECK: arith.cmpi slt
// CHECK: arith.xori
// CHECK: arith.addi
// CHECK: arith.select
func.func @rem_int(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = ml.rem %a, %b : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// NumPy's float floor division: fmod, then correct towards the divisor.
// CHECK-LABEL: func.func @floordiv_float
// CHECK: arith.remf
// CHECK: arith.divf
// CHECK: math.floor
// CHECK: arith.bitcast %{{.*}} : f64 to i64
func.func @floordiv_float(%a: tensor<4xf64>, %b: tensor<4xf64>) -> tensor<4xf64> {
  %0 = ml.floordiv %a, %b : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// Integer power by squaring in a loop (the exponent, never negative there,
// halved by a logical shift: the same for signed and unsigned exponents).
// CHECK-LABEL: func.func @pow_int
// CHECK: scf.while
// CHECK: arith.shrui
func.func @pow_int(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = ml.pow %a, %b : tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// maximum is (x > y || isnan(x)) ? x : y.
// CHECK-LABEL: func.func @maximum
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG:   %[[GT:.*]] = arith.cmpf ogt, %[[X]], %[[Y]]
// CHECK-DAG:   %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK:   %[[PICK:.*]] = arith.ori %[[GT]], %[[NAN]]
// CHECK:   arith.select %[[PICK]], %[[X]], %[[Y]]
func.func @maximum(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.maximum %a, %b : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// f16 is computed in f32 and rounded once.
// CHECK-LABEL: func.func @half_exp
// CHECK: ^bb0(%[[X:.*]]: f16, %{{.*}}: f16):
// CHECK:   %[[W:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK:   %[[E:.*]] = math.exp %[[W]] : f32
// CHECK:   %[[R:.*]] = arith.truncf %[[E]] : f32 to f16
// CHECK:   linalg.yield %[[R]] : f16
func.func @half_exp(%a: tensor<4xf16>) -> tensor<4xf16> {
  %0 = ml.exp %a : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Booleans are stored as i8, signatures included.
// CHECK-LABEL: func.func @compare
// CHECK-SAME: -> tensor<4xi8>
// CHECK: arith.cmpf olt
// CHECK: arith.extui %{{.*}} : i1 to i8
func.func @compare(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %0 = ml.compare lt, %a, %b : tensor<4xf32>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @select
// CHECK-SAME: (%{{.*}}: tensor<3xi8>, %{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>)
// CHECK: ^bb0(%[[C:.*]]: i8, %[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[B:.*]] = arith.cmpi ne, %[[C]], %{{.*}} : i8
// CHECK:   arith.select %[[B]], %[[X]], %[[Y]] : f32
func.func @select(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = ml.select %c, %a, %b : tensor<3xi1>, tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// astype rules: NaN -> true, bool -> 0/1, float -> narrow int via i32.
// CHECK-LABEL: func.func @casts
// CHECK: arith.cmpf une
// CHECK: arith.uitofp %{{.*}} : i1 to f64
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.extf %{{.*}} : f16 to f32
// f32 -> bf16 rounds to nearest even in integer arithmetic, NaN kept quiet.
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.addi %[[BITS]]
// CHECK: arith.cmpf uno
// CHECK: arith.trunci %{{.*}} : i32 to i16
// CHECK: arith.bitcast %{{.*}} : i16 to bf16
func.func @casts(%f: tensor<2xf32>, %b: tensor<2xi1>, %h: tensor<2xf16>) -> (tensor<2xi1>, tensor<2xf64>, tensor<2xi8>, tensor<2xbf16>) {
  %0 = ml.cast %f : tensor<2xf32> to tensor<2xi1>
  %1 = ml.cast %b : tensor<2xi1> to tensor<2xf64>
  %2 = ml.cast %f : tensor<2xf32> to tensor<2xi8>
  %3 = ml.cast %h : tensor<2xf16> to tensor<2xbf16>
  return %0, %1, %2, %3 : tensor<2xi1>, tensor<2xf64>, tensor<2xi8>, tensor<2xbf16>
}

// -----

// CHECK-LABEL: func.func @constants
// CHECK: arith.constant dense<[1, 0]> : tensor<2xi8>
// CHECK: arith.constant dense<2.500000e+00> : tensor<3xf32>
func.func @constants() -> (tensor<2xi1>, tensor<3xf32>) {
  %0 = ml.constant dense<[true, false]> : tensor<2xi1>
  %1 = ml.constant dense<2.5> : tensor<3xf32>
  return %0, %1 : tensor<2xi1>, tensor<3xf32>
}

// -----

// int16 (audio samples): the same semantics at 16 bits; its INT_MIN / -1
// guard is -32768, and a product wraps (arith.muli).
// CHECK-LABEL: func.func @int16
// CHECK-DAG: arith.constant -32768 : i16
// CHECK: arith.muli %{{.*}}, %{{.*}} : i16
// CHECK: arith.divsi %{{.*}}, %{{.*}} : i16
func.func @int16(%a: tensor<8xi16>, %b: tensor<8xi16>) -> tensor<8xi16> {
  %0 = ml.mul %a, %b : tensor<8xi16>
  %1 = ml.floordiv %0, %b : tensor<8xi16>
  return %1 : tensor<8xi16>
}

// -----

// Unsigned integers are computed as signless ones of their width (the
// function takes i8 buffers: NumPy's uint8 bytes), by the unsigned ops:
// division and remainder (a zero divisor still yields 0), right shifts that
// shift in zeros, unsigned comparisons and maximum, and conversions that
// read the bits as unsigned.
// CHECK-LABEL: func.func @uint8
// CHECK-SAME: (%{{.*}}: tensor<8xi8>, %{{.*}}: tensor<8xi8>) -> (tensor<8xi8>, tensor<8xi8>, tensor<8xi8>, tensor<8xi8>, tensor<8xf32>, tensor<8xi32>)
// CHECK: arith.divui %{{.*}}, %{{.*}} : i8
// CHECK-NOT: arith.divsi
// CHECK: arith.shrui
// CHECK-NOT: arith.shrsi
// CHECK: arith.cmpi ult
// CHECK: arith.maxui
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK-NOT: ui8
func.func @uint8(%a: tensor<8xui8>, %b: tensor<8xui8>) -> (tensor<8xui8>, tensor<8xui8>, tensor<8xi1>, tensor<8xui8>, tensor<8xf32>, tensor<8xi32>) {
  %0 = ml.floordiv %a, %b : tensor<8xui8>
  %1 = ml.shift_right %a, %b : tensor<8xui8>
  %2 = ml.compare lt, %a, %b : tensor<8xui8>
  %3 = ml.maximum %a, %b : tensor<8xui8>
  %4 = ml.cast %a : tensor<8xui8> to tensor<8xf32>
  %5 = ml.cast %a : tensor<8xui8> to tensor<8xi32>
  return %0, %1, %2, %3, %4, %5 : tensor<8xui8>, tensor<8xui8>, tensor<8xi1>, tensor<8xui8>, tensor<8xf32>, tensor<8xi32>
}

// -----

// Complex numbers are computed by the complex dialect: NumPy's ring
// operations, its lexicographic order (real parts first; a NaN part makes
// every ordering false), its power (x ** 0 is 1, 0 ** y is 0 or NaN), and
// its conversions (a real number becomes the real part; complex to real
// drops the imaginary part).
// CHECK-LABEL: func.func @complex
// CHECK-DAG: complex.constant [1.000000e+00 : f32, 0.000000e+00 : f32]
// CHECK-DAG: complex.constant [0x7FC00000 : f32, 0x7FC00000 : f32]
// CHECK: complex.add %{{.*}}, %{{.*}} : complex<f32>
// CHECK: complex.div %{{.*}}, %{{.*}} : complex<f32>
// CHECK: complex.re
// CHECK: complex.im
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ord
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf olt
// CHECK: complex.pow
// CHECK: arith.cmpf ogt
// CHECK: complex.re %{{.*}} : complex<f32>
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: complex.create %{{.*}}, %{{.*}} : complex<f64>
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: complex.create %{{.*}}, %{{.*}} : complex<f32>
// CHECK: complex.re %{{.*}} : complex<f32>
// CHECK-NEXT: arith.fptosi
// CHECK: complex.abs
// CHECK: complex.conj
func.func @complex(%a: tensor<4xcomplex<f32>>, %b: tensor<4xcomplex<f32>>, %i: tensor<4xi32>)
    -> (tensor<4xcomplex<f32>>, tensor<4xcomplex<f32>>, tensor<4xi1>, tensor<4xcomplex<f32>>,
        tensor<4xcomplex<f64>>, tensor<4xcomplex<f32>>, tensor<4xi32>, tensor<4xf32>,
        tensor<4xcomplex<f32>>) {
  %0 = ml.add %a, %b : tensor<4xcomplex<f32>>
  %1 = ml.div %a, %b : tensor<4xcomplex<f32>>
  %2 = ml.compare lt, %a, %b : tensor<4xcomplex<f32>>
  %3 = ml.pow %a, %b : tensor<4xcomplex<f32>>
  %4 = ml.cast %a : tensor<4xcomplex<f32>> to tensor<4xcomplex<f64>>
  %5 = ml.cast %i : tensor<4xi32> to tensor<4xcomplex<f32>>
  %6 = ml.cast %a : tensor<4xcomplex<f32>> to tensor<4xi32>
  %7 = ml.complex_abs %a : tensor<4xcomplex<f32>>
  %8 = ml.conj %a : tensor<4xcomplex<f32>>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xcomplex<f32>>, tensor<4xcomplex<f32>>,
      tensor<4xi1>, tensor<4xcomplex<f32>>, tensor<4xcomplex<f64>>, tensor<4xcomplex<f32>>,
      tensor<4xi32>, tensor<4xf32>, tensor<4xcomplex<f32>>
}

// -----

// 8-bit floats (ml_dtypes' float8_e4m3fn and float8_e5m2) have no LLVM
// type: their bits are widened to f32 with integer ops, the op computes in
// f32, and the result is rounded back to nearest even with integer ops.
// E4M3FN has no infinity: beyond 448 (and at NaN) it is all ones, 127;
// E5M2's exponent of all ones (124 = 0x7C) is infinity or NaN.
// CHECK-LABEL: func.func @float8
// CHECK: ^bb0(%[[A:.*]]: f8E4M3FN, %{{.*}}: f8E4M3FN, %{{.*}}: f8E4M3FN):
// CHECK: arith.bitcast %[[A]] : f8E4M3FN to i8
// CHECK: arith.cmpi eq, %{{.*}}, %c127_i32
// CHECK: %[[PRODUCT:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.bitcast %[[PRODUCT]] : f32 to i32
// CHECK: arith.select %{{.*}}, %c127_i32, %{{.*}} : i32
// CHECK: %[[BYTE:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.bitcast %[[BYTE]] : i8 to f8E4M3FN
// CHECK: ^bb0(%[[B:.*]]: f8E5M2, %{{.*}}: f32):
// CHECK: arith.bitcast %[[B]] : f8E5M2 to i8
// CHECK: arith.cmpi uge, %{{.*}}, %c124_i32
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.truncf
func.func @float8(%a: tensor<4xf8E4M3FN>, %b: tensor<4xf8E5M2>) -> (tensor<4xf8E4M3FN>, tensor<4xf32>) {
  %0 = ml.mul %a, %a : tensor<4xf8E4M3FN>
  %1 = ml.cast %b : tensor<4xf8E5M2> to tensor<4xf32>
  return %0, %1 : tensor<4xf8E4M3FN>, tensor<4xf32>
}
