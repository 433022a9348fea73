// matmul and the reductions become named linalg ops (argmax a generic).
// RUN: ml-opt %s -convert-ml-to-linalg -canonicalize | FileCheck %s
// RUN: ml-opt %s -convert-ml-to-linalg -canonicalize | FileCheck %s --check-prefix=MAPS
// MAPS: affine_map<(d0, d1, d2) -> (d1, d2)>

// f16 accumulates in f32 and is rounded once at the end.
// CHECK-LABEL: func.func @matmul_half(
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: %[[P:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf16>, tensor<3x4xf16>) outs(%[[ACC]] : tensor<2x4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x4xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @matmul_half(%a: tensor<2x3xf16>, %b: tensor<3x4xf16>) -> tensor<2x4xf16> {
  %0 = ml.matmul %a, %b : (tensor<2x3xf16>, tensor<3x4xf16>) -> tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

// A batched lhs against a matrix is one 2-D matmul over all rows.
// CHECK-LABEL: func.func @matmul_rows(
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<5x2x3xf32> into tensor<10x3xf32>
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[ROWS]], %{{.*}} : tensor<10x3xf32>, tensor<3x4xf32>)
// CHECK: tensor.expand_shape %[[P]] {{\[\[}}0, 1], [2]] output_shape [5, 2, 4] : tensor<10x4xf32> into tensor<5x2x4xf32>
func.func @matmul_rows(%a: tensor<5x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = ml.matmul %a, %b : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// Batch dimensions broadcast, then fold into linalg.batch_matmul's one.
// CHECK-LABEL: func.func @matmul_batch(
// CHECK: linalg.broadcast ins(%{{.*}} : tensor<6x2x3xi32>) outs(%{{.*}} : tensor<6x5x2x3xi32>) dimensions = [1]
// CHECK: %[[L:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<6x5x2x3xi32> into tensor<30x2x3xi32>
// CHECK: linalg.broadcast ins(%{{.*}} : tensor<5x3x4xi32>) outs(%{{.*}} : tensor<6x5x3x4xi32>) dimensions = [0]
// CHECK: %[[R:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<6x5x3x4xi32> into tensor<30x3x4xi32>
// CHECK: %[[P:.*]] = linalg.batch_matmul ins(%[[L]], %[[R]] : tensor<30x2x3xi32>, tensor<30x3x4xi32>)
// CHECK: tensor.expand_shape %[[P]] {{\[\[}}0, 1], [2], [3]] output_shape [6, 5, 2, 4]
func.func @matmul_batch(%a: tensor<6x1x2x3xi32>, %b: tensor<5x3x4xi32>) -> tensor<6x5x2x4xi32> {
  %0 = ml.matmul %a, %b : (tensor<6x1x2x3xi32>, tensor<5x3x4xi32>) -> tensor<6x5x2x4xi32>
  return %0 : tensor<6x5x2x4xi32>
}

// CHECK-LABEL: func.func @reduce_sum(
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[R:.*]] = linalg.reduce { arith.addf {fastmath = #arith.fastmath<reassoc>} } ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3xf32>) dimensions = [0, 2]
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1, 2]] output_shape [1, 3, 1]
func.func @reduce_sum(%a: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %0 = ml.reduce sum %a axes = [2, 0] keepdims : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// max starts from -inf and lets NaN win (IEEE maximum, which vectorizes).
// CHECK-LABEL: func.func @reduce_max(
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEG_INF]] : f32)
// CHECK: linalg.reduce { arith.maximumf }
func.func @reduce_max(%a: tensor<5xf32>) -> tensor<f32> {
  %0 = ml.reduce max %a axes = [0] : tensor<5xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// `any` over bytes holding 0/1.
// CHECK-LABEL: func.func @reduce_any(
// CHECK-SAME: tensor<5xi8>) -> tensor<i8>
// CHECK: arith.cmpi ne
// CHECK: arith.extui
// CHECK: arith.maxsi
func.func @reduce_any(%a: tensor<5xi1>) -> tensor<i1> {
  %0 = ml.reduce max %a axes = [0] : tensor<5xi1> -> tensor<i1>
  return %0 : tensor<i1>
}

// argmax reduces (best value, its index) together.
// CHECK-LABEL: func.func @argmax(
// CHECK: %[[V:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: linalg.index 1
// CHECK: return %[[V]]#1 : tensor<2xi64>
func.func @argmax(%a: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = ml.argmax %a axis = 1 : tensor<2x3xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// cumsum is a loop over the axis that adds the previous result slab to the
// next input slab, in place.
// CHECK-LABEL: func.func @cumsum(
// CHECK: tensor.insert_slice
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<2x5xf32>)
// CHECK:   tensor.extract_slice %[[ACC]]
// CHECK:   linalg.generic
// CHECK:     arith.addf
// CHECK:   tensor.insert_slice %{{.*}} into %[[ACC]][0, %[[I]]] [2, 1] [1, 1]
func.func @cumsum(%a: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = ml.cumsum %a axis = 1 : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// x @ w.T reads w in place through a transposed indexing map: the weight
// is not copied. Other transposes stay.
// CHECK-LABEL: func.func @matmul_transposed_rhs(
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32>, %[[W:.*]]: tensor<5x4xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%[[X]], %[[W]] : tensor<3x4xf32>, tensor<5x4xf32>)
func.func @matmul_transposed_rhs(%x: tensor<3x4xf32>, %w: tensor<5x4xf32>) -> tensor<3x5xf32> {
  %t = ml.transpose %w, [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
  %0 = ml.matmul %x, %t : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// x.T @ y (a weight's gradient) reads x in place too; so does x.T @ w.T.
// CHECK-LABEL: func.func @matmul_transposed_lhs(
// CHECK-SAME: %[[X:.*]]: tensor<4x3xf32>, %[[Y:.*]]: tensor<4x5xf32>, %[[W:.*]]: tensor<5x4xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul indexing_maps = [#[[LT:.*]], #[[R:.*]], #[[O:.*]]] ins(%[[X]], %[[Y]] : tensor<4x3xf32>, tensor<4x5xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[LT]], #{{.*}}, #[[O]]] ins(%[[X]], %[[W]] : tensor<4x3xf32>, tensor<5x4xf32>)
func.func @matmul_transposed_lhs(%x: tensor<4x3xf32>, %y: tensor<4x5xf32>, %w: tensor<5x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %t = ml.transpose %x, [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  %0 = ml.matmul %t, %y : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %wt = ml.transpose %w, [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
  %1 = ml.matmul %t, %wt : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<3x5xf32>
}

// The maximum of unsigned values starts from 0 and compares unsigned; their
// minimum starts from all ones (255 for a uint8, not -1 as an int8's
// largest).
// CHECK-LABEL: func.func @unsigned_extremes
// CHECK-DAG: arith.constant 0 : i8
// CHECK-DAG: arith.constant -1 : i8
// CHECK: arith.maxui
// CHECK: arith.minui
func.func @unsigned_extremes(%a: tensor<5xui8>) -> (tensor<ui8>, tensor<ui8>) {
  %0 = ml.reduce max %a axes = [0] : tensor<5xui8> -> tensor<ui8>
  %1 = ml.reduce min %a axes = [0] : tensor<5xui8> -> tensor<ui8>
  return %0, %1 : tensor<ui8>, tensor<ui8>
}

// Complex sums and products start from complex constants (arith.constant
// holds no complex value); matmul accumulates with complex.mul and add.
// CHECK-LABEL: func.func @complex_reductions
// CHECK-DAG: %[[ONE:.*]] = complex.constant [1.000000e+00, 0.000000e+00] : complex<f64>
// CHECK-DAG: %[[ZERO:.*]] = complex.constant [0.000000e+00, 0.000000e+00] : complex<f64>
// CHECK: linalg.fill ins(%[[ZERO]] : complex<f64>)
// CHECK: linalg.matmul
// CHECK: linalg.reduce { complex.add }
// CHECK: linalg.fill ins(%[[ONE]] : complex<f64>)
// CHECK: linalg.reduce { complex.mul }
func.func @complex_reductions(%a: tensor<3x4xcomplex<f64>>, %b: tensor<4x2xcomplex<f64>>)
    -> (tensor<3x2xcomplex<f64>>, tensor<3xcomplex<f64>>, tensor<4xcomplex<f64>>) {
  %0 = ml.matmul %a, %b : (tensor<3x4xcomplex<f64>>, tensor<4x2xcomplex<f64>>) -> tensor<3x2xcomplex<f64>>
  %1 = ml.reduce sum %a axes = [1] : tensor<3x4xcomplex<f64>> -> tensor<3xcomplex<f64>>
  %2 = ml.reduce prod %a axes = [0] : tensor<3x4xcomplex<f64>> -> tensor<4xcomplex<f64>>
  return %0, %1, %2 : tensor<3x2xcomplex<f64>>, tensor<3xcomplex<f64>>, tensor<4xcomplex<f64>>
}
