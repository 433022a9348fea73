// ml-gpu-emulation-pipeline: ml-gpu-pipeline's kernels (tiled product, block
// reductions with shared memory and barriers, a thread per element), run on
// the host by ml-gpu-launch-to-loops and compiled like CPU code. Run under
// mlir-runner, they give NumPy's values: what the kernels compute is checked
// without a GPU.
// RUN: ml-opt %s --ml-gpu-emulation-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so \
// RUN:       -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN:       -shared-libs=%mljit_runtime \
// RUN:   | FileCheck %s
// RUN: ml-opt %s --ml-gpu-emulation-pipeline | FileCheck %s --check-prefix=HOST
// Nothing of the GPU is left: no launches, no barriers.
// HOST-NOT: gpu.

// softmax(x @ w) over rows, and the rows' maxima of x @ w.
func.func @layer(%x: tensor<3x20xf32>, %w: tensor<20x2xf32>) -> (tensor<3x2xf32>, tensor<3xf32>) attributes {llvm.emit_c_interface} {
  %m = ml.matmul %x, %w : (tensor<3x20xf32>, tensor<20x2xf32>) -> tensor<3x2xf32>
  %max = ml.reduce max %m axes = [1] keepdims : tensor<3x2xf32> -> tensor<3x1xf32>
  %maxb = ml.broadcast %max : tensor<3x1xf32> to tensor<3x2xf32>
  %d = ml.sub %m, %maxb : tensor<3x2xf32>
  %e = ml.exp %d : tensor<3x2xf32>
  %s = ml.reduce sum %e axes = [1] keepdims : tensor<3x2xf32> -> tensor<3x1xf32>
  %sb = ml.broadcast %s : tensor<3x1xf32> to tensor<3x2xf32>
  %p = ml.div %e, %sb : tensor<3x2xf32>
  %r = ml.reduce max %m axes = [1] : tensor<3x2xf32> -> tensor<3xf32>
  return %p, %r : tensor<3x2xf32>, tensor<3xf32>
}

// Sums of 300 elements per row: a block of 256 threads each.
func.func @row_sums(%x: tensor<2x300xf32>) -> tensor<2xf32> attributes {llvm.emit_c_interface} {
  %r = ml.reduce sum %x axes = [1] : tensor<2x300xf32> -> tensor<2xf32>
  return %r : tensor<2xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  // x[i, k] = 1 for k < 10 (row 0), k < 20 (row 1), none (row 2); w[k] = [1, 0]
  // for even k, [0, 1] for odd k: x @ w = [[5, 5], [10, 10], [0, 0]].
  %x2 = ml.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<3x20xf32>
  %w = ml.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]> : tensor<20x2xf32>
  %p, %r = func.call @layer(%x2, %w) : (tensor<3x20xf32>, tensor<20x2xf32>) -> (tensor<3x2xf32>, tensor<3xf32>)
  %pu = tensor.cast %p : tensor<3x2xf32> to tensor<*xf32>
  %ru = tensor.cast %r : tensor<3xf32> to tensor<*xf32>
  // CHECK: [0.5, 0.5]
  // CHECK: [0.5, 0.5]
  // CHECK: [0.5, 0.5]
  func.call @printMemrefF32(%pu) : (tensor<*xf32>) -> ()
  // CHECK: [5, 10, 0]
  func.call @printMemrefF32(%ru) : (tensor<*xf32>) -> ()

  %ramp = ml.constant dense<1.0> : tensor<2x300xf32>
  %s = func.call @row_sums(%ramp) : (tensor<2x300xf32>) -> tensor<2xf32>
  %su = tensor.cast %s : tensor<2xf32> to tensor<*xf32>
  // CHECK: [300, 300]
  func.call @printMemrefF32(%su) : (tensor<*xf32>) -> ()
  return
}
