// ml-lower-math: polynomial approximations for the listed f32 functions,
// libm calls where LLVM has no accurate lowering, the rest left alone.
// RUN: ml-opt %s -ml-lower-math=approximate=tanh,exp -split-input-file | FileCheck %s
// RUN: ml-opt %s -ml-lower-math -split-input-file | FileCheck %s --check-prefix=NONE
// RUN: ml-opt %s -ml-lower-math=approximate=exp,log2 -split-input-file | FileCheck %s --check-prefix=SUBNORMAL
// RUN: ml-opt %s -ml-lower-math=approximate=expm1 -split-input-file | FileCheck %s --check-prefix=EXPM1

// CHECK-LABEL: func.func @functions
// Approximated: plain arithmetic, no math op and no call.
// CHECK-NOT: math.tanh
// CHECK-NOT: math.exp
// CHECK-NOT: call @tanhf
// log is not listed and LLVM lowers it accurately: left alone.
// CHECK: math.log %{{.*}} : f32
// expm1 and log1p would lose digits as exp(x) - 1 and log(1 + x): libm.
// CHECK: call @expm1(%{{.*}}) : (f64) -> f64
// CHECK: call @log1pf(%{{.*}}) : (f32) -> f32
// sqrt is an instruction.
// CHECK: math.sqrt
// NONE-LABEL: func.func @functions
// NONE: call @tanhf
// NONE: math.exp %{{.*}} : f32
func.func @functions(%x: f32, %d: f64) -> (f32, f32, f32, f64, f32, f32) {
  %0 = math.tanh %x : f32
  %1 = math.exp %x : f32
  %2 = math.log %x : f32
  %3 = math.expm1 %d : f64
  %4 = math.log1p %x : f32
  %5 = math.sqrt %x : f32
  return %0, %1, %2, %3, %4, %5 : f32, f32, f32, f64, f32, f32
}

// -----

// Approximated exp, log and log2 keep NumPy's subnormals: exp below
// ln(2^-126) is computed as exp(x / 2)^2, and log and log2 of a subnormal as
// log(x * 2^23) - 23 log(2) (log2: - 23), each with one approximation.
// SUBNORMAL-LABEL: func.func @subnormals
// SUBNORMAL-DAG: %[[LN_MIN:.*]] = arith.constant -87.3365478 : f32
// SUBNORMAL-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// SUBNORMAL-DAG: %[[MIN:.*]] = arith.constant dense<1.17549435E-38> : vector<8xf32>
// SUBNORMAL-DAG: %[[SCALE:.*]] = arith.constant dense<0x4B000000> : vector<8xf32>
// SUBNORMAL-DAG: %[[TWENTY_THREE:.*]] = arith.constant dense<2.300000e+01> : vector<8xf32>
// SUBNORMAL: %[[SMALL:.*]] = arith.cmpf olt, %[[X:.*]], %[[LN_MIN]] : f32
// SUBNORMAL: %[[HALVED:.*]] = arith.mulf %[[X]], %[[HALF]] : f32
// SUBNORMAL: %[[ARG:.*]] = arith.select %[[SMALL]], %[[HALVED]], %[[X]] : f32
// exp's approximation sees 0 for a NaN, which is passed through (its
// conversion to an integer is poison for a NaN LLVM can see).
// SUBNORMAL: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// SUBNORMAL: arith.select %[[NAN]], %{{.*}}, %[[ARG]] : f32
// SUBNORMAL: %[[R:.*]] = arith.select %[[SMALL]], %{{.*}}, %{{.*}} : f32
// SUBNORMAL: arith.select %[[NAN]], %[[X]], %[[R]] : f32
// SUBNORMAL: %[[TINY:.*]] = arith.cmpf olt, %[[V:.*]], %[[MIN]] : vector<8xf32>
// SUBNORMAL: %[[SCALED:.*]] = arith.mulf %[[V]], %[[SCALE]] : vector<8xf32>
// SUBNORMAL: arith.select %[[TINY]], %[[SCALED]], %[[V]]
// SUBNORMAL: %[[C:.*]] = arith.subf %[[L:.*]], %[[TWENTY_THREE]] : vector<8xf32>
// SUBNORMAL-NEXT: arith.select %[[TINY]], %[[C]], %[[L]]
// SUBNORMAL-NOT: math.
// SUBNORMAL: math.exp %{{.*}} : f64
// SUBNORMAL-NEXT: return
// Not approximated, f64 and unlisted functions are left alone.
// NONE-LABEL: func.func @subnormals
// NONE: math.exp %{{.*}} : f32
// NONE: math.log2 %{{.*}} : vector<8xf32>
// NONE: math.exp %{{.*}} : f64
// NONE-NOT: arith.cmpf
func.func @subnormals(%x: f32, %v: vector<8xf32>, %d: f64) -> (f32, vector<8xf32>, f64) {
  %0 = math.exp %x : f32
  %1 = math.log2 %v : vector<8xf32>
  %2 = math.exp %d : f64
  return %0, %1, %2 : f32, vector<8xf32>, f64
}

// -----

// Approximated expm1 sees 0 for a NaN, which is passed through: it computes
// exp, whose conversion to an integer is poison for a NaN LLVM can see
// (expm1(x - nan) returned garbage from the second call on).
// EXPM1-LABEL: func.func @expm1_nan
// EXPM1-SAME: (%[[X:.*]]: f32)
// EXPM1: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// EXPM1: %[[ARG:.*]] = arith.select %[[NAN]], %{{.*}}, %[[X]] : f32
// EXPM1-NOT: math.expm1
// EXPM1: %[[R:.*]] = arith.select %[[NAN]], %[[X]], %{{.*}} : f32
// EXPM1-NEXT: return %[[R]]
func.func @expm1_nan(%x: f32) -> f32 {
  %0 = math.expm1 %x : f32
  return %0 : f32
}
