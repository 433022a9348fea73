// ml-gpu-device-buffers: after the ml-gpu-map-* passes the host only
// allocates, takes views and launches kernels. Temporaries become
// gpu.alloc/gpu.dealloc; each constant (memref.get_global) is copied into a
// device buffer freed at the return. With host-arguments (the default) each
// buffer argument a kernel reads or writes is copied to a device buffer at
// entry (direction: gpu.memcpy device, host; written-only ones too, since a
// kernel may write part of one), each one a kernel writes is copied back
// before the return (gpu.memcpy host, device), and an argument no kernel
// touches gets neither; all those device buffers are freed after the copies
// back. With host-arguments=false the arguments already are device buffers:
// no copies. Host code reading or writing a 0-d buffer (a condition, a loop
// index) does so through a host scalar copied from or to the GPU. Errors
// are in gpu-device-buffers-invalid.mlir.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-device-buffers))' -split-input-file | FileCheck %s
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-device-buffers{host-arguments=false}))' -split-input-file | FileCheck %s --check-prefix=DEVICE

// %x is read, %y written, %unused untouched, %inout read and written; %t is
// a temporary, @cst a constant.
// CHECK-LABEL: func.func @arguments(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<4xf32>, %[[Y:[a-z0-9_]+]]: memref<4xf32>, %[[UNUSED:[a-z0-9_]+]]: memref<4xf32>, %[[INOUT:[a-z0-9_]+]]: memref<4xf32>, %{{.*}}: index)
// CHECK-NEXT: %[[DX:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[DX]], %[[X]] : memref<4xf32>, memref<4xf32>
// CHECK-NEXT: %[[DY:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[DY]], %[[Y]] : memref<4xf32>, memref<4xf32>
// CHECK-NEXT: %[[DINOUT:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[DINOUT]], %[[INOUT]] : memref<4xf32>, memref<4xf32>
// CHECK: %[[HOSTCST:.*]] = memref.get_global @cst : memref<4xf32>
// CHECK-NEXT: %[[DCST:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[DCST]], %[[HOSTCST]] : memref<4xf32>, memref<4xf32>
// CHECK-NEXT: %[[DT:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NEXT: gpu.launch
// CHECK-NEXT: memref.load %[[DX]][
// CHECK-NEXT: memref.load %[[DCST]][
// CHECK: memref.store %{{.*}}, %[[DT]][
// CHECK-NEXT: memref.load %[[DINOUT]][
// CHECK: memref.store %{{.*}}, %[[DINOUT]][
// CHECK-NEXT: memref.store %{{.*}}, %[[DY]][
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: gpu.dealloc %[[DT]] : memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[Y]], %[[DY]] : memref<4xf32>, memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[INOUT]], %[[DINOUT]] : memref<4xf32>, memref<4xf32>
// CHECK-DAG: gpu.dealloc %[[DCST]] : memref<4xf32>
// CHECK-DAG: gpu.dealloc %[[DX]] : memref<4xf32>
// CHECK-DAG: gpu.dealloc %[[DY]] : memref<4xf32>
// CHECK-DAG: gpu.dealloc %[[DINOUT]] : memref<4xf32>
// CHECK-NEXT: return
// CHECK-NOT: %[[UNUSED]]
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc

// DEVICE-LABEL: func.func @arguments(
// DEVICE-SAME: %[[X:[a-z0-9_]+]]: memref<4xf32>, %[[Y:[a-z0-9_]+]]: memref<4xf32>, %{{[a-z0-9_]+}}: memref<4xf32>, %[[INOUT:[a-z0-9_]+]]: memref<4xf32>, %{{.*}}: index)
// DEVICE-NOT: gpu.alloc
// DEVICE: %[[HOSTCST:.*]] = memref.get_global @cst : memref<4xf32>
// DEVICE-NEXT: %[[DCST:.*]] = gpu.alloc () : memref<4xf32>
// DEVICE-NEXT: gpu.memcpy %[[DCST]], %[[HOSTCST]] : memref<4xf32>, memref<4xf32>
// DEVICE-NEXT: %[[DT:.*]] = gpu.alloc () : memref<4xf32>
// DEVICE-NEXT: gpu.launch
// DEVICE-NEXT: memref.load %[[X]][
// DEVICE-NEXT: memref.load %[[DCST]][
// DEVICE: memref.store %{{.*}}, %[[DT]][
// DEVICE-NEXT: memref.load %[[INOUT]][
// DEVICE: memref.store %{{.*}}, %[[INOUT]][
// DEVICE-NEXT: memref.store %{{.*}}, %[[Y]][
// DEVICE: gpu.dealloc %[[DT]] : memref<4xf32>
// DEVICE-NEXT: gpu.dealloc %[[DCST]] : memref<4xf32>
// DEVICE-NEXT: return
// DEVICE-NOT: gpu.memcpy
memref.global "private" constant @cst : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
func.func @arguments(%x: memref<4xf32>, %y: memref<4xf32>, %unused: memref<4xf32>, %inout: memref<4xf32>, %n: index) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %g = memref.get_global @cst : memref<4xf32>
  %t = memref.alloc() : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %a = memref.load %x[%tx] : memref<4xf32>
    %b = memref.load %g[%tx] : memref<4xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %t[%tx] : memref<4xf32>
    %i = memref.load %inout[%tx] : memref<4xf32>
    %u = arith.addf %i, %s : f32
    memref.store %u, %inout[%tx] : memref<4xf32>
    memref.store %s, %y[%tx] : memref<4xf32>
    gpu.terminator
  }
  memref.dealloc %t : memref<4xf32>
  return
}

// -----

// Accesses through views count: %x is read through a cast, %y written
// through expand_shape; the views are rebuilt on the device buffers.
// Dynamic sizes are taken from the host argument.
// CHECK-LABEL: func.func @views(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<?xf32>, %[[Y:[a-z0-9_]+]]: memref<4xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[N:.*]] = memref.dim %[[X]], %[[C0]] : memref<?xf32>
// CHECK-NEXT: %[[DX:.*]] = gpu.alloc (%[[N]]) : memref<?xf32>
// CHECK-NEXT: gpu.memcpy %[[DX]], %[[X]] : memref<?xf32>, memref<?xf32>
// CHECK-NEXT: %[[DY:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[DY]], %[[Y]]
// CHECK: %[[CAST:.*]] = memref.cast %[[DX]] : memref<?xf32> to memref<4xf32>
// CHECK: %[[EXPANDED:.*]] = memref.expand_shape %[[DY]]
// CHECK: gpu.launch
// CHECK: memref.load %[[CAST]]
// CHECK: memref.store %{{.*}}, %[[EXPANDED]]
// CHECK: gpu.memcpy %[[Y]], %[[DY]] : memref<4xf32>, memref<4xf32>
// CHECK-NOT: gpu.memcpy %[[X]]
// CHECK: return
// DEVICE-LABEL: func.func @views(
// DEVICE-NOT: gpu.{{alloc|memcpy|dealloc}}
// DEVICE: return
func.func @views(%x: memref<?xf32>, %y: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %s = memref.cast %x : memref<?xf32> to memref<4xf32>
  %e = memref.expand_shape %y [[0, 1]] output_shape [2, 2] : memref<4xf32> into memref<2x2xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %s[%tx] : memref<4xf32>
    memref.store %v, %e[%tx, %tx] : memref<2x2xf32>
    gpu.terminator
  }
  return
}

// -----

// Temporaries allocated in a host loop stay there, on the device; every
// return frees the argument copies.
// CHECK-LABEL: func.func @loop_and_branches(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<8xf32>, %{{.*}}: i1, %{{.*}}: index)
// CHECK-NEXT: %[[DX:.*]] = gpu.alloc () : memref<8xf32>
// CHECK-NEXT: gpu.memcpy %[[DX]], %[[X]]
// CHECK: scf.for
// CHECK-NEXT: %[[DT:.*]] = gpu.alloc () : memref<8xf32>
// CHECK: gpu.launch
// CHECK: gpu.dealloc %[[DT]] : memref<8xf32>
// CHECK: cf.cond_br
// CHECK: gpu.memcpy %[[X]], %[[DX]]
// CHECK-NEXT: gpu.dealloc %[[DX]]
// CHECK-NEXT: return
// CHECK: gpu.memcpy %[[X]], %[[DX]]
// CHECK-NEXT: gpu.dealloc %[[DX]]
// CHECK-NEXT: return
func.func @loop_and_branches(%x: memref<8xf32>, %c: i1, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %t = memref.alloc() : memref<8xf32>
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
      %v = memref.load %x[%tx] : memref<8xf32>
      memref.store %v, %t[%tx] : memref<8xf32>
      %w = memref.load %t[%tx] : memref<8xf32>
      memref.store %w, %x[%tx] : memref<8xf32>
      gpu.terminator
    }
    memref.dealloc %t : memref<8xf32>
  }
  cf.cond_br %c, ^a, ^b
^a:
  return
^b:
  return
}

// -----

// Regressions: an argument a kernel reaches through a non-view op that
// makes a buffer from it (arith.select) is copied in; an argument a kernel
// writes only part of (a subview) is copied in as well as out, so the rest
// keeps the caller's values.
// CHECK-LABEL: func.func @through_select(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<4xf32>, %[[B:[a-z0-9_]+]]: memref<4xf32>
// CHECK: gpu.memcpy %{{.*}}, %[[A]]
// CHECK: gpu.memcpy %{{.*}}, %[[B]]
// CHECK-NOT: gpu.memcpy %[[A]]
// CHECK-NOT: gpu.memcpy %[[B]]
// CHECK: return
func.func @through_select(%a: memref<4xf32>, %b: memref<4xf32>, %c: i1, %y: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %s = arith.select %c, %a, %b : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %s[%tx] : memref<4xf32>
    memref.store %v, %y[%tx] : memref<4xf32>
    gpu.terminator
  }
  return
}
// CHECK-LABEL: func.func @partly_written(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<4xf32>, %[[Y:[a-z0-9_]+]]: memref<8xf32>)
// CHECK: %[[DY:.*]] = gpu.alloc () : memref<8xf32>
// CHECK-NEXT: gpu.memcpy %[[DY]], %[[Y]] : memref<8xf32>, memref<8xf32>
// CHECK: gpu.memcpy %[[Y]], %[[DY]] : memref<8xf32>, memref<8xf32>
func.func @partly_written(%a: memref<4xf32>, %y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %sv = memref.subview %y[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %a[%tx] : memref<4xf32>
    memref.store %v, %sv[%tx] : memref<4xf32, strided<[1]>>
    gpu.terminator
  }
  return
}

// -----

// An argument whose first kernel writes every element of it (the store the
// mapping passes mark ml.writes_every_element) and reads none is not copied
// in; one that kernel also reads, or that it writes through a view, is.
// CHECK-LABEL: func.func @overwritten(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<4xf32>, %[[Y:[a-z0-9_]+]]: memref<4xf32>)
// CHECK: %[[DY:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NOT: gpu.memcpy %[[DY]], %[[Y]]
// CHECK: gpu.launch
// CHECK: gpu.memcpy %[[Y]], %[[DY]]
func.func @overwritten(%x: memref<4xf32>, %y: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%tx] : memref<4xf32>
    memref.store %v, %y[%tx] {ml.writes_every_element} : memref<4xf32>
    gpu.terminator
  }
  return
}
// CHECK-LABEL: func.func @overwritten_and_read(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<4xf32>, %[[Y:[a-z0-9_]+]]: memref<4xf32>)
// CHECK: %[[DY:.*]] = gpu.alloc () : memref<4xf32>
// CHECK-NEXT: gpu.memcpy %[[DY]], %[[Y]]
func.func @overwritten_and_read(%x: memref<4xf32>, %y: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %v = memref.load %y[%tx] : memref<4xf32>
    memref.store %v, %y[%tx] {ml.writes_every_element} : memref<4xf32>
    gpu.terminator
  }
  return
}
// CHECK-LABEL: func.func @overwritten_view(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<4xf32>, %[[Y:[a-z0-9_]+]]: memref<8xf32>)
// CHECK: %[[DY:.*]] = gpu.alloc () : memref<8xf32>
// CHECK-NEXT: gpu.memcpy %[[DY]], %[[Y]]
func.func @overwritten_view(%x: memref<4xf32>, %y: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %half = memref.subview %y[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%tx] : memref<4xf32>
    memref.store %v, %half[%tx] {ml.writes_every_element} : memref<4xf32, strided<[1]>>
    gpu.terminator
  }
  return
}

// -----

// Host control flow around kernels: the condition a kernel computes is read
// through a host scalar (copied from the GPU, in the entry block so a loop
// does not grow the stack), and a loop index the host stores for kernels is
// written through one (copied to the GPU after the store).
// CHECK-LABEL: func.func @host_scalars
// CHECK-DAG: %[[IN:.*]] = memref.alloca() : memref<i64>
// CHECK-DAG: %[[OUT:.*]] = memref.alloca() : memref<i8>
// CHECK: scf.for %[[I:.*]] =
// CHECK: %[[INDEX:.*]] = gpu.alloc () : memref<i64>
// CHECK: memref.store %{{.*}}, %[[IN]][] : memref<i64>
// CHECK-NEXT: gpu.memcpy %[[INDEX]], %[[IN]] : memref<i64>, memref<i64>
// CHECK: gpu.launch
// CHECK: %[[FLAG:.*]] = gpu.alloc () : memref<i8>
// CHECK: gpu.launch
// CHECK: gpu.memcpy %[[OUT]], %[[FLAG]] : memref<i8>, memref<i8>
// CHECK-NEXT: memref.load %[[OUT]][] : memref<i8>
// CHECK: scf.if
func.func @host_scalars(%n: index, %y: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %index = memref.alloc() : memref<i64>
    %i64 = arith.index_cast %i : index to i64
    memref.store %i64, %index[] : memref<i64>
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
      %v = memref.load %index[] : memref<i64>
      %f = arith.sitofp %v : i64 to f32
      memref.store %f, %y[%c0] : memref<4xf32>
      gpu.terminator
    }
    %flag = memref.alloc() : memref<i8>
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
      %one = arith.constant 1 : i8
      memref.store %one, %flag[] : memref<i8>
      gpu.terminator
    }
    %byte = memref.load %flag[] : memref<i8>
    %zero = arith.constant 0 : i8
    %c = arith.cmpi ne, %byte, %zero : i8
    scf.if %c {
      gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
                 threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
        %z = arith.constant 0.0 : f32
        memref.store %z, %y[%c1] : memref<4xf32>
        gpu.terminator
      }
    }
    memref.dealloc %index : memref<i64>
    memref.dealloc %flag : memref<i8>
  }
  return
}
