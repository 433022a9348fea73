// ml-gpu-pipeline is its four stages in a row, each registered alone with
// the pipeline's options so that a researcher can stop after any of them.
// The binaries record how long NVVM took (LLVMIRToISATimeInMs), which differs
// between runs; sed blanks it before comparing.
// RUN: ml-opt %s --ml-gpu-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: ml-opt %s --ml-gpu-to-linalg --ml-gpu-bufferize | FileCheck %s --check-prefix=BUFFERS
// RUN: ml-opt %s --ml-gpu-to-linalg --ml-gpu-bufferize --ml-gpu-map | FileCheck %s --check-prefix=MAP
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-gpu-to-linalg,ml-gpu-bufferize,ml-gpu-map{host-arguments=false})' \
// RUN:   | FileCheck %s --check-prefix=DEVICE
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-gpu-to-linalg{format=isa},ml-gpu-bufferize{format=isa},ml-gpu-map{format=isa},ml-gpu-to-llvm{format=isa})' \
// RUN:   | sed -E 's/[A-Za-z]+TimeInMs = [0-9]+/TIME/g' > %t.stages
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-gpu-pipeline{format=isa})' \
// RUN:   | sed -E 's/[A-Za-z]+TimeInMs = [0-9]+/TIME/g' > %t.whole
// RUN: diff %t.stages %t.whole
// RUN: FileCheck %s --check-prefix=TOLLVM --input-file=%t.stages
// RUN: not ml-opt %s --pass-pipeline='builtin.module(ml-gpu-map{host-arguments=maybe})' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD
// BAD: 'maybe' is invalid value for boolean argument
// BAD: failed to add `ml-gpu-map` with options `host-arguments=maybe`
// RUN: not ml-opt %s --pass-pipeline='builtin.module(ml-gpu-to-llvm{format=elf})' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=FORMAT
// FORMAT: ml-gpu-pipeline: format must be isa, bin or fatbin, not 'elf'

// Stage 1: linalg on tensors, elementwise chains fused (subtract and exp in
// one op), nothing tiled (a kernel is a whole op).
// LINALG-NOT: ml.
// LINALG-NOT: scf.forall
// LINALG: func.func @softmax_rows(%{{.*}}: tensor<64x100xf32>) -> tensor<64x100xf32>
// LINALG: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// LINALG: arith.maximumf
// LINALG: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// LINALG: arith.subf
// LINALG-NEXT: math.exp
// LINALG: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// LINALG: arith.addf
// LINALG: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// LINALG: arith.divf
// LINALG: func.func @scale(
// LINALG: linalg.matmul
// LINALG-NOT: memref<
// LINALG-NOT: scf.forall

// Stage 2: buffers, the results caller-allocated out-parameters, temporaries
// on the heap (memref.alloc: the next stage moves them to the GPU).
// BUFFERS: func.func @softmax_rows(%{{.*}}: memref<64x100xf32>, %{{.*}}: memref<64x100xf32>)
// BUFFERS: memref.alloc() {{.*}}: memref<64xf32>
// BUFFERS: func.func @scale(%{{.*}}: memref<32x48xf32>, %{{.*}}: memref<48x16xf32>, %{{.*}}: memref<32x16xf32>)
// BUFFERS: linalg.matmul
// BUFFERS-NOT: tensor<
// BUFFERS-NOT: memref.alloca
// BUFFERS-NOT: gpu.

// Stage 3: kernels and device buffers; no linalg, no host buffer or copy
// left. Each buffer is freed after its last use: the row sums reuse the
// memory of the row maxima. The softmax's row max and sum are block reductions (100 -> 128
// threads), the product is tiled, the rest a thread per element.
// MAP-LABEL: func.func @softmax_rows(
// MAP-SAME: %[[X:[a-z0-9_]+]]: memref<64x100xf32>, %[[Y:[a-z0-9_]+]]: memref<64x100xf32>)
// MAP: %[[DX:.*]] = gpu.alloc () : memref<64x100xf32>
// MAP: gpu.memcpy %[[DX]], %[[X]]
// MAP: %[[DY:.*]] = gpu.alloc () : memref<64x100xf32>
// MAP: %[[ROWS:.*]] = gpu.alloc () : memref<64xf32>
// MAP: gpu.launch {{.*}}workgroup(%{{.*}} : memref<128xf32, #gpu.address_space<workgroup>>)
// MAP: arith.maximumf
// MAP: gpu.barrier
// MAP: gpu.launch
// MAP: math.exp
// MAP: gpu.dealloc %[[ROWS]]
// MAP: %[[SUMS:.*]] = gpu.alloc () : memref<64xf32>
// MAP: gpu.launch {{.*}}workgroup(%{{.*}} : memref<128xf32, #gpu.address_space<workgroup>>)
// MAP: arith.addf
// MAP: gpu.barrier
// MAP: gpu.launch
// MAP: arith.divf
// MAP: gpu.dealloc %[[SUMS]]
// MAP: gpu.memcpy %[[Y]], %[[DY]]
// MAP: return
// MAP-LABEL: func.func @scale(
// MAP: gpu.launch {{.*}}workgroup(%{{.*}} : memref<64x16xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x64xf32, #gpu.address_space<workgroup>>)
// MAP: gpu.launch
// MAP: arith.mulf
// MAP: return
// MAP-NOT: linalg.
// MAP-NOT: memref.alloc
// MAP-NOT: memref.dealloc
// MAP-NOT: memref.copy

// Without host arguments, nothing is copied: the arguments are device
// buffers already, only the temporaries are allocated.
// DEVICE-LABEL: func.func @softmax_rows(
// DEVICE-NOT: gpu.memcpy
// DEVICE: gpu.alloc () : memref<64xf32>
// DEVICE-NOT: gpu.memcpy
// DEVICE: gpu.dealloc
// DEVICE-NOT: gpu.memcpy
// DEVICE: return

// Stage 4: only the LLVM dialect and the binaries remain.
// TOLLVM: llvm.func @softmax_rows(
// TOLLVM: gpu.launch_func
// TOLLVM: gpu.binary @softmax_rows_kernel
// TOLLVM: llvm.func @scale(
// TOLLVM: gpu.launch_func
// TOLLVM: gpu.binary @scale_kernel
// TOLLVM-NOT: gpu.launch {
// TOLLVM-NOT: func.func

func.func @softmax_rows(%x: tensor<64x100xf32>) -> tensor<64x100xf32> {
  %0 = ml.reduce max %x axes = [1] keepdims : tensor<64x100xf32> -> tensor<64x1xf32>
  %1 = ml.broadcast %0 : tensor<64x1xf32> to tensor<64x100xf32>
  %2 = ml.sub %x, %1 : tensor<64x100xf32>
  %3 = ml.exp %2 : tensor<64x100xf32>
  %4 = ml.reduce sum %3 axes = [1] keepdims : tensor<64x100xf32> -> tensor<64x1xf32>
  %5 = ml.broadcast %4 : tensor<64x1xf32> to tensor<64x100xf32>
  %6 = ml.div %3, %5 : tensor<64x100xf32>
  return %6 : tensor<64x100xf32>
}

// (x @ w) * 0.5
func.func @scale(%x: tensor<32x48xf32>, %w: tensor<48x16xf32>) -> tensor<32x16xf32> {
  %m = ml.matmul %x, %w : (tensor<32x48xf32>, tensor<48x16xf32>) -> tensor<32x16xf32>
  %h = ml.constant dense<0.5> : tensor<32x16xf32>
  %r = ml.mul %m, %h : tensor<32x16xf32>
  return %r : tensor<32x16xf32>
}
