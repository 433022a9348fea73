// ml-linalg-to-affine-loops: linalg ops on buffers to affine.for nests, or
// to scf.for where a bound is no affine symbol or dimension.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-linalg-to-affine-loops))' -split-input-file | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Elementwise: one affine.for per dimension, accesses at the indexing maps.
// CHECK-LABEL: func.func @elementwise
// CHECK: affine.for %[[I:.*]] = 0 to 4 {
// CHECK:   affine.for %[[J:.*]] = 0 to 256 {
// CHECK:     %[[X:.*]] = affine.load %{{.*}}[%[[I]], %[[J]]] : memref<4x256xf32>
// CHECK:     %[[E:.*]] = math.exp %[[X]] : f32
// CHECK:     affine.store %[[E]], %{{.*}}[%[[I]], %[[J]]] : memref<4x256xf32>
// CHECK-NOT: linalg.
func.func @elementwise(%x: memref<4x256xf32>, %y: memref<4x256xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x256xf32>) outs(%y : memref<4x256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// A reduction over sizes read from the function's arguments: symbols, so
// still affine. The accumulator is read and written at the row's index.
// CHECK-LABEL: func.func @row_sums
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf32>, %[[S:.*]]: memref<?xf32>)
// CHECK-DAG: %[[M:.*]] = memref.dim %[[X]], %c0
// CHECK-DAG: %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK: affine.for %[[I:.*]] = 0 to %[[M]] {
// CHECK:   affine.for %[[J:.*]] = 0 to %[[N]] {
// CHECK:     affine.load %[[X]][%[[I]], %[[J]]]
// CHECK:     affine.load %[[S]][%[[I]]]
// CHECK:     arith.addf
// CHECK:     affine.store %{{.*}}, %[[S]][%[[I]]]
func.func @row_sums(%x: memref<?x?xf32>, %s: memref<?xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<?x?xf32>) outs(%s : memref<?xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A product's three loops, the accumulator read in the innermost one.
// CHECK-LABEL: func.func @product
// CHECK: affine.for %[[I:.*]] = 0 to 8 {
// CHECK:   affine.for %[[J:.*]] = 0 to 16 {
// CHECK:     affine.for %[[K:.*]] = 0 to 32 {
// CHECK:       affine.load %{{.*}}[%[[I]], %[[K]]] : memref<8x32xf32>
// CHECK:       affine.load %{{.*}}[%[[K]], %[[J]]] : memref<32x16xf32>
// CHECK:       affine.load %{{.*}}[%[[I]], %[[J]]] : memref<8x16xf32>
// CHECK:       arith.mulf
// CHECK:       arith.addf
// CHECK:       affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<8x16xf32>
func.func @product(%a: memref<8x32xf32>, %b: memref<32x16xf32>, %c: memref<8x16xf32>) {
  linalg.matmul ins(%a, %b : memref<8x32xf32>, memref<32x16xf32>) outs(%c : memref<8x16xf32>)
  return
}

// -----

#out = affine_map<(d0, d1) -> (d0, d1)>
#ids = affine_map<(d0, d1) -> (d0)>

// A gather: the table is read at a computed row, not an affine access, so a
// memref.load inside the affine loops.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[T:.*]]: memref<100x64xf32>, %[[IDS:.*]]: memref<8xindex>,
// CHECK: affine.for %[[I:.*]] = 0 to 8 {
// CHECK:   affine.for %[[J:.*]] = 0 to 64 {
// CHECK:     %[[ROW:.*]] = affine.load %[[IDS]][%[[I]]]
// CHECK:     memref.load %[[T]][%[[ROW]], %[[J]]] : memref<100x64xf32>
// CHECK:     affine.store
func.func @gather(%t: memref<100x64xf32>, %ids: memref<8xindex>, %y: memref<8x64xf32>) {
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel"]}
      ins(%ids : memref<8xindex>) outs(%y : memref<8x64xf32>) {
  ^bb0(%row: index, %b: f32):
    %j = linalg.index 1 : index
    %v = memref.load %t[%row, %j] : memref<100x64xf32>
    linalg.yield %v : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Tiles of 4 rows out of 1001: the last is partial, its size an affine.min
// of the parallel loop's induction variable, which bounds no affine loop.
// That op becomes scf.for loops; the full-width dimension is no different.
// CHECK-LABEL: func.func @partial_tile
// CHECK: scf.parallel (%[[T:.*]]) =
// CHECK:   %[[ROWS:.*]] = affine.min
// CHECK:   scf.for %[[I:.*]] = %c0{{.*}} to %[[ROWS]] step %c1
// CHECK:     scf.for %[[J:.*]] = %c0{{.*}} to %c256 step %c1
// CHECK:       memref.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:       memref.store
// CHECK-NOT: affine.for
func.func @partial_tile(%x: memref<1001x256xf32>, %y: memref<1001x256xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1001 = arith.constant 1001 : index
  scf.parallel (%t) = (%c0) to (%c1001) step (%c4) {
    %rows = affine.min affine_map<(d0) -> (4, -d0 + 1001)>(%t)
    %xt = memref.subview %x[%t, 0] [%rows, 256] [1, 1] : memref<1001x256xf32> to memref<?x256xf32, strided<[256, 1], offset: ?>>
    %yt = memref.subview %y[%t, 0] [%rows, 256] [1, 1] : memref<1001x256xf32> to memref<?x256xf32, strided<[256, 1], offset: ?>>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%xt : memref<?x256xf32, strided<[256, 1], offset: ?>>)
        outs(%yt : memref<?x256xf32, strided<[256, 1], offset: ?>>) {
    ^bb0(%a: f32, %b: f32):
      %n = arith.negf %a : f32
      linalg.yield %n : f32
    }
    scf.reduce
  }
  return
}

// -----

// A full tile of the same loop keeps its affine loops: its sizes are
// constants.
// CHECK-LABEL: func.func @full_tile
// CHECK: scf.parallel
// CHECK:   affine.for %{{.*}} = 0 to 4 {
// CHECK:     affine.for %{{.*}} = 0 to 256 {
func.func @full_tile(%x: memref<1000x256xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1000 = arith.constant 1000 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%t) = (%c0) to (%c1000) step (%c4) {
    %xt = memref.subview %x[%t, 0] [4, 256] [1, 1] : memref<1000x256xf32> to memref<4x256xf32, strided<[256, 1], offset: ?>>
    linalg.fill ins(%zero : f32) outs(%xt : memref<4x256xf32, strided<[256, 1], offset: ?>>)
    scf.reduce
  }
  return
}
