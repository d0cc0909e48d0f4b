"""Memory of a task on a worker process: freed memory kept for reuse."""

import ctypes
import ctypes.util
import os
import sys
from contextlib import contextmanager

#: glibc's mallopt parameters.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


@contextmanager
def reused_heap():
    """Keep freed memory for reuse while the block runs (Linux with glibc).

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which
    also fixes glibc's mmap threshold at 128 KiB: every temporary array of a
    training step (a few MiB) is then mapped afresh and
    page-faulted in, each time. Raising both thresholds lets them come from
    the heap, reused; the thresholds of the environment (or glibc's
    defaults) are restored after, and the heap trimmed. A process whose
    environment sets no trim threshold keeps glibc's own adaptive
    thresholds: nothing is changed there.
    """
    libc = None
    if "MALLOC_TRIM_THRESHOLD_" in os.environ and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c"))
            libc = libc if hasattr(libc, "mallopt") else None
        except (OSError, TypeError):
            libc = None
    if libc is None:
        yield
        return
    libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
    libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    try:
        yield
    finally:
        for name, parameter, default in (
            ("MALLOC_MMAP_THRESHOLD_", M_MMAP_THRESHOLD, 128 << 10),
            ("MALLOC_TRIM_THRESHOLD_", M_TRIM_THRESHOLD, 128 << 10),
        ):
            try:
                value = int(os.environ.get(name, default))
            except ValueError:
                value = default
            libc.mallopt(parameter, value)
        libc.malloc_trim(0)
