// ml-shrink-buffer-lifetimes: each buffer freed in its own block is
// allocated right before its first use and freed right after its last, so
// that buffers whose lives do not overlap can share memory.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-shrink-buffer-lifetimes))' -split-input-file -verify-diagnostics | FileCheck %s

// Two temporaries, allocated together at the top and freed together at
// the end, now live one after the other.
// CHECK-LABEL: func.func @sequential
// CHECK: %[[A:.*]] = memref.alloc()
// CHECK-NEXT: linalg.fill {{.*}}outs(%[[A]]
// CHECK-NEXT: linalg.copy ins(%[[A]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: %[[B:.*]] = memref.alloc()
// CHECK-NEXT: linalg.fill {{.*}}outs(%[[B]]
// CHECK-NEXT: linalg.copy ins(%[[B]]
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: return
func.func @sequential(%x: f32, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  linalg.fill ins(%x : f32) outs(%a : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%out : memref<4xf32>)
  linalg.fill ins(%x : f32) outs(%b : memref<4xf32>)
  linalg.copy ins(%b : memref<4xf32>) outs(%out : memref<4xf32>)
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  return
}

// -----

// Views of a buffer are uses of it, and the views made before its first
// real use move down with it; a use inside a loop is a use by the loop, and
// a call uses its arguments while it runs.
// CHECK-LABEL: func.func @views
// CHECK: call @first
// CHECK-NEXT: %[[A:.*]] = memref.alloc()
// CHECK-NEXT: %[[V:.*]] = memref.cast %[[A]]
// CHECK-NEXT: call @use(%[[V]])
// CHECK-NEXT: scf.forall
// CHECK: memref.subview %[[A]]
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: call @last
func.func private @first()
func.func private @use(memref<?xf32>)
func.func private @last()
func.func @views(%x: f32) {
  %a = memref.alloc() : memref<8xf32>
  %v = memref.cast %a : memref<8xf32> to memref<?xf32>
  call @first() : () -> ()
  call @use(%v) : (memref<?xf32>) -> ()
  scf.forall (%i) in (2) {
    %o = arith.muli %i, %i : index
    %s = memref.subview %a[%o] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: ?>>
    linalg.fill ins(%x : f32) outs(%s : memref<4xf32, strided<[1], offset: ?>>)
  }
  call @last() : () -> ()
  memref.dealloc %a : memref<8xf32>
  return
}

// -----

// Left where they are: a buffer whose address is taken (it may be used
// through the address), one freed in another block, one a loop yields
// (its result is the buffer).
// CHECK-LABEL: func.func @escaping
// CHECK: %[[A:.*]] = memref.alloc()
// CHECK-NEXT: %[[B:.*]] = memref.alloc()
// CHECK-NEXT: %[[C:.*]] = memref.alloc()
// CHECK-NEXT: call @first
// CHECK: memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: call @last
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: scf.if
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK: memref.dealloc %[[C]]
// CHECK-NEXT: return
func.func private @first()
func.func private @last()
func.func @escaping(%p: i1, %n: index, %o: memref<4xf32>) -> index {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  %c = memref.alloc() : memref<4xf32>
  call @first() : () -> ()
  %address = memref.extract_aligned_pointer_as_index %a : memref<4xf32> -> index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%m = %o) -> (memref<4xf32>) {
    scf.yield %c : memref<4xf32>
  }
  call @last() : () -> ()
  memref.dealloc %a : memref<4xf32>
  scf.if %p {
    memref.dealloc %b : memref<4xf32>
  }
  memref.dealloc %c : memref<4xf32>
  return %address : index
}
