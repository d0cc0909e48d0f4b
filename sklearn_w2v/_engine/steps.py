"""What one minibatch step needs: the settings of a fit, the kernels, the batches.

:class:`TrainingSettings` holds the scalars and tables of a fit
(:func:`make_settings`); :data:`KERNELS` maps (algorithm, loss) to the step
of an output layer; :func:`epoch_segments` and :func:`minibatches` turn an
epoch of the encoded corpus into laid-out minibatches with their noise draws
and learning rates; :func:`train_batches` runs the kernel over them. The
executors (one process, forked jobs, shards) all train through these.
"""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .layout import lay_out_run
from .losses import hierarchical_softmax as _hierarchical_softmax
from .losses import negative_sampling as _negative_sampling
from .losses import softmax as _softmax
from .sampling import draw_negatives, stream_segments
from .weights import raise_diverged, weight_limit

#: The minibatch step of each (algorithm, loss): ``kernel(W, batch, outputs,
#: learning_rate)``, plus ``cbow_mean`` for CBOW.
KERNELS = {
    ("skipgram", "negative_sampling"): _negative_sampling.skipgram_update,
    ("cbow", "negative_sampling"): _negative_sampling.cbow_update,
    ("skipgram", "hierarchical_softmax"): _hierarchical_softmax.skipgram_update,
    ("cbow", "hierarchical_softmax"): _hierarchical_softmax.cbow_update,
    ("skipgram", "softmax"): _softmax.skipgram_update,
    ("cbow", "softmax"): _softmax.cbow_update,
}


@dataclass(frozen=True)
class TrainingSettings:
    """What the training loop reads: the scalars and tables of a fit.

    Built by :func:`make_settings`; its fields are the parameters of
    :func:`train` that the loop needs, and a few derived ones:

    Attributes
    ----------
    kernel : callable
        ``kernel(W, batch, outputs, learning_rate)``, the entry of
        :data:`KERNELS`, with ``cbow_mean`` bound for CBOW, and ``n_jobs``
        for CBOW and hierarchical softmax with parallel jobs.
    outputs : tuple of ndarray or None
        The Huffman tree for hierarchical softmax; ``None`` otherwise
        (negative sampling draws its noise words per run).
    window : int
        The layout's window: the drawn window, cut to the longest document.
    drawn_window : int
        The ``window`` parameter: spans are drawn in ``[1, drawn_window]``.
    epoch_centers : float
        Expected centers per epoch, over which the learning rate decays.
    turn_length : int
        See :func:`turn_length`.
    weight_limit : float
        See :func:`weight_limit`.
    epoch_seeds : ndarray of shape (epochs,), int64
        Seed of each epoch's stream: every job draws the same one.
    """

    kernel: Callable
    algorithm: str
    outputs: tuple | None
    noise_table: np.ndarray | None
    n_negative: int
    keep_prob: np.ndarray
    window: int
    drawn_window: int
    shrink_windows: bool
    learning_rate: float
    min_learning_rate: float
    epochs: int
    batch_size: int
    n_jobs: int
    epoch_centers: float
    turn_length: int
    weight_limit: float
    epoch_seeds: np.ndarray
    verbose: int
    epoch_callback: Callable | None

    def learning_rate_at(self, epoch, center):
        """Learning rate of a minibatch whose first center is ``center`` of ``epoch``.

        It decays linearly over all epochs, from ``learning_rate`` to
        ``min_learning_rate``; a center beyond the expected length of an
        epoch counts as its end.
        """
        position = center / self.epoch_centers
        progress = (epoch + min(position, 1.0)) / self.epochs
        return self.learning_rate - progress * (
            self.learning_rate - self.min_learning_rate
        )


def make_settings(
    W,
    rng,
    *,
    word_counts,
    keep_prob,
    noise_table,
    algorithm,
    window,
    shrink_windows,
    longest_document=None,
    loss="negative_sampling",
    huffman=None,
    n_negative,
    cbow_mean,
    learning_rate,
    min_learning_rate,
    epochs,
    batch_size,
    n_jobs,
    verbose,
    epoch_callback=None,
):
    """The settings of a fit; draws the seeds of its epochs from ``rng``.

    The parameters are those of :func:`train`.

    Returns
    -------
    settings : TrainingSettings
    """
    kernel = KERNELS[algorithm, loss]
    if algorithm == "cbow":
        kernel = functools.partial(kernel, cbow_mean=cbow_mean)
    if n_jobs > 1 and (algorithm == "cbow" or loss == "hierarchical_softmax"):
        # Each job damps its own steps; the jobs add theirs at once. Not for
        # skip-gram's other losses: there it cost quality, and no divergence
        # called for it. Skip-gram's hierarchical softmax, whose inner nodes
        # near the root every context meets, diverged without it; it divides
        # the cap of the output rows only (see skipgram_logistic_update).
        kernel = functools.partial(kernel, n_jobs=n_jobs)
    epoch_centers = max(float(np.dot(word_counts, keep_prob)), 1.0)
    # The layout's window: no context lies further away than this.
    max_span = window
    if longest_document is not None:
        max_span = min(window, max(longest_document - 1, 1))
    return TrainingSettings(
        kernel=kernel,
        algorithm=algorithm,
        outputs=huffman if loss == "hierarchical_softmax" else None,
        noise_table=noise_table if loss == "negative_sampling" else None,
        n_negative=n_negative,
        keep_prob=keep_prob,
        window=max_span,
        drawn_window=window,
        shrink_windows=shrink_windows,
        learning_rate=learning_rate,
        min_learning_rate=min_learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        n_jobs=n_jobs,
        epoch_centers=epoch_centers,
        turn_length=turn_length(epoch_centers, batch_size, n_jobs),
        weight_limit=weight_limit(W),
        epoch_seeds=rng.integers(np.iinfo(np.int64).max, size=epochs),
        verbose=verbose,
        epoch_callback=epoch_callback,
    )


# CBOW lays out the windows of this many consecutive minibatches at a time,
# and parallel jobs take turns over runs of at most this many minibatches.
_LAYOUT_BATCHES = 32


def turn_length(epoch_centers, batch_size, n_jobs):
    """Consecutive minibatches a parallel job trains before the next one's turn.

    Long turns let a job lay out its minibatches together; turns are kept
    short enough that every job has at least 16 per epoch, so that small
    corpora are shared evenly too.

    Parameters
    ----------
    epoch_centers : float
        Expected center words per epoch.
    batch_size : int
        Center words per minibatch.
    n_jobs : int
        Parallel jobs.

    Returns
    -------
    n_batches : int
        Between 1 and 32.

    Examples
    --------
    >>> from sklearn_w2v._engine.steps import turn_length
    >>> turn_length(1_300_000, 512, 2), turn_length(20_000, 512, 2)
    (32, 1)
    """
    n_batches = epoch_centers / batch_size
    return int(min(max(n_batches // (16 * n_jobs), 1), _LAYOUT_BATCHES))


def epoch_segments(corpus, settings, epoch):
    """The segments of the subsampled stream of ``epoch``.

    See :func:`~sklearn_w2v._engine.sampling.stream_segments`, which yields them.
    """
    return stream_segments(
        corpus,
        settings.keep_prob,
        window=settings.drawn_window,
        batch_size=settings.batch_size,
        shrink_windows=settings.shrink_windows,
        seed=settings.epoch_seeds[epoch],
        max_span=settings.window,
    )


def train_batches(W, batches, settings, row_curvature=None):
    """Run the kernel over the minibatches of ``batches``; return their summed loss.

    With ``row_curvature``, the kernel adds each row's summed curvature to it.
    """
    loss = 0.0
    kernel = settings.kernel
    if row_curvature is not None:
        kernel = functools.partial(kernel, row_curvature=row_curvature)
    for batch, outputs, learning_rate in batches:
        batch_loss = kernel(W, batch, outputs, learning_rate)
        if not math.isfinite(batch_loss):
            raise_diverged(settings.learning_rate, settings.n_jobs)
        loss += batch_loss
    return loss


def minibatches(tokens, docs, spans, starts, first_center, epoch, settings, rng):
    """Yield the minibatches of a segment that start at ``starts``.

    Consecutive minibatches are laid out run by run
    (:func:`~sklearn_w2v._engine.layout.lay_out_run`). The noise words of a run are
    drawn at once too: one long gather from the noise table costs less than
    many short ones.

    Parameters
    ----------
    tokens, docs, spans : ndarray
        A segment of :func:`epoch_segments`.
    starts : ndarray of shape (n_batches,), int
        First center of each minibatch in the segment.
    first_center : int
        Position of the segment's first center in its epoch.
    epoch : int
    settings : TrainingSettings
    rng : numpy.random.Generator
        Source of the noise draws.

    Yields
    ------
    batch : SkipgramBatch or CbowBatch
    outputs : ndarray, tuple or None
        The kernel's third argument: the noise words of the batch's windows
        (negative sampling), the Huffman tree, or ``None``.
    learning_rate : float
    """
    batch_size, n_centers = settings.batch_size, len(spans)
    for run_starts in _runs(starts, batch_size):
        first = run_starts[0]
        negatives = None
        if settings.noise_table is not None:
            last = min(run_starts[-1] + batch_size, n_centers)
            negatives = draw_negatives(
                settings.noise_table, (last - first, settings.n_negative), rng
            )
        batches = lay_out_run(
            tokens,
            docs,
            spans,
            run_starts,
            algorithm=settings.algorithm,
            window=settings.window,
            batch_size=batch_size,
        )
        for start, batch in zip(run_starts, batches, strict=True):
            outputs = settings.outputs
            if negatives is not None:
                stop = min(start + batch_size, n_centers)
                outputs = negatives[start - first : stop - first]
            yield batch, outputs, settings.learning_rate_at(epoch, first_center + start)


def _runs(starts, batch_size):
    """Split minibatch starts into runs of at most _LAYOUT_BATCHES consecutive ones."""
    breaks = np.flatnonzero(np.diff(starts) != batch_size) + 1
    return [
        run_starts
        for contiguous in np.split(starts, breaks)
        for run_starts in np.split(
            contiguous, np.arange(_LAYOUT_BATCHES, len(contiguous), _LAYOUT_BATCHES)
        )
        if len(run_starts)
    ]
