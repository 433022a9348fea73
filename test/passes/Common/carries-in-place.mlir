// ml-carries-in-place: a loop's next carry is computed into the old carry
// where nothing reads the old one after the write begins.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-carries-in-place))' -split-input-file -verify-diagnostics | FileCheck %s

#id = affine_map<(d0) -> (d0)>

// An elementwise update of a for loop's carry, reading it in step.
// CHECK-LABEL: func.func @for_elementwise
// CHECK: scf.for {{.*}} iter_args(%[[V:.*]] = %{{.*}})
// CHECK: linalg.generic {{.*}} ins(%[[V]] : tensor<8xf32>) outs(%[[V]] : tensor<8xf32>)
func.func @for_elementwise(%x: tensor<8xf32>, %n: index) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<8xf32>) {
    %e = tensor.empty() : tensor<8xf32>
    %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%v : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = arith.addf %a, %a : f32
      linalg.yield %s : f32
    } -> tensor<8xf32>
    scf.yield %w : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>
#all = affine_map<(d0) -> ()>

// A while loop whose condition passes its values on: the body's write goes
// into the carry read by the condition.
// CHECK-LABEL: func.func @while_elementwise
// CHECK: } do {
// CHECK-NEXT: ^bb0(%[[V:.*]]: tensor<8xf32>):
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[V]] : tensor<8xf32>) outs(%[[V]] : tensor<8xf32>)
func.func @while_elementwise(%x: tensor<8xf32>, %limit: f32) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %r = scf.while (%v = %x) : (tensor<8xf32>) -> tensor<8xf32> {
    %e = tensor.empty() : tensor<f32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
    %s = linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction"]}
        ins(%v : tensor<8xf32>) outs(%f : tensor<f32>) {
    ^bb0(%a: f32, %o: f32):
      %t = arith.addf %a, %o : f32
      linalg.yield %t : f32
    } -> tensor<f32>
    %total = tensor.extract %s[] : tensor<f32>
    %c = arith.cmpf olt, %total, %limit : f32
    scf.condition(%c) %v : tensor<8xf32>
  } do {
  ^bb0(%v: tensor<8xf32>):
    %e = tensor.empty() : tensor<8xf32>
    %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%v : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %s = arith.addf %a, %a : f32
      linalg.yield %s : f32
    } -> tensor<8xf32>
    scf.yield %w : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}

// -----

// An RNN step: the carry is read through a view by a product before the
// write of the new carry begins; the product's own destination stays fresh.
// CHECK-LABEL: func.func @read_through_a_view
// CHECK: iter_args(%[[H:.*]] = %{{.*}})
// CHECK: %[[ROW:.*]] = tensor.expand_shape %[[H]]
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<1x4xf32>)
// CHECK: linalg.matmul ins(%[[ROW]], %{{.*}} : tensor<1x4xf32>, tensor<4x4xf32>) outs(%[[F]] : tensor<1x4xf32>)
// CHECK: math.tanh
// CHECK: } -> tensor<4xf32>
// CHECK-NOT: tensor.empty
#id = affine_map<(d0) -> (d0)>
func.func @read_through_a_view(%h0: tensor<4xf32>, %w: tensor<4x4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%h = %h0) -> (tensor<4xf32>) {
    %row = tensor.expand_shape %h [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
    %e = tensor.empty() : tensor<1x4xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
    %p = linalg.matmul ins(%row, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
    %flat = tensor.collapse_shape %p [[0, 1]] : tensor<1x4xf32> into tensor<4xf32>
    %e2 = tensor.empty() : tensor<4xf32>
    %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%flat : tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %y = math.tanh %a : f32
      linalg.yield %y : f32
    } -> tensor<4xf32>
    scf.yield %t : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// An accumulator started by a fill, the carry not read at all.
// CHECK-LABEL: func.func @fill_into_the_carry
// CHECK: iter_args(%[[S:.*]] = %{{.*}})
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[S]] : tensor<f32>)
#id = affine_map<(d0) -> (d0)>
#all = affine_map<(d0) -> ()>
func.func @fill_into_the_carry(%x: tensor<8xf32>, %s0: tensor<f32>, %n: index) -> tensor<f32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0) -> (tensor<f32>) {
    %e = tensor.empty() : tensor<f32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
    %t = linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction"]}
        ins(%x : tensor<8xf32>) outs(%f : tensor<f32>) {
    ^bb0(%a: f32, %o: f32):
      %u = arith.addf %a, %o : f32
      linalg.yield %u : f32
    } -> tensor<f32>
    scf.yield %t : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

// Left alone: v = A @ v reads the whole carry while writing it; a carry
// read after the write; a transposed read; a reduction over the carry; a
// while condition that swaps its values.
// CHECK-LABEL: func.func @unsafe
// CHECK-NOT: outs(%arg
// CHECK: return
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @unsafe(%a: tensor<4x4xf32>, %x: tensor<4x4xf32>, %n: index) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %r0 = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<4x4xf32>) {
    %e = tensor.empty() : tensor<4x4xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
    %p = linalg.matmul ins(%a, %v : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
    scf.yield %p : tensor<4x4xf32>
  }
  %r1:2 = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x, %k = %zero) -> (tensor<4x4xf32>, f32) {
    %e = tensor.empty() : tensor<4x4xf32>
    %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%a : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
    ^bb0(%p: f32, %o: f32):
      linalg.yield %p : f32
    } -> tensor<4x4xf32>
    %old = tensor.extract %v[%c0, %c0] : tensor<4x4xf32>
    scf.yield %w, %old : tensor<4x4xf32>, f32
  }
  %r2 = scf.for %i = %c0 to %n step %c1 iter_args(%v = %x) -> (tensor<4x4xf32>) {
    %e = tensor.empty() : tensor<4x4xf32>
    %w = linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
        ins(%v : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
    ^bb0(%p: f32, %o: f32):
      linalg.yield %p : f32
    } -> tensor<4x4xf32>
    scf.yield %w : tensor<4x4xf32>
  }
  %s0 = tensor.empty() : tensor<4xf32>
  %r3 = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0) -> (tensor<4xf32>) {
    %e = tensor.empty() : tensor<4xf32>
    %w = linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]}
        ins(%x, %s : tensor<4x4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %t = arith.addf %p, %q : f32
      %u = arith.addf %t, %o : f32
      linalg.yield %u : f32
    } -> tensor<4xf32>
    scf.yield %w : tensor<4xf32>
  }
  %r4:2 = scf.while (%v = %x, %u = %a) : (tensor<4x4xf32>, tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
    %c = arith.cmpi slt, %c0, %n : index
    scf.condition(%c) %u, %v : tensor<4x4xf32>, tensor<4x4xf32>
  } do {
  ^bb0(%v: tensor<4x4xf32>, %u: tensor<4x4xf32>):
    %e = tensor.empty() : tensor<4x4xf32>
    %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%v : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
    ^bb0(%p: f32, %o: f32):
      linalg.yield %p : f32
    } -> tensor<4x4xf32>
    scf.yield %w, %u : tensor<4x4xf32>, tensor<4x4xf32>
  }
  return %r0, %r1#0, %r2, %r3, %r4#0 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>
}

// -----

// Left alone: a gather from the carry (a read inside the producer's body,
// anywhere in the carry) while the producer writes it.
// CHECK-LABEL: func.func @gather_from_the_carry
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x6xf64>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<4x6xf64>)
#rows = affine_map<(d0, d1) -> (d0)>
#elems = affine_map<(d0, d1) -> (d0, d1)>
func.func @gather_from_the_carry(%x: tensor<4x6xf64>, %rows: tensor<4xindex>) -> tensor<4x6xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%v = %x) -> (tensor<4x6xf64>) {
    %e = tensor.empty() : tensor<4x6xf64>
    %g = linalg.generic {indexing_maps = [#rows, #elems, #elems], iterator_types = ["parallel", "parallel"]}
        ins(%rows, %v : tensor<4xindex>, tensor<4x6xf64>) outs(%e : tensor<4x6xf64>) {
    ^bb0(%row: index, %own: f64, %o: f64):
      %column = linalg.index 1 : index
      %other = tensor.extract %v[%row, %column] : tensor<4x6xf64>
      %sum = arith.addf %other, %own : f64
      linalg.yield %sum : f64
    } -> tensor<4x6xf64>
    scf.yield %g : tensor<4x6xf64>
  }
  return %r : tensor<4x6xf64>
}
