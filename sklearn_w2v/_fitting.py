"""Around an engine fit: the fit's generator, and the fit it goes on from."""

from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state


@dataclass(frozen=True)
class PreviousFit:
    """The fitted state that a fit goes on from: empty for ``fit``.

    ``partial_fit`` passes the vectorizer's fitted vocabulary, counts,
    weights, generator, loss curve and document frequencies, so that ``fit``
    and ``partial_fit`` take one path.
    """

    index_to_key: list
    word_counts: np.ndarray
    W_in: np.ndarray
    W_out: np.ndarray
    rng: np.random.Generator
    loss_curve: np.ndarray
    n_words_trained: int
    document_frequency: tuple | None

    @classmethod
    def empty(cls, n_components, rng):
        """The state before any training: no words, a fresh generator."""
        no_vectors = np.zeros((0, n_components), dtype=np.float32)
        return cls(
            index_to_key=[],
            word_counts=np.zeros(0, dtype=np.int64),
            W_in=no_vectors,
            W_out=no_vectors,
            rng=rng,
            loss_curve=np.zeros(0),
            n_words_trained=0,
            document_frequency=None,
        )


def make_generator(random_state):
    """Derive the one :class:`numpy.random.Generator` of a fit from ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        As accepted by scikit-learn estimators.

    Returns
    -------
    rng : numpy.random.Generator

    Examples
    --------
    >>> from sklearn_w2v._fitting import make_generator
    >>> int(make_generator(0).integers(100)) == int(make_generator(0).integers(100))
    True
    """
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)
