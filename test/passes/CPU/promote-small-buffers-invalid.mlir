// What ml-promote-small-buffers reports instead of following.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-promote-small-buffers))' -split-input-file -verify-diagnostics

// A size read from a dimension the buffer lacks (undefined behaviour) is
// reported, not followed by the bounds analysis (which asserted).
func.func @dimension_out_of_range(%a: memref<?xf32>) {
  %c9 = arith.constant 9 : index
  // expected-error @below {{'memref.dim' op takes dimension 9 of a buffer of rank 1}}
  %n = memref.dim %a, %c9 : memref<?xf32>
  %t = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %t : memref<?xf32>
  return
}
