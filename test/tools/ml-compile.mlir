// Ahead-of-time compilation from the command line: ml-compile writes the
// artifact mljit.export writes (loaded here by the artifact's own loader),
// and the same code comes from the upstream tools step by step.
// RUN: split-file %s %t

// RUN: ml-compile %t/affine.mlir -o %t/artifact
// RUN: %python %S/Inputs/run_artifact.py %t/artifact | FileCheck %s --check-prefix=ARTIFACT
// ARTIFACT: function affine_tanh
// ARTIFACT: inputs [((2, 3), 'float32'), ((3,), 'float32')]
// ARTIFACT: result 0.7616 0.9640 0.9951 0.7616 0.9640 0.9951

// The step-by-step route: ml-opt, mlir-translate, llc, then the C compiler
// links the object against mljit's runtime library.
// RUN: ml-opt %t/affine.mlir --pass-pipeline='builtin.module(ml-cpu-pipeline)' \
// RUN:   | mlir-translate --mlir-to-llvmir \
// RUN:   | llc -O3 -relocation-model=pic -filetype=obj -o %t/affine.o
// RUN: cc -shared %t/affine.o -o %t/affine.so -L%mljit_runtime_dir -l:libmljit_runtime.so \
// RUN:   -Wl,-rpath,%mljit_runtime_dir -lm
// RUN: %python %S/Inputs/run_artifact.py %t/artifact %t/affine.so | FileCheck %s --check-prefix=MANUAL
// MANUAL: result 0.7616 0.9640 0.9951 0.7616 0.9640 0.9951

// RUN: not ml-compile %t/dynamic.mlir -o %t/none 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: ml-compile: argument of @dynamic: 0 has type tensor<?xf32>; only static shapes can be exported
// RUN: not ml-compile %t/two.mlir -o %t/none 2>&1 | FileCheck %s --check-prefix=TWO
// TWO: name the function to export with --function (public functions found: ['f', 'g'])
// RUN: not ml-compile %t/broken.mlir -o %t/none 2>&1 | FileCheck %s --check-prefix=BROKEN
// BROKEN: ml-compile: {{.*}}broken.mlir: Unable to parse module assembly
// RUN: not ml-compile %t/affine.mlir -o %t/none --pipeline=no-such-pass 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PIPELINE
// PIPELINE: ml-compile: invalid pipeline 'no-such-pass'

//--- affine.mlir
func.func @affine_tanh(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32>
    attributes {llvm.emit_c_interface} {
  %0 = ml.broadcast %b : tensor<3xf32> to tensor<2x3xf32>
  %1 = ml.add %x, %0 : tensor<2x3xf32>
  %2 = ml.tanh %1 : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

//--- dynamic.mlir
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}

//--- two.mlir
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
func.func @g(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

//--- broken.mlir
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
