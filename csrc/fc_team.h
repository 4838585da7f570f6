/*
 * fc_team.h - the worker threads that run the units of a call: the direct
 * method's, the separable passes' and the FFT engine's (each extension has
 * its own team).
 *
 * Why not an OpenMP loop: an OpenMP parallel region ends with a barrier
 * that waits for every thread of the team, including one that has not yet
 * run at all.  On a loaded machine (another process on the other core) a
 * woken worker can wait a whole scheduler slice before it runs; measured
 * on 2 vCPUs at load ~3, a 1.8 ms call with workers=2 took 12-16 ms (the
 * caller had done every unit and then waited for a thread with nothing
 * left to do).  Here the caller works too and claims units from the same
 * counter; when the units run out it closes the job, and only the workers
 * that joined it before then are waited for.  A worker that wakes late
 * finds the job closed and sleeps again.  The units are the same whatever
 * the thread count, so the results are too.
 *
 * Workers are started on first use (up to FC_TEAM_MAX - 1) and live for
 * the process; after fork() the child starts its own (the parent's do not
 * exist there).  One job at a time: a call made while another thread's
 * job runs runs its units on its own thread.  Without POSIX threads
 * (_WIN32) the units go to an OpenMP team if there is one, else to the
 * caller's thread.
 */
#ifndef FC_TEAM_H
#define FC_TEAM_H

#include <stdint.h>

#define FC_TEAM_MAX 256

/* One unit of work: `slot` is 0 on the caller's thread, 1..nthreads-1 on
   the workers (at most one thread per slot in a job). */
typedef void (*fc_team_unit_fn)(void *ctx, int64_t unit, int slot);
/* Called by the caller's thread between its units; nonzero stops the job
   (units not yet claimed are skipped). */
typedef int (*fc_team_poll_fn)(void *ctx);

/* Run fn(ctx, u, slot) for u = 0 .. n-1, each once, on the calling thread
   and up to nthreads - 1 workers, unit 0 on the calling thread, the others
   claimed in order by whichever thread is free; returns when every claimed
   unit is done: 0, or 1 when `poll` (may be NULL) stopped the job. */
int fc_team_run(fc_team_unit_fn fn, void *ctx, int64_t n, int nthreads, fc_team_poll_fn poll);

/* Tests: while `on`, workers do not join jobs (as if their cores were
   taken by other processes). */
void fc_team_hold(int on);
/* Workers started so far in this process. */
int fc_team_workers(void);
/* 1 when fc_team_run can use more than the caller's thread. */
int fc_team_threaded(void);

#endif
