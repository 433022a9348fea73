// What ml-linalg-to-affine-loops reports instead of lowering.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-linalg-to-affine-loops))' -split-input-file -verify-diagnostics

// Loops write buffers: a linalg op on tensors is left from before
// bufferization, and named as such.
func.func @on_tensors(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{'linalg.generic' op has tensor operands: ml-linalg-to-affine-loops lowers linalg ops on buffers (run it after bufferization)}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%y : tensor<8xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}
