// ml-gpu-map-loops: every linalg op (and memref.copy) on static buffers
// becomes a gpu.launch of a one-dimensional grid: blocks of
// min(256, points rounded up to 32) threads, at most 2^20 of them. Thread
// bx * B + tx starts at that linear point and strides by grid * B; it splits
// the linear point into the parallel loops' indices (row-major: remui/divui
// by the inner sizes), loads the operands through their indexing maps, runs
// the payload and stores the outputs. Reduction loops run sequentially in
// the thread with the outputs carried by scf.for iter_args, loaded and stored
// once per point. Ops with nothing to do are erased. Sizes known only at run
// time are read on the host (memref.dim), which launches
// clamp(ceil(points / 256), 1, 2^20) blocks of 256. Ops that could not run
// on the GPU (tensors) are errors, since nothing may be left for the host to
// compute on device buffers.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-map-loops))' -split-input-file -verify-diagnostics | FileCheck %s

// Elementwise over 1000 elements: 4 blocks of 256, the grid-stride step 1024.
// CHECK-LABEL: func.func @add(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<1000xf32>, %[[Y:[a-z0-9_]+]]: memref<1000xf32>, %[[Z:[a-z0-9_]+]]: memref<1000xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C1000:.*]] = arith.constant 1000 : index
// CHECK-DAG: %[[C1024:.*]] = arith.constant 1024 : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C4]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: threads(%[[TX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C256]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]]) {
// CHECK-NEXT: %[[B0:.*]] = arith.muli %[[BX]], %[[C256]] : index
// CHECK-NEXT: %[[FIRST:.*]] = arith.addi %[[B0]], %[[TX]] : index
// CHECK-NEXT: scf.for %[[I:.*]] = %[[FIRST]] to %[[C1000]] step %[[C1024]] {
// CHECK-NEXT:   %[[A:.*]] = memref.load %[[X]][%[[I]]] : memref<1000xf32>
// CHECK-NEXT:   %[[B:.*]] = memref.load %[[Y]][%[[I]]] : memref<1000xf32>
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT:   memref.store %[[S]], %[[Z]][%[[I]]] {ml.writes_every_element} : memref<1000xf32>
// CHECK-NEXT: }
// CHECK-NEXT: gpu.terminator
// CHECK-NOT: linalg.
func.func @add(%x: memref<1000xf32>, %y: memref<1000xf32>, %z: memref<1000xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x, %y : memref<1000xf32>, memref<1000xf32>) outs(%z : memref<1000xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Broadcast 7 -> 5 x 7: 35 points, one block of 64 threads; point p is
// (p / 7, p % 7) and reads the input at p % 7.
// CHECK-LABEL: func.func @broadcast(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<7xf32>, %[[Y:[a-z0-9_]+]]: memref<5x7xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG: %[[C35:.*]] = arith.constant 35 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: threads({{.*}}) in (%{{[a-z0-9_]+}} = %[[C64]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %[[C35]] step %[[C64]] {
// CHECK-NEXT:   %[[J:.*]] = arith.remui %[[P]], %[[C7]] : index
// CHECK-NEXT:   %[[I:.*]] = arith.divui %[[P]], %[[C7]] : index
// CHECK-NEXT:   %[[V:.*]] = memref.load %[[X]][%[[J]]] : memref<7xf32>
// CHECK-NEXT:   memref.store %[[V]], %[[Y]][%[[I]], %[[J]]] {ml.writes_every_element} : memref<5x7xf32>
// CHECK-NOT: linalg.
func.func @broadcast(%x: memref<7xf32>, %y: memref<5x7xf32>) {
  linalg.broadcast ins(%x : memref<7xf32>) outs(%y : memref<5x7xf32>) dimensions = [0]
  return
}

// -----

// Transpose 3 x 5 -> 5 x 3: the loops are the output's, (i, j) of 5 x 3,
// reading x[j, i].
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<3x5xf32>, %[[Y:[a-z0-9_]+]]: memref<5x3xf32>)
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C15:.*]] = arith.constant 15 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{[a-z0-9_]+}} = %[[C32]],
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %[[C15]] step %[[C32]] {
// CHECK-NEXT:   %[[J:.*]] = arith.remui %[[P]], %[[C3]] : index
// CHECK-NEXT:   %[[I:.*]] = arith.divui %[[P]], %[[C3]] : index
// CHECK-NEXT:   %[[V:.*]] = memref.load %[[X]][%[[J]], %[[I]]] : memref<3x5xf32>
// CHECK-NEXT:   memref.store %[[V]], %[[Y]][%[[I]], %[[J]]] {ml.writes_every_element} : memref<5x3xf32>
// CHECK-NOT: linalg.
func.func @transpose(%x: memref<3x5xf32>, %y: memref<5x3xf32>) {
  linalg.transpose ins(%x : memref<3x5xf32>) outs(%y : memref<5x3xf32>) permutation = [1, 0]
  return
}

// -----

// A fill stores its scalar; a copy out of a strided view (the subview of
// every other row) loads through the view, and memref.copy is run like
// linalg.copy. (The fill is also what loads the linalg dialect, which the
// copy's conversion needs; see the report about a memref.copy-only input.)
// CHECK-LABEL: func.func @fill_and_copy(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<8x8xf32>, %[[Y:[a-z0-9_]+]]: memref<4x4xf32>)
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: gpu.launch
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %[[C16]] step %[[C32]] {
// CHECK-NEXT:   %[[J:.*]] = arith.remui %[[P]], %[[C4]] : index
// CHECK-NEXT:   %[[I:.*]] = arith.divui %[[P]], %[[C4]] : index
// CHECK-NEXT:   memref.store %[[HALF]], %[[Y]][%[[I]], %[[J]]] {ml.writes_every_element} : memref<4x4xf32>
// CHECK: %[[VIEW:.*]] = memref.subview %[[X]][1, 2] [4, 4] [2, 1]
// CHECK: gpu.launch
// CHECK: scf.for %[[Q:.*]] = %{{.*}} to %[[C16]] step %[[C32]] {
// CHECK-NEXT:   %[[L:.*]] = arith.remui %[[Q]], %[[C4]] : index
// CHECK-NEXT:   %[[K:.*]] = arith.divui %[[Q]], %[[C4]] : index
// CHECK-NEXT:   %[[V:.*]] = memref.load %[[VIEW]][%[[K]], %[[L]]] : memref<4x4xf32, strided<[16, 1], offset: 10>>
// CHECK-NEXT:   memref.store %[[V]], %[[Y]][%[[K]], %[[L]]] {ml.writes_every_element} : memref<4x4xf32>
// CHECK-NOT: linalg.
// CHECK-NOT: memref.copy
func.func @fill_and_copy(%x: memref<8x8xf32>, %y: memref<4x4xf32>) {
  %half = arith.constant 0.5 : f32
  linalg.fill ins(%half : f32) outs(%y : memref<4x4xf32>)
  %s = memref.subview %x[1, 2] [4, 4] [2, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[16, 1], offset: 10>>
  memref.copy %s, %y : memref<4x4xf32, strided<[16, 1], offset: 10>> to memref<4x4xf32>
  return
}

// -----

// A short row sum: a thread per row, the row's elements summed sequentially
// in an iter_arg that starts at the output's value.
// CHECK-LABEL: func.func @small_sum(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<6x10xf32>, %[[Y:[a-z0-9_]+]]: memref<6xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C6:.*]] = arith.constant 6 : index
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK: gpu.launch
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %[[C6]] step %{{.*}} {
// CHECK-NEXT:   %[[INIT:.*]] = memref.load %[[Y]][%[[ROW]]] : memref<6xf32>
// CHECK-NEXT:   %[[SUM:.*]] = scf.for %[[J:.*]] = %[[C0]] to %[[C10]] step %[[C1]] iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:     %[[V:.*]] = memref.load %[[X]][%[[ROW]], %[[J]]] : memref<6x10xf32>
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT:     scf.yield %[[S]] : f32
// CHECK-NEXT:   }
// CHECK-NEXT:   memref.store %[[SUM]], %[[Y]][%[[ROW]]] {ml.writes_every_element} : memref<6xf32>
// CHECK-NOT: gpu.barrier
// CHECK-NOT: linalg.
func.func @small_sum(%x: memref<6x10xf32>, %y: memref<6xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<6x10xf32>) outs(%y : memref<6xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// argmax: two outputs carried together; linalg.index of the reduction
// dimension is the inner loop's index.
// CHECK-LABEL: func.func @argmax(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<4x64xf32>, %[[V:[a-z0-9_]+]]: memref<4xf32>, %[[IDX:[a-z0-9_]+]]: memref<4xi64>)
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:   %[[V0:.*]] = memref.load %[[V]][%[[ROW]]] : memref<4xf32>
// CHECK-NEXT:   %[[I0:.*]] = memref.load %[[IDX]][%[[ROW]]] : memref<4xi64>
// CHECK-NEXT:   %[[R:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[BEST:.*]] = %[[V0]], %[[AT:.*]] = %[[I0]]) -> (f32, i64) {
// CHECK-NEXT:     %[[E:.*]] = memref.load %[[X]][%[[ROW]], %[[J]]] : memref<4x64xf32>
// CHECK-NEXT:     %[[J64:.*]] = arith.index_cast %[[J]] : index to i64
// CHECK-NEXT:     %[[GT:.*]] = arith.cmpf ogt, %[[E]], %[[BEST]] : f32
// CHECK-NEXT:     %[[NB:.*]] = arith.select %[[GT]], %[[E]], %[[BEST]] : f32
// CHECK-NEXT:     %[[NI:.*]] = arith.select %[[GT]], %[[J64]], %[[AT]] : i64
// CHECK-NEXT:     scf.yield %[[NB]], %[[NI]] : f32, i64
// CHECK-NEXT:   }
// CHECK-NEXT:   memref.store %[[R]]#0, %[[V]][%[[ROW]]] {ml.writes_every_element} : memref<4xf32>
// CHECK-NEXT:   memref.store %[[R]]#1, %[[IDX]][%[[ROW]]] {ml.writes_every_element} : memref<4xi64>
// CHECK-NOT: linalg.
func.func @argmax(%x: memref<4x64xf32>, %v: memref<4xf32>, %i: memref<4xi64>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x64xf32>) outs(%v, %i : memref<4xf32>, memref<4xi64>) {
  ^bb0(%in: f32, %best: f32, %at: i64):
    %j = linalg.index 1 : index
    %j64 = arith.index_cast %j : index to i64
    %gt = arith.cmpf ogt, %in, %best : f32
    %nb = arith.select %gt, %in, %best : f32
    %ni = arith.select %gt, %j64, %at : i64
    linalg.yield %nb, %ni : f32, i64
  }
  return
}

// -----

// linalg.index of parallel dimensions: the delinearized thread position.
// CHECK-LABEL: func.func @iota(
// CHECK-SAME: %[[Y:[a-z0-9_]+]]: memref<3x4xi32>)
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C12:.*]] = arith.constant 12 : index
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %[[C12]] step %{{.*}} {
// CHECK-NEXT:   %[[J:.*]] = arith.remui %[[P]], %[[C4]] : index
// CHECK-NEXT:   %[[I:.*]] = arith.divui %[[P]], %[[C4]] : index
// CHECK-NEXT:   %[[IJ:.*]] = arith.muli %[[I]], %[[J]] : index
// CHECK-NEXT:   %[[V:.*]] = arith.index_cast %[[IJ]] : index to i32
// CHECK-NEXT:   memref.store %[[V]], %[[Y]][%[[I]], %[[J]]] {ml.writes_every_element} : memref<3x4xi32>
// CHECK-NOT: linalg.
func.func @iota(%y: memref<3x4xi32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%y : memref<3x4xi32>) {
  ^bb0(%o: i32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %k = arith.muli %i, %j : index
    %v = arith.index_cast %k : index to i32
    linalg.yield %v : i32
  }
  return
}

// -----

// An empty copy is erased; a reduction over an empty dimension still runs
// (its zero-trip loop leaves the output as it was).
// CHECK-LABEL: func.func @empty(
// CHECK-NEXT: return
// CHECK-LABEL: func.func @empty_reduction(
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[INIT:.*]] = memref.load
// CHECK: %[[R:.*]] = scf.for %{{.*}} = %[[C0]] to %[[C0]] step %{{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (f32) {
// CHECK: memref.store %[[R]]
func.func @empty(%x: memref<0x5xf32>, %y: memref<0x5xf32>) {
  linalg.copy ins(%x : memref<0x5xf32>) outs(%y : memref<0x5xf32>)
  return
}
func.func @empty_reduction(%x: memref<4x0xf32>, %y: memref<4xf32>) {
  linalg.reduce ins(%x : memref<4x0xf32>) outs(%y : memref<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// 2^29 elements: 2^21 blocks of 256 would be needed, the grid stops at 2^20
// and every thread takes two elements, 2^28 apart.
// CHECK-LABEL: func.func @huge(
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[GRID:.*]] = arith.constant 1048576 : index
// CHECK-DAG: %[[STRIDE:.*]] = arith.constant 268435456 : index
// CHECK-DAG: %[[N:.*]] = arith.constant 536870912 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %[[GRID]],
// CHECK-SAME: threads({{.*}}) in (%{{[a-z0-9_]+}} = %[[C256]],
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[N]] step %[[STRIDE]] {
func.func @huge(%x: memref<536870912xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%x : memref<536870912xf32>)
  return
}

// -----

// Ops already inside a kernel are left where they are.
// CHECK-LABEL: func.func @in_kernel(
// CHECK: gpu.launch
// CHECK-NEXT: linalg.fill
// CHECK-NOT: gpu.launch
func.func @in_kernel(%x: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    linalg.fill ins(%zero : f32) outs(%x : memref<4xf32>)
    gpu.terminator
  }
  return
}

// -----

// Sizes known at run time: a row sum of ? x ? reads both sizes on the
// host; the grid covers the rows, each thread sums its row's columns.
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<?x?xf32>, %[[Y:[a-z0-9_]+]]: memref<?xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[CMAX:.*]] = arith.constant 1048576 : index
// CHECK-DAG: %[[ROWS:.*]] = memref.dim %[[X]], %c0
// CHECK-DAG: %[[COLUMNS:.*]] = memref.dim %[[X]], %[[C1]]
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[ROWS]], %[[C256]] : index
// CHECK: %[[CAPPED:.*]] = arith.minui %[[BLOCKS]], %[[CMAX]] : index
// CHECK: %[[GRID:.*]] = arith.maxui %[[CAPPED]], %[[C1]] : index
// CHECK: %[[STRIDE:.*]] = arith.muli %[[GRID]], %[[C256]] : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %[[GRID]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: threads({{.*}}) in (%{{[a-z0-9_]+}} = %[[C256]],
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[ROWS]] step %[[STRIDE]] {
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %[[COLUMNS]] step %[[C1]] iter_args(
// CHECK: memref.load %[[X]][%[[I]], %[[J]]] : memref<?x?xf32>
// CHECK: memref.store %{{.*}}, %[[Y]][%[[I]]] {ml.writes_every_element} : memref<?xf32>
func.func @dynamic(%x: memref<?x?xf32>, %y: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<?x?xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A copy of run-time size, and one of a static 4 x 3 buffer into a dynamic
// one, whose 12 points the static input gives (one block of 256).
// CHECK-LABEL: func.func @dynamic_copies(
// CHECK: %[[N:.*]] = memref.dim %arg0, %c0
// CHECK: arith.ceildivui %[[N]], %c256
// CHECK: gpu.launch
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[N]] step
// CHECK: memref.store {{.*}} : memref<?xf32>
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %c1,
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12 step %c256
// CHECK: memref.store {{.*}} : memref<?x3xf32>
// CHECK-NOT: memref.copy
func.func @dynamic_copies(%x: memref<?xf32>, %y: memref<?xf32>, %z: memref<4x3xf32>, %w: memref<?x3xf32>) {
  memref.copy %x, %y : memref<?xf32> to memref<?xf32>
  linalg.copy ins(%z : memref<4x3xf32>) outs(%w : memref<?x3xf32>)
  return
}

// -----

// A scalar the program stores (a size known at run time, from
// tensor.from_elements) is stored by a kernel of one thread; a store in a
// loop (the deallocation helper's flags) stays on the host.
// CHECK-LABEL: func.func @scalar_store(
// CHECK-SAME: %[[N:[a-z0-9_]+]]: index, %[[FLAGS:[a-z0-9_]+]]: memref<?xi8>)
// CHECK: %[[BUFFER:.*]] = memref.alloc() : memref<i64>
// CHECK: %[[V:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %c1{{.*}}, %{{[a-z0-9_]+}} = %c1{{.*}}, %{{[a-z0-9_]+}} = %c1{{.*}}) threads({{.*}}) in (%{{[a-z0-9_]+}} = %c1
// CHECK-NEXT: memref.store %[[V]], %[[BUFFER]][] : memref<i64>
// CHECK-NEXT: gpu.terminator
// CHECK: scf.for
// CHECK-NEXT: memref.store %{{.*}}, %[[FLAGS]]
func.func @scalar_store(%n: index, %flags: memref<?xi8>) -> memref<i64> {
  %buffer = memref.alloc() : memref<i64>
  %v = arith.index_cast %n : index to i64
  memref.store %v, %buffer[] : memref<i64>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i8
  scf.for %i = %c0 to %n step %c1 {
    memref.store %zero, %flags[%i] : memref<?xi8>
  }
  return %buffer : memref<i64>
}

// -----

// Errors: what cannot become a kernel would be left on the host, reading
// device buffers.

func.func @tensors(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{cannot run on the GPU before bufferization: its operands must be buffers}}
  %r = linalg.copy ins(%x : tensor<4xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Regression: a function holding only a memref.copy (the pass creates
// linalg ops, so it must load their dialect itself).
// CHECK-LABEL: func.func @only_a_copy
// CHECK: gpu.launch
// CHECK: memref.load
// CHECK: memref.store
// CHECK-NOT: memref.copy
func.func @only_a_copy(%x: memref<4xf32>, %y: memref<4xf32>) {
  memref.copy %x, %y : memref<4xf32> to memref<4xf32>
  return
}
