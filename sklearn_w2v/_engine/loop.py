"""The training loop: epochs, runs of minibatches, learning-rate schedule, jobs.

The engine is a matrix of algorithm x output layer.
:mod:`~sklearn_w2v._engine.layout` says which rows meet (a run of the
subsampled stream as typed batches), an output layer
(:mod:`~sklearn_w2v._engine.losses.negative_sampling`,
:mod:`~sklearn_w2v._engine.losses.hierarchical_softmax`,
:mod:`~sklearn_w2v._engine.losses.softmax`) says what they compute, and this
module runs the epochs over the minibatches of
:mod:`~sklearn_w2v._engine.steps`, in one process or in parallel jobs.
"""

import ctypes
import mmap
import os
import pickle
import signal
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .blas_threads import one_blas_thread
from .steps import epoch_segments, make_settings, minibatches, train_batches
from .weights import check_weights

# Forked processes share the weights without the interpreter lock; elsewhere
# (Windows, macOS) threads do, with less speed-up.
_CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def train(W, corpus, *, rng, **params):
    """Train word2vec on an encoded corpus, updating the weights in place.

    The corpus is read once per epoch, chunk by chunk (see
    :func:`~sklearn_w2v._engine.sampling.stream_segments`); memory holds one chunk,
    never the corpus.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input and output vectors, each with a zero padding row last.
    corpus : iterable of (ids, doc_ids)
        Re-iterable: each iteration is one pass over the corpus, in chunks of
        word ids (int32) and document indices (int32) of its in-vocabulary
        tokens, such as a :class:`~sklearn_w2v._corpus.spool.CorpusSpool` or
        ``[(ids, doc_ids)]``.
    word_counts : ndarray of shape (n_words,)
        Occurrences of each word in ``corpus``; with ``keep_prob`` they give
        the expected length of an epoch, over which the learning rate decays
        (an epoch's exact length is known only at its end).
    keep_prob : ndarray of shape (n_words,)
        Subsampling keep probability of each word.
    noise_table : ndarray of shape (table_size,), unsigned int
        Lookup table of the noise distribution.
    algorithm : {'skipgram', 'cbow'}
    loss : {'negative_sampling', 'hierarchical_softmax', 'softmax'}
        Output layer.
    huffman : tuple of ndarray, default=None
        ``(points, codes, lengths)`` of
        :func:`~sklearn_w2v._engine.tables.huffman_tree`, for hierarchical
        softmax.
    window, n_negative, epochs, batch_size, n_jobs : int
    longest_document : int, default=None
        Tokens of the longest document: spans are cut to one less, so that
        a window wider than every document costs no more than the documents
        (see :func:`~sklearn_w2v._engine.sampling.stream_segments`).
    shrink_windows, cbow_mean : bool
    learning_rate, min_learning_rate : float
    rng : numpy.random.Generator
        Source of every draw; with ``n_jobs=1`` the result is a function of
        its state alone, whatever the chunking of ``corpus``.
    verbose : int
        Print one line per epoch to stderr when positive, and lines at every
        tenth of an epoch from 2 on.
    epoch_callback : callable, default=None
        Called after each epoch as ``epoch_callback(epoch, loss)`` with the
        mean loss of the epoch's minibatches trained by this process (all of
        them with ``n_jobs=1``).

    Returns
    -------
    loss_curve : ndarray of shape (epochs,), float64
        Mean loss per trained center word of each epoch.
    n_words_trained : int
        Center words trained over all epochs, after subsampling.
    """
    settings = make_settings(W, rng, **params)
    job_rngs = rng.spawn(settings.n_jobs)

    def work(weights, job):
        return _run_epochs(weights, corpus, settings, job, job_rngs[job])

    # One BLAS thread per job: the parallelism is ours, across minibatches.
    # Overflows are not warned of: a diverging fit raises FloatingPointError.
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        if settings.n_jobs == 1:
            results = [work(W, 0)]
        elif _CAN_FORK:
            results = _run_forked(W, settings.n_jobs, work)
        else:
            with ThreadPoolExecutor(max_workers=settings.n_jobs) as pool:
                jobs = range(settings.n_jobs)
                results = list(pool.map(work, [W] * settings.n_jobs, jobs))
    losses = np.sum([loss for loss, _ in results], axis=0)
    n_centers = results[0][1]
    return losses / np.maximum(n_centers, 1), int(n_centers.sum())


def _run_epochs(W, corpus, settings, job, rng):
    """Train job ``job``'s share of the minibatches of every epoch.

    Returns the summed loss of its minibatches and the number of center words
    of each epoch.
    """
    epochs, n_jobs = settings.epochs, settings.n_jobs
    batch_size = settings.batch_size
    losses = np.zeros(epochs)
    n_centers = np.zeros(epochs, dtype=np.int64)
    report = _Report(settings) if job == 0 and settings.verbose else None
    for epoch in range(epochs):
        for tokens, docs, spans, first_center in epoch_segments(
            corpus, settings, epoch
        ):
            # Jobs take turns over runs of minibatches, so the learning rate
            # decays evenly and a job lays out only its own runs; segments
            # hold whole minibatches, so batch k is global.
            starts = np.arange(0, len(spans), batch_size)
            batch = first_center // batch_size + np.arange(len(starts))
            starts = starts[batch // settings.turn_length % n_jobs == job]
            # Groups end at tenths of the epoch, where verbose=2 reports.
            tenth = (first_center + starts) * 10 // settings.epoch_centers
            for group in np.split(starts, np.flatnonzero(np.diff(tenth)) + 1):
                batches = minibatches(
                    tokens, docs, spans, group, first_center, epoch, settings, rng
                )
                losses[epoch] += train_batches(W, batches, settings)
                if report is not None and len(group):
                    done = first_center + min(group[-1] + batch_size, len(spans))
                    report.progress(epoch, done, losses[epoch] * n_jobs)
            n_centers[epoch] = first_center + len(spans)
        check_weights(W, settings.weight_limit, settings.learning_rate, n_jobs)
        if job != 0:
            continue
        mean_loss = losses[epoch] * n_jobs / max(n_centers[epoch], 1)
        if settings.epoch_callback is not None:
            settings.epoch_callback(epoch, mean_loss)
        if report is not None:
            report.epoch_end(epoch, n_centers[: epoch + 1].sum(), mean_loss)
    return losses, n_centers


class _Report:
    """Progress lines on stderr: one per epoch, and per tenth from verbose=2."""

    def __init__(self, settings):
        self.epochs = settings.epochs
        self.epoch_centers = settings.epoch_centers
        self.periodic = settings.verbose >= 2
        self.started = time.perf_counter()
        self.done_before = 0  # centers of the finished epochs
        self.tenth = 0

    def _timing(self, done):
        elapsed = time.perf_counter() - self.started
        total = self.epochs * self.epoch_centers
        speed = done / max(elapsed, 1e-9)
        return elapsed, speed, max(total - done, 0.0) / max(speed, 1e-9)

    def progress(self, epoch, done_in_epoch, loss_in_epoch):
        tenth = int(done_in_epoch * 10 // self.epoch_centers)
        if not self.periodic or tenth <= self.tenth or tenth >= 10:
            return
        self.tenth = tenth
        elapsed, speed, eta = self._timing(self.done_before + done_in_epoch)
        print(
            f"epoch {epoch + 1}/{self.epochs} {10 * tenth}%: "
            f"loss {loss_in_epoch / max(done_in_epoch, 1):.4f}, "
            f"{speed:,.0f} words/s, elapsed {elapsed:.1f}s, ETA {eta:.1f}s",
            file=sys.stderr,
        )

    def epoch_end(self, epoch, done, mean_loss):
        elapsed = time.perf_counter() - self.started
        self.done_before, self.tenth = done, 0
        print(
            f"epoch {epoch + 1}/{self.epochs}: loss {mean_loss:.4f}, "
            f"{done / elapsed:,.0f} words/s, elapsed {elapsed:.1f}s, "
            f"ETA {elapsed / (epoch + 1) * (self.epochs - epoch - 1):.1f}s",
            file=sys.stderr,
        )


def _run_forked(W, n_jobs, work):
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
