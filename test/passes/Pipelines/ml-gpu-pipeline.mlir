// ml-gpu-pipeline takes ml IR to host LLVM IR that launches kernels on an
// NVIDIA GPU: each kernel compiled by NVVM into a gpu.binary (here as PTX,
// format=isa, which needs no CUDA toolkit; ml-gpu-pipeline-ptxas.mlir checks
// that ptxas accepts it), the host code calling the mgpu* runtime wrappers on
// one stream per call: allocate device buffers, copy the arguments in, launch,
// copy the results out, free, synchronise before returning. mlir-translate
// then embeds each binary in a global loaded by a global constructor.
// Functions: an elementwise chain, a row reduction (block per row), a matmul
// (64 x 64 tiles) and a softmax (two reductions and the fused elementwise
// ops around them).
// RUN: ml-opt %s --ml-gpu-pipeline=format=isa > %t.isa
// RUN: grep -v gpu.binary %t.isa | FileCheck %s --check-prefix=HOST
// RUN: FileCheck %s --check-prefix=PTX --input-file=%t.isa
// RUN: mlir-translate --mlir-to-llvmir %t.isa | FileCheck %s --check-prefix=LLVM
// Another GPU generation: the chip and PTX version follow the options.
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-gpu-pipeline{chip=sm_80 features=+ptx75 format=isa})' \
// RUN:   | FileCheck %s --check-prefix=SM80
// The passes and the pipeline with its stages are registered.
// RUN: ml-opt --help | FileCheck %s --check-prefix=HELP

// HELP-DAG: --ml-gpu-map-matmul
// HELP-DAG: --ml-gpu-map-reductions
// HELP-DAG: --ml-gpu-map-loops
// HELP-DAG: --ml-gpu-device-buffers
// HELP-DAG: --ml-gpu-pipeline
// HELP-DAG: --ml-gpu-to-linalg
// HELP-DAG: --ml-gpu-bufferize
// HELP-DAG: --ml-gpu-map
// HELP-DAG: --ml-gpu-to-llvm

// Nothing but the LLVM dialect and the launches of the binaries is left on
// the host (the gpu.binary lines are filtered out: their PTX is text).
// HOST: module attributes {gpu.container_module}
// HOST-NOT: {{ (ml|linalg|tensor|bufferization|memref|arith|math|scf|cf|func|affine)\.}}
// HOST-NOT: gpu.{{(launch |alloc|dealloc|memcpy|wait|module|func|barrier)}}

// axpy: copy x and y in (not the result: its first kernel writes all of it
// and reads none), one kernel of 4 x 256 threads with the stack its
// arguments take given back, copy the result out, free everything,
// synchronise.
// HOST-LABEL: llvm.func @axpy(
// HOST: %[[STREAM:.*]] = llvm.call @mgpuStreamCreate() : () -> !llvm.ptr
// HOST: %[[DX:.*]] = llvm.call @mgpuMemAlloc(%{{.*}}, %[[STREAM]], %{{.*}}) : (i64, !llvm.ptr, i8) -> !llvm.ptr
// HOST-NEXT: llvm.call @mgpuMemcpy(%[[DX]], %arg1, %{{.*}}, %[[STREAM]])
// HOST-NEXT: %[[DY:.*]] = llvm.call @mgpuMemAlloc
// HOST-NEXT: llvm.call @mgpuMemcpy(%[[DY]], %arg6, %{{.*}}, %[[STREAM]])
// HOST-NEXT: %[[DR:.*]] = llvm.call @mgpuMemAlloc
// HOST-NEXT: %[[SAVED:.*]] = llvm.intr.stacksave : !llvm.ptr
// HOST-NEXT: gpu.launch_func <%[[STREAM]] : !llvm.ptr> @axpy_kernel::@axpy_kernel blocks in
// HOST-NEXT: llvm.intr.stackrestore %[[SAVED]] : !llvm.ptr
// HOST-NEXT: llvm.call @mgpuMemcpy(%arg11, %[[DR]], %{{.*}}, %[[STREAM]])
// HOST-DAG: llvm.call @mgpuMemFree(%[[DX]], %[[STREAM]])
// HOST-DAG: llvm.call @mgpuMemFree(%[[DY]], %[[STREAM]])
// HOST-DAG: llvm.call @mgpuMemFree(%[[DR]], %[[STREAM]])
// HOST: llvm.call @mgpuStreamSynchronize(%[[STREAM]])
// HOST-NEXT: llvm.call @mgpuStreamDestroy(%[[STREAM]])
// HOST-NEXT: llvm.return
// HOST-LABEL: llvm.func @row_sums(
// HOST: gpu.launch_func <%{{.*}} : !llvm.ptr> @row_sums_kernel{{(_[0-9]+)?}}::@row_sums_kernel
// HOST: gpu.launch_func <%{{.*}} : !llvm.ptr> @row_sums_kernel{{(_[0-9]+)?}}::@row_sums_kernel
// HOST: llvm.call @mgpuStreamSynchronize
// HOST-LABEL: llvm.func @product(
// HOST: gpu.launch_func
// HOST: gpu.launch_func
// HOST: llvm.call @mgpuStreamSynchronize
// HOST-LABEL: llvm.func @softmax(
// HOST: llvm.call @mgpuStreamSynchronize
// HOST-DAG: llvm.func @mgpuStreamCreate() -> !llvm.ptr
// HOST-DAG: llvm.func @mgpuMemAlloc(i64, !llvm.ptr, i8) -> !llvm.ptr
// HOST-DAG: llvm.func @mgpuMemcpy(!llvm.ptr, !llvm.ptr, i64, !llvm.ptr)
// HOST-DAG: llvm.func @mgpuMemFree(!llvm.ptr, !llvm.ptr)
// HOST-DAG: llvm.func @mgpuStreamSynchronize(!llvm.ptr)
// HOST-DAG: llvm.func @mgpuStreamDestroy(!llvm.ptr)

// One binary per kernel, PTX for sm_90 with an entry of the kernel's name;
// the block reductions synchronise with bar.sync, the tiled product keeps its
// 64 x 16 and 16 x 64 f32 tiles (4 KiB each) in shared memory.
// PTX: gpu.binary @axpy_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, {{.*}}assembly = "{{.*}}.version 8.0{{.*}}.target sm_90{{.*}}.visible .entry axpy_kernel(
// PTX: gpu.binary @row_sums_kernel{{(_[0-9]+)?}} {{.*}}.target sm_90{{.*}}.visible .entry row_sums_kernel({{.*}}bar.sync
// PTX: gpu.binary @product_kernel{{(_[0-9]+)?}} {{.*}}.target sm_90{{.*}}.visible .entry product_kernel({{.*}}.shared .align 4 .b8 {{.*}}[4096];{{.*}}.shared .align 4 .b8 {{.*}}[4096];{{.*}}bar.sync{{.*}}bar.sync
// PTX: gpu.binary @softmax_kernel{{(_[0-9]+)?}} {{.*}}.visible .entry softmax_kernel(

// The binaries are globals; constructors load them (PTX text is compiled by the
// driver at load), destructors unload them; the host launches the kernels
// through mgpuLaunchKernel with the grid and block sizes the passes chose
// and no dynamic shared memory.
// LLVM-DAG: @axpy_kernel_binary = internal constant [{{[0-9]+}} x i8] c"//\0A// Generated by LLVM NVPTX Back-End
// LLVM-DAG: @llvm.global_ctors = appending global [{{[0-9]+}} x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 123, ptr @axpy_kernel_load, ptr null }
// LLVM-DAG: @llvm.global_dtors = appending global [{{[0-9]+}} x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 123, ptr @axpy_kernel_unload, ptr null }
// LLVM-LABEL: define void @axpy(
// LLVM: call ptr @mgpuModuleGetFunction(ptr %{{.*}}, ptr @axpy_kernel_axpy_kernel_name)
// LLVM: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 4, i64 1, i64 1, i64 256, i64 1, i64 1, i32 0, ptr %{{.*}}, ptr %{{.*}}, ptr null, i64 {{[0-9]+}})
// LLVM-LABEL: define void @row_sums(
// LLVM: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 1, i64 1, i64 1, i64 64, i64 1, i64 1, i32 0,
// LLVM: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 64, i64 1, i64 1, i64 256, i64 1, i64 1, i32 0,
// LLVM-LABEL: define void @product(
// LLVM: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 4, i64 1, i64 1, i64 256, i64 1, i64 1, i32 0,
// LLVM: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 1, i64 1, i64 1, i64 16, i64 16, i64 1, i32 0,
// LLVM-LABEL: define void @softmax(
// LLVM: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 64, i64 1, i64 1, i64 128, i64 1, i64 1, i32 0,
// LLVM-LABEL: define internal void @axpy_kernel_load()
// LLVM-NEXT: entry:
// LLVM-NEXT: %[[MODULE:.*]] = call ptr @mgpuModuleLoadJIT(ptr @axpy_kernel_binary, i32 3)
// LLVM-NEXT: store ptr %[[MODULE]], ptr @axpy_kernel_module

// SM80: gpu.binary @axpy_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx75">, {{.*}}.version 7.5{{.*}}.target sm_80{{.*}}.visible .entry axpy_kernel(
// SM80-NOT: sm_90

func.func @axpy(%x: tensor<1000xf32>, %y: tensor<1000xf32>) -> tensor<1000xf32> {
  %a = ml.constant dense<2.0> : tensor<1000xf32>
  %ax = ml.mul %a, %x : tensor<1000xf32>
  %r = ml.add %ax, %y : tensor<1000xf32>
  return %r : tensor<1000xf32>
}

func.func @row_sums(%x: tensor<64x512xf32>) -> tensor<64xf32> {
  %s = ml.reduce sum %x axes = [1] : tensor<64x512xf32> -> tensor<64xf32>
  return %s : tensor<64xf32>
}

func.func @product(%a: tensor<20x36xf32>, %b: tensor<36x40xf32>) -> tensor<20x40xf32> {
  %m = ml.matmul %a, %b : (tensor<20x36xf32>, tensor<36x40xf32>) -> tensor<20x40xf32>
  return %m : tensor<20x40xf32>
}

func.func @softmax(%x: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %0 = ml.reduce max %x axes = [1] keepdims : tensor<64x128xf32> -> tensor<64x1xf32>
  %1 = ml.broadcast %0 : tensor<64x1xf32> to tensor<64x128xf32>
  %2 = ml.sub %x, %1 : tensor<64x128xf32>
  %3 = ml.exp %2 : tensor<64x128xf32>
  %4 = ml.reduce sum %3 axes = [1] keepdims : tensor<64x128xf32> -> tensor<64x1xf32>
  %5 = ml.broadcast %4 : tensor<64x1xf32> to tensor<64x128xf32>
  %6 = ml.div %3, %5 : tensor<64x128xf32>
  return %6 : tensor<64x128xf32>
}
