/*===- Guard.c - allocation failures in compiled code ----------------------===
 *
 * Compiled code has no error channel: a temporary it cannot allocate would be
 * a null pointer written through. The caller's thread instead jumps back to
 * mljit_run_guarded, whose caller raises MemoryError. The frames skipped are
 * the kernel's own, which hold nothing to unwind. Inside a parallel loop the
 * other threads of the team depend on this one reaching the loop's end, so
 * there the process can only report and abort.
 *
 *===----------------------------------------------------------------------===*/

#include "Guard.h"
#include "Parallel.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

static _Thread_local jmp_buf *recovery;
static _Thread_local size_t requested;

EXPORT int mljit_run_guarded(PackedFunction function, void **arguments,
                             size_t *failed_bytes) {
  jmp_buf here;
  jmp_buf *outer = recovery;
  if (setjmp(here)) {
    recovery = outer;
    *failed_bytes = requested;
    return 1;
  }
  recovery = &here;
  function(arguments);
  recovery = outer;
  return 0;
}

_Noreturn void mljit_out_of_memory(size_t bytes) {
  if (recovery && !mljit_in_parallel_region()) {
    requested = bytes;
    longjmp(*recovery, 1);
  }
  fprintf(stderr,
          "mljit: compiled code could not allocate %zu bytes %s; aborting\n",
          bytes, recovery ? "inside a parallel loop" : "outside mljit's call path");
  abort();
}
