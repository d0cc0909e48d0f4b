"""What the engine reports to benchmarks and profilers, without being patched.

The engine calls :func:`emit` at the moments worth counting (an executor's
round, with the bytes it moved) and wraps its stages in :func:`timed`
(reading the corpus, laying out minibatches, the kernel's gathers, damping
and scatter). Both cost one check of an empty list when nobody observes, so
they stay in the hot path; an observer installed with :func:`observing`
receives every event as ``observer(event, fields)``.

A stage's time is exclusive: the time of the stages nested in it is counted
for them, not for it, so the stages of a fit add up to its training time.
Forked training jobs inherit the observers; an observer that must bring
their events back to the parent writes them where the parent reads them.

The events, with their fields:

``"stage"``
    ``name``, ``seconds``: the exclusive time of one timed stage. Of the
    stages, the executors time ``"stream"``, the reading and subsampling of each
    segment of an epoch's stream (:func:`timed_iteration` over
    :func:`~sklearn_w2v._engine.steps.epoch_segments`), in every job and
    every sharded task.
``"shard round"``
    ``epoch``, ``round``, ``shard``: a shard's replica trained its slice of
    a round (:func:`~sklearn_w2v._engine.replicas.train_epoch_group`, in
    whichever process trains the shard).
``"exchange"``
    ``epoch``, ``n_rounds`` (rounds per epoch), ``n_shards``, ``n_tasks``
    (processes the shards trained in: 1 in this process) and ``bytes_sent``
    (per task, the bytes of its round messages over the epoch; each goes
    to every other task), ``seconds_syncing`` and ``seconds_waiting`` (per
    task, making and applying messages, and waiting for other tasks'):
    emitted by
    :class:`~sklearn_w2v._engine.sharded.ShardedExecutor` after each
    epoch.
``"count"``
    ``n_shards``, ``bytes_from_workers`` (the bytes of each shard's sparse
    counts), ``task_seconds`` and ``task_cpu_seconds`` (each task's wall and
    CPU time, measured where it ran), ``write_seconds``, ``tasks_seconds``
    and ``sum_seconds`` (the driver's writing of the shards, its wait for
    the tasks' results, and its sum of them): emitted by
    :func:`~sklearn_w2v._engine.cooccurrence.count_sharded` once it summed
    the counts.
"""

import time
from contextlib import contextmanager, nullcontext

_observers = []
_open = []  # per stage being timed: [name, started, seconds in nested stages]
_NOTHING = nullcontext()


@contextmanager
def observing(observer):
    """Send the engine's events to ``observer`` while the context is open.

    Parameters
    ----------
    observer : callable
        Called as ``observer(event, fields)``: ``event`` a string such as
        ``"stage"`` or ``"exchange"``, ``fields`` a dict.

    Examples
    --------
    >>> from sklearn_w2v._engine import hooks
    >>> events = []
    >>> with hooks.observing(lambda event, fields: events.append(event)):
    ...     with hooks.timed("layout"):
    ...         pass
    ...     hooks.emit("round", n_bytes=8)
    >>> events
    ['stage', 'round']
    >>> hooks.emit("round", n_bytes=8)  # nobody observes: nothing happens
    """
    _observers.append(observer)
    try:
        yield observer
    finally:
        _observers.remove(observer)


def emit(event, **fields):
    """Send ``event`` with ``fields`` to every observer; nothing if there are none."""
    for observer in _observers:
        observer(event, fields)


def timed(stage):
    """A context that reports ``("stage", {"name": stage, "seconds": s})`` on exit.

    ``s`` excludes the stages timed inside it. A shared no-op context when
    nobody observes.
    """
    if not _observers:
        return _NOTHING
    return _timing(stage)


@contextmanager
def _timing(stage):
    _open.append([stage, time.perf_counter(), 0.0])
    try:
        yield
    finally:
        name, started, nested = _open.pop()
        elapsed = time.perf_counter() - started
        if _open:
            _open[-1][2] += elapsed
        emit("stage", name=name, seconds=elapsed - nested)


def timed_iteration(stage, iterable):
    """Yield from ``iterable``, timing the making of each item as ``stage``."""
    if not _observers:
        yield from iterable
        return
    iterator = iter(iterable)
    while True:
        with timed(stage):
            item = next(iterator, _NOTHING)
        if item is _NOTHING:
            return
        yield item
