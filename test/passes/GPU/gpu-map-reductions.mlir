// ml-gpu-map-reductions: a reduction on static buffers whose payload is
// `combine(out, contribution)` with a neutral element becomes a gpu.launch
// with one block per output element (grid-striding past 2^20 outputs). The
// block has B = min(256, reduction length rounded up to a power of two)
// threads; thread t combines contributions t, t + B, ... starting from the
// neutral element, the B partial sums meet in a workgroup buffer of B
// elements and are halved log2(B) times, and thread 0 combines the total into
// the output. What matters on a GPU and is checked here:
// - the neutral element (-0.0 for addf so that a sum of -0.0 stays -0.0,
//   -inf for maximumf, INT_MIN for maxsi, false for ori, 1.0 for mulf);
// - every gpu.barrier is directly in the (block-uniform) row loop, never
//   under the thread-dependent `scf.if`s: the row loop's body is indented 8
//   spaces, the `scf.if` bodies 10;
// - the halving steps B/2, ..., 1 each followed by a barrier, and a barrier
//   after thread 0's update, before the next row reuses the buffer.
// Reductions shorter than min-reduction (default 32), and payloads without a
// combiner (argmax's two outputs, out * 2 + x), are left for
// ml-gpu-map-loops.
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-map-reductions))' -split-input-file | FileCheck %s --strict-whitespace
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-map-reductions{min-reduction=1000}))' -split-input-file | FileCheck %s --check-prefix=LONG
// RUN: ml-opt %s -pass-pipeline='builtin.module(func.func(ml-gpu-map-reductions{min-reduction=0}))' -split-input-file | FileCheck %s --check-prefix=ZERO

// Row sums of 64 x 1000: 64 blocks of 256 threads, each thread summing 4 or
// 3 elements of its row.
// CHECK-LABEL: func.func @row_sum(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<64x1000xf32>, %[[Y:[a-z0-9_]+]]: memref<64xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C1000:.*]] = arith.constant 1000 : index
// CHECK-DAG: %[[NEG0:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C64]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: threads(%[[T:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C256]], %{{[a-z0-9_]+}} = %[[C1]], %{{[a-z0-9_]+}} = %[[C1]])
// CHECK-SAME: workgroup(%[[PART:[a-z0-9_]+]] : memref<256xf32, #gpu.address_space<workgroup>>)
// CHECK-NEXT: scf.for %[[ROW:.*]] = %[[BX]] to %[[C64]] step %[[C64]] {
// CHECK-NEXT:   %[[MINE:.*]] = scf.for %[[AT:.*]] = %[[T]] to %[[C1000]] step %[[C256]] iter_args(%[[ACC:.*]] = %[[NEG0]]) -> (f32) {
// CHECK-NEXT:     %[[V:.*]] = memref.load %[[X]][%[[ROW]], %[[AT]]] : memref<64x1000xf32>
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[V]], %[[ACC]] : f32
// CHECK-NEXT:     scf.yield %[[S]] : f32
// CHECK-NEXT:   }
// CHECK-NEXT:   memref.store %[[MINE]], %[[PART]][%[[T]]] : memref<256xf32, #gpu.address_space<workgroup>>
// CHECK-NEXT: {{^        }}gpu.barrier
// CHECK-NEXT:   %[[ACTIVE:.*]] = arith.cmpi ult, %[[T]], %[[C128]] : index
// CHECK-NEXT:   scf.if %[[ACTIVE]] {
// CHECK-NEXT:     %[[OTHER:.*]] = arith.addi %[[T]], %[[C128]] : index
// CHECK-NEXT:     %[[A:.*]] = memref.load %[[PART]][%[[T]]]
// CHECK-NEXT:     %[[B:.*]] = memref.load %[[PART]][%[[OTHER]]]
// CHECK-NEXT:     %[[AB:.*]] = arith.addf %[[B]], %[[A]] : f32
// CHECK-NEXT:     memref.store %[[AB]], %[[PART]][%[[T]]]
// CHECK-NEXT:   }
// CHECK-NEXT: {{^        }}gpu.barrier
// CHECK-NEXT:   arith.cmpi ult, %[[T]], %[[C64]] : index
// CHECK:      {{^        }}gpu.barrier
// CHECK-NEXT:   arith.cmpi ult, %[[T]], %[[C32]] : index
// CHECK:      {{^        }}gpu.barrier
// CHECK-NEXT:   arith.cmpi ult, %[[T]], %[[C16]] : index
// CHECK:      {{^        }}gpu.barrier
// CHECK-NEXT:   arith.cmpi ult, %[[T]], %[[C8]] : index
// CHECK:      {{^        }}gpu.barrier
// CHECK-NEXT:   arith.cmpi ult, %[[T]], %[[C4]] : index
// CHECK:      {{^        }}gpu.barrier
// CHECK-NEXT:   arith.cmpi ult, %[[T]], %[[C2]] : index
// CHECK:      {{^        }}gpu.barrier
// CHECK-NEXT:   %[[LAST:.*]] = arith.cmpi ult, %[[T]], %[[C1]] : index
// CHECK-NEXT:   scf.if %[[LAST]] {
// CHECK-NEXT:     %[[OTHER1:.*]] = arith.addi %[[T]], %[[C1]] : index
// CHECK:        }
// CHECK-NEXT: {{^        }}gpu.barrier
// Thread 0 adds the row's total to the output.
// CHECK-NEXT:   %[[LEADER:.*]] = arith.cmpi eq, %[[T]], %[[C0]] : index
// CHECK-NEXT:   scf.if %[[LEADER]] {
// CHECK-NEXT:     %[[TOTAL:.*]] = memref.load %[[PART]][%[[C0]]]
// CHECK-NEXT:     %[[OLD:.*]] = memref.load %[[Y]][%[[ROW]]] : memref<64xf32>
// CHECK-NEXT:     %[[NEW:.*]] = arith.addf %[[TOTAL]], %[[OLD]] : f32
// CHECK-NEXT:     memref.store %[[NEW]], %[[Y]][%[[ROW]]] {ml.writes_every_element} : memref<64xf32>
// CHECK-NEXT:   }
// CHECK-NEXT: {{^        }}gpu.barrier
// CHECK-NEXT: }
// CHECK-NEXT: gpu.terminator
// CHECK-NOT: linalg.
// A reduction of exactly min-reduction elements is mapped.
// LONG-LABEL: func.func @row_sum(
// LONG: gpu.launch
// LONG-NOT: linalg.
func.func @row_sum(%x: memref<64x1000xf32>, %y: memref<64xf32>) {
  linalg.reduce ins(%x : memref<64x1000xf32>) outs(%y : memref<64xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Row maxima of 8 x 100: 100 rounds up to blocks of 128 threads (the last 28
// contribute -inf), halving from 64.
// CHECK-LABEL: func.func @row_max(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<8x100xf32>, %[[Y:[a-z0-9_]+]]: memref<8xf32>)
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C100:.*]] = arith.constant 100 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C8]],
// CHECK-SAME: threads(%[[T:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C128]],
// CHECK-SAME: workgroup(%[[PART:[a-z0-9_]+]] : memref<128xf32, #gpu.address_space<workgroup>>)
// CHECK: scf.for %{{.*}} = %[[T]] to %[[C100]] step %[[C128]] iter_args(%[[ACC:.*]] = %[[NEGINF]]) -> (f32) {
// CHECK:   arith.maximumf %[[ACC]], %{{.*}} : f32
// CHECK: {{^        }}gpu.barrier
// CHECK-NOT: %[[C128]] : index
// CHECK: arith.cmpi ult, %[[T]], %[[C64]] : index
// CHECK: arith.maximumf
// CHECK: {{^        }}gpu.barrier
// CHECK: arith.cmpi eq, %[[T]]
// CHECK: memref.load %[[Y]]
// CHECK: arith.maximumf
// CHECK: memref.store %{{.*}}, %[[Y]]
// CHECK-NOT: linalg.
// LONG-LABEL: func.func @row_max(
// LONG-NOT: gpu.launch
// LONG: linalg.generic
func.func @row_max(%x: memref<8x100xf32>, %y: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x100xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %acc, %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Column sums (the reduction is the outer dimension): a block per column,
// the threads walking down the rows.
// CHECK-LABEL: func.func @column_sum(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<300x16xf32>, %[[Y:[a-z0-9_]+]]: memref<16xf32>)
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C300:.*]] = arith.constant 300 : index
// CHECK-DAG: %[[NEG0:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C16]],
// CHECK-SAME: threads(%[[T:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C256]],
// CHECK-SAME: workgroup(%{{.*}} : memref<256xf32, #gpu.address_space<workgroup>>)
// CHECK-NEXT: scf.for %[[COL:.*]] = %[[BX]] to %[[C16]] step %[[C16]] {
// CHECK-NEXT:   scf.for %[[I:.*]] = %[[T]] to %[[C300]] step %[[C256]] iter_args(%{{.*}} = %[[NEG0]]) -> (f32) {
// CHECK-NEXT:     memref.load %[[X]][%[[I]], %[[COL]]] : memref<300x16xf32>
// CHECK: memref.load %[[Y]][%[[COL]]] : memref<16xf32>
// CHECK: memref.store %{{.*}}, %[[Y]][%[[COL]]] {ml.writes_every_element} : memref<16xf32>
// CHECK-NOT: linalg.
func.func @column_sum(%x: memref<300x16xf32>, %y: memref<16xf32>) {
  linalg.reduce ins(%x : memref<300x16xf32>) outs(%y : memref<16xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Integer maximum: INT_MIN is the neutral element, the partials are i32.
// CHECK-LABEL: func.func @int_max(
// CHECK-DAG: %[[C40:.*]] = arith.constant 40 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK: gpu.launch {{.*}} threads(%[[T:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C64]],
// CHECK-SAME: workgroup(%{{.*}} : memref<64xi32, #gpu.address_space<workgroup>>)
// CHECK: scf.for %{{.*}} = %[[T]] to %[[C40]] step %[[C64]] iter_args(%{{.*}} = %[[MIN]]) -> (i32) {
// CHECK: arith.maxsi
// CHECK: gpu.barrier
// CHECK-NOT: linalg.
func.func @int_max(%x: memref<4x40xi32>, %y: memref<4xi32>) {
  linalg.reduce ins(%x : memref<4x40xi32>) outs(%y : memref<4xi32>) dimensions = [1]
    (%in: i32, %acc: i32) {
      %s = arith.maxsi %acc, %in : i32
      linalg.yield %s : i32
    }
  return
}

// -----

// Booleans: any() is an ori reduction starting at false, its partials i1.
// CHECK-LABEL: func.func @any(
// CHECK-DAG: %[[FALSE:.*]] = arith.constant false
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%{{.*}} : memref<64xi1, #gpu.address_space<workgroup>>)
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[FALSE]]) -> (i1) {
// CHECK: arith.ori
// CHECK: gpu.barrier
// CHECK-NOT: linalg.
func.func @any(%x: memref<4x64xi1>, %y: memref<4xi1>) {
  linalg.reduce ins(%x : memref<4x64xi1>) outs(%y : memref<4xi1>) dimensions = [1]
    (%in: i1, %acc: i1) {
      %s = arith.ori %acc, %in : i1
      linalg.yield %s : i1
    }
  return
}

// -----

// A product over all three dimensions into a 0-d buffer: one block, the
// thread's linear position split into (i, j, k) of 2 x 3 x 50.
// CHECK-LABEL: func.func @prod_all(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<2x3x50xf32>, %[[Y:[a-z0-9_]+]]: memref<f32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C50:.*]] = arith.constant 50 : index
// CHECK-DAG: %[[C300:.*]] = arith.constant 300 : index
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %[[C1]],
// CHECK: scf.for %[[AT:.*]] = %{{.*}} to %[[C300]] step %{{.*}} iter_args(%{{.*}} = %[[ONE]]) -> (f32) {
// CHECK-NEXT: %[[K:.*]] = arith.remui %[[AT]], %[[C50]] : index
// CHECK-NEXT: %[[IJ:.*]] = arith.divui %[[AT]], %[[C50]] : index
// CHECK-NEXT: %[[J:.*]] = arith.remui %[[IJ]], %[[C3]] : index
// CHECK-NEXT: %[[I:.*]] = arith.divui %[[IJ]], %[[C3]] : index
// CHECK-NEXT: memref.load %[[X]][%[[I]], %[[J]], %[[K]]] : memref<2x3x50xf32>
// CHECK-NEXT: arith.mulf
// CHECK: memref.load %[[Y]][] : memref<f32>
// CHECK: memref.store %{{.*}}, %[[Y]][] {ml.writes_every_element} : memref<f32>
// CHECK-NOT: linalg.
func.func @prod_all(%x: memref<2x3x50xf32>, %y: memref<f32>) {
  linalg.reduce ins(%x : memref<2x3x50xf32>) outs(%y : memref<f32>) dimensions = [0, 1, 2]
    (%in: f32, %acc: f32) {
      %s = arith.mulf %acc, %in : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// 2^21 rows: the grid stops at 2^20 blocks, each block taking two rows in
// turn (the row loop's trip count is the same for all its threads).
// CHECK-LABEL: func.func @many_rows(
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[GRID:.*]] = arith.constant 1048576 : index
// CHECK-DAG: %[[ROWS:.*]] = arith.constant 2097152 : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[GRID]],
// CHECK-SAME: threads({{.*}}) in (%{{[a-z0-9_]+}} = %[[C32]],
// CHECK-NEXT: scf.for %{{.*}} = %[[BX]] to %[[ROWS]] step %[[GRID]] {
func.func @many_rows(%x: memref<2097152x32xf32>, %y: memref<2097152xf32>) {
  linalg.reduce ins(%x : memref<2097152x32xf32>) outs(%y : memref<2097152xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Left alone: a reduction shorter than 32, argmax (two outputs), a payload
// whose update has no neutral element (out * 2 + x), and tensors.
// CHECK-LABEL: func.func @short(
// CHECK: linalg.reduce
// CHECK-NOT: gpu.launch
// CHECK-LABEL: func.func @argmax(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
// CHECK-LABEL: func.func @doubling(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
// CHECK-LABEL: func.func @tensors(
// CHECK: linalg.reduce
// CHECK-NOT: gpu.launch
func.func @short(%x: memref<4x8xf32>, %y: memref<4xf32>) {
  linalg.reduce ins(%x : memref<4x8xf32>) outs(%y : memref<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  return
}
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
func.func @doubling(%x: memref<4x64xf32>, %y: memref<4xf32>) {
  %two = arith.constant 2.0 : f32
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x64xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %t = arith.mulf %acc, %two : f32
    %s = arith.addf %t, %in : f32
    linalg.yield %s : f32
  }
  return
}
func.func @tensors(%x: tensor<4x64xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.reduce ins(%x : tensor<4x64xf32>) outs(%y : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  return %r : tensor<4xf32>
}

// -----

// Regression: a contribution defined outside the payload (a function
// argument) is used as it is.
// CHECK-LABEL: func.func @outside_contribution(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<4x64xf32>, %{{[a-z0-9_]+}}: memref<4xf32>, %[[W:[a-z0-9_]+]]: f32)
// CHECK: gpu.launch
// CHECK: arith.addf %{{.*}}, %[[W]] : f32
// LONG-LABEL: func.func @outside_contribution
func.func @outside_contribution(%x: memref<4x64xf32>, %y: memref<4xf32>, %w: f32) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x64xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %w : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Regression: a reduction of length 0 is never given a block (a block of 0
// threads is no kernel), whatever min-reduction says; the output keeps its
// initial values, which ml-gpu-map-loops' kernel does.
// ZERO-LABEL: func.func @zero_length
// ZERO-NOT: gpu.launch
// ZERO: linalg.reduce
// CHECK-LABEL: func.func @zero_length
// CHECK-NOT: gpu.launch
// LONG-LABEL: func.func @zero_length
func.func @zero_length(%x: memref<4x0xf32>, %y: memref<4xf32>) {
  linalg.reduce ins(%x : memref<4x0xf32>) outs(%y : memref<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Few long rows are split: 2 rows of 200000 give 2 x 49 blocks of 256
// threads (chunks of about 4096 contributions, interleaved: a thread steps by
// 49 x 256), whose totals go to a temporary; a second kernel of one 64-thread
// block per row combines a row's 49 totals into the output.
// CHECK-LABEL: func.func @few_long_rows(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<2x200000xf32>, %[[Y:[a-z0-9_]+]]: memref<2xf32>)
// CHECK-DAG: %[[C98:.*]] = arith.constant 98 : index
// CHECK-DAG: %[[C12544:.*]] = arith.constant 12544 : index
// CHECK: %[[TOTALS:.*]] = memref.alloc() : memref<98xf32>
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %[[C98]], %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads({{.*}}) in (%{{.*}} = %c256{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%{{.*}} : memref<256xf32, #gpu.address_space<workgroup>>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c200000{{.*}} step %[[C12544]] iter_args
// CHECK: memref.store %{{.*}}, %[[TOTALS]][%{{.*}}] : memref<98xf32>
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c2{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads({{.*}}) in (%{{.*}} = %c64{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%{{.*}} : memref<64xf32, #gpu.address_space<workgroup>>)
// CHECK: memref.load %[[TOTALS]][%{{.*}}] : memref<98xf32>
// CHECK: memref.store %{{.*}}, %[[Y]][%{{.*}}] {ml.writes_every_element} : memref<2xf32>
// CHECK: memref.dealloc %[[TOTALS]] : memref<98xf32>
// LONG-LABEL: func.func @few_long_rows
// ZERO-LABEL: func.func @few_long_rows
func.func @few_long_rows(%x: memref<2x200000xf32>, %y: memref<2xf32>) {
  linalg.reduce ins(%x : memref<2x200000xf32>) outs(%y : memref<2xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Dynamic sizes (a dynamic variant) are left to ml-gpu-map-loops, whose
// general kernel reads them on the host.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : memref<?x512xf32>) outs(%{{.*}} : memref<?xf32>)
// LONG-LABEL: func.func @dynamic
// LONG-NOT: gpu.launch
// ZERO-LABEL: func.func @dynamic
// ZERO-NOT: gpu.launch
func.func @dynamic(%x: memref<?x512xf32>, %y: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<?x512xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  return
}
