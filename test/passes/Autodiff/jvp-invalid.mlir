// What ml-jvp refuses, and where it says so.
// RUN: ml-opt %s -ml-jvp -split-input-file -verify-diagnostics
// RUN: ml-opt %S/Inputs/jvp-missing.mlir -ml-jvp=functions=external -split-input-file -verify-diagnostics

// Control flow has no rule yet: a tangent reaching it is an error.
func.func @branch(%x: tensor<f32>, %c: i1) -> tensor<f32> {
  // expected-error @below {{'scf.if' op has no derivative rule: derivatives are taken of ml ops (and ops no tangent reaches)}}
  %r = scf.if %c -> tensor<f32> {
    scf.yield %x : tensor<f32>
  } else {
    %n = ml.neg %x : tensor<f32>
    scf.yield %n : tensor<f32>
  }
  return %r : tensor<f32>
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
