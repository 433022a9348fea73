// ml-outline-kernels: each loop nest a private noinline function, equal ones
// one function.
// RUN: ml-opt %s -ml-outline-kernels -split-input-file -verify-diagnostics | FileCheck %s
// RUN: ml-opt %s -ml-outline-kernels=merge=false -split-input-file | FileCheck %s --check-prefix=APART
// RUN: ml-opt %s -ml-outline-kernels -convert-func-to-llvm -ml-noalias-arguments -split-input-file | FileCheck %s --check-prefix=LLVM

#id = affine_map<(d0) -> (d0)>

// The same loop nest on another slice of another buffer calls the same
// kernel: buffers are passed with a dynamic offset. The constant is copied in.
// The function left is glue, and says so.
// CHECK-LABEL: func.func @heads
// CHECK-SAME: (%[[A:.*]]: memref<8xf32>, %[[B:.*]]: memref<16xf32>, %[[OUT:.*]]: memref<8xf32>)
// CHECK-SAME: attributes {ml.outlined}
// CHECK: %[[T:.*]] = memref.alloc() : memref<8xf32>
// CHECK: %[[S:.*]] = memref.subview %[[B]][8] [8] [1]
// CHECK: %[[A1:.*]] = memref.cast %[[A]] : memref<8xf32> to memref<8xf32, strided<[1], offset: ?>>
// CHECK: %[[T1:.*]] = memref.cast %[[T]] : memref<8xf32> to memref<8xf32, strided<[1], offset: ?>>
// CHECK: call @heads_kernel(%[[A1]], %[[T1]])
// CHECK: %[[S1:.*]] = memref.cast %[[S]] : memref<8xf32, strided<[1], offset: 8>> to memref<8xf32, strided<[1], offset: ?>>
// CHECK: %[[O1:.*]] = memref.cast %[[OUT]]
// CHECK: call @heads_kernel(%[[S1]], %[[O1]])
// CHECK-NEXT: memref.dealloc %[[T]]
// CHECK-NOT: linalg.generic
// CHECK: return
// One kernel, not inlined; at the second call both buffers are arguments of
// the caller, which may overlap, so neither is marked noalias.
// CHECK: func.func private @heads_kernel(%{{.*}}: memref<8xf32, strided<[1], offset: ?>>, %{{.*}}: memref<8xf32, strided<[1], offset: ?>>)
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK-NEXT: arith.constant 2.000000e+00 : f32
// CHECK-NEXT: linalg.generic
// CHECK: return
// CHECK-NOT: func.func
// Unmerged, each loop nest has a kernel of its own.
// APART-LABEL: func.func @heads
// APART: call @heads_kernel(
// APART: call @heads_kernel_0(
// APART: func.func private @heads_kernel(
// APART: func.func private @heads_kernel_0(
func.func @heads(%a: memref<8xf32>, %b: memref<16xf32>, %out: memref<8xf32>) {
  %cst = arith.constant 2.0 : f32
  %t = memref.alloc() : memref<8xf32>
  %s = memref.subview %b[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<8xf32>) outs(%t : memref<8xf32>) {
  ^bb0(%x: f32, %y: f32):
    %m = arith.mulf %x, %cst : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%s : memref<8xf32, strided<[1], offset: 8>>) outs(%out : memref<8xf32>) {
  ^bb0(%x: f32, %y: f32):
    %m = arith.mulf %x, %cst : f32
    linalg.yield %m : f32
  }
  memref.dealloc %t : memref<8xf32>
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

// Kernels that differ in a constant, a shape or a dtype stay apart.
// CHECK-LABEL: func.func @different
// CHECK: call @different_kernel(
// CHECK: call @different_kernel_0(
// CHECK: call @different_kernel_1(
// CHECK: call @different_kernel_2(
// CHECK: func.func private @different_kernel(
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK: func.func private @different_kernel_0(
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK: func.func private @different_kernel_1({{.*}}memref<4xf32
// CHECK: func.func private @different_kernel_2({{.*}}memref<8xf64
func.func @different(%a: memref<8xf32>, %b: memref<8xf32>, %c: memref<4xf32>, %d: memref<8xf64>) {
  %two = arith.constant 2.0 : f32
  %three = arith.constant 3.0 : f32
  %two64 = arith.constant 2.0 : f64
  linalg.fill ins(%two : f32) outs(%a : memref<8xf32>)
  linalg.fill ins(%three : f32) outs(%b : memref<8xf32>)
  linalg.fill ins(%two : f32) outs(%c : memref<4xf32>)
  linalg.fill ins(%two64 : f64) outs(%d : memref<8xf64>)
  return
}

// -----

// Buffers used through other views keep their own type (the kernel is then
// one slice's); a loop's results are the kernel's. A buffer of its own (the
// alloc) beside an argument of the caller aliases nothing: its aligned
// pointer is listed by its position in the LLVM function (the bound is
// argument 0, a 2-d memref expands to 7 arguments).
// CHECK-LABEL: func.func @loop
// CHECK: %[[SUM:.*]] = call @loop_kernel(%{{.*}}, %{{.*}}, %{{.*}}) : (index, memref<4x8xf32>, memref<8xf32, strided<[1], offset: ?>>) -> f32
// CHECK: return %[[SUM]]
// CHECK: func.func private @loop_kernel(%{{.*}}: index, %{{.*}}: memref<4x8xf32>, %{{.*}}: memref<8xf32, strided<[1], offset: ?>>) -> f32
// CHECK-SAME: attributes {ml.noalias_arguments = array<i64: 2, 9>, passthrough = ["noinline"]}
// CHECK: scf.for
// CHECK: memref.subview
// CHECK: return %{{.*}} : f32
// ml-noalias-arguments marks exactly the listed pointers:
// LLVM: llvm.func @loop_kernel(%{{.*}}: i64, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64) -> f32
func.func @loop(%a: memref<4x8xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<8xf32>
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%s = %zero) -> f32 {
    %row = memref.subview %a[%i, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    memref.copy %row, %acc : memref<8xf32, strided<[1], offset: ?>> to memref<8xf32>
    %x = memref.load %acc[%c0] : memref<8xf32>
    %t = arith.addf %s, %x : f32
    scf.yield %t : f32
  }
  memref.dealloc %acc : memref<8xf32>
  return %sum : f32
}

// -----

// Ops without regions stay, and so does an op returning a buffer: its
// stack allocation would not outlive a kernel. Declarations are left alone.
// CHECK-LABEL: func.func @glue
// CHECK-SAME: attributes {ml.outlined}
// CHECK-NEXT: memref.copy
// CHECK-NEXT: scf.if
// CHECK-NEXT: memref.alloca
// CHECK: return
// CHECK-NOT: func.func private @glue_kernel
// CHECK: func.func private @external
func.func @glue(%a: memref<8xf32>, %b: memref<8xf32>, %c: i1) -> memref<8xf32> {
  memref.copy %a, %b : memref<8xf32> to memref<8xf32>
  %r = scf.if %c -> (memref<8xf32>) {
    %t = memref.alloca() : memref<8xf32>
    memref.copy %a, %t : memref<8xf32> to memref<8xf32>
    scf.yield %t : memref<8xf32>
  } else {
    scf.yield %b : memref<8xf32>
  }
  return %r : memref<8xf32>
}
func.func private @external(memref<8xf32>)

// -----

// Dynamic sizes: the kernel takes the buffers with their sizes (the memref
// descriptors carry them); the two equal loop nests are one kernel, and a
// fresh temporary with the caller's buffer is noalias at both calls.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[T:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: call @dynamic_kernel(%{{.*}}, %{{.*}}) : (memref<?xf32, strided<[1], offset: ?>>, memref<?xf32, strided<[1], offset: ?>>) -> ()
// CHECK: call @dynamic_kernel(%{{.*}}, %{{.*}}) : (memref<?xf32, strided<[1], offset: ?>>, memref<?xf32, strided<[1], offset: ?>>) -> ()
// CHECK: func.func private @dynamic_kernel(%{{.*}}: memref<?xf32, strided<[1], offset: ?>>, %{{.*}}: memref<?xf32, strided<[1], offset: ?>>)
// CHECK-SAME: ml.noalias_arguments = array<i64: 1, 6>
// CHECK-NOT: func.func
func.func @dynamic(%a: memref<?xf32>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %t = memref.alloc(%n) : memref<?xf32>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : memref<?xf32>) outs(%t : memref<?xf32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %x : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%t : memref<?xf32>) outs(%out : memref<?xf32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %x : f32
    linalg.yield %s : f32
  }
  memref.dealloc %t : memref<?xf32>
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

// A traced loop around loop nests stays in the function, which is glue: the
// nests in its body are the kernels (optimized, unlike the glue). A loop
// holding no loop nest is a kernel itself.
// CHECK-LABEL: func.func @traced_loop
// CHECK: scf.while
// CHECK: call @traced_loop_kernel(
// CHECK: } do {
// CHECK: call @traced_loop_kernel_0(
// CHECK: scf.yield
// CHECK: call @traced_loop_kernel_1(
// CHECK: return
// CHECK: func.func private @traced_loop_kernel(
// CHECK: linalg.generic
// CHECK: func.func private @traced_loop_kernel_0(
// CHECK: linalg.generic
// CHECK: func.func private @traced_loop_kernel_1(
// CHECK-NOT: linalg.generic
// CHECK: scf.for
func.func @traced_loop(%x: memref<8xf32>, %s: memref<f32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.while : () -> () {
    linalg.generic {indexing_maps = [#id, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
        ins(%x : memref<8xf32>) outs(%s : memref<f32>) {
    ^bb0(%a: f32, %o: f32):
      %t = arith.addf %a, %o : f32
      linalg.yield %t : f32
    }
    %v = memref.load %s[] : memref<f32>
    %limit = arith.constant 100.0 : f32
    %c = arith.cmpf olt, %v, %limit : f32
    scf.condition(%c)
  } do {
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%x : memref<8xf32>) outs(%x : memref<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %d = arith.addf %a, %a : f32
      linalg.yield %d : f32
    }
    scf.yield
  }
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    %w = arith.mulf %v, %v : f32
    memref.store %w, %x[%i] : memref<8xf32>
  }
  return
}
