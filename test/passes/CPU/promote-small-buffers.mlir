// ml-promote-small-buffers: small temporaries of parallel loop bodies and of
// the function itself go on the stack; nothing in a sequential loop does.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-promote-small-buffers))' -split-input-file -verify-diagnostics | FileCheck %s
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-promote-small-buffers{max-bytes=4}))' -split-input-file | FileCheck %s --check-prefix=TINY
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-promote-small-buffers{max-scope-bytes=32}))' -split-input-file | FileCheck %s --check-prefix=SCOPE

// CHECK-LABEL: func.func @parallel_body
// CHECK: scf.parallel
// CHECK: %[[ACC:.*]] = memref.alloca() {alignment = 64 : i64} : memref<1xf32>
// CHECK: %[[ROW:.*]] = memref.alloca() {alignment = 64 : i64} : memref<1x1024xf32>
// CHECK-NOT: memref.alloc()
// TINY-LABEL: func.func @parallel_body
// TINY: memref.alloca() {alignment = 64 : i64} : memref<1xf32>
// TINY: memref.alloc() {alignment = 64 : i64} : memref<1x1024xf32>
func.func @parallel_body(%n: index, %x: memref<?x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %acc = memref.alloc() {alignment = 64 : i64} : memref<1xf32>
    memref.store %zero, %acc[%c0] : memref<1xf32>
    %row = memref.alloc() {alignment = 64 : i64} : memref<1x1024xf32>
    %src = memref.subview %x[%i, 0] [1, 1024] [1, 1] : memref<?x1024xf32> to memref<1x1024xf32, strided<[1024, 1], offset: ?>>
    memref.copy %src, %row : memref<1x1024xf32, strided<[1024, 1], offset: ?>> to memref<1x1024xf32>
    scf.reduce
  }
  return
}

// -----

// In a sequential loop an alloca would stay until the function returns, once
// per iteration: left on the heap. So are large, unbounded dynamic and freed
// buffers.
// CHECK-LABEL: func.func @left_alone
// CHECK: scf.for
// CHECK-NEXT: memref.alloc() : memref<4xf32>
// CHECK: memref.alloc() : memref<8192xf32>
// CHECK: memref.alloc() : memref<2305843009213693952xf32>
// CHECK: memref.alloc() : memref<4611686018427387904x4xf32>
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.alloc() : memref<2xf32>
// CHECK-NOT: memref.alloca
func.func @left_alone(%n: index, %m: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %a = memref.alloc() : memref<4xf32>
    memref.copy %m, %a : memref<4xf32> to memref<4xf32>
  }
  %big = memref.alloc() : memref<8192xf32>
  // 2^61 elements: their size in bits (2^66) used to wrap to 0. 2^64
  // elements: no element count at all.
  %huge = memref.alloc() : memref<2305843009213693952xf32>
  %uncountable = memref.alloc() : memref<4611686018427387904x4xf32>
  %dynamic = memref.alloc(%n) : memref<?xf32>
  %freed = memref.alloc() : memref<2xf32>
  memref.dealloc %freed : memref<2xf32>
  return
}

// -----

// A partial tile's buffer, whose dynamic size has a constant upper bound:
// the stack buffer of the largest size, seen with the actual size.
// CHECK-LABEL: func.func @bounded_tile
// CHECK: scf.forall
// CHECK: %[[ROWS:.*]] = affine.min
// CHECK: %[[STACK:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4x768xf32>
// CHECK: %[[TILE:.*]] = memref.reinterpret_cast %[[STACK]] to offset: [0], sizes: [%[[ROWS]], 768], strides: [768, 1] : memref<4x768xf32> to memref<?x768xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[TILE]] : memref<?x768xf32>)
// TINY-LABEL: func.func @bounded_tile
// TINY: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x768xf32>
func.func @bounded_tile(%n: index, %out: memref<?x768xf32>) {
  %cst = arith.constant 0.0 : f32
  %spread = affine.max affine_map<()[s0] -> (s0 ceildiv 4, 1)>()[%n]
  %step = affine.min affine_map<()[s0] -> (s0, 4)>()[%spread]
  scf.forall (%i) = (0) to (%n) step (%step) {
    %rows = affine.min affine_map<(d0)[s0, s1] -> (-d0 + s0, s1)>(%i)[%n, %step]
    %buf = memref.alloc(%rows) {alignment = 64 : i64} : memref<?x768xf32>
    linalg.fill ins(%cst : f32) outs(%buf : memref<?x768xf32>)
    %view = memref.subview %out[%i, 0] [%rows, 768] [1, 1] : memref<?x768xf32> to memref<?x768xf32, strided<[768, 1], offset: ?>>
    memref.copy %buf, %view : memref<?x768xf32> to memref<?x768xf32, strided<[768, 1], offset: ?>>
  }
  return
}

// -----

// Each scope puts at most max-scope-bytes on the stack, in program order;
// the rest stays on the heap.
// CHECK-LABEL: func.func @budget
// SCOPE-LABEL: func.func @budget
// SCOPE: memref.alloca() {alignment = 64 : i64} : memref<4xf32>
// SCOPE-NEXT: memref.alloca() {alignment = 64 : i64} : memref<2xf32>
// SCOPE-NEXT: memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// SCOPE-NEXT: memref.alloca() {alignment = 64 : i64} : memref<2xf32>
// A parallel loop body is a scope of its own.
// SCOPE: scf.parallel
// SCOPE-NEXT: memref.alloca() {alignment = 64 : i64} : memref<4xf32>
func.func @budget(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<2xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  %d = memref.alloc() {alignment = 64 : i64} : memref<2xf32>
  memref.store %zero, %a[%c0] : memref<4xf32>
  memref.store %zero, %b[%c0] : memref<2xf32>
  memref.store %zero, %c[%c0] : memref<4xf32>
  memref.store %zero, %d[%c0] : memref<2xf32>
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %e = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
    memref.store %zero, %e[%c0] : memref<4xf32>
    scf.reduce
  }
  return
}
