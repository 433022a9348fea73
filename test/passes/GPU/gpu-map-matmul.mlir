// ml-gpu-map-matmul: a contraction with one m, one n and one k dimension on
// static buffers becomes a gpu.launch of one 16 x 16 block per 64 x 64 output
// tile (x: column tiles, y: row tiles, z: batches). Per 16-wide step along k,
// the threads (t = 16 ty + tx) copy a 64 x 16 tile of the left operand and a
// 16 x 64 tile of the right one into shared memory, four elements each
// (element t + 256 e, zero outside the operand); the block synchronises,
// each thread accumulates its 4 x 4 outputs (rows ty + 16 i, columns
// tx + 16 j) in 16 registers, and the block synchronises again before the
// tiles are refilled. Both barriers sit directly in the k-step loop, whose
// trip count is the same for every thread, never under a thread-dependent
// `scf.if` (checked by their indentation: the k-step loop's body is indented
// 8 spaces). The sums start at the combiner's neutral element and are
// combined into the output once each, by the threads inside the output.
// Sizes are not multiples of 64 or 16 so that every bounds check matters.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-map-matmul))' -split-input-file | FileCheck %s --strict-whitespace

// 130x36 * 36x70: ceil(70/64) = 2 column tiles, ceil(130/64) = 3 row tiles,
// ceil(36/16) = 3 k steps, the last one 4 wide.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<130x36xf32>, %[[B:[a-z0-9_]+]]: memref<36x70xf32>, %[[OUT:[a-z0-9_]+]]: memref<130x70xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[C36:.*]] = arith.constant 36 : index
// CHECK-DAG: %[[C48:.*]] = arith.constant 48 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C70:.*]] = arith.constant 70 : index
// CHECK-DAG: %[[C130:.*]] = arith.constant 130 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C512:.*]] = arith.constant 512 : index
// CHECK-DAG: %[[C768:.*]] = arith.constant 768 : index
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[NEG0:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %[[BY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %[[C3]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: threads(%[[TX:[a-z0-9_]+]], %[[TY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: workgroup(%[[AT:[a-z0-9_]+]] : memref<64x16xf32, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<16x64xf32, #gpu.address_space<workgroup>>)
// The tile's first row by * 64 and column bx * 64; the thread's number.
// CHECK: %[[ROW0:.*]] = arith.muli %[[BY]], %[[C64]] : index
// CHECK: %[[COL0:.*]] = arith.muli %[[BX]], %[[C64]] : index
// CHECK: %[[T16:.*]] = arith.muli %[[TY]], %[[C16]] : index
// CHECK: %[[T:.*]] = arith.addi %[[T16]], %[[TX]] : index
// CHECK: %[[SUMS:.*]]:16 = scf.for %[[STEP:.*]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args(%[[ACC0:[a-z0-9_]+]] = %[[NEG0]], {{(%[a-z0-9_]+ = %[a-z0-9_]+, )+}}%[[ACC15:[a-z0-9_]+]] = %[[NEG0]]) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK:   %[[K0:.*]] = arith.muli %[[STEP]], %[[C16]] : index
// Element t of A's tile: (t / 16, t % 16), i.e. A[row0 + t / 16, k0 + t % 16],
// zero outside A.
// CHECK:   %[[AR:.*]] = arith.divui %[[T]], %[[C16]] : index
// CHECK:   %[[AC:.*]] = arith.remui %[[T]], %[[C16]] : index
// CHECK:   %[[AROW:.*]] = arith.addi %[[ROW0]], %[[AR]] : index
// CHECK:   %[[AK:.*]] = arith.addi %[[K0]], %[[AC]] : index
// CHECK:   %[[AIN1:.*]] = arith.cmpi ult, %[[AROW]], %[[C130]] : index
// CHECK:   %[[AIN2:.*]] = arith.cmpi ult, %[[AK]], %[[C36]] : index
// CHECK:   %[[AIN:.*]] = arith.andi %[[AIN1]], %[[AIN2]] : i1
// CHECK:   %[[AV:.*]] = scf.if %[[AIN]] -> (f32) {
// CHECK:     %[[AL:.*]] = memref.load %[[A]][%[[AROW]], %[[AK]]] : memref<130x36xf32>
// CHECK:     scf.yield %[[AL]] : f32
// CHECK:   } else {
// CHECK:     scf.yield %[[ZERO]] : f32
// CHECK:   }
// CHECK:   memref.store %[[AV]], %[[AT]][%[[AR]], %[[AC]]] : memref<64x16xf32, #gpu.address_space<workgroup>>
// Element t of B's tile: (t / 64, t % 64), i.e. B[k0 + t / 64, col0 + t % 64].
// CHECK:   %[[BR:.*]] = arith.divui %[[T]], %[[C64]] : index
// CHECK:   %[[BC:.*]] = arith.remui %[[T]], %[[C64]] : index
// CHECK:   %[[BK:.*]] = arith.addi %[[K0]], %[[BR]] : index
// CHECK:   %[[BCOL:.*]] = arith.addi %[[COL0]], %[[BC]] : index
// CHECK:   %[[BIN1:.*]] = arith.cmpi ult, %[[BK]], %[[C36]] : index
// CHECK:   %[[BIN2:.*]] = arith.cmpi ult, %[[BCOL]], %[[C70]] : index
// CHECK:   %[[BIN:.*]] = arith.andi %[[BIN1]], %[[BIN2]] : i1
// CHECK:   %[[BV:.*]] = scf.if %[[BIN]] -> (f32) {
// CHECK:     %[[BL:.*]] = memref.load %[[B]][%[[BK]], %[[BCOL]]] : memref<36x70xf32>
// CHECK:   memref.store %[[BV]], %[[BT]][%[[BR]], %[[BC]]] : memref<16x64xf32, #gpu.address_space<workgroup>>
// Then elements t + 256, t + 512, t + 768 of each.
// CHECK:   %[[T1:.*]] = arith.addi %[[T]], %[[C256]] : index
// CHECK:   memref.store %{{.*}}, %[[AT]]
// CHECK:   memref.store %{{.*}}, %[[BT]]
// CHECK:   %[[T2:.*]] = arith.addi %[[T]], %[[C512]] : index
// CHECK:   memref.store %{{.*}}, %[[AT]]
// CHECK:   memref.store %{{.*}}, %[[BT]]
// CHECK:   %[[T3:.*]] = arith.addi %[[T]], %[[C768]] : index
// CHECK:   memref.store %{{.*}}, %[[AT]]
// CHECK:   memref.store %{{.*}}, %[[BT]]
// CHECK-NEXT: {{^        }}gpu.barrier
// min(16, 36 - k0) products per step: the same count for the whole block.
// CHECK:   %[[LEFT:.*]] = arith.subi %[[C36]], %[[K0]] : index
// CHECK:   %[[COUNT:.*]] = arith.minui %[[LEFT]], %[[C16]] : index
// CHECK:   %[[PART:.*]]:16 = scf.for %[[KK:.*]] = %[[C0]] to %[[COUNT]] step %[[C1]] iter_args(%[[S0:[a-z0-9_]+]] = %[[ACC0]], {{.*}}) -> ({{.*}}) {
// A[ty + 16 i][kk] and B[kk][tx + 16 j] for i, j < 4.
// CHECK:     %[[X0:.*]] = memref.load %[[AT]][%[[TY]], %[[KK]]]
// CHECK:     %[[Y0:.*]] = memref.load %[[BT]][%[[KK]], %[[TX]]]
// CHECK:     %[[R1:.*]] = arith.addi %[[TY]], %[[C16]] : index
// CHECK:     memref.load %[[AT]][%[[R1]], %[[KK]]]
// CHECK:     %[[Q1:.*]] = arith.addi %[[TX]], %[[C16]] : index
// CHECK:     memref.load %[[BT]][%[[KK]], %[[Q1]]]
// CHECK:     %[[R3:.*]] = arith.addi %[[TY]], %[[C48]] : index
// CHECK:     memref.load %[[AT]][%[[R3]], %[[KK]]]
// 16 products, the first one (0, 0) into the first sum.
// CHECK:     %[[P:.*]] = arith.mulf %[[X0]], %[[Y0]] : f32
// CHECK:     %[[NS:.*]] = arith.addf %[[S0]], %[[P]] : f32
// CHECK-COUNT-15: arith.mulf
// CHECK:     scf.yield %[[NS]], {{.*}} : f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32
// CHECK:   }
// CHECK-NEXT: {{^        }}gpu.barrier
// CHECK-NEXT: scf.yield %[[PART]]#0, {{.*}} : f32
// CHECK: }
// Sixteen outputs per thread, each written if inside the 130x70 output: the
// first at (row0 + ty, col0 + tx), the last at (row0 + ty + 48, col0 + tx + 48).
// CHECK: %[[OR0:.*]] = arith.addi %[[ROW0]], %[[TY]] : index
// CHECK: %[[OC0:.*]] = arith.addi %[[COL0]], %[[TX]] : index
// CHECK: %[[OIN1:.*]] = arith.cmpi ult, %[[OR0]], %[[C130]] : index
// CHECK: %[[OIN2:.*]] = arith.cmpi ult, %[[OC0]], %[[C70]] : index
// CHECK: %[[OIN:.*]] = arith.andi %[[OIN1]], %[[OIN2]] : i1
// CHECK: scf.if %[[OIN]] {
// CHECK:   %[[OLD:.*]] = memref.load %[[OUT]][%[[OR0]], %[[OC0]]] : memref<130x70xf32>
// CHECK:   %[[NEW:.*]] = arith.addf %[[OLD]], %[[SUMS]]#0 : f32
// CHECK:   memref.store %[[NEW]], %[[OUT]][%[[OR0]], %[[OC0]]] {ml.writes_every_element} : memref<130x70xf32>
// CHECK: }
// CHECK-COUNT-14: memref.store {{.*}} {ml.writes_every_element}
// CHECK: memref.store %{{.*}}, %[[OUT]][%{{.*}}, %{{.*}}] {ml.writes_every_element} : memref<130x70xf32>
// CHECK-NOT: memref.store
// CHECK: gpu.terminator
// CHECK-NOT: gpu.barrier
// CHECK-NOT: linalg.
// CHECK: return
func.func @matmul(%a: memref<130x36xf32>, %b: memref<36x70xf32>, %c: memref<130x70xf32>) {
  linalg.matmul ins(%a, %b : memref<130x36xf32>, memref<36x70xf32>) outs(%c : memref<130x70xf32>)
  return
}

// -----

// Batches are the grid's z dimension: 3 batches of 20x8 * 8x24 are
// 1 x 1 x 3 blocks, and every operand is indexed by the block's z index.
// CHECK-LABEL: func.func @batch_matmul(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<3x20x8xf32>, %[[B:[a-z0-9_]+]]: memref<3x8x24xf32>, %[[OUT:[a-z0-9_]+]]: memref<3x20x24xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C3]])
// CHECK-SAME: threads({{.*}}) in (%{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: workgroup(%{{.*}} : memref<64x16xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x64xf32, #gpu.address_space<workgroup>>)
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
// m = 70 (2 row tiles), n = 17 (1 column tile), k = 40 (3 steps).
// CHECK-LABEL: func.func @transposed(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<40x70xf32>, %[[B:[a-z0-9_]+]]: memref<17x40xf32>, %[[OUT:[a-z0-9_]+]]: memref<70x17xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C17:.*]] = arith.constant 17 : index
// CHECK-DAG: %[[C40:.*]] = arith.constant 40 : index
// CHECK-DAG: %[[C70:.*]] = arith.constant 70 : index
// CHECK: gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C2]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C3]] step %[[C1]] iter_args
// CHECK:   %[[AROW:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:   %[[AK:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:   arith.cmpi ult, %[[AROW]], %[[C70]] : index
// CHECK:   arith.cmpi ult, %[[AK]], %[[C40]] : index
// CHECK:   memref.load %[[A]][%[[AK]], %[[AROW]]] : memref<40x70xf32>
// CHECK:   %[[BK:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:   %[[BCOL:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:   arith.cmpi ult, %[[BK]], %[[C40]] : index
// CHECK:   arith.cmpi ult, %[[BCOL]], %[[C17]] : index
// CHECK:   memref.load %[[B]][%[[BCOL]], %[[BK]]] : memref<17x40xf32>
// CHECK:   gpu.barrier
// CHECK:   gpu.barrier
// CHECK: memref.store %{{.*}}, %[[OUT]][%{{.*}}, %{{.*}}] {ml.writes_every_element} : memref<70x17xf32>
// CHECK-NOT: linalg.
#mA = affine_map<(m, n, k) -> (k, m)>
#mB = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @transposed(%a: memref<40x70xf32>, %b: memref<17x40xf32>, %c: memref<70x17xf32>) {
  linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<40x70xf32>, memref<17x40xf32>) outs(%c : memref<70x17xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An integer product, i8 x i8 -> i32: the tiles hold i8 (zero-padded with
// i8 0), the extensions are part of the per-k payload, the sums start at
// i32 0.
// CHECK-LABEL: func.func @int_matmul(
// CHECK-SAME: %[[A:[a-z0-9_]+]]: memref<32x16xi8>, %[[B:[a-z0-9_]+]]: memref<16x32xi8>, %[[OUT:[a-z0-9_]+]]: memref<32x32xi32>)
// CHECK-DAG: %[[Z8:.*]] = arith.constant 0 : i8
// CHECK-DAG: %[[Z32:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}})
// CHECK-SAME: workgroup(%[[AT:[a-z0-9_]+]] : memref<64x16xi8, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<16x64xi8, #gpu.address_space<workgroup>>)
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[Z32]], {{.*}}) -> (i32, {{.*}}) {
// CHECK:   scf.yield %[[Z8]] : i8
// CHECK:   memref.store %{{.*}}, %[[AT]]
// CHECK:   scf.yield %[[Z8]] : i8
// CHECK:   memref.store %{{.*}}, %[[BT]]
// CHECK:   gpu.barrier
// CHECK:   scf.for {{.*}} -> (i32, {{.*}}) {
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
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[NEGINF]], {{.*}}) -> (f32, {{.*}}) {
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
