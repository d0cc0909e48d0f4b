"""Sharded epochs on a Dask cluster: one long task per worker, messages between them.

Each epoch runs one task per worker slot (:func:`run_epoch_on_cluster`),
pinned to its worker; it holds its shards' replicas for the whole epoch
(:func:`~sklearn_w2v._engine.replicas.train_epoch_group`) and swaps its
round messages with the other tasks through a :class:`Mailbox` per task: a
Dask actor on the task's own worker, which peers call directly, worker to
worker, and which the task reads in memory. Nothing goes through the
scheduler but the tasks; the driver sends the weights once per epoch and gets
them back once.

A lost worker ends its epoch: the peers' messages to its mailbox fail, they
stop, and the driver runs the epoch again from the weights agreed at its start
(kept on the driver), on fresh mailboxes; the epoch's result is a function of
those weights and the seeds, so a retried epoch is the epoch. Dask is
imported only here, when a fit runs on a cluster.
"""

import itertools
import threading
import time

from .memory import reused_heap

#: Seconds a task waits for a peer's message before giving up (a worker of
#: the cluster is busy with other work, or lost without a trace).
PEER_TIMEOUT = 600.0

#: Attempts at an epoch whose tasks the cluster lost.
EPOCH_ATTEMPTS = 3

#: Seconds between checks of the messages sent, while waiting.
POLL = 0.05


class Mailbox:
    """Messages to one task, keyed by (round, sender); a Dask actor.

    Peers call :meth:`put`; the task, on the same worker, reads with
    :meth:`take` in memory. :meth:`abort` wakes a waiting task with an
    error.
    """

    def __init__(self):
        self.items = {}
        self.aborted = None
        self.condition = threading.Condition()

    def put(self, key, payload):
        """Store ``payload`` under ``key``; wake the task."""
        with self.condition:
            self.items[key] = payload
            self.condition.notify_all()

    def abort(self, reason):
        """Make every waiting and later :meth:`take` raise ``reason``."""
        with self.condition:
            self.aborted = reason
            self.condition.notify_all()

    def take(self, key, timeout):
        """The payload under ``key``, waiting ``timeout`` seconds at most.

        Returns None if it has not come by then.
        """
        with self.condition:
            self.condition.wait_for(
                lambda: key in self.items or self.aborted is not None, timeout
            )
            if self.aborted is not None:
                raise RuntimeError(self.aborted)
            return self.items.pop(key, None)


class PeerExchange:
    """One task's exchange: its messages to the peers' mailboxes, theirs from its own.

    Parameters
    ----------
    mailboxes : list of Actor
        Every task's mailbox, in task order.
    me : int
        This task's position.
    groups : list of list of int
        The shards of each task.
    epoch : int
    """

    def __init__(self, mailboxes, me, groups, epoch):
        from distributed import get_worker

        self.peers = [(t, box) for t, box in enumerate(mailboxes) if t != me]
        self.inbox = get_worker().state.actors[mailboxes[me].key]
        self.me, self.groups, self.epoch = me, groups, epoch
        self.sent = []

    def send(self, tag, messages):
        """Send this task's messages of round ``tag`` to every peer, without waiting."""
        self.sent = [f for f in self.sent if not f.done()]
        for _, box in self.peers:
            try:
                self.sent.append(box.put((tag, self.me), messages))
            except Exception as exc:  # the peer's worker is known to be lost
                raise PeerLostError(
                    f"The messages of round {tag + 1} of epoch {self.epoch + 1} "
                    f"could not be sent: {exc!r}"
                ) from exc
        self.own = messages

    def receive(self, tag):
        """Every shard's message of round ``tag``, in a dict."""
        everyone = dict(self.own)
        for task, _ in self.peers:
            everyone.update(self._take((tag, task)))
        return everyone

    def _take(self, key):
        """The message under ``key``; raise if a peer is lost or silent."""
        waited = 0.0
        while True:
            payload = self.inbox.take(key, POLL)
            if payload is not None:
                return payload
            for future in self.sent:
                # A peer whose worker was lost fails the calls to its mailbox.
                if future.done():
                    try:
                        future.result()
                    except Exception as exc:
                        raise PeerLostError(
                            f"A message of round {key[0] + 1} of epoch "
                            f"{self.epoch + 1} could not be delivered: {exc!r}"
                        ) from exc
            waited += POLL
            if waited > PEER_TIMEOUT:
                round_, task = key
                raise TimeoutError(
                    f"Waited {PEER_TIMEOUT:.0f} s for the shards {self.groups[task]} "
                    f"in round {round_ + 1} of epoch {self.epoch + 1}: every task "
                    "of a sharded fit must run at once, one per worker thread."
                )


def epoch_task(W, settings, plan, groups, mailboxes, me):
    """One task of a sharded epoch on a worker: its group's shards, with its peers.

    Returns the agreed weights (the first task only, None for the others),
    and the group's loss, centers, bytes sent and seconds syncing and waiting
    (see :func:`~sklearn_w2v._engine.replicas.train_epoch_group`).
    """
    from .replicas import train_epoch_group

    W = W.copy()
    exchange = PeerExchange(mailboxes, me, groups, plan.epoch)
    with reused_heap():
        loss, n_centers, bytes_sent, seconds = train_epoch_group(
            W, settings, plan, groups[me], exchange
        )
    # The peers' last calls must have landed before the task ends.
    for future in exchange.sent:
        try:
            future.result()
        except Exception as exc:
            raise PeerLostError(
                f"A last message could not be delivered: {exc!r}"
            ) from exc
    return (W if me == 0 else None), loss, n_centers, bytes_sent, seconds


def cluster_client():
    """The Dask client of the active cluster; raise if there is none."""
    try:
        from distributed import get_client

        return get_client()
    except (ImportError, ValueError) as exc:
        raise RuntimeError(
            "n_shards under a joblib backend that is not local trains on a Dask "
            "cluster, and needs its distributed scheduler: no "
            "dask.distributed Client was found. Create one (Client(...)) before "
            "the fit, or set n_shards=None to train here."
        ) from exc


def worker_slots(client, n_tasks):
    """Addresses of ``n_tasks`` worker threads at most, spread over the workers."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    threads = {address: info["nthreads"] for address, info in sorted(workers.items())}
    slots = []
    for level in itertools.count():
        more = [a for a, n in threads.items() if n > level]
        if not more or len(slots) >= n_tasks:
            break
        slots += more
    return slots[:n_tasks]


def run_epoch_on_cluster(W, settings, plan, n_tasks, task_function=None):
    """Run one sharded epoch as ``n_tasks`` long tasks on the Dask cluster.

    ``W`` is updated in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        The weights at the epoch's start; set to those at its end.
    settings : TrainingSettings
    plan : EpochPlan
    n_tasks : int
        Tasks (at most the cluster's worker threads); shard ``s`` goes to
        task ``s % n_tasks``.
    task_function : callable, default=None
        :func:`epoch_task` or a stand-in (tests).

    Returns
    -------
    loss : float
    n_centers : int
    bytes_sent : list of int
        Per task.
    seconds : list of dict
        Per task, its seconds syncing and waiting.
    """
    task_function = task_function or epoch_task
    client = cluster_client()
    for attempt in itertools.count(1):
        slots = worker_slots(client, n_tasks)
        groups = [
            list(range(plan.n_shards))[t :: len(slots)] for t in range(len(slots))
        ]
        mailboxes, futures = [], []
        try:
            mailboxes = [
                client.submit(Mailbox, actor=True, workers=[a], pure=False).result()
                for a in slots
            ]
            [weights] = client.scatter([W], broadcast=True, hash=False)
            futures = [
                client.submit(
                    task_function,
                    weights,
                    settings,
                    plan,
                    groups,
                    mailboxes,
                    t,
                    workers=[address],
                    allow_other_workers=False,
                    pure=False,
                )
                for t, address in enumerate(slots)
            ]
            results = _gather_or_abort(futures, mailboxes)
        except Exception as exc:
            if not _worker_lost(client, slots, exc):
                raise
            if attempt == EPOCH_ATTEMPTS:
                raise RuntimeError(
                    f"Epoch {plan.epoch + 1} failed {EPOCH_ATTEMPTS} times on the "
                    f"cluster ({type(exc).__name__}: {exc}); the weights are "
                    "those agreed before it. Check the workers' logs and that "
                    "every worker can read the fit's temporary directory."
                ) from exc
            time.sleep(min(attempt, 3))
            continue
        finally:
            client.cancel(futures)
            del mailboxes
        W[...] = results[0][0]
        return (
            sum(r[1] for r in results),
            sum(r[2] for r in results),
            [r[3] for r in results],
            [r[4] for r in results],
        )


def _worker_lost(client, slots, exc):
    """Whether ``exc`` ended an epoch because a worker of its tasks was lost."""
    if isinstance(exc, PeerLostError):
        return True
    if type(exc).__module__.split(".")[0] in ("distributed", "tornado"):
        return True
    # Tasks that hold a lost worker's mailbox fail with a plain RuntimeError.
    alive = client.scheduler_info(n_workers=-1)["workers"]
    return any(address not in alive for address in slots)


class PeerLostError(RuntimeError):
    """A task stopped because another task's worker was lost."""


def _gather_or_abort(futures, mailboxes):
    """The tasks' results; at the first failure, wake the others and raise."""
    from distributed import as_completed

    for future in as_completed(futures):
        if future.status == "error":
            exc = future.exception()
            for box in mailboxes:
                try:
                    box.abort(f"a peer task failed: {exc!r}")
                except Exception:  # its worker is gone: nothing to wake
                    pass
            raise exc
    return [future.result() for future in futures]
