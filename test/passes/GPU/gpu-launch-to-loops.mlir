// ml-gpu-launch-to-loops: a gpu.launch runs on the host as loops over its
// blocks and, between barriers, over its threads. A value computed before a
// barrier and used after it goes through a per-thread array; workgroup
// buffers become a buffer per block; a loop holding barriers (bounds the same
// for every thread) runs on the host with its carried values in per-thread
// arrays; the grid may be computed at run time, not the block. Errors for
// what the emulation cannot follow.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-launch-to-loops))' -split-input-file -verify-diagnostics | FileCheck %s

// Each thread stores its id into shared memory, then (after the barrier)
// reads its neighbour's: thread t's value %v crosses the barrier.
// CHECK-LABEL: func.func @rotate(
// CHECK-SAME: %[[OUT:[a-z0-9_]+]]: memref<2x4xindex>)
// CHECK-NOT: gpu.
// CHECK: scf.for %[[BZ:.*]] = %{{.*}} to %c1
// CHECK: scf.for %[[BY:.*]] = %{{.*}} to %c1
// CHECK: scf.for %[[BX:.*]] = %{{.*}} to %c2
// CHECK-DAG: %[[V:.*]] = memref.alloc() : memref<4xindex>
// CHECK-DAG: %[[SHARED:.*]] = memref.alloc() : memref<8xindex>
// Phase 1: every thread, then phase 2: every thread.
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %c4{{.*}} step
// CHECK: %[[TX:.*]] = arith.remui %[[T]]
// CHECK: memref.store %[[TX]], %[[SHARED]][%[[TX]]]
// CHECK: memref.store %{{.*}}, %[[V]][%[[T]]]
// CHECK: scf.for %[[T2:.*]] = %{{.*}} to %c4{{.*}} step
// CHECK: %[[VT:.*]] = memref.load %[[V]][%[[T2]]]
// CHECK: memref.load %[[SHARED]][%[[VT]]]
// CHECK: memref.store %{{.*}}, %[[OUT]][%[[BX]],
// CHECK-DAG: memref.dealloc %[[SHARED]]
// CHECK-DAG: memref.dealloc %[[V]]
func.func @rotate(%out: memref<2x4xindex>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) workgroup(%shared : memref<8xindex, #gpu.address_space<workgroup>>) {
    memref.store %tx, %shared[%tx] : memref<8xindex, #gpu.address_space<workgroup>>
    %next = arith.addi %tx, %c1 : index
    %v = arith.remui %next, %c4 : index
    gpu.barrier
    %w = memref.load %shared[%v] : memref<8xindex, #gpu.address_space<workgroup>>
    memref.store %w, %out[%bx, %tx] : memref<2x4xindex>
    gpu.terminator
  }
  return
}

// -----

// A barrier in a loop with uniform bounds: the loop runs on the host, its
// carried value (a per-thread running sum) in a per-thread array written
// before the loop and by each iteration's last phase; booleans crossing a
// barrier are kept as bytes.
// CHECK-LABEL: func.func @carried(
// CHECK-DAG: %[[ACC:.*]] = memref.alloc() : memref<8xf32>
// CHECK-DAG: %[[FLAG:.*]] = memref.alloc() : memref<8xi8>
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NOT: iter_args
// CHECK: arith.extui %{{.*}} : i1 to i8
// CHECK: memref.store %{{.*}}, %[[FLAG]]
// CHECK: memref.load %[[FLAG]]
// CHECK: arith.trunci %{{.*}} : i8 to i1
// CHECK: memref.load %[[ACC]]
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: memref.load %[[ACC]]
func.func @carried(%x: memref<3x8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1) {
    %sum = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> (f32) {
      %v = memref.load %x[%i, %tx] : memref<3x8xf32>
      %positive = arith.cmpf ogt, %v, %zero : f32
      gpu.barrier
      %kept = arith.select %positive, %v, %zero : f32
      %next = arith.addf %acc, %kept : f32
      scf.yield %next : f32
    }
    memref.store %sum, %out[%tx] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @barrier_in_if(%flag: i1) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    // expected-error @below {{'scf.if' op holds a gpu.barrier; only scf.for loops with the same bounds for every thread may hold one on the host}}
    scf.if %flag {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}

// -----

func.func @thread_dependent_loop() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %n = arith.addi %tx, %c1 : index
    // expected-error @below {{'scf.for' op holds a gpu.barrier but its bounds may differ between threads}}
    scf.for %i = %c0 to %n step %c1 {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}

// -----

// A grid computed at run time (sizes read on the host): the host loops over
// that many blocks.
// CHECK-LABEL: func.func @run_time_grid(
// CHECK-SAME: %[[OUT:[a-z0-9_]+]]: memref<?xindex>, %[[G:[a-z0-9_]+]]: index)
// CHECK-NOT: gpu.
// CHECK: scf.for %{{.*}} = %{{.*}} to %c1
// CHECK: scf.for %{{.*}} = %{{.*}} to %c1
// CHECK: scf.for %[[BX:.*]] = %{{.*}} to %[[G]]
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %c4
// CHECK: memref.store %[[BX]], %[[OUT]]
func.func @run_time_grid(%out: memref<?xindex>, %grid: index) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %grid, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %b = arith.muli %bx, %c4 : index
    %i = arith.addi %b, %tx : index
    memref.store %bx, %out[%i] : memref<?xindex>
    gpu.terminator
  }
  return
}

// -----

func.func @dynamic_block(%n: index) {
  %c1 = arith.constant 1 : index
  // expected-error @below {{'gpu.launch' op needs constant block sizes to run on the host}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %n, %sy = %c1, %sz = %c1) {
    gpu.terminator
  }
  return
}

// -----

func.func @dynamic_shared_memory(%bytes: i32) {
  %c1 = arith.constant 1 : index
  // expected-error @below {{'gpu.launch' op is asynchronous, uses private or dynamic shared memory, or has several blocks, which the host emulation lacks}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) dynamic_shared_memory_size %bytes {
    gpu.terminator
  }
  return
}
