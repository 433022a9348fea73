// ml-noalias-arguments marks the pointer arguments ml-outline-kernels lists.
// RUN: ml-opt %s -ml-noalias-arguments -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: llvm.func @kernel
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %{{.*}}: !llvm.ptr {llvm.noalias})
// CHECK-NOT: ml.noalias_arguments
// Functions without the attribute are left alone.
// CHECK: llvm.func @other(%{{.*}}: !llvm.ptr) {
llvm.func @kernel(%a: !llvm.ptr, %b: !llvm.ptr, %n: i64, %c: !llvm.ptr) attributes {ml.noalias_arguments = array<i64: 1, 3>} {
  llvm.return
}
llvm.func @other(%a: !llvm.ptr) {
  llvm.return
}

// -----

// expected-error @+1 {{has no pointer argument at position 2 to mark noalias}}
llvm.func @integer(%a: !llvm.ptr, %b: !llvm.ptr, %n: i64) attributes {ml.noalias_arguments = array<i64: 2>} {
  llvm.return
}

// -----

// expected-error @+1 {{has no pointer argument at position 5 to mark noalias}}
llvm.func @out_of_range(%a: !llvm.ptr) attributes {ml.noalias_arguments = array<i64: 5>} {
  llvm.return
}

// -----

// expected-error @+1 {{has a 'ml.noalias_arguments' attribute that is not an array of i64}}
llvm.func @not_an_array(%a: !llvm.ptr) attributes {ml.noalias_arguments = 1 : i64} {
  llvm.return
}
