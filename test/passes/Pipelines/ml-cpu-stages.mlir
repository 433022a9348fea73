// ml-cpu-pipeline is its four stages in a row; each stage stops at the IR
// `Lowered.as_text(stage)` shows.
// RUN: ml-opt %s --ml-cpu-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: ml-opt %s --ml-cpu-to-linalg --ml-cpu-bufferize | FileCheck %s --check-prefix=BUFFERS
// RUN: ml-opt %s --ml-cpu-to-linalg --ml-cpu-bufferize --ml-cpu-to-affine | FileCheck %s --check-prefix=AFFINE
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-cpu-to-linalg{threads=2},ml-cpu-bufferize{threads=2},ml-cpu-to-affine{threads=2},ml-cpu-to-llvm{threads=2})' > %t.stages
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-cpu-pipeline{threads=2})' > %t.whole
// RUN: diff %t.stages %t.whole
// RUN: not ml-opt %s --pass-pipeline='builtin.module(ml-cpu-bufferize{threads=many})' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD
// BAD: 'many' value invalid for long argument
// BAD: failed to add `ml-cpu-bufferize` with options `threads=many`

// Stage 1: linalg on tensors, the elementwise chain fused into the reduction
// and tiled by rows into a parallel loop.
// LINALG-NOT: ml.
// LINALG: scf.forall
// LINALG: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// LINALG: math.exp
// LINALG-NOT: memref<

// Stage 2: buffers, the result an out-parameter.
// BUFFERS: func.func @row_sums(%{{.*}}: memref<512x256xf32>, %{{.*}}: memref<512xf32>)
// BUFFERS-NOT: tensor<
// BUFFERS: scf.forall
// BUFFERS-NOT: llvm.func

// Stage 3: the loop nest outlined into a kernel, the tile loop parallel, the
// loops inside it affine: the row's sum read and written at the row.
// AFFINE: func.func private @row_sums_kernel
// AFFINE: scf.parallel (%[[T:.*]]) =
// AFFINE: affine.for %[[I:.*]] = 0 to {{[0-9]+}} {
// AFFINE:   affine.for %[[J:.*]] = 0 to 256 {
// AFFINE:     affine.load %{{.*}}[%[[I]], %[[J]]]
// AFFINE:     math.exp
// AFFINE:     affine.store %{{.*}}, %{{.*}}[%[[I]]]
// AFFINE-NOT: linalg.
// AFFINE-NOT: llvm.func

func.func @row_sums(%x: tensor<512x256xf32>) -> tensor<512xf32> {
  %e = ml.exp %x : tensor<512x256xf32>
  %s = ml.reduce sum %e axes = [1] : tensor<512x256xf32> -> tensor<512xf32>
  return %s : tensor<512xf32>
}
