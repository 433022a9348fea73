// ml-launch-stack-scope: every host gpu.launch_func (in the LLVM dialect,
// after gpu-to-llvm) is bracketed by stacksave/stackrestore, so the argument
// arrays its translation puts on the stack are given back per launch, also
// in loops; functions without launches are left as they are.
// RUN: ml-opt %s -ml-launch-stack-scope -verify-diagnostics | FileCheck %s

// CHECK-LABEL: llvm.func @in_a_loop
// CHECK: ^bb1(%{{.*}}: i64):
// CHECK: %[[SAVED:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK-NEXT: gpu.launch_func <%{{.*}} : !llvm.ptr> @kernels::@k
// CHECK-NEXT: llvm.intr.stackrestore %[[SAVED]] : !llvm.ptr
// CHECK: llvm.br ^bb1
// CHECK-LABEL: llvm.func @no_launch
// CHECK-NOT: llvm.intr.stack
// CHECK: llvm.return
module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target, "">]
  llvm.func @in_a_loop(%stream: !llvm.ptr, %n: i64, %p: !llvm.ptr) {
    %c0 = llvm.mlir.constant(0 : i64) : i64
    %c1 = llvm.mlir.constant(1 : i64) : i64
    llvm.br ^bb1(%c0 : i64)
  ^bb1(%i: i64):
    %more = llvm.icmp "slt" %i, %n : i64
    llvm.cond_br %more, ^bb2, ^bb3
  ^bb2:
    gpu.launch_func <%stream : !llvm.ptr> @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) : i64 args(%p : !llvm.ptr)
    %next = llvm.add %i, %c1 : i64
    llvm.br ^bb1(%next : i64)
  ^bb3:
    llvm.return
  }
  llvm.func @no_launch(%p: !llvm.ptr) {
    llvm.return
  }
}
