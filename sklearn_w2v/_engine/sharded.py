"""Data-parallel training of one model over shards, through replicas that sync.

The encoded corpus is cut into stripes of whole documents, dealt in turn to
``n_shards`` shards written as ``.npy`` arrays in a directory that every
worker can read (:func:`write_shards`). The epochs are those of
:func:`~sklearn_w2v._engine.loop.run_epochs`, the one training loop, and
:class:`ShardedExecutor` trains each shard on a replica of its own in
synchronous rounds, syncing the busiest rows after every round and all of
them at the epoch's end (:mod:`~sklearn_w2v._engine.replicas`). Without a
cluster this process trains the shards in turn (the "simulated" cluster);
under a Dask cluster (``joblib.parallel_backend("dask")``) one long task per
worker trains its shards and swaps the rounds' messages with the other tasks
directly (:mod:`~sklearn_w2v._engine.mailboxes`). Both give the same vectors
for a seed: a replica's work is a function of the agreed weights, its shard,
the seeds of its rounds and the messages, combined in shard order.
"""

import dataclasses
import errno
import math
import os
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np

from . import hooks
from .loop import loss_curve, run_epochs
from .replicas import EpochPlan, LocalExchange, train_epoch_group

#: Minibatches' worth of centers that a round trains over all its shards,
#: each shard its share: the stretch of corpus between two syncs stays the
#: same whatever the shard count (see docs/benchmarks.rst: with 2 minibatches
#: a shard at 8 shards, pipelined rounds diverged).
ROUND_BATCHES = 8


def shard_batches(n_shards):
    """Minibatches' worth of centers each shard trains in a round.

    Examples
    --------
    >>> from sklearn_w2v._engine.sharded import shard_batches
    >>> [shard_batches(k) for k in (1, 2, 4, 16)]
    [8.0, 4.0, 2.0, 0.5]
    """
    return ROUND_BATCHES / n_shards


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
    paths = [
        (str(directory / f"shard-{s}-ids.npy"), str(directory / f"shard-{s}-docs.npy"))
        for s in range(n_shards)
    ]
    with _shard_writes(directory, 8 * sum(sizes)), ExitStack() as stack:
        files = [
            [stack.enter_context(_ShardFile(name, size)) for name in names]
            for names, size in zip(paths, sizes, strict=True)
        ]
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
                        out.write_at(at, part[lo - offset : hi - offset])
            offset = stop
    return paths


class _ShardFile:
    """One shard's array, an .npy file of int32 written in pieces, in place.

    The file is written through the file system's writes, not mapped: a
    mapped file on a full disk kills the process (SIGBUS) at the first page
    it cannot store, where a write raises ``OSError``. Its space is reserved
    when it is created (``posix_fallocate``, where the system has it), so
    that a disk without room for it fails before the corpus is read.
    """

    def __init__(self, name, size):
        self.name, self.size = name, size

    def __enter__(self):
        self.file = open(self.name, "wb")
        header = {
            "descr": np.lib.format.dtype_to_descr(np.dtype(np.int32)),
            "fortran_order": False,
            "shape": (self.size,),
        }
        try:
            with self._named():
                np.lib.format.write_array_header_1_0(self.file, header)
                self.start = self.file.tell()
                _reserve(self.file, self.start + 4 * self.size)
        except BaseException:
            self.file.close()
            raise
        return self

    def write_at(self, at, values):
        """Write ``values`` (int32) from position ``at`` of the array."""
        with self._named():
            self.file.seek(self.start + 4 * int(at))
            self.file.write(np.ascontiguousarray(values, dtype=np.int32).data)

    def __exit__(self, *exc_info):
        with self._named():
            self.file.close()

    @contextmanager
    def _named(self):
        """Errors of the file's system calls name the file."""
        try:
            yield
        except OSError as exc:
            if exc.filename is None:
                exc.filename = self.name
            raise


def _reserve(file, n_bytes):
    """Allocate ``n_bytes`` of disk to ``file``; OSError if the disk has no room."""
    if n_bytes == 0 or not hasattr(os, "posix_fallocate"):
        return
    file.flush()
    try:
        os.posix_fallocate(file.fileno(), 0, n_bytes)
    except OSError as exc:
        # A file system that cannot reserve space: writes still report a
        # full disk, later.
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            raise


#: What a write to a full disk raises: no space, over quota, over the size
#: limit (RLIMIT_FSIZE).
_FULL_DISK = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


@contextmanager
def _shard_writes(directory, n_bytes):
    """Say where and what to do when the shards do not fit in ``directory``."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _FULL_DISK:
            raise
        folder = tempfile.gettempdir()
        if folder not in map(str, Path(directory).parents):
            folder = directory
        raise OSError(
            errno.ENOSPC,
            f"no space left in {folder} while writing the shards of the corpus "
            f"({os.strerror(exc.errno)}): they need {n_bytes / 2**20:,.1f} MiB "
            "there, beside the spool; set TMPDIR to a folder with room",
            exc.filename,
        ) from exc


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
        Of the fit, with ``n_jobs=1``: every shard trains on one core.
    rng : numpy.random.Generator
        Source of the seed of every round.
    n_shards : int
        Shards of the corpus, each trained on a replica of the weights.
    n_tokens : int
        Tokens of ``corpus``.
    directory : path-like
        Where the shards and the noise table are written: a directory that
        every worker can read.
    n_workers : int or None
        Worker threads of the Dask cluster the shards train on, or None to
        train them in this process.

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
    executor = ShardedExecutor(settings, shards, base_seed, noise_path, n_workers)
    return loss_curve([run_epochs(W, settings, executor)])


class ShardedExecutor:
    """Trains each epoch on replicas of the shards, here or on a Dask cluster.

    Every shard trains :func:`shard_batches` minibatches a round
    (:func:`~sklearn_w2v._engine.replicas.train_epoch_group`). After each
    epoch it emits the hook event ``"exchange"`` (see
    :mod:`~sklearn_w2v._engine.hooks`) with the bytes each task sent.

    Parameters
    ----------
    settings : TrainingSettings
    shards : list of (str, str)
        The shards' files, of :func:`write_shards`.
    base_seed : int
        Seed of the fit, see :func:`~sklearn_w2v._engine.replicas.round_seed`.
    noise_path : str or None
        The noise table's file.
    n_workers : int or None
        Worker threads of the cluster, or None to train in this process.
    """

    def __init__(self, settings, shards, base_seed, noise_path, n_workers):
        self.shard_centers = tuple(
            float(settings.keep_prob[np.load(ids, mmap_mode="r")].sum())
            for ids, _ in shards
        )
        round_centers = shard_batches(len(shards)) * settings.batch_size
        self.n_rounds = max(math.ceil(max(self.shard_centers) / round_centers), 1)
        # What the shards get: no noise table (a file) and no callback (local).
        self.settings = dataclasses.replace(
            settings, noise_table=None, epoch_callback=None
        )
        self.shards, self.base_seed = tuple(shards), base_seed
        self.noise_path, self.n_workers = noise_path, n_workers
        if n_workers is not None:
            from .mailboxes import cluster_client

            cluster_client()  # fail before the first epoch if there is none

    def plan(self, epoch):
        """The :class:`~sklearn_w2v._engine.replicas.EpochPlan` of ``epoch``."""
        return EpochPlan(
            epoch,
            self.n_rounds,
            self.base_seed,
            self.shards,
            self.shard_centers,
            self.noise_path,
        )

    def train_epoch(self, W, epoch, progress):
        """Train ``epoch`` on every shard; the summed loss and centers."""
        plan = self.plan(epoch)
        if self.n_workers is None:
            report = None
            if progress is not None:

                def report(n_centers, loss):
                    progress.within_epoch(epoch, n_centers, loss)

            loss, n_centers, sent, seconds = train_epoch_group(
                W,
                self.settings,
                plan,
                list(range(plan.n_shards)),
                LocalExchange(),
                report,
            )
            sent, seconds = [sent], [seconds]
        else:
            from .mailboxes import run_epoch_on_cluster

            n_tasks = min(plan.n_shards, self.n_workers)
            loss, n_centers, sent, seconds = run_epoch_on_cluster(
                W, self.settings, plan, n_tasks
            )
        hooks.emit(
            "exchange",
            epoch=epoch,
            n_rounds=plan.n_rounds,
            n_shards=plan.n_shards,
            n_tasks=len(sent),
            bytes_sent=sent,
            seconds_syncing=[task["sync"] for task in seconds],
            seconds_waiting=[task["wait"] for task in seconds],
        )
        return loss, n_centers
