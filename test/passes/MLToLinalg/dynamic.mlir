// Dynamic dimensions: result tensors take their sizes from the operands
// (tensor.dim) or from the sizes ml.broadcast and ml.reshape are given.
// RUN: ml-opt %s -convert-ml-to-linalg -canonicalize -cse | FileCheck %s

// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[X:.*]]: tensor<?x16xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x16xf32>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x16xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x16xf32>) outs(%[[EMPTY]] : tensor<?x16xf32>)
// CHECK: math.exp
func.func @elementwise(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = ml.exp %x : tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @broadcast
// CHECK-SAME: (%[[B:.*]]: tensor<16xf32>, %[[COL:.*]]: tensor<?x1xf32>, %[[N:.*]]: index)
// CHECK: %[[E0:.*]] = tensor.empty(%[[N]]) : tensor<?x16xf32>
// CHECK: linalg.broadcast ins(%[[B]] : tensor<16xf32>) outs(%[[E0]] : tensor<?x16xf32>) dimensions = [0]
// A dynamic dimension keeps its size; the unit one stretches.
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[COL]] {{\[\[}}0, 1]] : tensor<?x1xf32> into tensor<?xf32>
// CHECK: linalg.broadcast ins(%[[FLAT]] : tensor<?xf32>) outs(%[[E0]] : tensor<?x16xf32>) dimensions = [1]
func.func @broadcast(%b: tensor<16xf32>, %col: tensor<?x1xf32>, %n: index) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %0 = ml.broadcast %b [%n] : tensor<16xf32> to tensor<?x16xf32>
  %1 = ml.broadcast %col [%n] : tensor<?x1xf32> to tensor<?x16xf32>
  return %0, %1 : tensor<?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<?x12xf32>, %[[N:.*]]: index, %[[M:.*]]: index)
// CHECK: tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2]] output_shape [%[[N]], 3, 4] : tensor<?x12xf32> into tensor<?x3x4xf32>
// Two dynamic sizes in one group (which expand_shape cannot lower): a
// tensor.reshape to the given sizes.
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<?x12xf32> into tensor<?xf32>
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %[[M]], %[[N]] : tensor<2xindex>
// CHECK: tensor.reshape %[[FLAT]](%[[SHAPE]]) : (tensor<?xf32>, tensor<2xindex>) -> tensor<?x?xf32>
func.func @reshape(%x: tensor<?x12xf32>, %n: index, %m: index) -> (tensor<?x3x4xf32>, tensor<?x?xf32>) {
  %0 = ml.reshape %x [%n] : tensor<?x12xf32> to tensor<?x3x4xf32>
  %1 = ml.reshape %x [%m, %n] : tensor<?x12xf32> to tensor<?x?xf32>
  return %0, %1 : tensor<?x3x4xf32>, tensor<?x?xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x4xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<4x?x3xf32>
// CHECK: linalg.transpose ins(%[[X]] : tensor<?x3x4xf32>) outs(%[[E]] : tensor<4x?x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<?x3x4xf32>) -> tensor<4x?x3xf32> {
  %0 = ml.transpose %x, [2, 0, 1] : tensor<?x3x4xf32> -> tensor<4x?x3xf32>
  return %0 : tensor<4x?x3xf32>
}

// CHECK-LABEL: func.func @rows
// CHECK-SAME: (%[[A:.*]]: tensor<?x?x8xf16>, %[[B:.*]]: tensor<8x4xf16>)
// CHECK-DAG: %[[D0:.*]] = tensor.dim %[[A]], %c0
// CHECK-DAG: %[[D1:.*]] = tensor.dim %[[A]], %c1
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2]] : tensor<?x?x8xf16> into tensor<?x8xf16>
// CHECK: %[[R:.*]] = tensor.dim %[[ROWS]], %c0
// CHECK: %[[ACC:.*]] = tensor.empty(%[[R]]) : tensor<?x4xf32>
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[ROWS]], %[[B]] : tensor<?x8xf16>, tensor<8x4xf16>)
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %[[D0]], %[[D1]], %c4 : tensor<3xindex>
// CHECK: tensor.reshape %[[P]](%[[SHAPE]]) : (tensor<?x4xf32>, tensor<3xindex>) -> tensor<?x?x4xf32>
func.func @rows(%a: tensor<?x?x8xf16>, %b: tensor<8x4xf16>) -> tensor<?x?x4xf16> {
  %0 = ml.matmul %a, %b : (tensor<?x?x8xf16>, tensor<8x4xf16>) -> tensor<?x?x4xf16>
  return %0 : tensor<?x?x4xf16>
}

// CHECK-LABEL: func.func @batched
// CHECK-SAME: (%[[A:.*]]: tensor<1x?x8xf32>, %[[B:.*]]: tensor<?x8x?xf32>)
// The batch size comes from the operand whose batch dimension is not a unit.
// CHECK-DAG: %[[BATCH:.*]] = tensor.dim %[[B]], %c0
// CHECK-DAG: %[[M:.*]] = tensor.dim %[[A]], %c1
// CHECK-DAG: %[[N:.*]] = tensor.dim %[[B]], %c2
// CHECK: tensor.empty(%[[BATCH]], %[[M]]) : tensor<?x?x8xf32>
// CHECK: tensor.empty(%[[BATCH]], %[[M]], %[[N]]) : tensor<?x?x?xf32>
// CHECK: linalg.batch_matmul
func.func @batched(%a: tensor<1x?x8xf32>, %b: tensor<?x8x?xf32>) -> tensor<?x?x?xf32> {
  %0 = ml.matmul %a, %b : (tensor<1x?x8xf32>, tensor<?x8x?xf32>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// CHECK-LABEL: func.func @reductions
// CHECK-SAME: (%[[X:.*]]: tensor<?x5xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK: %[[SUM:.*]] = linalg.reduce
// CHECK: tensor.expand_shape %[[SUM]] {{\[\[}}0, 1]] output_shape [%[[N]], 1] : tensor<?xf32> into tensor<?x1xf32>
// CHECK: tensor.empty(%[[N]]) : tensor<?xi64>
// CHECK: linalg.generic
func.func @reductions(%x: tensor<?x5xf32>) -> (tensor<?x1xf32>, tensor<?xi64>) {
  %0 = ml.reduce sum %x axes = [1] keepdims : tensor<?x5xf32> -> tensor<?x1xf32>
  %1 = ml.argmax %x axis = 1 : tensor<?x5xf32> -> tensor<?xi64>
  return %0, %1 : tensor<?x1xf32>, tensor<?xi64>
}

// A dynamic dimension taken whole by a slice, an update and a concatenation.
// CHECK-LABEL: func.func @slices
// CHECK-SAME: (%[[X:.*]]: tensor<?x12xf32>, %[[Y:.*]]: tensor<?x4xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: tensor.extract_slice %[[X]][0, 4] [%[[N]], 4] [1, 1] : tensor<?x12xf32> to tensor<?x4xf32>
// CHECK: %[[M:.*]] = tensor.dim %[[Y]], %c0
// CHECK: tensor.insert_slice %[[Y]] into %[[X]][0, 8] [%[[M]], 4] [1, 1] : tensor<?x4xf32> into tensor<?x12xf32>
// CHECK: %[[JOINED:.*]] = tensor.empty(%[[N]]) : tensor<?x16xf32>
// CHECK: %[[LEFT:.*]] = tensor.insert_slice %[[X]] into %[[JOINED]][0, 0] [%[[N]], 12] [1, 1]
// CHECK: tensor.insert_slice %[[Y]] into %[[LEFT]][0, 12] [%[[M]], 4] [1, 1]
func.func @slices(%x: tensor<?x12xf32>, %y: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x12xf32>, tensor<?x16xf32>) {
  %0 = ml.slice %x [0:?:1, 4:8:1] : tensor<?x12xf32> -> tensor<?x4xf32>
  %1 = ml.update_slice %y into %x [0:?:1, 8:12:1] : tensor<?x4xf32> into tensor<?x12xf32>
  %2 = ml.concatenate %x, %y dim = 1 : (tensor<?x12xf32>, tensor<?x4xf32>) -> tensor<?x16xf32>
  return %0, %1, %2 : tensor<?x4xf32>, tensor<?x12xf32>, tensor<?x16xf32>
}

// Along the dynamic dimension the offsets and the size add up at run time.
// CHECK-LABEL: func.func @rows_joined
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[B:.*]]: tensor<?x4xf32>)
// CHECK-DAG: %[[N:.*]] = tensor.dim %[[A]], %c0
// CHECK-DAG: %[[M:.*]] = tensor.dim %[[B]], %c0
// CHECK: %[[TOTAL:.*]] = affine.apply #{{.*}}()[%[[N]], %[[M]]]
// CHECK: %[[E:.*]] = tensor.empty(%[[TOTAL]]) : tensor<?x4xf32>
// CHECK: %[[FIRST:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [%[[N]], 4] [1, 1]
// CHECK: tensor.insert_slice %[[B]] into %[[FIRST]][%[[N]], 0] [%[[M]], 4] [1, 1]
func.func @rows_joined(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = ml.concatenate %a, %b dim = 0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// A gather of a dynamic count of rows, from a table of dynamic length: the
// index wraps and clamps by the table's size at run time; an iota.
// CHECK-LABEL: func.func @gather_iota
// CHECK-SAME: (%[[TABLE:.*]]: tensor<?x4xf32>, %[[IDS:.*]]: tensor<?xi64>, %[[N:.*]]: index)
// CHECK-DAG: %[[ROWS:.*]] = tensor.dim %[[TABLE]], %c0
// CHECK-DAG: %[[COUNT:.*]] = tensor.dim %[[IDS]], %c0
// CHECK: tensor.empty(%[[COUNT]]) : tensor<?x4xf32>
// CHECK: arith.addi %{{.*}}, %[[ROWS]] : index
// CHECK: %[[LAST:.*]] = arith.subi %[[ROWS]], %c1 : index
// CHECK: arith.minsi %{{.*}}, %[[LAST]] : index
// CHECK: tensor.extract %[[TABLE]]
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<?xf32>)
// CHECK: linalg.index 0
// CHECK: arith.sitofp
func.func @gather_iota(%table: tensor<?x4xf32>, %ids: tensor<?xi64>, %n: index) -> (tensor<?x4xf32>, tensor<?xf32>) {
  %0 = ml.gather %table, %ids axis = 0 : (tensor<?x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %1 = ml.iota [%n] : tensor<?xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?xf32>
}

// A static operand broadcast to a dynamic dimension of the same size (a
// guard said so): the tensor itself, with the result's type.
// CHECK-LABEL: func.func @static_to_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[N:.*]]: index)
// CHECK: %[[CAST:.*]] = tensor.cast %[[X]] : tensor<3x4xf32> to tensor<?x4xf32>
// CHECK: return %[[CAST]]
func.func @static_to_dynamic(%x: tensor<3x4xf32>, %n: index) -> tensor<?x4xf32> {
  %0 = ml.broadcast %x [%n] : tensor<3x4xf32> to tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// A dynamic operand reshaped to a static shape (its size guarded by the
// tracer) is cast to its known length before the expansion.
// CHECK-LABEL: func.func @reshape_to_static
// CHECK-SAME: (%[[X:.*]]: tensor<?xf32>)
// CHECK: %[[CAST:.*]] = tensor.cast %[[X]] : tensor<?xf32> to tensor<2xf32>
// CHECK: tensor.expand_shape %[[CAST]] {{\[\[}}0, 1, 2, 3]] output_shape [1, 1, 2, 1] : tensor<2xf32> into tensor<1x1x2x1xf32>
func.func @reshape_to_static(%x: tensor<?xf32>) -> tensor<1x1x2x1xf32> {
  %0 = ml.reshape %x : tensor<?xf32> to tensor<1x1x2x1xf32>
  return %0 : tensor<1x1x2x1xf32>
}

// And a static operand (a size guarded to be 0 or 1) reshaped to a dynamic
// shape is seen as of unknown length before the expansion, which
// expand-strided-metadata lowers only from a dynamic size.
// CHECK-LABEL: func.func @reshape_from_static
// CHECK-SAME: (%[[X:.*]]: tensor<0xi64>, %[[N:.*]]: index)
// CHECK: %[[CAST:.*]] = tensor.cast %[[X]] : tensor<0xi64> to tensor<?xi64>
// CHECK: tensor.expand_shape %[[CAST]] {{\[\[}}0, 1]] output_shape [%[[N]], 1] : tensor<?xi64> into tensor<?x1xi64>
func.func @reshape_from_static(%x: tensor<0xi64>, %n: index) -> tensor<?x1xi64> {
  %0 = ml.reshape %x [%n] : tensor<0xi64> to tensor<?x1xi64>
  return %0 : tensor<?x1xi64>
}

// The size of a boolean argument, which becomes a tensor of bytes, is read
// from the byte tensor.
// CHECK-LABEL: func.func @size_of_booleans
// CHECK-SAME: (%[[X:.*]]: tensor<?x2xi8>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2xi8>
// CHECK: return %[[N]]
func.func @size_of_booleans(%x: tensor<?x2xi1>) -> index {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xi1>
  return %n : index
}

// cumsum along a symbolic axis: the loop runs to the size read from the
// input, over slabs of the symbolic other sizes.
// CHECK-LABEL: func.func @cumsum(
// CHECK-SAME: %[[X:.*]]: tensor<?x?xf32>)
// CHECK-DAG: %[[ROWS:.*]] = tensor.dim %[[X]], %c0
// CHECK-DAG: %[[COLUMNS:.*]] = tensor.dim %[[X]], %c1
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[ROWS]], %[[COLUMNS]]) : tensor<?x?xf32>
// CHECK: scf.for %[[I:.*]] = %c1 to %[[ROWS]] step %c1 iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<?x?xf32>)
// CHECK: tensor.extract_slice %[[ACC]][%{{.*}}, 0] [1, %[[COLUMNS]]] [1, 1] : tensor<?x?xf32> to tensor<1x?xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[ACC]][%[[I]], 0] [1, %[[COLUMNS]]] [1, 1]
func.func @cumsum(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = ml.cumsum %x axis = 0 : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
