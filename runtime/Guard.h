/*===- Guard.h - allocation failures in compiled code ----------------------===*/

#ifndef MLJIT_RUNTIME_GUARD_H
#define MLJIT_RUNTIME_GUARD_H

#include <stddef.h>

typedef void (*PackedFunction)(void **arguments);

/* Calls function(arguments). Returns 0, or 1 when compiled code could not
 * allocate a temporary outside a parallel loop: the call is abandoned where
 * it failed (its earlier temporaries are lost) and *failed_bytes says how
 * much it asked for. */
int mljit_run_guarded(PackedFunction function, void **arguments, size_t *failed_bytes);

/* Called by the allocation entry points of compiled code when memory runs
 * out: returns to mljit_run_guarded's caller where it can, else (inside a
 * parallel loop, or not under mljit_run_guarded) reports and aborts. */
_Noreturn void mljit_out_of_memory(size_t bytes);

#endif
