// ml-lower-math: polynomial approximations for the listed f32 functions,
// libm calls where LLVM has no accurate lowering, the rest left alone.
// RUN: ml-opt %s -ml-lower-math=approximate=tanh,exp -split-input-file | FileCheck %s
// RUN: ml-opt %s -ml-lower-math -split-input-file | FileCheck %s --check-prefix=NONE

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
