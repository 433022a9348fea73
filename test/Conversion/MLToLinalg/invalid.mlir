// What convert-ml-to-linalg rejects.
// RUN: ml-opt %s -convert-ml-to-linalg -split-input-file -verify-diagnostics

func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'ml.exp' op has dynamic dimensions, which convert-ml-to-linalg does not lower yet}}
  %0 = ml.exp %a : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @dynamic_result(%a: tensor<2x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'ml.broadcast' op has dynamic dimensions}}
  %0 = ml.broadcast %a : tensor<2x3xf32> to tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
