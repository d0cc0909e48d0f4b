"""Data-parallel training of one model in synchronous rounds, through joblib.

The encoded corpus is cut into stripes of whole documents, dealt in turn to
``n_shards`` shards written as ``.npy`` arrays in a directory that every
worker can read (:func:`write_shards`). The epochs are those of
:func:`~sklearn_w2v._engine.loop.run_epochs`, the one training loop, and
:class:`ShardedExecutor` trains each as ``n_rounds`` synchronous rounds: in a
round, every shard's task copies the current weights, trains the round's
segment of its shard with the minibatches of
:mod:`~sklearn_w2v._engine.steps`, and returns only the rows it changed, their
change and their summed curvature (:func:`train_round`). The driver checks
every result and combines the deltas of each row
(:mod:`~sklearn_w2v._engine.delta_combination`). A task is a pure function of the
weights, its shard and the seed of its (epoch, round, shard), so a task that
a cluster runs again after losing a worker returns the same result, and the
vectors do not depend on which worker ran what.

Tasks run under the active joblib backend: in the calling process with no
backend (the "simulated" cluster, same rounds, same results), on the workers
of a Dask cluster under ``joblib.parallel_backend("dask")``.
"""

import dataclasses
import math
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from . import hooks
from .blas_threads import one_blas_thread
from .delta_combination import apply_round
from .loop import loss_curve, run_epochs
from .steps import epoch_segments, minibatches, train_batches

#: Minibatches' worth of centers that a round trains over all its shards, each
#: shard its share: rounds cover the same stretch of corpus whatever the shard
#: count (see docs/benchmarks.rst: 4 minibatches a shard lost 0.016
#: WordSim-353 at 4 shards, 2 lost 0.010).
ROUND_BATCHES = 8

#: Stripes of the corpus per shard: shards are dealt stripes in turn, so that
#: a round's slices of all shards lie side by side in the corpus.
STRIPES_PER_SHARD = 256


def write_shards(corpus, n_tokens, n_shards, directory):
    """Deal stripes of whole documents to ``n_shards`` shards, written as .npy files.

    The corpus is cut into about ``STRIPES_PER_SHARD * n_shards`` stripes of
    equal token counts, each cut at the first document start at or after its
    multiple (empty stripes dropped), and each stripe, in corpus order, goes
    to the shard with the fewest tokens so far: in turn when stripes are of
    equal length. Round ``r`` of ``R`` trains the
    fraction ``r / R`` of every shard, so a round's slices come from one
    stretch of the corpus: the shards together read the corpus in the order
    one fit does (contiguous shards would read ``n_shards`` distant parts at
    once, which measured 0.03 lower WordSim-353 at 4 shards).

    Parameters
    ----------
    corpus : iterable of (ids, doc_ids)
        Re-iterable chunks of the encoded corpus (int32 arrays), read twice.
    n_tokens : int
        Tokens of ``corpus``.
    n_shards : int
    directory : path-like
        Where the files go; every worker must be able to read it.

    Returns
    -------
    paths : list of (str, str)
        Paths of each shard's word ids and document ids.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from sklearn_w2v._engine.sharded import write_shards
    >>> ids = np.arange(8, dtype=np.int32)
    >>> docs = np.array([0, 0, 1, 1, 2, 2, 3, 3], dtype=np.int32)
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     paths = write_shards([(ids, docs)], 8, 2, directory)
    ...     print([np.load(words).tolist() for words, _ in paths])
    [[0, 1, 4, 5], [2, 3, 6, 7]]
    """
    cuts = np.unique(_document_cuts(corpus, n_tokens, n_shards * STRIPES_PER_SHARD))
    lengths = np.diff(cuts)
    # Each stripe to the shard with the fewest tokens so far: in turn for
    # stripes of equal length, and balanced when documents make them unequal.
    stripe_shard = np.empty(len(lengths), dtype=np.int64)
    loads = [0] * n_shards
    for i, length in enumerate(lengths.tolist()):
        stripe_shard[i] = shard = loads.index(min(loads))
        loads[shard] += length
    # Where each stripe starts inside its shard.
    within = np.zeros(len(lengths), dtype=np.int64)
    sizes = []
    for s in range(n_shards):
        mine = stripe_shard == s
        within[mine] = np.cumsum(lengths[mine]) - lengths[mine]
        sizes.append(int(lengths[mine].sum()))
    directory = Path(directory)
    paths, files = [], []
    for s in range(n_shards):
        names = (
            str(directory / f"shard-{s}-ids.npy"),
            str(directory / f"shard-{s}-docs.npy"),
        )
        files.append(
            [
                np.lib.format.open_memmap(name, "w+", np.int32, (sizes[s],))
                for name in names
            ]
        )
        paths.append(names)
    offset = 0
    for chunk in corpus:
        stop = offset + len(chunk[0])
        first = np.searchsorted(cuts, offset, side="right") - 1
        last = min(np.searchsorted(cuts, stop, side="left"), len(lengths))
        for i in range(max(first, 0), last):
            lo, hi = max(cuts[i], offset), min(cuts[i + 1], stop)
            if lo < hi:
                at = within[i] + lo - cuts[i]
                for out, part in zip(files[stripe_shard[i]], chunk, strict=True):
                    out[at : at + hi - lo] = part[lo - offset : hi - offset]
        offset = stop
    for pair in files:
        for out in pair:
            out.flush()
    return paths


def _document_cuts(corpus, n_tokens, n_parts):
    """0, the first token of each part, cut at document starts, and ``n_tokens``."""
    targets = [n_tokens * s // n_parts for s in range(1, n_parts)]
    cuts, offset, previous = [], 0, -1
    for _, doc_ids in corpus:
        # Document ids are non-negative: -1 makes the corpus's first token a start.
        changes = np.diff(doc_ids, prepend=np.int32(previous)) != 0
        starts = np.flatnonzero(changes) + offset
        while len(cuts) < len(targets):
            at = np.searchsorted(starts, targets[len(cuts)])
            if at == len(starts):
                break
            cuts.append(int(starts[at]))
        offset += len(doc_ids)
        if len(doc_ids):
            previous = doc_ids[-1]
    cuts += [n_tokens] * (len(targets) - len(cuts))
    return [0, *cuts, n_tokens]


def round_seed(base_seed, epoch, round_, shard):
    """Seed of one task: a function of the fit's seed and (epoch, round, shard) only.

    Examples
    --------
    >>> from sklearn_w2v._engine.sharded import round_seed
    >>> round_seed(7, 0, 1, 2).spawn_key
    (0, 1, 2)
    """
    return np.random.SeedSequence(base_seed, spawn_key=(epoch, round_, shard))


@dataclasses.dataclass(frozen=True)
class RoundTask:
    """What one task of one round trains.

    Attributes
    ----------
    epoch, round, n_rounds, shard : int
        Position of the task.
    base_seed : int
        Seed of the fit, see :func:`round_seed`.
    shard_paths : (str, str)
        The shard's word ids and document ids (:func:`write_shards`).
    shard_centers : float
        Expected centers of the shard per epoch: the learning rate follows
        the position in it.
    noise_path : str or None
        The noise table, read by memory map; ``None`` without negative
        sampling.
    """

    epoch: int
    round: int
    n_rounds: int
    shard: int
    base_seed: int
    shard_paths: tuple
    shard_centers: float
    noise_path: str | None


def train_round(W, settings, task):
    """Train one shard's segment of one round on a copy of the weights.

    A pure function of its arguments: a task that a cluster runs again
    returns the same result, on any worker.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        The weights at the start of the round; not modified.
    settings : TrainingSettings
        Of the fit, without its noise table (``task`` names its file).
    task : RoundTask

    Returns
    -------
    rows : ndarray of shape (n_changed,), int64
        Changed rows of ``W`` seen as ``(2 * (n_words + 1), n_components)``,
        increasing.
    delta : ndarray of shape (n_changed, n_components), float32
        Their change.
    curvature : ndarray of shape (n_changed,), float32
        Their summed curvature over the round's minibatches.
    loss : float
        Summed loss of the round's minibatches.
    n_centers : int
        Centers trained.
    """
    stream_seed, draw_seed = round_seed(
        task.base_seed, task.epoch, task.round, task.shard
    ).spawn(2)
    settings = _task_settings(settings, task)
    rng = np.random.default_rng(draw_seed)
    # The learning rate decays with the position in the shard's epoch.
    offset = task.shard_centers * task.round / task.n_rounds
    trained = W.copy()
    row_curvature = np.zeros(W.shape[0] * W.shape[1])
    loss, n_centers = 0.0, 0
    segments = epoch_segments(
        [_round_segment(task)], settings, task.epoch, stream_seed.generate_state(4)
    )
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        for tokens, docs, spans, first in hooks.timed_iteration("stream", segments):
            starts = np.arange(0, len(spans), settings.batch_size)
            batches = minibatches(
                tokens, docs, spans, starts, offset + first, task.epoch, settings, rng
            )
            loss += train_batches(trained, batches, settings, row_curvature)
            n_centers += len(spans)
    flat, before = trained.reshape(-1, W.shape[-1]), W.reshape(-1, W.shape[-1])
    changed = np.flatnonzero(np.any(flat != before, axis=1))
    delta = flat[changed] - before[changed]
    return changed, delta, row_curvature[changed].astype(np.float32), loss, n_centers


def _task_settings(settings, task):
    """The settings a task trains with: its shard's noise table and length.

    The learning rate follows the position in the shard's epoch.
    """
    noise = settings.noise_table
    if task.noise_path is not None:
        noise = np.load(task.noise_path, mmap_mode="r")
    return dataclasses.replace(
        settings, noise_table=noise, epoch_centers=task.shard_centers
    )


def _round_segment(task):
    """The (ids, doc_ids) of the task's round: a contiguous slice of its shard."""
    ids = np.load(task.shard_paths[0], mmap_mode="r")
    start = len(ids) * task.round // task.n_rounds
    stop = len(ids) * (task.round + 1) // task.n_rounds
    docs = np.load(task.shard_paths[1], mmap_mode="r")
    return np.array(ids[start:stop]), np.array(docs[start:stop])


def train_sharded(
    W, corpus, settings, rng, *, n_shards, n_tokens, directory, n_workers
):
    """Train word2vec data-parallel over ``n_shards`` shards, updating ``W`` in place.

    Writes the shards, then runs :func:`~sklearn_w2v._engine.loop.run_epochs`
    with a :class:`ShardedExecutor`.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input and output vectors, each with a zero padding row last.
    corpus : iterable of (ids, doc_ids)
        Re-iterable chunks of the encoded corpus, read twice to write the
        shards, never again.
    settings : TrainingSettings
        Of the fit, with ``n_jobs=1``: every task trains on one core.
    rng : numpy.random.Generator
        Source of the seed of every task.
    n_shards : int
        Shards of the corpus; each round trains one task per shard.
    n_tokens : int
        Tokens of ``corpus``.
    directory : path-like
        Where the shards and the noise table are written: a directory that
        every worker can read.
    n_workers : int or None
        Workers of the cluster the tasks run on (for the count of bytes
        sent), or None to run them in this process.

    Returns
    -------
    loss_curve : ndarray of shape (epochs,), float64
        Mean loss per trained center word of each epoch.
    n_words_trained : int
        Center words trained over all epochs, after subsampling.
    """
    base_seed = int(rng.integers(np.iinfo(np.int64).max))
    directory = Path(directory)
    shards = write_shards(corpus, n_tokens, n_shards, directory)
    noise_path = None
    if settings.noise_table is not None:
        noise_path = str(directory / "noise.npy")
        np.save(noise_path, settings.noise_table)
    with ShardedExecutor(settings, shards, base_seed, noise_path, n_workers) as rounds:
        return loss_curve([run_epochs(W, settings, rounds)])


class ShardedExecutor:
    """Trains each epoch as synchronous rounds over the shards, through joblib.

    In a round every shard's task trains its next slice from the current
    weights (:func:`train_round`); the driver checks each result
    (:func:`check_result`) and adds the deltas combined by
    :func:`~sklearn_w2v._engine.delta_combination.apply_round`. A round
    trains ``ROUND_BATCHES`` minibatches' worth of centers over all shards.
    After each round it emits the hook event ``"round"`` (see
    :mod:`~sklearn_w2v._engine.hooks`) with the bytes the round moved.

    Parameters
    ----------
    settings : TrainingSettings
    shards : list of (str, str)
        The shards' files, of :func:`write_shards`.
    base_seed : int
        Seed of the fit, see :func:`round_seed`.
    noise_path : str or None
        The noise table's file.
    n_workers : int or None
        Workers of the cluster, or None to run the tasks in this process.
    """

    def __init__(self, settings, shards, base_seed, noise_path, n_workers):
        self.shard_centers = [
            float(settings.keep_prob[np.load(ids, mmap_mode="r")].sum())
            for ids, _ in shards
        ]
        round_share = ROUND_BATCHES * settings.batch_size / len(shards)
        self.n_rounds = max(math.ceil(max(self.shard_centers) / round_share), 1)
        # What the tasks get: no noise table (a file) and no callback (local).
        self.settings = dataclasses.replace(
            settings, noise_table=None, epoch_callback=None
        )
        self.shards, self.base_seed = shards, base_seed
        self.noise_path, self.n_workers = noise_path, n_workers
        self.rounds = _Rounds(n_workers)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.rounds.close()

    def _tasks(self, epoch, round_):
        """The tasks of a round: one per shard that has centers to train."""
        return [
            RoundTask(
                epoch,
                round_,
                self.n_rounds,
                shard,
                self.base_seed,
                paths,
                centers,
                self.noise_path,
            )
            for shard, (paths, centers) in enumerate(
                zip(self.shards, self.shard_centers, strict=True)
            )
            if centers > 0
        ]

    def train_epoch(self, W, epoch, progress):
        """Run the rounds of ``epoch``; their summed loss and centers."""
        flat = W.reshape(-1, W.shape[-1])
        loss, n_centers = 0.0, 0
        for r in range(self.n_rounds):
            tasks = self._tasks(epoch, r)
            deltas, bytes_back = [], 0
            results = self.rounds.run(W, self.settings, tasks)
            for task, result in zip(tasks, results, strict=True):
                rows, delta, curvature, task_loss, centers = check_result(
                    result, task, W.shape
                )
                deltas.append((rows, delta, curvature))
                loss += task_loss
                n_centers += centers
                bytes_back += rows.nbytes + delta.nbytes + curvature.nbytes
            apply_round(flat, deltas)
            bytes_out = 0
            if self.n_workers is not None:
                bytes_out = W.nbytes * min(len(tasks), self.n_workers)
            hooks.emit(
                "round",
                epoch=epoch,
                round=r,
                n_rounds=self.n_rounds,
                n_shards=len(self.shards),
                bytes_to_workers=bytes_out,
                bytes_from_workers=bytes_back,
            )
            if progress is not None:
                progress.within_epoch(epoch, n_centers, loss)
        return loss, n_centers


#: Attempts at a round whose tasks a cluster lost (a worker died, data lost).
ROUND_ATTEMPTS = 3


class _Rounds:
    """Runs the rounds of a fit on one joblib Parallel; retries lost rounds.

    The weights are sent as a new array each round, since cluster backends
    cache arguments by identity and ``W`` changes in place. A round that
    fails for a reason of the cluster (an error of module ``distributed``, a
    cancelled future) is run again from the same weights on a new Parallel:
    its tasks are pure, so a retried round is the round. Other errors pass
    through.
    """

    def __init__(self, n_workers):
        self.n_jobs = 1 if n_workers is None else -1
        self.parallel = None

    def close(self):
        """End the joblib Parallel, if one is open."""
        if self.parallel is not None:
            parallel, self.parallel = self.parallel, None
            parallel.__exit__(None, None, None)

    def run(self, W, settings, tasks):
        """Results of ``train_round(W, settings, task)`` for every task, in order."""
        for _ in range(ROUND_ATTEMPTS):
            if self.parallel is None:
                self.parallel = Parallel(n_jobs=self.n_jobs).__enter__()
            start = W.copy()
            try:
                return self.parallel(
                    delayed(train_round)(start, settings, task) for task in tasks
                )
            except Exception as exc:
                module = type(exc).__module__.split(".")[0]
                if module not in ("distributed", "concurrent", "asyncio"):
                    raise
                last = exc
                self.close()
        task = tasks[0]
        raise RuntimeError(
            f"Round {task.round + 1}/{task.n_rounds} of epoch {task.epoch + 1} "
            f"failed {ROUND_ATTEMPTS} times on the cluster ({type(last).__name__}: "
            f"{last}); its updates were not applied. Check the workers' logs and "
            "that every worker can read the fit's temporary directory."
        ) from last


def check_result(result, task, shape):
    """A task's result if it is whole and finite; raise naming the task otherwise.

    Parameters
    ----------
    result : object
        What :func:`train_round` returned for ``task``.
    task : RoundTask
    shape : tuple of int
        Shape of the weights, ``(2, n_words + 1, n_components)``.

    Returns
    -------
    rows, delta, curvature, loss, n_centers
        As :func:`train_round` returns them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.sharded import RoundTask, check_result
    >>> task = RoundTask(0, 3, 10, 1, 0, ("a", "b"), 1.0, None)
    >>> nan = np.array([[np.nan]], dtype=np.float32)
    >>> bad = (np.array([0]), nan, np.zeros(1, np.float32), 0.0, 1)
    >>> check_result(bad, task, (2, 3, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FloatingPointError: The task of shard 1 in round 4/10 of epoch 1 returned ...
    """
    where = (
        f"The task of shard {task.shard} in round {task.round + 1}/{task.n_rounds} "
        f"of epoch {task.epoch + 1}"
    )
    n_rows, n_components = shape[0] * shape[1], shape[2]
    try:
        rows, delta, curvature, loss, n_centers = result
        rows, delta = np.asarray(rows), np.asarray(delta)
        curvature = np.asarray(curvature)
        well_formed = (
            rows.ndim == 1
            and rows.dtype.kind in "iu"
            and delta.shape == (len(rows), n_components)
            and delta.dtype == np.float32
            and curvature.shape == rows.shape
            and curvature.dtype == np.float32
            and (len(rows) == 0 or (rows[0] >= 0 and rows[-1] < n_rows))
            and bool(np.all(np.diff(rows) > 0))
            # The padding rows stay zero.
            and not np.any(rows % shape[1] == shape[1] - 1)
        )
    except (TypeError, ValueError):
        well_formed = False
    if not well_formed:
        raise RuntimeError(
            f"{where} returned a malformed result (expected increasing rows "
            f"inside the {n_rows} rows of the weights, float32 deltas of "
            f"{n_components} components and a float32 curvature per row); "
            "nothing of the round was applied."
        )
    finite = math.isfinite(loss) and np.isfinite(delta).all()
    if not (finite and np.isfinite(curvature).all() and (curvature >= 0).all()):
        raise FloatingPointError(
            f"{where} returned non-finite updates; nothing of the round was "
            "applied. Training diverged: use a smaller learning_rate."
        )
    return rows, delta, curvature, float(loss), int(n_centers)
