// ml-gpu-device-buffers rejects what would leave the host touching GPU
// memory, or the GPU touching host memory: a stack buffer (kernels cannot
// read the host stack), host code reading or writing a buffer's contents, a
// host argument that is not one whole contiguous buffer (it is copied with a
// single gpu.memcpy), and a constant fetched anywhere but the entry block (it
// is copied once, at its memref.get_global, and freed at the return).
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-device-buffers))' -split-input-file -verify-diagnostics
// Without host arguments, a strided argument is fine: it is a device view
// (the other inputs still fail, hence `not`).
// RUN: not ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-device-buffers{host-arguments=false}))' -split-input-file 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DEVICE
// DEVICE: func.func @strided_argument(%{{.*}}: memref<4xf32, strided<[2]>>)
// DEVICE-NOT: gpu.memcpy
// DEVICE: gpu.launch
// DEVICE-NOT: gpu.memcpy
// DEVICE: return

func.func @stack_buffer(%y: memref<4xf32>) {
  // expected-error @below {{'memref.alloca' op is a stack buffer, which kernels on the GPU cannot read; allocate it with memref.alloc}}
  %t = memref.alloca() : memref<4xf32>
  return
}

// -----

func.func @host_load(%x: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @below {{'memref.load' op accesses a buffer on the host, but its buffers live in GPU memory; only kernels may read them}}
  %v = memref.load %x[%c0] : memref<4xf32>
  return %v : f32
}

// -----

func.func @host_store(%v: f32) {
  %c0 = arith.constant 0 : index
  %t = memref.alloc() : memref<4xf32>
  // expected-error @below {{'memref.store' op accesses a buffer on the host}}
  memref.store %v, %t[%c0] : memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  return
}

// -----

// expected-error @below {{'func.func' op argument 0 has a non-identity layout; host arguments are copied to the GPU whole and must have the identity layout}}
func.func @strided_argument(%x: memref<4xf32, strided<[2]>>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%tx] : memref<4xf32, strided<[2]>>
    memref.store %v, %x[%tx] : memref<4xf32, strided<[2]>>
    gpu.terminator
  }
  return
}

// -----

memref.global "private" constant @cst : memref<4xf32> = dense<1.0>
func.func @global_in_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @below {{'memref.get_global' op must be in the function's entry block to be copied to the GPU once per call}}
    %g = memref.get_global @cst : memref<4xf32>
  }
  return
}
