// A function named to ml-jvp that has no body (or is not there): the error
// is the module's.
// expected-error @below {{ml-jvp: no function named 'external' with a body}}
module {
  func.func private @external(%x: tensor<f32>) -> tensor<f32>
}
