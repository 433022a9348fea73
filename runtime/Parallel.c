/*===- Parallel.c - the OpenMP entry points compiled kernels call ----------===
 *
 * ml-cpu-pipeline turns tile loops into OpenMP parallel loops
 * (convert-scf-to-openmp), whose LLVM lowering calls the LLVM OpenMP
 * runtime ABI: __kmpc_fork_call, __kmpc_for_static_init_*, __kmpc_barrier,
 * __kmpc_global_thread_num, __kmpc_for_static_fini. No OpenMP runtime ships
 * in the wheels we build against, so this is that subset, on a small pool of
 * persistent threads: one worker per extra core (MLJIT_NUM_THREADS caps it),
 * spinning briefly between parallel loops, then sleeping. Runtime functions
 * use the same pool through mljit_parallel_for (Parallel.h).
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include "Parallel.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
/* Values a parallel region passes its body: the OpenMP lowering passes the
 * captured values in one struct, so regions pass one; `call` takes up to 4. */
#define MAX_ARGS 4
#define MAX_THREADS 256
/* How long an idle worker polls for the next region before sleeping: long
 * enough to span the serial code between a kernel's loops and between
 * back-to-back calls, short enough not to compete for long with whatever the
 * process runs next on that core. */
#define SPIN_NANOSECONDS 200000

typedef struct Ident Ident;
typedef void (*Microtask)(int32_t *, int32_t *, ...);

/* The job all threads of the team run, and how far they are with it. */
static struct {
  Microtask task;
  int argc;
  void *args[MAX_ARGS];
  int threads; /* in this team, the caller included */
} job;

static atomic_uint generation; /* bumped once per parallel region */
static atomic_int running;     /* team members still in the region */
static atomic_int barrier_count;
static atomic_uint barrier_phase;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_once_t started = PTHREAD_ONCE_INIT;
static int pool_size = 1; /* threads including the caller */

static _Thread_local int32_t thread_index; /* 0 for callers */
static _Thread_local int in_region;
static _Thread_local int team_size = 1; /* of the region this thread runs */

static void call(Microtask task, int argc, void **a, int32_t index) {
  int32_t gtid = index, btid = index;
#define P void *
  switch (argc) {
  case 0: ((void (*)(int32_t *, int32_t *))task)(&gtid, &btid); break;
  case 1: ((void (*)(int32_t *, int32_t *, P))task)(&gtid, &btid, a[0]); break;
  case 2: ((void (*)(int32_t *, int32_t *, P, P))task)(&gtid, &btid, a[0], a[1]); break;
  case 3: ((void (*)(int32_t *, int32_t *, P, P, P))task)(&gtid, &btid, a[0], a[1], a[2]); break;
  case 4: ((void (*)(int32_t *, int32_t *, P, P, P, P))task)(&gtid, &btid, a[0], a[1], a[2], a[3]); break;
  default: abort(); /* __kmpc_fork_call checked argc <= MAX_ARGS */
  }
#undef P
}

static int64_t now_nanoseconds(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (int64_t)time.tv_sec * 1000000000 + time.tv_nsec;
}

static void run_task(int32_t index) { call(job.task, job.argc, job.args, index); }

static void *worker(void *argument) {
  thread_index = (int32_t)(intptr_t)argument;
  /* Workers start before the first region is published (generation 0), but
   * may only get to run after it: reading `generation` here could miss it. */
  unsigned seen = 0;
  for (;;) {
    int64_t deadline = now_nanoseconds() + SPIN_NANOSECONDS;
    for (int spin = 1; atomic_load(&generation) == seen; ++spin) {
      __builtin_ia32_pause();
      if (spin % 1024 != 0 || now_nanoseconds() < deadline)
        continue;
      pthread_mutex_lock(&lock);
      while (atomic_load(&generation) == seen)
        pthread_cond_wait(&wake, &lock);
      pthread_mutex_unlock(&lock);
    }
    seen = atomic_load(&generation);
    if (thread_index < job.threads) {
      in_region = 1;
      team_size = job.threads;
      run_task(thread_index);
      in_region = 0;
      atomic_fetch_sub(&running, 1);
    }
  }
  return 0;
}

/* The usable cores, capped by MLJIT_NUM_THREADS (a positive integer; any
 * other value is ignored) and MAX_THREADS. Python reads it too, through
 * mljit_thread_count, to tile loops for this many threads. */
static int configured_threads(void) {
  cpu_set_t cpus;
  int count = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus)
                                                           : (int)sysconf(_SC_NPROCESSORS_ONLN);
  const char *limit = getenv("MLJIT_NUM_THREADS");
  char *end;
  long value = limit ? strtol(limit, &end, 10) : 0;
  if (limit && *limit && *end == '\0' && value > 0 && value < count)
    count = (int)value;
  return count < 1 ? 1 : count > MAX_THREADS ? MAX_THREADS : count;
}

EXPORT int mljit_thread_count(void) { return configured_threads(); }

/* A child after fork() has no workers: run everything on its one thread. */
static void forget_workers_in_child(void) { pool_size = 1; }

static void start_pool(void) {
  pool_size = configured_threads();
  pthread_atfork(0, 0, forget_workers_in_child);
  /* Workers block the signals sent to the process (Ctrl-C's SIGINT, ...),
   * so that the kernel hands them to the application's own threads, as
   * Python expects; faults still reach the thread that caused them. */
  static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP};
  sigset_t asynchronous, previous;
  sigfillset(&asynchronous);
  for (size_t i = 0; i < sizeof faults / sizeof *faults; ++i)
    sigdelset(&asynchronous, faults[i]);
  pthread_sigmask(SIG_SETMASK, &asynchronous, &previous);
  for (int i = 1; i < pool_size; ++i) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, worker, (void *)(intptr_t)i)) {
      pool_size = i; /* run with the threads we got */
      pthread_attr_destroy(&attributes);
      break;
    }
    pthread_attr_destroy(&attributes);
  }
  pthread_sigmask(SIG_SETMASK, &previous, 0);
}

/* One parallel region at a time: a second caller (another Python thread)
 * or a nested region runs on its own thread alone. */
static pthread_mutex_t region = PTHREAD_MUTEX_INITIALIZER;

EXPORT void __kmpc_fork_call(Ident *location, int32_t argc, Microtask task, ...) {
  (void)location;
  pthread_once(&started, start_pool);
  if (argc < 0 || argc > MAX_ARGS) {
    /* Skipping the region would be a wrong answer: stop loudly instead. */
    fprintf(stderr, "mljit runtime: a parallel region passes %d values to its body; "
                    "the runtime supports at most %d\n", (int)argc, MAX_ARGS);
    abort();
  }
  void *args[MAX_ARGS];
  va_list list;
  va_start(list, task);
  for (int i = 0; i < argc; ++i)
    args[i] = va_arg(list, void *);
  va_end(list);
  int alone = in_region || pool_size == 1 || pthread_mutex_trylock(&region) != 0;
  if (alone) {
    /* A team of one: this thread is index 0 of its own team. */
    int32_t saved_index = thread_index;
    int saved_region = in_region, saved_team = team_size;
    thread_index = 0;
    in_region = 1;
    team_size = 1;
    call(task, argc, args, 0);
    thread_index = saved_index;
    in_region = saved_region;
    team_size = saved_team;
    return;
  }
  job.task = task;
  job.argc = argc;
  for (int i = 0; i < argc; ++i)
    job.args[i] = args[i];
  job.threads = pool_size;
  atomic_store(&running, pool_size - 1);
  atomic_store(&barrier_count, 0);
  pthread_mutex_lock(&lock);
  atomic_fetch_add(&generation, 1);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  thread_index = 0;
  in_region = 1;
  team_size = pool_size;
  run_task(0);
  in_region = 0;
  team_size = 1;
  while (atomic_load(&running) > 0)
    __builtin_ia32_pause();
  pthread_mutex_unlock(&region);
}

EXPORT int32_t __kmpc_global_thread_num(Ident *location) {
  (void)location;
  return thread_index;
}

static int team_threads(void) { return in_region ? team_size : 1; }

int mljit_in_parallel_region(void) { return in_region; }

EXPORT void __kmpc_barrier(Ident *location, int32_t gtid) {
  (void)location;
  (void)gtid;
  int threads = team_threads();
  if (threads == 1)
    return;
  unsigned phase = atomic_load(&barrier_phase);
  if (atomic_fetch_add(&barrier_count, 1) == threads - 1) {
    atomic_store(&barrier_count, 0);
    atomic_fetch_add(&barrier_phase, 1);
    return;
  }
  while (atomic_load(&barrier_phase) == phase)
    __builtin_ia32_pause();
}

/* Thread `index`'s share of `trip` iterations cut into one contiguous block
 * per thread, the first (trip % threads) blocks one iteration longer: both
 * the OpenMP static schedule and mljit_parallel_for split work this way. */
static void block_of(uint64_t trip, uint64_t threads, uint64_t index, uint64_t *first,
                     uint64_t *count) {
  uint64_t base = trip / threads, extra = trip % threads;
  *first = index * base + (index < extra ? index : extra);
  *count = base + (index < extra ? 1 : 0);
}

/* A static schedule: the iterations lower..upper (inclusive, step incr) as
 * block_of cuts them. An empty block has upper = lower - incr. */
#define DEFINE_STATIC_INIT(NAME, T)                                            \
  EXPORT void NAME(Ident *location, int32_t gtid, int32_t schedule,            \
                   int32_t *last, T *lower, T *upper, T *stride, T incr,       \
                   T chunk) {                                                  \
    (void)location;                                                            \
    (void)schedule;                                                            \
    (void)chunk;                                                               \
    int threads = team_threads();                                              \
    int index = threads == 1 ? 0 : gtid;                                       \
    T trip = (T)((*upper - *lower) / incr + 1);                                \
    if (*upper < *lower && incr > 0)                                           \
      trip = 0;                                                                \
    uint64_t block_first, block_count;                                         \
    block_of((uint64_t)trip, (uint64_t)threads, (uint64_t)index, &block_first, \
             &block_count);                                                    \
    T first = (T)block_first, count = (T)block_count;                          \
    T start = *lower + first * incr;                                           \
    *stride = trip * incr;                                                     \
    *last = count > 0 && first + count == trip;                                \
    *lower = start;                                                            \
    *upper = start + count * incr - incr;                                      \
  }

DEFINE_STATIC_INIT(__kmpc_for_static_init_4, int32_t)
DEFINE_STATIC_INIT(__kmpc_for_static_init_4u, uint32_t)
DEFINE_STATIC_INIT(__kmpc_for_static_init_8, int64_t)
DEFINE_STATIC_INIT(__kmpc_for_static_init_8u, uint64_t)

EXPORT void __kmpc_for_static_fini(Ident *location, int32_t gtid) {
  (void)location;
  (void)gtid;
}

/* --- mljit_parallel_for ---------------------------------------------------- */

typedef struct {
  int64_t count;
  RangeBody body;
  void *context;
} Range;

static void run_range(int32_t *gtid, int32_t *btid, void *argument) {
  (void)btid;
  const Range *range = argument;
  int threads = team_threads();
  uint64_t first, count;
  block_of((uint64_t)range->count, (uint64_t)threads, threads == 1 ? 0 : (uint64_t)*gtid,
           &first, &count);
  if (count > 0)
    range->body((int64_t)first, (int64_t)(first + count), range->context);
}

int mljit_pool_threads(void) {
  pthread_once(&started, start_pool);
  return in_region ? 1 : pool_size;
}

void mljit_parallel_for(int64_t count, RangeBody body, void *context) {
  Range range = {count, body, context};
  if (count <= 1 || mljit_pool_threads() == 1) {
    if (count > 0)
      body(0, count, context);
    return;
  }
  __kmpc_fork_call(0, 1, (Microtask)run_range, &range);
}
