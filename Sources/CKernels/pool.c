// A small thread pool whose workers spin between jobs.
//
// Why: a training step hands ~1,000 pieces of work to the second core (the
// halves of every product, softmax rows, attention rows, Adam). Through
// Dispatch each hand-off wakes a parked thread through the kernel, ~50 µs on
// the virtual machines measured here, against ~150 µs of work in a per-step
// product half. OpenBLAS's own threads avoid that by spinning, but then they
// spin while our threads want the core. So one pool serves everything: large
// OpenBLAS calls are split here into one-thread calls, and the workers spin
// for a while after each job (S2S_POOL_SPIN_US, 2,000 µs by default) before
// they sleep on a futex.
//
// A job is `parts` calls fn(context, part); the caller runs parts too, and
// returns once every part has finished. Parts are claimed through one 64-bit
// ticket (job number << 32 | next part), so a late worker can never claim a
// part of a newer job. One job at a time: a call made while a job runs (from
// a task, or from another thread) runs its parts itself, in order.
#define _GNU_SOURCE
#include "ckernels.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <immintrin.h>
static inline void relax(void) { _mm_pause(); }
#else
static inline void relax(void) {}
#endif

enum { MAX_WORKERS = 63 };

static struct {
    pthread_once_t once;            // starts the workers
    atomic_int workers;             // started so far (never stopped)
    long spin_ns;                   // how long an idle worker spins before sleeping
    atomic_int busy;                // 1 while a job runs
    atomic_uint job;                // job number; the futex word sleepers wait on
    atomic_int sleepers;            // workers inside futex_wait
    _Atomic uint64_t ticket;        // job << 32 | next part to claim
    _Atomic(s2s_pool_task) fn;
    _Atomic(void *) context;
    atomic_int parts;
    atomic_int done;                // parts finished in the current job
    atomic_long waited_ns;          // workers' time awake without a job
    atomic_long caller_waited_ns;   // callers' time waiting for workers' last parts
} pool = {.once = PTHREAD_ONCE_INIT};

static _Thread_local int in_worker;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

// Claims and runs parts of job `job` until none are left (or the job is over).
static void run_parts(unsigned job) {
    for (;;) {
        uint64_t t = atomic_load_explicit(&pool.ticket, memory_order_acquire);
        if ((unsigned)(t >> 32) != job) return;
        int part = (int)(uint32_t)t;
        if (part >= atomic_load_explicit(&pool.parts, memory_order_relaxed)) return;
        if (!atomic_compare_exchange_weak_explicit(&pool.ticket, &t, t + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;
        // The job cannot end before this part is done, so fn and context are this job's.
        s2s_pool_task fn = atomic_load_explicit(&pool.fn, memory_order_relaxed);
        fn(atomic_load_explicit(&pool.context, memory_order_relaxed), part);
        atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
    }
}

static void *worker(void *unused) {
    (void)unused;
    in_worker = 1;
    unsigned seen = atomic_load(&pool.job);
    for (;;) {
        long since = now_ns();
        unsigned job;
        int spins = 0;
        while ((job = atomic_load_explicit(&pool.job, memory_order_acquire)) == seen) {
            relax();
            if (++spins < 256) continue;
            spins = 0;
            long idle = now_ns() - since;
            // After 50 µs, let other threads of the machine run between checks.
            if (idle > 50000) sched_yield();
            if (idle < pool.spin_ns) continue;
            // Sleep until the job number moves on; the kernel re-checks the
            // word, so a job published after the load above is never missed.
            atomic_fetch_add_explicit(&pool.waited_ns, now_ns() - since, memory_order_relaxed);
            atomic_fetch_add(&pool.sleepers, 1);
            syscall(SYS_futex, &pool.job, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
            atomic_fetch_sub(&pool.sleepers, 1);
            since = now_ns();
        }
        atomic_fetch_add_explicit(&pool.waited_ns, now_ns() - since, memory_order_relaxed);
        seen = job;
        run_parts(job);
    }
    return NULL;
}

// One worker per core besides the caller's, started on first use (parts are
// claimed, not assigned: a job of more parts than threads runs them in turn).
static void start_workers(void) {
    const char *spin = getenv("S2S_POOL_SPIN_US");
    pool.spin_ns = (spin ? atol(spin) : 2000) * 1000L;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    for (long i = 1; i < cores && i <= MAX_WORKERS; i++) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attr, worker, NULL);
        pthread_attr_destroy(&attr);
        if (failed) break;  // run with the workers there are
        atomic_fetch_add(&pool.workers, 1);
    }
}

void s2s_pool_run(int parts, s2s_pool_task fn, void *context) {
    int expected = 0;
    if (parts > 1 && !in_worker) pthread_once(&pool.once, start_workers);
    if (parts <= 1 || in_worker || atomic_load(&pool.workers) == 0 ||
        !atomic_compare_exchange_strong(&pool.busy, &expected, 1)) {
        for (int p = 0; p < parts; p++) fn(context, p);
        return;
    }
    atomic_store_explicit(&pool.fn, fn, memory_order_relaxed);
    atomic_store_explicit(&pool.context, context, memory_order_relaxed);
    atomic_store_explicit(&pool.parts, parts, memory_order_relaxed);
    atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
    unsigned job = atomic_load_explicit(&pool.job, memory_order_relaxed) + 1;
    atomic_store_explicit(&pool.ticket, (uint64_t)job << 32, memory_order_release);
    atomic_store(&pool.job, job);  // sequentially consistent: ordered before the sleepers load
    if (atomic_load(&pool.sleepers) > 0) syscall(SYS_futex, &pool.job, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    run_parts(job);
    // The last parts are running on workers. Should one of them have lost its
    // core (more threads than cores), give way instead of spinning it out.
    if (atomic_load_explicit(&pool.done, memory_order_acquire) < parts) {
        long since = now_ns();
        for (int spins = 0; atomic_load_explicit(&pool.done, memory_order_acquire) < parts; spins++) {
            if (spins < 256) relax(); else sched_yield();
        }
        atomic_fetch_add_explicit(&pool.caller_waited_ns, now_ns() - since, memory_order_relaxed);
    }
    atomic_store_explicit(&pool.busy, 0, memory_order_release);
}

long s2s_pool_waited_ns(void) { return atomic_load_explicit(&pool.waited_ns, memory_order_relaxed); }

long s2s_pool_caller_waited_ns(void) { return atomic_load_explicit(&pool.caller_waited_ns, memory_order_relaxed); }
