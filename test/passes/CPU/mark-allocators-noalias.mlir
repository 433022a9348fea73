// ml-mark-allocators-noalias marks the runtime's allocation functions noalias.
// RUN: ml-opt %s -ml-mark-allocators-noalias -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: module
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_alloc(i64) -> (!llvm.ptr {llvm.noalias})
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> (!llvm.ptr {llvm.noalias})
// Other functions, the deallocation function included, are left alone.
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr){{$}}
// CHECK-DAG: llvm.func @malloc(i64) -> !llvm.ptr{{$}}
module {
  llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
  llvm.func @malloc(i64) -> !llvm.ptr
}

// -----

// A module without them is unchanged.
// CHECK-LABEL: module
// CHECK: llvm.func @f()
module {
  llvm.func @f() {
    llvm.return
  }
}

// -----

// A definition under the allocator's name is not the runtime's allocator.
module {
  // expected-error @+1 {{is an allocation function of the runtime, so it must be an external function returning a pointer}}
  llvm.func @_mlir_memref_to_llvm_alloc(%size: i64) -> !llvm.ptr {
    %0 = llvm.mlir.zero : !llvm.ptr
    llvm.return %0 : !llvm.ptr
  }
}

// -----

module {
  // expected-error @+1 {{must be an external function returning a pointer}}
  llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> i64
}
