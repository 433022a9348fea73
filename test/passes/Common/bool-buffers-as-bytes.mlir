// ml-bool-buffers-as-bytes: buffers of i1 (the ownership flags of
// bufferization-lower-deallocations' helper) become buffers of i8, which
// finalize-memref-to-llvm lowers; loads truncate and stores zero-extend.
// RUN: ml-opt %s -ml-bool-buffers-as-bytes -split-input-file -verify-diagnostics | FileCheck %s
// RUN: ml-opt %s -ml-bool-buffers-as-bytes -split-input-file -verify-diagnostics -finalize-memref-to-llvm -convert-scf-to-cf -convert-to-llvm -reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%[[N:.*]]: index, %[[FLAGS:.*]]: memref<?xi8, strided<[1], offset: ?>>)
// CHECK: scf.for %[[I:.*]] = {{.*}} to %[[N]]
// CHECK: %[[BYTE:.*]] = memref.load %[[FLAGS]][%[[I]]] : memref<?xi8, strided<[1], offset: ?>>
// CHECK: %[[FLAG:.*]] = arith.trunci %[[BYTE]] : i8 to i1
// CHECK: %[[NOT:.*]] = arith.xori %[[FLAG]], %{{.*}} : i1
// CHECK: %[[OUT:.*]] = arith.extui %[[NOT]] : i1 to i8
// CHECK: memref.store %[[OUT]], %[[FLAGS]][%[[I]]] : memref<?xi8, strided<[1], offset: ?>>
// LLVM-LABEL: llvm.func @helper
// LLVM: llvm.load %{{.*}} : !llvm.ptr -> i8
// LLVM: llvm.store %{{.*}}, %{{.*}} : i8, !llvm.ptr
func.func private @helper(%n: index, %flags: memref<?xi1, strided<[1], offset: ?>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %true = arith.constant true
  scf.for %i = %c0 to %n step %c1 {
    %flag = memref.load %flags[%i] : memref<?xi1, strided<[1], offset: ?>>
    %not = arith.xori %flag, %true : i1
    memref.store %not, %flags[%i] : memref<?xi1, strided<[1], offset: ?>>
  }
  return
}

// Allocations, casts, views and calls take the byte buffer.
// CHECK-LABEL: func.func @caller
// CHECK: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xi8>
// CHECK: %[[S:.*]] = memref.alloca() : memref<2xi8>
// CHECK: %[[V:.*]] = memref.subview %[[A]][1] [%{{.*}}] [1] : memref<?xi8> to memref<?xi8, strided<[1], offset: 1>>
// CHECK: %[[C:.*]] = memref.cast %[[V]] : memref<?xi8, strided<[1], offset: 1>> to memref<?xi8, strided<[1], offset: ?>>
// CHECK: call @helper(%{{.*}}, %[[C]]) : (index, memref<?xi8, strided<[1], offset: ?>>) -> ()
// CHECK: memref.dealloc %[[A]] : memref<?xi8>
// The program's own byte buffers are left as they are.
// CHECK: memref.load %{{.*}} : memref<4xi8>
func.func @caller(%n: index, %data: memref<4xi8>) -> i8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc(%n) : memref<?xi1>
  %s = memref.alloca() : memref<2xi1>
  %m = arith.subi %n, %c1 : index
  %v = memref.subview %a[1] [%m] [1] : memref<?xi1> to memref<?xi1, strided<[1], offset: 1>>
  %c = memref.cast %v : memref<?xi1, strided<[1], offset: 1>> to memref<?xi1, strided<[1], offset: ?>>
  call @helper(%m, %c) : (index, memref<?xi1, strided<[1], offset: ?>>) -> ()
  memref.dealloc %a : memref<?xi1>
  %b = memref.load %data[%c0] : memref<4xi8>
  return %b : i8
}

// -----

// A buffer of i1 read or written any other way is an error, not a buffer
// finalize-memref-to-llvm would assert on.
func.func @filled(%flags: memref<4xi1>) {
  %true = arith.constant true
  // expected-error @+1 {{failed to legalize operation 'linalg.fill'}}
  linalg.fill ins(%true : i1) outs(%flags : memref<4xi1>)
  return
}
