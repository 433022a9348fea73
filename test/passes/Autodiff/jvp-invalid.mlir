// What ml-jvp refuses, and where it says so.
// RUN: ml-opt %s -ml-jvp -split-input-file -verify-diagnostics
// RUN: ml-opt %S/Inputs/jvp-missing.mlir -ml-jvp=functions=external -split-input-file -verify-diagnostics

// Ops of other dialects have no rule: a tangent reaching one is an error.
func.func @other(%x: tensor<4xf32>, %z: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{'tensor.insert_slice' op has no derivative rule: derivatives are taken of ml ops (and ops no tangent reaches)}}
  %r = tensor.insert_slice %x into %z[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// In a region too: the loop's body is differentiated with the loop.
func.func @in_loop(%x: tensor<4xf32>, %z: tensor<8xf32>) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%a = %z) -> tensor<8xf32> {
    // expected-error @below {{'tensor.insert_slice' op has no derivative rule}}
    %s = tensor.insert_slice %x into %a[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
    scf.yield %s : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}

// -----

// expected-error @below {{'func.func' op cannot be differentiated into 'f_jvp': that name is taken}}
func.func @f(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func private @f_jvp(%x: tensor<f32>) -> tensor<f32>

// -----

// expected-error @below {{'func.func' op has more than one block: derivatives are taken of functions of one block}}
func.func @blocks(%x: tensor<f32>) -> tensor<f32> {
  cf.br ^next
^next:
  return %x : tensor<f32>
}
