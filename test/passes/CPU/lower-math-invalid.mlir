// ml-lower-math rejects functions it has no approximation of.
// RUN: ml-opt %s -ml-lower-math=approximate=tanh,pow -verify-diagnostics

// expected-error @below {{ml-lower-math: there is no polynomial approximation of 'math.pow' (approximable: acos, asin,}}
module {
  func.func @f(%x: f32) -> f32 {
    %0 = math.powf %x, %x : f32
    return %0 : f32
  }
}
