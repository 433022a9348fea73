// ml-accumulate-into-products: a loop's carried sum of products becomes
// the product into the carry; other sums keep their order.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-accumulate-into-products))' -split-input-file | FileCheck %s

// The carry %acc + x.T @ y, either operand order: the product into %acc.
// CHECK-LABEL: func.func @carried
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[ACC2:.*]] = %{{.*}})
// CHECK-NOT: linalg.generic
// CHECK:   %[[S:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<64x512xf32>, tensor<64x256xf32>) outs(%[[ACC]] : tensor<512x256xf32>)
// CHECK:   %[[S2:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<512x64xf32>, tensor<64x256xf32>) outs(%[[ACC2]] : tensor<512x256xf32>)
// CHECK:   scf.yield %[[S]], %[[S2]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#lhsT = affine_map<(m, n, k) -> (k, m)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @carried(%x: tensor<64x512xf32>, %y: tensor<64x256xf32>, %w: tensor<512x64xf32>) -> (tensor<512x256xf32>, tensor<512x256xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x256xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%e : tensor<512x256xf32>) -> tensor<512x256xf32>
  %r:2 = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zeros, %acc2 = %zeros) -> (tensor<512x256xf32>, tensor<512x256xf32>) {
    %p = linalg.matmul indexing_maps = [#lhsT, #rhs, #out] ins(%x, %y : tensor<64x512xf32>, tensor<64x256xf32>) outs(%zeros : tensor<512x256xf32>) -> tensor<512x256xf32>
    %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%acc, %p : tensor<512x256xf32>, tensor<512x256xf32>) outs(%acc : tensor<512x256xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %sum = arith.addf %a, %b : f32
      linalg.yield %sum : f32
    } -> tensor<512x256xf32>
    %p2 = linalg.matmul ins(%w, %y : tensor<512x64xf32>, tensor<64x256xf32>) outs(%zeros : tensor<512x256xf32>) -> tensor<512x256xf32>
    %s2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%p2, %acc2 : tensor<512x256xf32>, tensor<512x256xf32>) outs(%e : tensor<512x256xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %sum = arith.addf %a, %b : f32
      linalg.yield %sum : f32
    } -> tensor<512x256xf32>
    scf.yield %s, %s2 : tensor<512x256xf32>, tensor<512x256xf32>
  }
  return %r#0, %r#1 : tensor<512x256xf32>, tensor<512x256xf32>
}

// -----

// Left alone: a sum with a value no loop carries (NumPy's order: the
// product, then the sum), a product used twice, a product into a non-zero
// start, and a difference.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-4: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @left_alone(%x: tensor<8x8xf32>, %b: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %ones = linalg.fill ins(%one : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %p = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%zeros : tensor<8x8xf32>) -> tensor<8x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %p : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %sum = arith.addf %a, %c : f32
    linalg.yield %sum : f32
  } -> tensor<8x8xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %b) -> (tensor<8x8xf32>) {
    %q = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%zeros : tensor<8x8xf32>) -> tensor<8x8xf32>
    %t = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%acc, %q : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %sum = arith.addf %a, %c : f32
      linalg.yield %sum : f32
    } -> tensor<8x8xf32>
    %u = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%t, %q : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %sum = arith.addf %a, %c : f32
      linalg.yield %sum : f32
    } -> tensor<8x8xf32>
    %o1 = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%ones : tensor<8x8xf32>) -> tensor<8x8xf32>
    %v = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%u, %o1 : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %d = arith.subf %a, %c : f32
      linalg.yield %d : f32
    } -> tensor<8x8xf32>
    scf.yield %v : tensor<8x8xf32>
  }
  return %s, %r : tensor<8x8xf32>, tensor<8x8xf32>
}
