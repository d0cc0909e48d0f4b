"""One BLAS thread while any fit trains, and the user's limits back after the last.

``threadpool_limits`` saves the limits it finds and restores them on exit,
which is wrong for fits that overlap in threads when the pool is shared by
the process, as BLAS pools are: the second fit saves the first's limit of 1,
and if the first ends before it, restores 1 for good. Here the first fit to
enter saves and limits BLAS, and the last to leave restores. OpenMP limits
belong to each thread, so each block sets and restores its own thread's.
"""

import threading
from contextlib import contextmanager

import threadpoolctl


class _SharedBlasLimit:
    """A reference-counted ``threadpool_limits(limits=1, user_api="blas")``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._holders = 0
        self._limits = None

    def __enter__(self):
        with self._lock:
            if self._holders == 0:
                self._limits = threadpoolctl.threadpool_limits(
                    limits=1, user_api="blas"
                )
            self._holders += 1
        return self

    def __exit__(self, *exc_info):
        with self._lock:
            self._holders -= 1
            if self._holders == 0:
                limits, self._limits = self._limits, None
                _restore_from_this_thread(limits)


def _restore_from_this_thread(limits):
    """Restore ``limits`` from this thread, which may not be the one that set them.

    threadpoolctl >= 3.8 lets only one thread at a time (the first to set
    them, until its ``threadpool_limits`` block ends) set the size of
    OpenBLAS's process-wide pool; the others' calls do nothing. The fit that
    set the limit may have returned, its thread now doing other work, so this
    thread takes over, restores and lets go.
    """
    clear = getattr(threadpoolctl.OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)
    try:
        limits.restore_original_limits()
    finally:
        if clear is not None:
            clear()


_SHARED_BLAS_LIMIT = _SharedBlasLimit()


@contextmanager
def one_blas_thread():
    """Run the block with BLAS and OpenMP pools of one thread.

    Overlapping blocks, in any threads, share one BLAS limit: the BLAS
    limits found by the first block to enter are restored when the last one
    leaves. (An OpenBLAS built on OpenMP keeps its limit per thread: there,
    only the thread of the last block to leave gets its limit back.)

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> from sklearn_w2v._engine.blas_threads import one_blas_thread
    >>> with one_blas_thread():
    ...     print(all(pool["num_threads"] == 1 for pool in threadpool_info()))
    True
    """
    with (
        _SHARED_BLAS_LIMIT,
        threadpoolctl.threadpool_limits(limits=1, user_api="openmp"),
    ):
        yield
