"""Replicas of the weights, one per shard, kept in agreement by sparse syncs.

A sharded epoch trains every shard on a replica of its own and runs in
synchronous rounds: in round ``r`` each shard trains the ``r``-th of the
``n_rounds`` slices of its shard (:func:`train_shard_round`), then the shards
sync some rows (:func:`sync_rows`): each sends the rows it changed since they
were last agreed, their change and their summed curvature
(:func:`round_message`), every replica combines all the shards' messages in
shard order (:mod:`~sklearn_w2v._engine.delta_combination`) and takes the
agreed values (:func:`apply_sync`). Word ids are in decreasing order of
frequency, so the first rows are the busiest: the first :data:`SYNC_ROWS` rows
of each matrix are synced every round, twice as many every second round, and
so on (Ji et al., 2016, pWord2Vec), and all rows at the last round of an
epoch. Rare rows, which at most one shard touches between their syncs, thus
travel rarely, and the bytes a round moves do not grow with the vocabulary.

Everything a replica does is a function of the agreed weights, its shard,
the seed of each (epoch, round, shard) and the messages, combined in shard
order: the shards of a cluster give the vectors that one process training
them in turn gives (:func:`train_epoch_group`), whatever ran where and when.
"""

import dataclasses
import math
import time

import numpy as np

from . import hooks
from .blas_threads import one_blas_thread
from .delta_combination import combine_ranges
from .steps import epoch_segments, minibatches, train_batches

#: Rows of each matrix synced every round; ``SYNC_ROWS * 2**k`` every
#: ``2**k``-th round.
SYNC_ROWS = 1024


@dataclasses.dataclass(frozen=True)
class EpochPlan:
    """What every shard of a sharded epoch trains.

    Attributes
    ----------
    epoch, n_rounds : int
    base_seed : int
        Seed of the fit: a shard's round draws from :func:`round_seed`.
    shards : tuple of (str, str)
        Every shard's word ids and document ids (``.npy`` files).
    shard_centers : tuple of float
        Expected centers of each shard per epoch: the learning rate follows
        the position in it.
    noise_path : str or None
        The noise table, read by memory map; ``None`` without negative
        sampling.
    """

    epoch: int
    n_rounds: int
    base_seed: int
    shards: tuple
    shard_centers: tuple
    noise_path: str | None

    @property
    def n_shards(self):
        """Shards of the fit."""
        return len(self.shards)


def round_seed(base_seed, epoch, round_, shard):
    """Seed of a shard's round: a function of the fit's seed and (epoch, round, shard).

    Examples
    --------
    >>> from sklearn_w2v._engine.replicas import round_seed
    >>> round_seed(7, 0, 1, 2).spawn_key
    (0, 1, 2)
    """
    return np.random.SeedSequence(base_seed, spawn_key=(epoch, round_, shard))


def shard_settings(settings, plan, shard):
    """The settings a shard trains with: the noise table of the plan's file.

    The learning rate follows the position in the shard's epoch.
    """
    noise = settings.noise_table
    if plan.noise_path is not None:
        noise = np.load(plan.noise_path, mmap_mode="r")
    return dataclasses.replace(
        settings, noise_table=noise, epoch_centers=plan.shard_centers[shard]
    )


def train_shard_round(W, settings, plan, shard, round_, row_curvature, shard_arrays):
    """Train one shard's slice of one round on its replica ``W``, in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        The shard's replica.
    settings : TrainingSettings
        Of the shard (:func:`shard_settings`).
    plan : EpochPlan
    shard, round_ : int
    row_curvature : ndarray of shape (2 * (n_words + 1),), float64
        Each row's summed curvature, added to.
    shard_arrays : (ndarray, ndarray)
        The shard's word ids and document ids (:func:`open_shard`).

    Returns
    -------
    loss : float
        Summed loss of the slice's minibatches.
    n_centers : int
        Centers trained.
    """
    stream_seed, draw_seed = round_seed(
        plan.base_seed, plan.epoch, round_, shard
    ).spawn(2)
    rng = np.random.default_rng(draw_seed)
    # The learning rate decays with the position in the shard's epoch.
    offset = plan.shard_centers[shard] * round_ / plan.n_rounds
    loss, n_centers = 0.0, 0
    segments = epoch_segments(
        [_round_slice(shard_arrays, round_, plan.n_rounds)],
        settings,
        plan.epoch,
        stream_seed.generate_state(4),
    )
    for tokens, docs, spans, first in hooks.timed_iteration("stream", segments):
        starts = np.arange(0, len(spans), settings.batch_size)
        batches = minibatches(
            tokens, docs, spans, starts, offset + first, plan.epoch, settings, rng
        )
        loss += train_batches(W, batches, settings, row_curvature)
        n_centers += len(spans)
    return loss, n_centers


def open_shard(shard_paths):
    """A shard's word ids and document ids, memory-mapped."""
    return tuple(np.load(path, mmap_mode="r") for path in shard_paths)


def _round_slice(shard_arrays, round_, n_rounds):
    """The (ids, doc_ids) of a round: a contiguous slice of the shard."""
    ids, docs = shard_arrays
    start = len(ids) * round_ // n_rounds
    stop = len(ids) * (round_ + 1) // n_rounds
    return np.array(ids[start:stop]), np.array(docs[start:stop])


def sync_ranges(round_, n_rounds, shape, hierarchical):
    """Ranges of rows of the weights synced after round ``round_``.

    Parameters
    ----------
    round_, n_rounds : int
    shape : tuple of int
        ``(2, n_words + 1, n_components)``.
    hierarchical : bool
        The output matrix holds a Huffman tree's inner nodes, whose busiest
        rows are the last (the root is row ``n_words - 2``).

    Returns
    -------
    ranges : list of (int, int)
        ``(start, stop)`` of rows of the weights seen as
        ``(2 * (n_words + 1), n_components)``: one range of each matrix, all
        its rows but the padding at the epoch's last round.

    Examples
    --------
    >>> from sklearn_w2v._engine.replicas import sync_ranges
    >>> sync_ranges(0, 10, (2, 5000, 8), False)
    [(0, 1024), (5000, 6024)]
    >>> sync_ranges(1, 10, (2, 5000, 8), False)  # every second round
    [(0, 2048), (5000, 7048)]
    >>> sync_ranges(9, 10, (2, 5000, 8), False)  # the epoch's last round
    [(0, 4999), (5000, 9999)]
    """
    n_words = shape[1] - 1
    top = n_words
    if round_ < n_rounds - 1:
        position = round_ + 1
        level = (position & -position).bit_length() - 1
        top = min(SYNC_ROWS << level, n_words)
    outputs = (0, top)
    if hierarchical:
        # Inner nodes 0..n_words - 2, the root last.
        outputs = (max(n_words - 1 - top, 0), n_words - 1)
    return [(0, top), (outputs[0] + shape[1], outputs[1] + shape[1])]


def round_message(replica, agreed, ranges, row_curvature):
    """What a shard sends after a round: its changes to the rows of ``ranges``.

    Resets the curvature of those rows: what the shard adds to them from
    now on goes into a later message.

    Parameters
    ----------
    replica, agreed : ndarray of shape (n_rows, n_components), float32
        The shard's replica and the agreed weights.
    ranges : list of (int, int)
        The rows synced this round (:func:`sync_ranges`).
    row_curvature : ndarray of shape (n_rows,), float64
        The shard's summed curvature of each row since it was last sent.

    Returns
    -------
    message : list of (rows, delta, curvature)
        Per range: the rows the shard changed in it (all of them when most
        changed), increasing and counted from the range's start (int32),
        their change (float32) and their summed curvature (float32).
    """
    message = []
    for start, stop in ranges:
        delta = replica[start:stop] - agreed[start:stop]
        changed = np.flatnonzero(delta.any(axis=1)).astype(np.int32)
        if 2 * len(changed) > stop - start:
            # Mostly changed: every row, the unchanged ones with a zero
            # delta and curvature, costs fewer bytes of index than it saves
            # in the gathers and scatters of sparse rows.
            changed = np.arange(stop - start, dtype=np.int32)
        else:
            delta = delta[changed]
        curvature = row_curvature[start:stop][changed].astype(np.float32)
        row_curvature[start:stop] = 0.0
        message.append((changed, delta, curvature))
    return message


def apply_sync(replicas, agreed, messages, ranges):
    """Agree on ``ranges``: combine the messages into ``agreed``, copied to replicas.

    Per row, the shards' deltas are summed in shard order and scaled by the
    curvature rule
    (:func:`~sklearn_w2v._engine.delta_combination.combine_ranges`).

    Parameters
    ----------
    replicas : list of ndarray of shape (n_rows, n_components), float32
        The replicas this process holds, updated in place.
    agreed : ndarray of shape (n_rows, n_components), float32
        Updated in place.
    messages : list of list of (rows, delta, curvature)
        Every shard's :func:`round_message`, in shard order.
    ranges : list of (int, int)
        The rows synced.
    """
    for i, (start, stop) in enumerate(ranges):
        parts = [message[i] for message in messages if len(message[i][0])]
        if not parts:  # no shard changed these rows: the replicas agree
            continue
        rows, delta = combine_ranges(parts, stop - start)
        if len(rows) == stop - start:
            agreed[start:stop] += delta
        else:
            # Combined rows are distinct: fancy-index addition is exact.
            agreed[start:stop][rows] += delta
        for replica in replicas:
            replica[start:stop] = agreed[start:stop]


def check_message(message, shard, plan, round_, ranges, n_components):
    """A shard's message if it is whole and finite; raise naming the shard otherwise.

    Parameters
    ----------
    message : object
        What :func:`round_message` returned for ``shard``.
    shard : int
    plan : EpochPlan
    round_ : int
    ranges : list of (int, int)
        The rows synced.
    n_components : int

    Returns
    -------
    message

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.replicas import EpochPlan, check_message
    >>> plan = EpochPlan(0, 10, 0, (("a", "b"),) * 2, (1.0, 1.0), None)
    >>> nan = np.array([[np.nan]], dtype=np.float32)
    >>> bad = [(np.array([0]), nan, np.zeros(1, np.float32))]
    >>> check_message(bad, 1, plan, 3, [(0, 2)], 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FloatingPointError: Shard 1 sent non-finite updates in round 4/10 of epoch 1; ...
    """
    where = f"round {round_ + 1}/{plan.n_rounds} of epoch {plan.epoch + 1}"
    try:
        well_formed = len(message) == len(ranges)
        for (rows, delta, curvature), (start, stop) in zip(
            message, ranges, strict=True
        ):
            well_formed = well_formed and (
                rows.ndim == 1
                and rows.dtype.kind in "iu"
                and delta.shape == (len(rows), n_components)
                and delta.dtype == np.float32
                and curvature.shape == rows.shape
                and curvature.dtype == np.float32
                and (len(rows) == 0 or (rows[0] >= 0 and rows[-1] < stop - start))
                and bool(np.all(np.diff(rows) > 0))
            )
    except (TypeError, ValueError, AttributeError):
        well_formed = False
    if not well_formed:
        raise RuntimeError(
            f"Shard {shard} sent a malformed update in {where} (expected, per "
            f"range of rows synced, increasing rows inside it, float32 deltas of "
            f"{n_components} components and a float32 curvature per row); the "
            "fit stops."
        )
    for _, delta, curvature in message:
        finite = np.isfinite(delta).all() and np.isfinite(curvature).all()
        if not (finite and (curvature >= 0).all()):
            raise FloatingPointError(
                f"Shard {shard} sent non-finite updates in {where}; the fit stops. "
                "Training diverged: use a smaller learning_rate."
            )
    return message


class LocalExchange:
    """The exchange of a process that holds every shard: nothing to send."""

    def send(self, tag, messages):
        """Keep this process's messages of round ``tag``."""
        self.messages = messages

    def receive(self, tag):
        """Every shard's message of round ``tag``: here, the process's own."""
        return self.messages


def train_epoch_group(W, settings, plan, group, exchange, progress=None):
    """Train the shards of ``group`` for one epoch, in rounds, on replicas of ``W``.

    After each round a shard sends its message and waits for every other
    shard's before it trains the next. (Pipelined rounds, which train round
    ``r + 1`` while round ``r``'s messages travel, diverged at 8 shards:
    each round's deltas are capped by its own curvature, but the two rounds
    in flight were computed from the same weights.) The epoch's last round
    syncs every row, so that the epoch ends with every replica equal to the
    agreed weights.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        The weights agreed at the epoch's start; updated in place to the
        weights agreed at its end.
    settings : TrainingSettings
        Of the fit, ``n_jobs=1``, without a noise table (``plan`` names its
        file).
    plan : EpochPlan
    group : list of int
        The shards this process trains.
    exchange : object
        With ``send(tag, messages)``, which sends ``{shard: message}`` of the
        group to the other processes, and ``receive(tag)``, which returns
        every shard's message of round ``tag``.
    progress : callable, default=None
        Called after each round with the centers and loss of the epoch so
        far in this group.

    Returns
    -------
    loss : float
        Summed loss of the group's minibatches.
    n_centers : int
        Centers the group trained.
    bytes_sent : int
        Bytes of the group's messages (sent once to each other process).
    seconds : dict
        ``"sync"``: seconds spent making and applying messages,
        ``"wait"``: waiting for other processes' messages.
    """
    shape = W.shape
    flat = W.reshape(-1, shape[-1])
    replicas = [flat.copy() for _ in group]
    curvatures = [np.zeros(len(flat)) for _ in group]
    settings_of = {s: shard_settings(settings, plan, s) for s in group}
    arrays_of = {s: open_shard(plan.shards[s]) for s in group}
    hierarchical = settings.huffman is not None
    loss, n_centers, bytes_sent = 0.0, 0, 0
    seconds = {"sync": 0.0, "wait": 0.0}
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        for r in range(plan.n_rounds):
            for shard, replica, curvature in zip(
                group, replicas, curvatures, strict=True
            ):
                round_loss, round_centers = train_shard_round(
                    replica.reshape(shape),
                    settings_of[shard],
                    plan,
                    shard,
                    r,
                    curvature,
                    arrays_of[shard],
                )
                if not math.isfinite(round_loss):
                    raise FloatingPointError(
                        f"Shard {shard} diverged in round {r + 1}/{plan.n_rounds} "
                        f"of epoch {plan.epoch + 1}: use a smaller learning_rate."
                    )
                loss += round_loss
                n_centers += round_centers
                hooks.emit("shard round", epoch=plan.epoch, round=r, shard=shard)
            started = time.perf_counter()
            ranges = sync_ranges(r, plan.n_rounds, shape, hierarchical)
            with hooks.timed("sync"):
                mine = {
                    s: round_message(replica, flat, ranges, curvature)
                    for s, replica, curvature in zip(
                        group, replicas, curvatures, strict=True
                    )
                }
                bytes_sent += sum(_nbytes(m) for m in mine.values())
            with hooks.timed("exchange"):
                exchange.send(r, mine)
            seconds["sync"] += time.perf_counter() - started
            _agree(exchange, r, ranges, group, replicas, flat, plan, seconds)
            if progress is not None:
                progress(n_centers, loss)
    # The last round synced every row: ``W`` holds the weights agreed at the
    # epoch's end.
    return loss, n_centers, bytes_sent, seconds


def _agree(exchange, round_, ranges, group, replicas, flat, plan, seconds):
    """Receive every shard's message of ``round_`` and apply them."""
    started = time.perf_counter()
    with hooks.timed("exchange"):
        everyone = exchange.receive(round_)
    received = time.perf_counter()
    seconds["wait"] += received - started
    with hooks.timed("sync"):
        # Messages from other processes are checked; this one's are its own.
        messages = [
            everyone[s]
            if s in group
            else check_message(everyone[s], s, plan, round_, ranges, flat.shape[-1])
            for s in range(plan.n_shards)
        ]
        apply_sync(replicas, flat, messages, ranges)
    seconds["sync"] += time.perf_counter() - received


def _nbytes(message):
    return sum(array.nbytes for part in message for array in part)
