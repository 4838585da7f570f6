/* fc_team.c - see fc_team.h. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L   /* clock_gettime, sigset_t under -std=c11 */
#endif
#include "fc_team.h"

#include <stddef.h>

static int fc_team_serial(fc_team_unit_fn fn, void *ctx, int64_t n, fc_team_poll_fn poll)
{
    for (int64_t u = 0; u < n; u++) {
        fn(ctx, u, 0);
        if (poll && poll(ctx))
            return 1;
    }
    return 0;
}

#ifdef _WIN32
/* No POSIX threads: an OpenMP team (MSVC's OpenMP 2.0) claiming the units
   from one counter, or the caller alone.  (Its closing barrier waits for
   every thread, as fc_team.h explains.) */
#ifdef _OPENMP
#include <omp.h>
#endif

int fc_team_run(fc_team_unit_fn fn, void *ctx, int64_t n, int nthreads, fc_team_poll_fn poll)
{
#ifdef _OPENMP
    if (nthreads > 1 && n > 1) {
        int64_t next = 0;
        volatile int stop = 0;
        if (nthreads > FC_TEAM_MAX)
            nthreads = FC_TEAM_MAX;
#pragma omp parallel num_threads(nthreads)
        {
            const int slot = omp_get_thread_num();
            for (;;) {
                int64_t u;
#pragma omp critical(fc_team_claim)
                u = next++;
                if (u >= n || stop)
                    break;
                fn(ctx, u, slot);
                if (slot == 0 && poll && poll(ctx))
                    stop = 1;
            }
        }
        return stop;
    }
#endif
    (void)nthreads;
    return fc_team_serial(fn, ctx, n, poll);
}

void fc_team_hold(int on) { (void)on; }

int fc_team_workers(void) { return 0; }

int fc_team_threaded(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

#else

#include <pthread.h>
#include <signal.h>
#include <time.h>

/* After a job a worker watches for the next one this long before it
   sleeps, as an OpenMP worker does (GNU OpenMP: 300000 spins, a few ms):
   a call that follows soon finds it awake and on its own core.  Waking a
   sleeping thread costs a few us on an idle machine, milliseconds on a
   loaded one or on a VM whose idle vCPU the host has parked; with 0.1 ms,
   benchmark rounds alternating workers=1 (~2 ms) and workers=2 calls
   found the worker asleep, and the first workers=2 row of a process now
   and then got no help at all (gaussian_filter sigma 1: 0.89-0.92x
   workers=1 in 3 of 7 runs, 1.65-1.79x with 2 ms; Zen 5 VM, 2 vCPUs).
   The caller watches as long for its job's last units. */
#define FC_TEAM_SPIN_NS 2000000.0

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;   /* workers: a new job, or the hold lifted */
    pthread_cond_t done;   /* the caller: the last worker of its job left */
    int nworkers;          /* started in this process */
    int sleepers;          /* waiting on `wake` */
    int owned;             /* a job runs (taken by atomic exchange) */
    unsigned long gen;     /* the job's number (workers read it unlocked) */
    int open;              /* the job takes workers */
    int want;              /* workers it takes */
    int joined;            /* workers that took a slot in it */
    int busy;              /* of those, still claiming units */
    int hold;              /* fc_team_hold */
    fc_team_unit_fn fn;
    void *ctx;
    int64_t n;
    int64_t next;          /* the next unit to claim (atomic) */
    int stop;              /* poll asked to stop (atomic) */
} T = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
       0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0, 0, 0};

static pthread_once_t fc_team_once = PTHREAD_ONCE_INIT;

static int64_t fc_team_claim(void)
{
    if (__atomic_load_n(&T.stop, __ATOMIC_RELAXED))
        return INT64_MAX;
    return __atomic_fetch_add(&T.next, 1, __ATOMIC_RELAXED);
}

static double fc_team_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return 1e9 * (double)t.tv_sec + (double)t.tv_nsec;
}

static void fc_team_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* (T.mu held on entry and on return) */
static void fc_team_wait(unsigned long seen)
{
    if (!T.hold && __atomic_load_n(&T.gen, __ATOMIC_ACQUIRE) == seen) {
        pthread_mutex_unlock(&T.mu);
        const double end = fc_team_ns() + FC_TEAM_SPIN_NS;
        for (unsigned i = 1; __atomic_load_n(&T.gen, __ATOMIC_ACQUIRE) == seen; i++) {
            fc_team_pause();
            if (i % 64 == 0 && fc_team_ns() > end)
                break;
        }
        pthread_mutex_lock(&T.mu);
    }
    while (T.gen == seen || T.hold) {
        T.sleepers++;
        pthread_cond_wait(&T.wake, &T.mu);
        T.sleepers--;
    }
}

static void *fc_team_worker(void *arg)
{
    unsigned long seen = (unsigned long)(uintptr_t)arg;   /* the job before its first */
    pthread_mutex_lock(&T.mu);
    for (;;) {
        fc_team_wait(seen);
        seen = T.gen;
        if (!T.open || T.joined >= T.want)
            continue;   /* woke too late (the caller has finished), or not needed */
        const int slot = ++T.joined;
        __atomic_add_fetch(&T.busy, 1, __ATOMIC_RELAXED);
        const fc_team_unit_fn fn = T.fn;
        void *const ctx = T.ctx;
        const int64_t n = T.n;
        pthread_mutex_unlock(&T.mu);
        for (int64_t u; (u = fc_team_claim()) < n;)
            fn(ctx, u, slot);
        pthread_mutex_lock(&T.mu);
        if (__atomic_sub_fetch(&T.busy, 1, __ATOMIC_RELEASE) == 0)
            pthread_cond_signal(&T.done);
    }
    return NULL;
}

/* The child of a fork() has none of the parent's workers, and the lock
   may have been held by one of them: start afresh. */
static void fc_team_after_fork_child(void)
{
    pthread_mutex_init(&T.mu, NULL);
    pthread_cond_init(&T.wake, NULL);
    pthread_cond_init(&T.done, NULL);
    T.nworkers = T.sleepers = T.owned = T.open = T.want = T.joined = T.busy = T.hold = 0;
    T.stop = 0;
}

static void fc_team_register(void)
{
    pthread_atfork(NULL, NULL, fc_team_after_fork_child);
}

/* Start workers up to `count` (T.mu held); returns how many there are. */
static int fc_team_start(int count)
{
    if (T.nworkers >= count)
        return T.nworkers;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return T.nworkers;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* the workers take no asynchronous signals: they go to the caller's
       threads (a fault in a worker still reaches its handlers) */
    sigset_t all, old;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGABRT);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (T.nworkers < count) {
        pthread_t th;
        if (pthread_create(&th, &attr, fc_team_worker, (void *)(uintptr_t)T.gen) != 0)
            break;
        T.nworkers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return T.nworkers;
}

int fc_team_run(fc_team_unit_fn fn, void *ctx, int64_t n, int nthreads, fc_team_poll_fn poll)
{
    if (nthreads > FC_TEAM_MAX)
        nthreads = FC_TEAM_MAX;
    if (nthreads <= 1 || n <= 1 || __atomic_exchange_n(&T.owned, 1, __ATOMIC_ACQUIRE))
        return fc_team_serial(fn, ctx, n, poll);
    pthread_once(&fc_team_once, fc_team_register);
    pthread_mutex_lock(&T.mu);
    int want = fc_team_start(nthreads - 1);
    if (want > nthreads - 1)
        want = nthreads - 1;
    if (want > n - 1)
        want = (int)(n - 1);
    if (want <= 0) {
        pthread_mutex_unlock(&T.mu);
        __atomic_store_n(&T.owned, 0, __ATOMIC_RELEASE);
        return fc_team_serial(fn, ctx, n, poll);
    }
    T.fn = fn;
    T.ctx = ctx;
    T.n = n;
    T.want = want;
    T.joined = T.busy = 0;
    __atomic_store_n(&T.next, 1, __ATOMIC_RELAXED);   /* unit 0: the caller's */
    __atomic_store_n(&T.stop, 0, __ATOMIC_RELAXED);
    T.open = 1;
    __atomic_store_n(&T.gen, T.gen + 1, __ATOMIC_RELEASE);
    if (T.sleepers > 0)
        pthread_cond_broadcast(&T.wake);
    pthread_mutex_unlock(&T.mu);

    fn(ctx, 0, 0);
    int stopped = poll && poll(ctx);
    if (stopped)
        __atomic_store_n(&T.stop, 1, __ATOMIC_RELAXED);
    for (int64_t u; (u = fc_team_claim()) < n;) {
        fn(ctx, u, 0);
        if (poll && poll(ctx)) {
            __atomic_store_n(&T.stop, 1, __ATOMIC_RELAXED);
            stopped = 1;
        }
    }
    /* close the job: a worker not in it by now is not waited for; the
       ones in it are finishing their last units: watch for them a while
       before sleeping (a sleeping caller is woken late on a busy machine) */
    pthread_mutex_lock(&T.mu);
    T.open = 0;
    pthread_mutex_unlock(&T.mu);
    const double end = fc_team_ns() + FC_TEAM_SPIN_NS;
    for (unsigned i = 1; __atomic_load_n(&T.busy, __ATOMIC_ACQUIRE) > 0; i++) {
        fc_team_pause();
        if (i % 64 == 0 && fc_team_ns() > end)
            break;
    }
    pthread_mutex_lock(&T.mu);
    while (T.busy > 0)
        pthread_cond_wait(&T.done, &T.mu);
    pthread_mutex_unlock(&T.mu);
    __atomic_store_n(&T.owned, 0, __ATOMIC_RELEASE);
    return stopped;
}

void fc_team_hold(int on)
{
    pthread_mutex_lock(&T.mu);
    T.hold = on;
    if (!on)
        pthread_cond_broadcast(&T.wake);
    pthread_mutex_unlock(&T.mu);
}

int fc_team_threaded(void) { return 1; }

int fc_team_workers(void)
{
    pthread_mutex_lock(&T.mu);
    const int n = T.nworkers;
    pthread_mutex_unlock(&T.mu);
    return n;
}

#endif
