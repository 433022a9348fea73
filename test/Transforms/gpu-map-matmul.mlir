// ml-gpu-map-matmul: a contraction with one m, one n and one k dimension on
// static buffers becomes a gpu.launch of one 16 x 16 block per 16 x 16 output
// tile (x: column tiles, y: row tiles, z: batches). Per 16-wide step along k,
// each thread stages one element of each input tile in shared memory (zero
// outside the operand), the block synchronises, each thread accumulates its
// output from the tiles, and the block synchronises again before the tiles
// are refilled. Both barriers sit directly in the k-step loop, whose trip
// count is the same for every thread, never under a thread-dependent `scf.if`
// (checked by their indentation: the k-step loop's body is indented 8
// spaces). The sum starts at the combiner's neutral element and is combined
// into the output once, by the threads inside the output.
// Sizes are not multiples of 16 so that every bounds check matters.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-map-matmul))' -split-input-file | FileCheck %s --strict-whitespace

// 20x36 * 36x40: ceil(40/16) = 3 column tiles, ceil(20/16) = 2 row tiles,
// ceil(36/16) = 3 k steps, the last one 4 wide.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<20x36xf32>, %[[B:[a-z0-9_]+]]: memref<36x40xf32>, %[[OUT:[a-z0-9_]+]]: memref<20x40xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C20:.*]] = arith.constant 20 : index
// CHECK-DAG: %[[C36:.*]] = arith.constant 36 : index
// CHECK-DAG: %[[C40:.*]] = arith.constant 40 : index
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[NEG0:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %[[BY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C3]], %{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: threads(%[[TX:[a-z0-9_]+]], %[[TY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: workgroup(%[[AT:[a-z0-9_]+]] : memref<16x16xf32, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<16x16xf32, #gpu.address_space<workgroup>>)
// The thread's output element: row by * 16 + ty, column bx * 16 + tx.
// CHECK: %[[ROW0:.*]] = arith.muli %[[BY]], %[[C16]] : index
// CHECK: %[[ROW:.*]] = arith.addi %[[ROW0]], %[[TY]] : index
// CHECK: %[[COL0:.*]] = arith.muli %[[BX]], %[[C16]] : index
// CHECK: %[[COL:.*]] = arith.addi %[[COL0]], %[[TX]] : index
// CHECK: %[[SUM:.*]] = scf.for %[[STEP:.*]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args(%[[ACC:.*]] = %[[NEG0]]) -> (f32) {
// CHECK:   %[[K0:.*]] = arith.muli %[[STEP]], %[[C16]] : index
// A's tile: element (row, k0 + tx), zero outside A.
// CHECK:   %[[AK:.*]] = arith.addi %[[K0]], %[[TX]] : index
// CHECK:   %[[AROW:.*]] = arith.cmpi ult, %[[ROW]], %[[C20]] : index
// CHECK:   %[[ACOL:.*]] = arith.cmpi ult, %[[AK]], %[[C36]] : index
// CHECK:   %[[AIN:.*]] = arith.andi %[[AROW]], %[[ACOL]] : i1
// CHECK:   %[[AV:.*]] = scf.if %[[AIN]] -> (f32) {
// CHECK:     %[[AL:.*]] = memref.load %[[A]][%[[ROW]], %[[AK]]] : memref<20x36xf32>
// CHECK:     scf.yield %[[AL]] : f32
// CHECK:   } else {
// CHECK:     scf.yield %[[ZERO]] : f32
// CHECK:   }
// CHECK:   memref.store %[[AV]], %[[AT]][%[[TY]], %[[TX]]] : memref<16x16xf32, #gpu.address_space<workgroup>>
// B's tile: element (k0 + ty, col), zero outside B.
// CHECK:   %[[BK:.*]] = arith.addi %[[K0]], %[[TY]] : index
// CHECK:   %[[BROW:.*]] = arith.cmpi ult, %[[BK]], %[[C36]] : index
// CHECK:   %[[BCOL:.*]] = arith.cmpi ult, %[[COL]], %[[C40]] : index
// CHECK:   %[[BIN:.*]] = arith.andi %[[BROW]], %[[BCOL]] : i1
// CHECK:   %[[BV:.*]] = scf.if %[[BIN]] -> (f32) {
// CHECK:     %[[BL:.*]] = memref.load %[[B]][%[[BK]], %[[COL]]] : memref<36x40xf32>
// CHECK:     scf.yield %[[BL]] : f32
// CHECK:   } else {
// CHECK:     scf.yield %[[ZERO]] : f32
// CHECK:   }
// CHECK:   memref.store %[[BV]], %[[BT]][%[[TY]], %[[TX]]] : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK-NEXT: {{^        }}gpu.barrier
// min(16, 36 - k0) products per step: the same count for the whole block.
// CHECK:   %[[LEFT:.*]] = arith.subi %[[C36]], %[[K0]] : index
// CHECK:   %[[COUNT:.*]] = arith.minui %[[LEFT]], %[[C16]] : index
// CHECK:   %[[PART:.*]] = scf.for %[[KK:.*]] = %[[C0]] to %[[COUNT]] step %[[C1]] iter_args(%[[S:.*]] = %[[ACC]]) -> (f32) {
// CHECK:     %[[X:.*]] = memref.load %[[AT]][%[[TY]], %[[KK]]] : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[Y:.*]] = memref.load %[[BT]][%[[KK]], %[[TX]]] : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK:     %[[NS:.*]] = arith.addf %[[S]], %[[P]] : f32
// CHECK:     scf.yield %[[NS]] : f32
// CHECK:   }
// CHECK-NEXT: {{^        }}gpu.barrier
// CHECK-NEXT: scf.yield %[[PART]] : f32
// CHECK: }
// Only threads inside the 20x40 output write it, once.
// CHECK: %[[OROW:.*]] = arith.cmpi ult, %[[ROW]], %[[C20]] : index
// CHECK: %[[OCOL:.*]] = arith.cmpi ult, %[[COL]], %[[C40]] : index
// CHECK: %[[OIN:.*]] = arith.andi %[[OROW]], %[[OCOL]] : i1
// CHECK: scf.if %[[OIN]] {
// CHECK:   %[[OLD:.*]] = memref.load %[[OUT]][%[[ROW]], %[[COL]]] : memref<20x40xf32>
// CHECK:   %[[NEW:.*]] = arith.addf %[[OLD]], %[[SUM]] : f32
// CHECK:   memref.store %[[NEW]], %[[OUT]][%[[ROW]], %[[COL]]] {ml.writes_every_element} : memref<20x40xf32>
// CHECK: }
// CHECK: gpu.terminator
// CHECK-NOT: gpu.barrier
// CHECK-NOT: linalg.
// CHECK: return
func.func @matmul(%a: memref<20x36xf32>, %b: memref<36x40xf32>, %c: memref<20x40xf32>) {
  linalg.matmul ins(%a, %b : memref<20x36xf32>, memref<36x40xf32>) outs(%c : memref<20x40xf32>)
  return
}

// -----

// Batches are the grid's z dimension: 3 batches of 20x8 * 8x24 are
// 2 x 2 x 3 blocks, and every operand is indexed by the block's z index.
// CHECK-LABEL: func.func @batch_matmul(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<3x20x8xf32>, %[[B:[a-z0-9_]+]]: memref<3x8x24xf32>, %[[OUT:[a-z0-9_]+]]: memref<3x20x24xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %[[C3]])
// CHECK-SAME: threads({{.*}}) in (%{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: workgroup(%{{.*}} : memref<16x16xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x16xf32, #gpu.address_space<workgroup>>)
// A single k step (k = 8).
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C1]] step %[[C1]] iter_args
// CHECK: memref.load %[[A]][%[[BZ]], %{{.*}}, %{{.*}}] : memref<3x20x8xf32>
// CHECK: memref.load %[[B]][%[[BZ]], %{{.*}}, %{{.*}}] : memref<3x8x24xf32>
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK: memref.load %[[OUT]][%[[BZ]], %{{.*}}, %{{.*}}] : memref<3x20x24xf32>
// CHECK: memref.store %{{.*}}, %[[OUT]][%[[BZ]], %{{.*}}, %{{.*}}] {ml.writes_every_element} : memref<3x20x24xf32>
// CHECK-NOT: linalg.
func.func @batch_matmul(%a: memref<3x20x8xf32>, %b: memref<3x8x24xf32>, %c: memref<3x20x24xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x20x8xf32>, memref<3x8x24xf32>) outs(%c : memref<3x20x24xf32>)
  return
}

// -----

// Transposed operands, C = A^T * B^T with A: k x m, B: n x k: the tiles are
// filled through the operands' own indexing maps, no transposed copy.
// m = 33 (3 row tiles), n = 17 (2 column tiles), k = 40.
// CHECK-LABEL: func.func @transposed(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<40x33xf32>, %[[B:[a-z0-9_]+]]: memref<17x40xf32>, %[[OUT:[a-z0-9_]+]]: memref<33x17xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C17:.*]] = arith.constant 17 : index
// CHECK-DAG: %[[C33:.*]] = arith.constant 33 : index
// CHECK-DAG: %[[C40:.*]] = arith.constant 40 : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %[[BY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %[[C3]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: threads(%[[TX:[a-z0-9_]+]], %[[TY:[a-z0-9_]+]], %{{[a-z0-9_]+}})
// CHECK: %[[ROW:.*]] = arith.addi %{{.*}}, %[[TY]] : index
// CHECK: %[[COL:.*]] = arith.addi %{{.*}}, %[[TX]] : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C3]] step %[[C1]] iter_args
// CHECK:   %[[AK:.*]] = arith.addi %{{.*}}, %[[TX]] : index
// CHECK:   arith.cmpi ult, %[[ROW]], %[[C33]] : index
// CHECK:   arith.cmpi ult, %[[AK]], %[[C40]] : index
// CHECK:   memref.load %[[A]][%[[AK]], %[[ROW]]] : memref<40x33xf32>
// CHECK:   %[[BK:.*]] = arith.addi %{{.*}}, %[[TY]] : index
// CHECK:   arith.cmpi ult, %[[BK]], %[[C40]] : index
// CHECK:   arith.cmpi ult, %[[COL]], %[[C17]] : index
// CHECK:   memref.load %[[B]][%[[COL]], %[[BK]]] : memref<17x40xf32>
// CHECK:   gpu.barrier
// CHECK:   gpu.barrier
// CHECK: memref.store %{{.*}}, %[[OUT]][%[[ROW]], %[[COL]]] {ml.writes_every_element} : memref<33x17xf32>
// CHECK-NOT: linalg.
#mA = affine_map<(m, n, k) -> (k, m)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @transposed(%a: memref<40x33xf32>, %b: memref<17x40xf32>, %c: memref<33x17xf32>) {
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<40x33xf32>, memref<17x40xf32>) outs(%c : memref<33x17xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An integer product, i8 x i8 -> i32: the tiles hold i8 (zero-padded with
// i8 0), the extensions are part of the per-k payload, the sum starts at
// i32 0.
// CHECK-LABEL: func.func @int_matmul(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<32x16xi8>, %[[B:[a-z0-9_]+]]: memref<16x32xi8>, %[[OUT:[a-z0-9_]+]]: memref<32x32xi32>)
// CHECK-DAG: %[[Z8:.*]] = arith.constant 0 : i8
// CHECK-DAG: %[[Z32:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}})
// CHECK-SAME: workgroup(%[[AT:[a-z0-9_]+]] : memref<16x16xi8, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<16x16xi8, #gpu.address_space<workgroup>>)
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[Z32]]) -> (i32) {
// CHECK:   scf.yield %[[Z8]] : i8
// CHECK:   memref.store %{{.*}}, %[[AT]]
// CHECK:   scf.yield %[[Z8]] : i8
// CHECK:   memref.store %{{.*}}, %[[BT]]
// CHECK:   gpu.barrier
// CHECK:   scf.for {{.*}} -> (i32) {
// CHECK:     %[[X:.*]] = memref.load %[[AT]]
// CHECK:     %[[Y:.*]] = memref.load %[[BT]]
// CHECK:     %[[XW:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK:     %[[YW:.*]] = arith.extsi %[[Y]] : i8 to i32
// CHECK:     %[[P:.*]] = arith.muli %[[XW]], %[[YW]] : i32
// CHECK:     arith.addi %{{.*}}, %[[P]] : i32
// CHECK:   gpu.barrier
// CHECK: memref.load %[[OUT]]
// CHECK: arith.addi %{{.*}}, %{{.*}} : i32
// CHECK: memref.store %{{.*}}, %[[OUT]]
// CHECK-NOT: linalg.
func.func @int_matmul(%a: memref<32x16xi8>, %b: memref<16x32xi8>, %c: memref<32x32xi32>) {
  linalg.matmul ins(%a, %b : memref<32x16xi8>, memref<16x32xi8>) outs(%c : memref<32x32xi32>)
  return
}

// -----

// Any combiner with a neutral element accumulates: a max-plus product (out =
// max(a + b, out), the output the combiner's second operand) starts at -inf.
// CHECK-LABEL: func.func @max_plus(
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: gpu.launch
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[NEGINF]]) -> (f32) {
// CHECK:   gpu.barrier
// CHECK:   scf.for
// CHECK:     %[[P:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK:     arith.maximumf %[[P]], %{{.*}} : f32
// CHECK:   gpu.barrier
// CHECK: arith.maximumf
// CHECK-NOT: linalg.
func.func @max_plus(%a: memref<20x36xf32>, %b: memref<36x40xf32>, %c: memref<20x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x36xf32>, memref<36x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.addf %x, %y : f32
    %s = arith.maximumf %p, %o : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left for the other mappings: two k dimensions, dynamic shapes, tensors,
// and a payload whose update (out - a * b) has no neutral element.
// CHECK-LABEL: func.func @two_k(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
// CHECK-LABEL: func.func @dynamic(
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<?x36xf32>, memref<36x40xf32>) outs(%{{.*}} : memref<?x40xf32>)
// CHECK-NOT: gpu.launch
// CHECK-LABEL: func.func @tensors(
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<20x36xf32>, tensor<36x40xf32>) outs(%{{.*}} : tensor<20x40xf32>) -> tensor<20x40xf32>
// CHECK-NOT: gpu.launch
// CHECK-LABEL: func.func @no_combiner(
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK-NOT: gpu.launch
func.func @two_k(%a: memref<20x8x7xf32>, %b: memref<8x7x24xf32>, %c: memref<20x24xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k, l) -> (m, k, l)>, affine_map<(m, n, k, l) -> (k, l, n)>, affine_map<(m, n, k, l) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a, %b : memref<20x8x7xf32>, memref<8x7x24xf32>) outs(%c : memref<20x24xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @dynamic(%a: memref<?x36xf32>, %b: memref<36x40xf32>, %c: memref<?x40xf32>) {
  linalg.matmul ins(%a, %b : memref<?x36xf32>, memref<36x40xf32>) outs(%c : memref<?x40xf32>)
  return
}
func.func @tensors(%a: tensor<20x36xf32>, %b: tensor<36x40xf32>, %c: tensor<20x40xf32>) -> tensor<20x40xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<20x36xf32>, tensor<36x40xf32>) outs(%c : tensor<20x40xf32>) -> tensor<20x40xf32>
  return %r : tensor<20x40xf32>
}
func.func @no_combiner(%a: memref<20x36xf32>, %b: memref<36x40xf32>, %c: memref<20x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x36xf32>, memref<36x40xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.subf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A product with no output rows has nothing to compute: it is erased.
// CHECK-LABEL: func.func @empty(
// CHECK-NEXT: return
func.func @empty(%a: memref<0x36xf32>, %b: memref<36x40xf32>, %c: memref<0x40xf32>) {
  linalg.matmul ins(%a, %b : memref<0x36xf32>, memref<36x40xf32>) outs(%c : memref<0x40xf32>)
  return
}

// -----

// Regressions: a loop that is none of batch, m, n, k (here p, in the output
// only, and r, a second reduction in A) cannot be tiled: the op is left to
// the other passes instead of being computed at p = 0 / r = 0 only.
// CHECK-LABEL: func.func @output_only_loop
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
func.func @output_only_loop(%a: memref<20x8xf32>, %b: memref<8x24xf32>, %c: memref<20x24x5xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, p, k) -> (m, k)>, affine_map<(m, n, p, k) -> (k, n)>, affine_map<(m, n, p, k) -> (m, n, p)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<20x8xf32>, memref<8x24xf32>) outs(%c : memref<20x24x5xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
// CHECK-LABEL: func.func @second_reduction
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
func.func @second_reduction(%a: memref<20x8x7xf32>, %b: memref<8x24xf32>, %c: memref<20x24xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k, r) -> (m, k, r)>, affine_map<(m, n, k, r) -> (k, n)>, affine_map<(m, n, k, r) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a, %b : memref<20x8x7xf32>, memref<8x24xf32>) outs(%c : memref<20x24xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
