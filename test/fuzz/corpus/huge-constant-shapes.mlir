// Splat constants of enormous but countable shapes fold and lower without
// materializing their elements.
func.func @f() -> tensor<4611686018427387904xi8> {
  %0 = ml.constant dense<1> : tensor<4611686018427387904xi8>
  %1 = ml.add %0, %0 : tensor<4611686018427387904xi8>
  %2 = ml.broadcast %1 : tensor<4611686018427387904xi8> to tensor<1x4611686018427387904xi8>
  %3 = ml.reshape %2 : tensor<1x4611686018427387904xi8> to tensor<4611686018427387904xi8>
  return %3 : tensor<4611686018427387904xi8>
}
