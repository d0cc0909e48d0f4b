"""What one minibatch step needs: the settings of a fit, the loss, the batches.

:class:`TrainingSettings` holds the scalars and tables of a fit and its loss
object (:func:`make_settings`); :func:`epoch_segments` and :func:`minibatches`
turn an epoch of the encoded corpus into laid-out minibatches with the loss's
draws and their learning rates; :func:`train_batches` runs the loss's step over
them. The executors (one process, forked jobs, shards) all train through these.
"""

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .composition import ComposedInput
from .hooks import timed, timed_iteration
from .layout import lay_out_run
from .losses.base import Damping, Loss
from .losses.hierarchical_softmax import HierarchicalSoftmax
from .losses.negative_sampling import NegativeSampling
from .losses.softmax import Softmax
from .sampling import stream_segments
from .weights import raise_diverged, weight_limit


@dataclass(frozen=True)
class TrainingSettings:
    """What the training loop reads: the scalars and tables of a fit.

    Built by :func:`make_settings`; its fields are the parameters of
    :func:`train` that the loop needs, and a few derived ones:

    Attributes
    ----------
    loss_name : {'negative_sampling', 'hierarchical_softmax', 'softmax'}
        The ``loss`` parameter.
    noise_table : ndarray or None
        Negative sampling's noise table; ``None`` for the other losses, and
        in the copy the sharded executor sends to its tasks (they read the
        table from a file and put it back with :func:`dataclasses.replace`).
    huffman : tuple of ndarray or None
        Hierarchical softmax's tree; ``None`` for the other losses.
    damping : Damping
        The jobs that share the weights, for the damping of every step
        (see :func:`make_settings`).
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
    composed_input : ComposedInput or None
        Input vectors composed from parameter rows (subword models), or
        ``None`` for word vectors of their own.
    loss : Loss
        Built from ``loss_name``, ``noise_table``, ``n_negative`` and
        ``huffman`` whenever settings are made, copies included.
    """

    algorithm: str
    loss_name: str
    noise_table: np.ndarray | None
    n_negative: int
    huffman: tuple | None
    cbow_mean: bool
    damping: Damping
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
    composed_input: ComposedInput | None
    loss: Loss = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.loss_name == "negative_sampling":
            loss = NegativeSampling(self.noise_table, self.n_negative)
        elif self.loss_name == "hierarchical_softmax":
            loss = HierarchicalSoftmax(self.huffman)
        else:
            loss = Softmax()
        object.__setattr__(self, "loss", loss)

    def step(self, W, batch, draws, learning_rate, damping):
        """Train the loss's step of ``algorithm`` on one minibatch; return its loss.

        With ``composed_input``, the step trains the composed vectors of the
        minibatch's input rows (:meth:`ComposedInput.around_step`).
        """
        if self.composed_input is None:
            return self._loss_step(W, batch, draws, learning_rate, damping)
        if self.composed_input.first_row:
            batch = batch.shifted(self.composed_input.first_row)
        return self.composed_input.around_step(
            W[0],
            batch.input_rows(),
            functools.partial(self._loss_step, W, batch, draws, learning_rate, damping),
        )

    def _loss_step(self, W, batch, draws, learning_rate, damping):
        if self.algorithm == "cbow":
            return self.loss.cbow_step(
                W, batch, draws, learning_rate, damping, cbow_mean=self.cbow_mean
            )
        return self.loss.skipgram_step(W, batch, draws, learning_rate, damping)

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
    composed_input=None,
):
    """The settings of a fit; draws the seeds of its epochs from ``rng``.

    The parameters are those of :func:`train`.

    Returns
    -------
    settings : TrainingSettings
    """
    n_shared = 1
    if algorithm == "cbow" or loss == "hierarchical_softmax":
        # Each job damps its own steps; the jobs add theirs at once. Not for
        # skip-gram's other losses: there it cost quality, and no divergence
        # called for it. Skip-gram's hierarchical softmax, whose inner nodes
        # near the root every context meets, diverged without it; it divides
        # the cap of the output rows only (see skipgram_logistic_update).
        n_shared = n_jobs
    epoch_centers = max(float(np.dot(word_counts, keep_prob)), 1.0)
    # The layout's window: no context lies further away than this.
    max_span = window
    if longest_document is not None:
        max_span = min(window, max(longest_document - 1, 1))
    return TrainingSettings(
        algorithm=algorithm,
        loss_name=loss,
        noise_table=noise_table if loss == "negative_sampling" else None,
        n_negative=n_negative,
        huffman=huffman if loss == "hierarchical_softmax" else None,
        cbow_mean=cbow_mean,
        damping=Damping(n_jobs=n_shared),
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
        composed_input=composed_input,
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


def epoch_segments(corpus, settings, epoch, seed=None):
    """The segments of the subsampled stream of ``epoch``.

    See :func:`~sklearn_w2v._engine.sampling.stream_segments`, which yields them.
    The stream is drawn from ``seed`` if given (a sharded task's own), else
    from ``settings.epoch_seeds[epoch]``.
    """
    return stream_segments(
        corpus,
        settings.keep_prob,
        window=settings.drawn_window,
        batch_size=settings.batch_size,
        shrink_windows=settings.shrink_windows,
        seed=settings.epoch_seeds[epoch] if seed is None else seed,
        max_span=settings.window,
    )


def train_batches(W, batches, settings, row_curvature=None):
    """Train the loss's step on each of ``batches``; return their summed loss.

    With ``row_curvature``, each step adds each row's summed curvature to it
    (:class:`~sklearn_w2v._engine.losses.base.Damping`).
    """
    damping = settings.damping
    if row_curvature is not None:
        damping = dataclasses.replace(damping, row_curvature=row_curvature)
    loss = 0.0
    for batch, draws, learning_rate in batches:
        with timed("arithmetic"):
            batch_loss = settings.step(W, batch, draws, learning_rate, damping)
        if not math.isfinite(batch_loss):
            raise_diverged(settings.learning_rate, settings.n_jobs)
        loss += batch_loss
    return loss


def minibatches(tokens, docs, spans, starts, first_center, epoch, settings, rng):
    """Yield the minibatches of a segment that start at ``starts``.

    Consecutive minibatches are laid out run by run
    (:func:`~sklearn_w2v._engine.layout.lay_out_run`), and the loss draws
    what the windows of a run need at once (:meth:`Loss.draw`: one long
    gather from the noise table costs less than many short ones).

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
        Source of the loss's draws.

    Yields
    ------
    batch : SkipgramBatch or CbowBatch
    draws : ndarray or None
        The loss's draws for the batch's windows (negative sampling's noise
        words), or ``None`` for a loss that draws nothing.
    learning_rate : float
    """
    batch_size, n_centers = settings.batch_size, len(spans)
    for run_starts in _runs(starts, batch_size):
        first = run_starts[0]
        last = min(run_starts[-1] + batch_size, n_centers)
        draws = settings.loss.draw(last - first, rng)
        batches = lay_out_run(
            tokens,
            docs,
            spans,
            run_starts,
            algorithm=settings.algorithm,
            window=settings.window,
            batch_size=batch_size,
        )
        batches = timed_iteration("layout", batches)
        for start, batch in zip(run_starts, batches, strict=True):
            batch_draws = None
            if draws is not None:
                # The run's draws are window by window, from its first center.
                stop = min(start + batch_size, n_centers)
                batch_draws = draws[start - first : stop - first]
            yield (
                batch,
                batch_draws,
                settings.learning_rate_at(epoch, first_center + start),
            )


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
