"""How many threads the direct kernels use.

Order of precedence for one call:

1. the function's ``workers=`` argument;
2. the innermost ``fastconv.set_workers(n)`` context (per thread / task, like
   ``scipy.fft.set_workers``);
3. the default: the CPUs this process may run on (``os.sched_getaffinity``),
   capped by OpenMP's own limit (``OMP_NUM_THREADS``, or a threadpoolctl
   ``threadpool_limits(..., user_api='openmp')`` in force) and by a
   threadpoolctl ``threadpool_limits(n)`` on fastconv's own entry
   (``user_api='fastconv'``, `_threadpoolctl.py`; `set_default_limit`).

``workers`` follows scipy.fft: a positive count, or a negative number
counting back from the number of CPUs (-1 = all of them); no more threads
than available CPUs are started, whatever the count.  Problems whose
predicted one-thread time (the cost model's price, `_method.py`) is under
``PARALLEL_MIN_SECONDS`` run on one thread, for the direct and the FFT
method alike (starting and joining threads would cost more than they
save; on a loaded machine much more), and when several Python threads call fastconv at once the cores
are shared out between the calls instead of each call taking them all, so
nesting fastconv in a thread pool does not oversubscribe the machine.
After a multi-threaded call that waited far beyond its price (other
processes holding the CPUs), and another right after it, calls run on one
thread for CONTENDED_HOLD seconds.  Results never depend on the thread count.

The direct method runs on a worker team of its own (csrc/fc_team.h): the
caller's thread works too, and a call never waits for a worker that has not
started on it (an OpenMP loop's closing barrier does: on a loaded machine a
1.6 ms call with workers=2 took 8-16 ms, waiting for a thread that only
had to find the work done).  The team is started afresh in a forked child.

The FFT engine and the separable passes run on the same kind of team
(their own, in their extensions), but for FFT problems with fewer tile
groups than threads, whose threads share one tile (barriers inside it).

Fork caveat: those still run on GNU OpenMP (libgomp), which is not
fork-safe.  A child created with ``fork()`` after fastconv has run one of
those multi-threaded may hang in its first multi-threaded one.  Use the
'spawn' or 'forkserver' start method of multiprocessing (or call fastconv
with ``workers=1`` in forked children).
"""
import contextlib
import contextvars
import operator
import os
import threading
import time

from . import _direct

__all__ = ["set_workers", "get_workers", "resolve_workers", "thread_share", "threads_for",
           "available_cpus", "PARALLEL_MIN_SECONDS"]

# Work predicted to take less than this on one thread runs on one thread
# (the one thread-count rule of both executors and of the cost model).
PARALLEL_MIN_SECONDS = 2e-4

_context_workers = contextvars.ContextVar("fastconv_workers", default=None)
_active_lock = threading.Lock()
_active_calls = 0
_default_limit = None  # process-wide cap on the default (threadpoolctl); None = none


def available_cpus():
    """CPUs this process may run on (affinity-aware; read again at most
    every CPUS_TTL seconds)."""
    global _cpus
    now = time.monotonic()
    if now >= _cpus[0]:
        try:
            n = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            n = os.cpu_count() or 1
        _cpus = (now + CPUS_TTL, n)
    return _cpus[1]


# The affinity is a system call (~0.5-1 us, twice per 'auto' call: a fifth
# of the choice's cost on a 40 us FFT call), so its answer is kept this long:
# an affinity changed at run time counts from at most 0.1 s later.
CPUS_TTL = 0.1
_cpus = (0.0, 1)


def _forget_cpus():
    global _cpus
    _cpus = (0.0, 1)


if hasattr(os, "register_at_fork"):   # (a child may be pinned at once: read it again)
    os.register_at_fork(after_in_child=_forget_cpus)


def _default_workers():
    if not _direct.threaded():
        return 1
    has_openmp, omp_max = _direct.openmp_info()
    n = max(1, min(available_cpus(), omp_max) if has_openmp else available_cpus())
    return n if _default_limit is None else min(n, _default_limit)


def set_default_limit(n):
    """Cap the default thread count process-wide (None or >= the CPUs: no cap)."""
    global _default_limit
    n = None if n is None else max(1, int(n))
    _default_limit = None if n is None or n >= available_cpus() else n


def _check_workers(workers):
    try:
        n = operator.index(workers)
    except TypeError:
        raise TypeError(f"workers must be an integer or None; got workers={workers!r}") from None
    if n < 0:
        n = available_cpus() + 1 + n
        if n < 1:
            raise ValueError(
                f"workers={workers} counts back past the {available_cpus()} available CPUs")
    elif n == 0:
        raise ValueError("workers must not be 0 (use a positive count, or -1 for all CPUs)")
    return n


def resolve_workers(workers=None):
    """The thread count a call with this ``workers`` argument asks for."""
    if workers is None:
        workers = _context_workers.get()
        if workers is None:
            return _default_workers()
    return _check_workers(workers)


def get_workers():
    """The thread count fastconv uses by default in the current context.

    Returns
    -------
    int
        The innermost `set_workers` count, else the default (see the
        module docstring: CPUs, OpenMP's and threadpoolctl's limits).

    Examples
    --------
    >>> import fastconv
    >>> with fastconv.set_workers(1):
    ...     fastconv.get_workers()
    1
    """
    return resolve_workers(None)


@contextlib.contextmanager
def set_workers(workers):
    """Context manager for the default number of threads (like scipy.fft's).

    Parameters
    ----------
    workers : int
        Thread count for fastconv calls inside the context (per Python
        thread or asyncio task); negative values count back from the number
        of CPUs.

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> with fastconv.set_workers(2):
    ...     out = fastconv.convolve2d(np.ones((4, 4)), np.ones((2, 2)))
    >>> out.shape
    (5, 5)
    """
    token = _context_workers.set(_check_workers(workers))
    try:
        yield
    finally:
        _context_workers.reset(token)


def threads_for(requested, seconds):
    """Threads worth starting for work of `seconds` on one thread (before
    sharing with other calls): 1 below PARALLEL_MIN_SECONDS, else
    `requested` (at most the CPUs)."""
    if requested <= 1 or seconds < PARALLEL_MIN_SECONDS:
        return 1
    return min(requested, available_cpus())


class _Serial:
    """thread_share's answer for work that runs on one thread (no count of
    calls in flight to keep, no lock to take)."""

    def __enter__(self):
        return 1

    def __exit__(self, *exc):
        return False


_SERIAL = _Serial()


# Back-off on an oversubscribed machine.  An OpenMP region ends at a
# barrier that waits for every thread of the team, also one the OS has not
# run yet (it would find no work unit left): with other processes holding
# the CPUs, that wait is a scheduler timeslice.  2048^2 float32 5x5 'same'
# with workers=2 took a median 16 ms (steps of 4 and 8 ms) against 1.4 ms
# on one thread, beside a 2-job build on 2 cores.  So CONTENDED_STRIKES
# multi-threaded calls in a row that each take over CONTENDED_FACTOR times
# their one-thread price plus CONTENDED_SLACK make the calls of the next
# CONTENDED_HOLD seconds run on one thread; then threads are tried again.
# (Two in a row, not one: on an idle virtual machine a single call now and
# then waits for its second vCPU, and one strike held gaussian_filter's
# 1 ms workers=2 calls of a whole benchmark row on one thread, 0.99x
# workers=1 where the row is 1.8x.)  Results never depend on the thread
# count, so this changes times only.
CONTENDED_FACTOR = 3.0
CONTENDED_SLACK = 2e-3
CONTENDED_HOLD = 0.25
CONTENDED_STRIKES = 2
_serial_until = 0.0
_strikes = 0
_clock = time.perf_counter


def thread_share(requested, seconds):
    """Context manager: the threads one call may use now - `threads_for`,
    shared with the other multi-threaded fastconv calls in flight, and one
    while a recent multi-threaded call waited far beyond its price (see
    CONTENDED_HOLD).  `seconds`: the work's predicted time on one thread."""
    n = threads_for(requested, seconds)
    if n == 1 or not _direct.threaded() or _clock() < _serial_until:
        return _SERIAL
    return _shared(n, seconds)


class _shared:
    """thread_share's answer for work on n > 1 threads: counts the call
    among those in flight while it runs, and times it against its price
    (a class, not a generator: its entry and exit are serial time beside
    the threads' work)."""
    __slots__ = ("n", "seconds", "start")

    def __init__(self, n, seconds):
        self.n = n
        self.seconds = seconds
        self.start = _clock()

    def __enter__(self):
        global _active_calls
        with _active_lock:
            _active_calls += 1
            active = _active_calls
        if active == 1:
            return self.n
        try:
            # never more threads than CPUs: the work is CPU-bound, and thousands
            # of OpenMP threads can fail to start (libgomp then aborts)
            return max(1, min(self.n, available_cpus() // active))
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc):
        global _active_calls, _serial_until, _strikes
        now = _clock()
        if exc[0] is None:
            if now - self.start > CONTENDED_FACTOR * self.seconds + CONTENDED_SLACK:
                _strikes += 1
                if _strikes >= CONTENDED_STRIKES:
                    _serial_until, _strikes = now + CONTENDED_HOLD, 0
            else:
                _strikes = 0
        with _active_lock:
            _active_calls -= 1
        return False
