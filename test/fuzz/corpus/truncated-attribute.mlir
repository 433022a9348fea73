// Truncated inside a dense attribute.
func.func @f(%x: tensor<4xf32>) {
  %c = ml.constant dense<[1.0, 2.0

// -----

// Truncated inside slice ranges.
func.func @f(%x: tensor<4xf32>) {
  %s = ml.slice %x [0:4:
