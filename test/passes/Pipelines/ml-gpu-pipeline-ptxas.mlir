// The PTX that ml-gpu-pipeline generates is accepted by the CUDA toolkit:
// format=bin runs ptxas (an ELF cubin comes out), the default format=fatbin
// runs ptxas and fatbinary (a fat binary: magic 0xBA55ED50, printed
// "P\EDU\BA"). A binary is loaded with mgpuModuleLoad and its size, where PTX
// is JIT-compiled by mgpuModuleLoadJIT (see ml-gpu-pipeline.mlir). Kernels:
// block reductions with barriers and shared memory, an integer tiled
// product, an elementwise chain calling libdevice (exp); for sm_90 and sm_80.
// REQUIRES: ptxas, fatbinary
// RUN: ml-opt %s --ml-gpu-pipeline=format=bin | FileCheck %s --check-prefix=BIN
// RUN: ml-opt %s --pass-pipeline='builtin.module(ml-gpu-pipeline{chip=sm_80 features=+ptx75 format=bin})' \
// RUN:   | FileCheck %s --check-prefix=BIN80
// RUN: ml-opt %s --ml-gpu-pipeline | FileCheck %s --check-prefix=FATBIN
// RUN: ml-opt %s --ml-gpu-pipeline | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVM

// BIN: gpu.binary @softmax_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, {{.*}}bin = "\7FELF
// BIN: gpu.binary @product_kernel{{(_[0-9]+)?}} [#gpu.object<{{.*}}bin = "\7FELF
// BIN80: gpu.binary @softmax_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx75">, {{.*}}bin = "\7FELF
// FATBIN: gpu.binary @softmax_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, {{.*}}"P\EDU\BA
// LLVM-LABEL: define internal void @softmax_kernel_load()
// LLVM: call ptr @mgpuModuleLoad(ptr @softmax_kernel_binary, i64 {{[0-9]+}})

func.func @softmax(%x: tensor<64x100xf32>) -> tensor<64x100xf32> {
  %0 = ml.reduce max %x axes = [1] keepdims : tensor<64x100xf32> -> tensor<64x1xf32>
  %1 = ml.broadcast %0 : tensor<64x1xf32> to tensor<64x100xf32>
  %2 = ml.sub %x, %1 : tensor<64x100xf32>
  %3 = ml.exp %2 : tensor<64x100xf32>
  %4 = ml.reduce sum %3 axes = [1] keepdims : tensor<64x100xf32> -> tensor<64x1xf32>
  %5 = ml.broadcast %4 : tensor<64x1xf32> to tensor<64x100xf32>
  %6 = ml.div %3, %5 : tensor<64x100xf32>
  return %6 : tensor<64x100xf32>
}

func.func @product(%a: tensor<20x36xi32>, %b: tensor<36x40xi32>) -> tensor<20x40xi32> {
  %m = ml.matmul %a, %b : (tensor<20x36xi32>, tensor<36x40xi32>) -> tensor<20x40xi32>
  return %m : tensor<20x40xi32>
}
