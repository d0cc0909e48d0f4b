"""Vocabulary: counting, pruning, frequency order, subsampling and noise laws.

Every function here works on arrays of counts or word ids; the only loop over
tokens is the dictionary lookup that turns strings into integer ids, which
Python cannot vectorize (``CountVectorizer`` does the same).
"""

from collections import defaultdict
from itertools import compress, repeat

import numpy as np


class WordCounter:
    """Counts of words numbered in first-seen order, with pruning of the rarest.

    The counting pass of ``fit``: each distinct word gets a *slot* (a
    provisional id) the first time it is seen, and ``add`` counts arrays of
    slots. ``prune`` drops the rarest words as the word2vec C tool's
    ``ReduceVocab`` does, renumbering the survivors.

    Attributes
    ----------
    slots : dict of str to int
        Slot of each word held; a missing word looked up with ``[]`` takes
        the next slot, so ``map(slots.__getitem__, tokens)`` numbers new
        words at C speed, without a Python call per token (as
        CountVectorizer's vocabulary does).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.vocabulary import WordCounter
    >>> counter = WordCounter()
    >>> counter.add(np.fromiter(map(counter.slots.__getitem__, "abacab"), np.int32))
    >>> list(counter.slots), counter.counts.tolist()
    (['a', 'b', 'c'], [3, 2, 1])
    >>> counter.prune(1).tolist()
    [True, True, False]
    >>> dict(counter.slots), counter.counts.tolist()
    ({'a': 0, 'b': 1}, [3, 2])
    """

    def __init__(self):
        self.slots = slot_table()
        # Spare capacity; _counts[:len(slots)] is live.
        self._counts = np.zeros(1024, dtype=np.int64)

    @property
    def counts(self):
        """Occurrences of each held word (array of shape (len(slots),), int64)."""
        return self._counts[: len(self.slots)]

    def __getstate__(self):
        # The slot table's default factory is a method of the table, which
        # pickle cannot rebuild: the words in slot order rebuild it.
        return list(self.slots), self.counts.copy()

    def __setstate__(self, state):
        words, self._counts = state
        self.slots = slot_table(zip(words, range(len(words)), strict=True))

    def add(self, slots):
        """Count occurrences of slots, in place.

        Parameters
        ----------
        slots : ndarray of shape (n_tokens,), int
            Slots taken from ``self.slots``.
        """
        n_slots = len(self.slots)
        if n_slots > len(self._counts):
            grown = np.zeros(max(n_slots, 2 * len(self._counts)), dtype=np.int64)
            grown[: len(self._counts)] = self._counts
            self._counts = grown
        counts = np.bincount(slots)
        self._counts[: len(counts)] += counts

    def prune(self, threshold):
        """Drop, in place, the words counted ``threshold`` times or fewer.

        The survivors keep their order and take the first slots.

        Parameters
        ----------
        threshold : int
            Largest count of a dropped word.

        Returns
        -------
        keep : ndarray of shape (n_slots_before,), bool
            Which of the previous slots survived.
        """
        keep = self.counts > threshold
        survivors = list(compress(self.slots, keep.tolist()))
        self.slots = slot_table(zip(survivors, range(len(survivors)), strict=True))
        counts = np.zeros(max(len(survivors), 1024), dtype=np.int64)
        counts[: len(survivors)] = self._counts[: len(keep)][keep]
        self._counts = counts
        return keep


def slot_table(items=()):
    """Word -> slot dictionary in which a missing word takes the next slot."""
    table = defaultdict(None, items)
    table.default_factory = table.__len__
    return table


def select_vocabulary(counts, *, min_count, max_features):
    """Choose the kept words and order them by decreasing frequency.

    Ties keep their provisional (first-seen) order, so the result is
    deterministic and matches gensim's sort.

    Parameters
    ----------
    counts : ndarray of shape (n_candidates,), int64
        Occurrences of each provisional id.
    min_count : int
        Words with fewer occurrences are dropped.
    max_features : int or None
        Keep at most this many of the most frequent remaining words.

    Returns
    -------
    kept : ndarray of shape (n_words,), int64
        Provisional ids of the kept words, most frequent first; the final id
        of ``kept[j]`` is ``j``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.vocabulary import select_vocabulary
    >>> select_vocabulary(np.array([2, 5, 1, 5]), min_count=2, max_features=None)
    array([1, 3, 0])
    """
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] >= min_count]
    if max_features is not None:
        order = order[:max_features]
    return order


def extend_vocabulary(counts, rows, *, n_rows, min_count, max_features):
    """Rows of counted words in a vocabulary that new words may join.

    Words already in the vocabulary keep their rows; a new word joins when
    it is counted ``min_count`` times or more, after the existing rows, most
    frequent first (ties in the order of ``counts``), while the vocabulary
    holds at most ``max_features`` words. An empty vocabulary
    (``n_rows=0``) gives the choice of :func:`select_vocabulary`.

    Parameters
    ----------
    counts : ndarray of shape (n_candidates,), int64
        Occurrences of each counted word.
    rows : ndarray of shape (n_candidates,), int
        Row of each counted word already in the vocabulary, -1 for the
        others.
    n_rows : int
        Words in the vocabulary so far.
    min_count : int
        Occurrences a new word needs.
    max_features : int or None
        Largest vocabulary size; never shrinks the vocabulary.

    Returns
    -------
    rows : ndarray of shape (n_candidates,), int32
        Row of every counted word in the extended vocabulary, -1 for the
        words left out.
    joining : ndarray of shape (n_new,), int64
        Candidates that joined, in the order of their new rows
        ``n_rows, n_rows + 1, ...``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.vocabulary import extend_vocabulary
    >>> rows, joining = extend_vocabulary(
    ...     np.array([4, 1, 2, 3]), np.array([-1, 0, -1, -1]), n_rows=2,
    ...     min_count=3, max_features=None)
    >>> rows.tolist(), joining.tolist()
    ([2, 0, -1, 3], [0, 3])
    """
    rows = np.asarray(rows).astype(np.int32)
    candidates = np.flatnonzero(rows < 0)
    room = None if max_features is None else max(max_features - n_rows, 0)
    joining = candidates[
        select_vocabulary(counts[candidates], min_count=min_count, max_features=room)
    ]
    rows[joining] = np.arange(n_rows, n_rows + len(joining), dtype=np.int32)
    return rows, joining


def grow_vocabulary(index_to_key, words, counts, *, min_count, max_features):
    """Extend a vocabulary with the frequent new words of a counting pass.

    Parameters
    ----------
    index_to_key : list of str
        The vocabulary so far (empty for ``fit``); its words keep their rows.
    words : list of str
        The words counted, in slot order.
    counts : ndarray of shape (len(words),), int64
        Their occurrences.
    min_count, max_features : int or None
        As in :func:`extend_vocabulary`.

    Returns
    -------
    index_to_key : list of str
        The extended vocabulary.
    rows : ndarray of shape (len(words),), int32
        Row of each counted word, -1 for the words left out.
    counts_in_X : ndarray of shape (len(index_to_key),), int64
        Occurrences of each vocabulary word in this counting pass.

    Raises
    ------
    ValueError
        If the vocabulary would be empty.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.vocabulary import grow_vocabulary
    >>> keys, rows, counts = grow_vocabulary(
    ...     ["a"], ["b", "a", "c"], np.array([3, 2, 1]), min_count=2,
    ...     max_features=None)
    >>> keys, rows.tolist(), counts.tolist()
    (['a', 'b'], [1, 0, -1], [2, 3])
    """
    key_to_index = {key: i for i, key in enumerate(index_to_key)}
    known = np.fromiter(
        map(key_to_index.get, words, repeat(-1)), dtype=np.int64, count=len(words)
    )
    rows, joining = extend_vocabulary(
        counts,
        known,
        n_rows=len(index_to_key),
        min_count=min_count,
        max_features=max_features,
    )
    index_to_key = list(index_to_key) + [words[i] for i in joining]
    if not index_to_key:
        raise ValueError(
            f"min_count={min_count} leaves an empty vocabulary: no token occurs "
            f"{min_count} times or more."
        )
    counts_in_X = np.zeros(len(index_to_key), dtype=np.int64)
    counted = rows >= 0
    counts_in_X[rows[counted]] = counts[counted]
    return index_to_key, rows, counts_in_X
