"""Forked training jobs: Hogwild processes that share the weights.

On Linux, parallel jobs are processes forked from the fit's, each training
its own turns of every epoch on weights in one shared mapping
(:func:`run_forked`); a child sends its result back through a pipe and
leaves by :func:`os._exit` whatever happens (:func:`run_job_in_child`).
"""

import ctypes
import mmap
import os
import pickle
import signal
import sys
import warnings

import numpy as np

# Forked processes share the weights without the interpreter lock; elsewhere
# (Windows, macOS) threads do, with less speed-up.
CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def run_forked(W, n_jobs, work):
    """Run ``work(W, job)`` for every job, jobs 1.. in forked processes.

    The weights live in an anonymous shared mapping that the children
    inherit, so every process updates the same matrices (Hogwild, as the C
    tool's threads do) without the interpreter lock of threads in one
    process. Each child sends back its result through a pipe.
    """
    shared = mmap.mmap(-1, W.nbytes)
    W_shared = np.frombuffer(shared, dtype=W.dtype).reshape(W.shape)
    W_shared[...] = W
    children = []
    parent = os.getpid()
    try:
        for job in range(1, n_jobs):
            read_end, write_end = os.pipe()
            with warnings.catch_warnings():
                # Python >= 3.12 warns on fork with threads alive (BLAS pools);
                # the child only runs NumPy code and leaves with os._exit.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # pragma: no cover (child process)
                os.close(read_end)
                run_job_in_child(work, W_shared, job, write_end, parent)
            os.close(write_end)
            children.append((pid, read_end))
        results = [work(W_shared, 0)]
    except BaseException:
        for pid, _ in children:
            os.kill(pid, signal.SIGTERM)
        raise
    finally:
        replies = []
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as pipe:
                replies.append(pipe.read())
            os.waitpid(pid, 0)
    for reply in replies:
        if not reply:
            raise RuntimeError("A training process ended without a result.")
        ok, result = pickle.loads(reply)
        if not ok:
            if result.startswith("FloatingPointError"):
                raise FloatingPointError(result.split(": ", 1)[1])
            raise RuntimeError(f"A training process failed: {result}")
        results.append(result)
    W[...] = W_shared
    del W_shared
    shared.close()
    return results


def shared_copy(array):
    """A copy of ``array`` in an anonymous shared mapping, which forked jobs share.

    The mapping lives as long as the copy. Jobs forked after the call update
    the very same memory.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.jobs import shared_copy
    >>> float(shared_copy(np.ones((2, 3), dtype=np.float32)).sum())
    6.0
    """
    shared = mmap.mmap(-1, max(array.nbytes, 1))
    copy = np.frombuffer(shared, dtype=array.dtype, count=array.size)
    copy = copy.reshape(array.shape)
    copy[...] = array
    return copy


def run_job_in_child(work, W, job, write_end, parent):
    """Run ``work(W, job)`` in a forked child, send its result, and exit.

    Never returns: whatever happens (the job fails, the parent is gone and
    the pipe is broken, a signal handler raises), the child leaves with
    :func:`os._exit`, so that no exception climbs into the caller's code,
    which the child shares with its parent. A child whose parent dies is
    killed at once (``PR_SET_PDEATHSIG``), so that no orphan trains on.

    Parameters
    ----------
    work : callable
        ``work(W, job)`` trains and returns a picklable result.
    W : ndarray
        The shared weights.
    job : int
        Index of the job.
    write_end : int
        File descriptor of the pipe to the parent.
    parent : int
        Process id of the parent.
    """
    status = 1
    try:
        _die_with_parent(parent)
        try:
            payload = pickle.dumps((True, work(W, job)))
        except BaseException as exc:
            payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)


def _die_with_parent(parent):
    """Have the kernel kill this process when its parent dies (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover (no prctl)
        pass
    # The parent may have died before the request: the child is then orphaned.
    if os.getppid() != parent:
        os._exit(1)
