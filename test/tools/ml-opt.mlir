// ml-opt is mlir-opt plus the ml dialect and mljit's passes: upstream flags
// work, and bad input ends in diagnostics and a non-zero exit, never a crash
// (`not` fails on a crash).
// RUN: split-file %s %t

// RUN: ml-opt --help | FileCheck %s --check-prefix=HELP
// HELP-DAG: --convert-ml-to-linalg
// HELP-DAG: --ml-cpu-pipeline
// HELP-DAG: --one-shot-bufferize
// HELP-DAG: --split-input-file
// HELP-DAG: --verify-diagnostics
// HELP-DAG: --mlir-print-ir-after-all

// RUN: ml-opt %t/good.mlir --convert-ml-to-linalg --mlir-print-ir-after-all 2>&1 \
// RUN:   | FileCheck %s --check-prefix=AFTER
// AFTER: IR Dump After ConvertMLToLinalg (convert-ml-to-linalg)
// AFTER: linalg.generic

// RUN: ml-opt %t/good.mlir --pass-pipeline='builtin.module(func.func(canonicalize),convert-ml-to-linalg)' \
// RUN:   | FileCheck %s --check-prefix=PIPELINE
// PIPELINE: math.exp

// RUN: not ml-opt %t/truncated.mlir 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: error: expected ':'

// RUN: not ml-opt %t/unknown-op.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: custom op 'ml.frobnicate' is unknown

// RUN: not ml-opt %t/bad-type.mlir 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: error: 'ml.exp' op operand #0 must be ranked tensor of floating-point or complex values

// RUN: not ml-opt %t/good.mlir --pass-pipeline='builtin.module(no-such-pass)' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOPASS
// NOPASS: 'no-such-pass' does not refer to a registered pass or pass pipeline

// RUN: not ml-opt %t/good.mlir --pass-pipeline='builtin.module(ml-cpu-pipeline{fast})' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OPTION
// OPTION: no such option fast

//--- good.mlir
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.exp %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

//--- truncated.mlir
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ml.exp %x

//--- unknown-op.mlir
func.func @f(%x: tensor<4xf32>) {
  %0 = ml.frobnicate %x : tensor<4xf32>
  return
}

//--- bad-type.mlir
func.func @f(%x: tensor<4xi32>) {
  %0 = ml.exp %x : tensor<4xi32>
  return
}
