"""The lines that ``verbose`` promises, whichever executor trains.

One line per epoch from ``verbose=1`` (mean loss, words/s, elapsed time,
ETA), and from ``verbose=2`` one at every tenth of an epoch too. The loop
prints the epoch lines; an executor reports its progress inside an epoch,
and :class:`Progress` prints a line whenever a tenth is crossed.
"""

import sys
import time


class Progress:
    """Progress lines of a fit: one per epoch, and per tenth from verbose=2.

    Parameters
    ----------
    settings : TrainingSettings
        Reads ``epochs``, ``epoch_centers`` (the expected centers of an
        epoch, which the tenths divide) and ``verbose``.
    file : file object, default=None
        Where the lines go; None is :data:`sys.stderr`.

    Examples
    --------
    >>> import sys
    >>> from types import SimpleNamespace
    >>> from sklearn_w2v._engine.progress import Progress
    >>> settings = SimpleNamespace(epochs=2, epoch_centers=100, verbose=2)
    >>> progress = Progress(settings, file=sys.stdout)
    >>> progress.within_epoch(0, 25, 50.0)  # doctest: +ELLIPSIS
    epoch 1/2 20%: loss 2.0000, ... words/s, elapsed ...s, ETA ...s
    >>> progress.within_epoch(0, 28, 56.0)  # still in the same tenth
    >>> progress.epoch_end(0, 100, 1.5)  # doctest: +ELLIPSIS
    epoch 1/2: loss 1.5000, ... words/s, elapsed ...s, ETA ...s
    """

    def __init__(self, settings, file=None):
        self.epochs = settings.epochs
        self.epoch_centers = settings.epoch_centers
        self.periodic = settings.verbose >= 2
        self.file = file
        self.started = time.perf_counter()
        self.done_before = 0  # centers of the finished epochs
        self.tenth = 0

    def _print(self, line):
        print(line, file=sys.stderr if self.file is None else self.file)

    def within_epoch(self, epoch, done_in_epoch, loss_in_epoch):
        """Print a line if ``done_in_epoch`` centers reach a new tenth of ``epoch``.

        ``loss_in_epoch`` is the summed loss of those centers.
        """
        tenth = int(done_in_epoch * 10 // self.epoch_centers)
        if not self.periodic or tenth <= self.tenth or tenth >= 10:
            return
        self.tenth = tenth
        elapsed = time.perf_counter() - self.started
        done = self.done_before + done_in_epoch
        speed = done / max(elapsed, 1e-9)
        eta = max(self.epochs * self.epoch_centers - done, 0.0) / max(speed, 1e-9)
        self._print(
            f"epoch {epoch + 1}/{self.epochs} {10 * tenth}%: "
            f"loss {loss_in_epoch / max(done_in_epoch, 1):.4f}, "
            f"{speed:,.0f} words/s, elapsed {elapsed:.1f}s, ETA {eta:.1f}s"
        )

    def epoch_end(self, epoch, done, mean_loss):
        """Print the line of ``epoch``, ``done`` centers trained since the start."""
        elapsed = time.perf_counter() - self.started
        self.done_before, self.tenth = done, 0
        self._print(
            f"epoch {epoch + 1}/{self.epochs}: loss {mean_loss:.4f}, "
            f"{done / elapsed:,.0f} words/s, elapsed {elapsed:.1f}s, "
            f"ETA {elapsed / (epoch + 1) * (self.epochs - epoch - 1):.1f}s"
        )
