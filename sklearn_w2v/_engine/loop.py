"""The training loop, and its local executor: one job, or parallel jobs.

The engine is a matrix of algorithm x input x output layer.
:mod:`~sklearn_w2v._engine.layout` says which rows meet (a run of the
subsampled stream as typed batches), the input how a word's vector is built
(its own row, or composed from subword rows:
:mod:`~sklearn_w2v._engine.composition`), an output layer
(:mod:`~sklearn_w2v._engine.losses.negative_sampling`,
:mod:`~sklearn_w2v._engine.losses.hierarchical_softmax`,
:mod:`~sklearn_w2v._engine.losses.softmax`) says what they compute, and
:func:`run_epochs` runs the epochs: it owns the weight check, the loss,
the callbacks and ``verbose``, and asks an executor to train each epoch's
segment. The executors are :class:`LocalExecutor` here (one job, or each of
the jobs of :func:`train`) and
:class:`~sklearn_w2v._engine.sharded.ShardedExecutor` (replicas of the
shards in synchronous rounds); both train the minibatches of
:mod:`~sklearn_w2v._engine.steps`.

An executor answers ``train_epoch(W, epoch, progress)`` with the summed loss
of the minibatches it trained and the centers of the whole epoch, and calls
``progress.within_epoch`` (when ``progress`` is not None) as it goes.
"""

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import hooks
from .blas_threads import one_blas_thread
from .composition import job_input_blocks
from .jobs import CAN_FORK, run_forked
from .progress import Progress
from .steps import epoch_segments, minibatches, train_batches
from .weights import check_weights


def run_epochs(W, settings, executor, *, reports=True):
    """Train every epoch with ``executor``, updating ``W`` in place.

    After each epoch the weights are checked; then, if ``reports``, the
    epoch's mean loss goes to ``settings.epoch_callback`` and, with
    ``settings.verbose``, to stderr. Each of parallel jobs trains ``1 /
    n_jobs`` of the minibatches, so its loss is scaled by ``n_jobs`` there.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input and output vectors, each with a zero padding row last.
    settings : TrainingSettings
    executor : object
        With ``train_epoch(W, epoch, progress)`` returning ``(loss,
        n_centers)``: the summed loss of the minibatches it trained, and the
        centers of the epoch.
    reports : bool, default=True
        Whether this loop calls the callback and prints (the first of
        parallel jobs only).

    Returns
    -------
    losses : ndarray of shape (epochs,), float64
        Summed loss of the minibatches trained in each epoch.
    n_centers : ndarray of shape (epochs,), int64
        Centers of each epoch.
    """
    losses = np.zeros(settings.epochs)
    n_centers = np.zeros(settings.epochs, dtype=np.int64)
    progress = Progress(settings) if reports and settings.verbose else None
    for epoch in range(settings.epochs):
        losses[epoch], n_centers[epoch] = executor.train_epoch(W, epoch, progress)
        check_weights(W, settings.weight_limit, settings.learning_rate, settings.n_jobs)
        if not reports:
            continue
        mean_loss = losses[epoch] * settings.n_jobs / max(n_centers[epoch], 1)
        if settings.epoch_callback is not None:
            settings.epoch_callback(epoch, mean_loss)
        if progress is not None:
            progress.epoch_end(epoch, n_centers[: epoch + 1].sum(), mean_loss)
    return losses, n_centers


def loss_curve(results):
    """The loss curve and centers trained of the ``run_epochs`` results of a fit.

    Parameters
    ----------
    results : list of (losses, n_centers)
        What :func:`run_epochs` returned, for every job of the fit.

    Returns
    -------
    loss_curve : ndarray of shape (epochs,), float64
        Mean loss per trained center word of each epoch, over all jobs.
    n_words_trained : int
        Center words trained over all epochs, after subsampling.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.loop import loss_curve
    >>> job = (np.array([3.0, 1.0]), np.array([4, 4]))
    >>> curve, n_words_trained = loss_curve([job, job])
    >>> curve.tolist(), n_words_trained
    ([1.5, 0.5], 8)
    """
    losses = np.sum([losses for losses, _ in results], axis=0)
    n_centers = results[0][1]
    return losses / np.maximum(n_centers, 1), int(n_centers.sum())


class LocalExecutor:
    """Trains one job's share of every epoch's minibatches, in this process.

    Parallel jobs take turns over runs of ``settings.turn_length``
    minibatches, so that the learning rate decays evenly and a job lays out
    only its own runs; with one job, the job trains them all.

    Parameters
    ----------
    corpus : iterable of (ids, doc_ids)
        Re-iterable chunks of the encoded corpus, read once per epoch.
    settings : TrainingSettings
    job : int
        Index of the job, below ``settings.n_jobs``.
    rng : numpy.random.Generator
        The job's source of noise draws.
    """

    def __init__(self, corpus, settings, job, rng):
        self.corpus = corpus
        self.settings = settings
        self.job = job
        self.rng = rng

    def train_epoch(self, W, epoch, progress):
        """Train this job's turns of ``epoch``: its summed loss, the epoch's centers."""
        settings, batch_size = self.settings, self.settings.batch_size
        loss, n_centers = 0.0, 0
        segments = epoch_segments(self.corpus, settings, epoch)
        for tokens, docs, spans, first_center in hooks.timed_iteration(
            "stream", segments
        ):
            # Segments hold whole minibatches, so batch k is global.
            starts = np.arange(0, len(spans), batch_size)
            batch = first_center // batch_size + np.arange(len(starts))
            turn = batch // settings.turn_length % settings.n_jobs
            starts = starts[turn == self.job]
            # Groups end at tenths of the epoch, where verbose=2 reports.
            tenth = (first_center + starts) * 10 // settings.epoch_centers
            for group in np.split(starts, np.flatnonzero(np.diff(tenth)) + 1):
                batches = minibatches(
                    tokens, docs, spans, group, first_center, epoch, settings, self.rng
                )
                loss += train_batches(W, batches, settings)
                if progress is not None and len(group):
                    done = first_center + min(group[-1] + batch_size, len(spans))
                    progress.within_epoch(epoch, done, loss * settings.n_jobs)
            n_centers = first_center + len(spans)
        return loss, n_centers


def train(W, corpus, settings, rng):
    """Train word2vec on an encoded corpus in this process, updating ``W`` in place.

    The corpus is read once per epoch, chunk by chunk (see
    :func:`~sklearn_w2v._engine.sampling.stream_segments`); memory holds one
    chunk, never the corpus. With ``settings.n_jobs > 1`` the jobs train on
    shared weights (Hogwild): forked processes on Linux
    (:func:`~sklearn_w2v._engine.jobs.run_forked`), threads elsewhere; each
    runs :func:`run_epochs` over its own turns, and the first reports.

    With ``settings.composed_input`` (a subword model), the jobs train its
    parameters in place, sharing them as they share ``W`` (each composing
    in input rows of its own,
    :func:`~sklearn_w2v._engine.composition.job_input_blocks`), and ``W[0]``
    ends holding the composed vector of every word.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input and output vectors, each with a zero padding row last.
    corpus : iterable of (ids, doc_ids)
        Re-iterable: each iteration is one pass over the corpus, in chunks of
        word ids (int32) and document indices (int32) of its in-vocabulary
        tokens, such as a :class:`~sklearn_w2v._corpus.spool.CorpusSpool` or
        ``[(ids, doc_ids)]``.
    settings : TrainingSettings
        Of :func:`~sklearn_w2v._engine.steps.make_settings`, whose
        parameters are: ``word_counts`` (occurrences of each word in
        ``corpus``; with ``keep_prob`` they give the expected length of an
        epoch, over which the learning rate decays), ``keep_prob`` (the
        subsampling keep probability of each word), ``noise_table`` (lookup
        table of the noise distribution), ``algorithm`` ('skipgram' or
        'cbow'), ``loss`` (the output layer), ``huffman`` (``(points, codes,
        lengths)`` of :func:`~sklearn_w2v._engine.tables.huffman_tree`, for
        hierarchical softmax), ``window``, ``n_negative``, ``epochs``,
        ``batch_size``, ``n_jobs``, ``longest_document`` (spans are cut to
        one less, so that a window wider than every document costs no more
        than the documents), ``shrink_windows``, ``cbow_mean``,
        ``learning_rate``, ``min_learning_rate``, ``verbose`` (one line per
        epoch on stderr from 1, and at every tenth of an epoch from 2) and
        ``epoch_callback`` (called after each epoch as
        ``epoch_callback(epoch, loss)`` with the mean loss of the epoch's
        minibatches trained by the first job, all of them with one job).
    rng : numpy.random.Generator
        Source of every draw of the minibatches; with ``n_jobs=1`` the result
        is a function of its state and the settings alone, whatever the
        chunking of ``corpus``.

    Returns
    -------
    loss_curve : ndarray of shape (epochs,), float64
        Mean loss per trained center word of each epoch.
    n_words_trained : int
        Center words trained over all epochs, after subsampling.
    """
    n_jobs = settings.n_jobs
    job_rngs = rng.spawn(n_jobs)
    composed, W_jobs = settings.composed_input, W
    if composed is not None and n_jobs > 1:
        W_jobs = job_input_blocks(W, n_jobs)
        if CAN_FORK:
            composed = composed.shared()

    def work(weights, job):
        job_settings = settings
        if composed is not None:
            first_row = job * W.shape[1]
            job_input = dataclasses.replace(composed, first_row=first_row)
            job_settings = dataclasses.replace(settings, composed_input=job_input)
        executor = LocalExecutor(corpus, job_settings, job, job_rngs[job])
        return run_epochs(weights, job_settings, executor, reports=job == 0)

    # One BLAS thread per job: the parallelism is ours, across minibatches.
    # Overflows are not warned of: a diverging fit raises FloatingPointError.
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        if n_jobs == 1:
            results = [work(W, 0)]
        elif CAN_FORK:
            results = run_forked(W_jobs, n_jobs, work)
        else:
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                results = list(pool.map(work, [W_jobs] * n_jobs, range(n_jobs)))
    if composed is not None:
        W[1] = W_jobs[1, : W.shape[1]]
        settings.composed_input.parameters[...] = composed.parameters
        settings.composed_input.compose(W[0])
    return loss_curve(results)
