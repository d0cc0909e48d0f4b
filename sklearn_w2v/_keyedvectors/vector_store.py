"""Storage of KeyedVectors: keys, vectors, per-key attributes and their editing.

:class:`~sklearn_w2v.KeyedVectors` adds the similarity queries on top.
"""

import numbers

import numpy as np

from .similarity import unit_rows
from .subwords import check_subwords
from .word2vec_format import DTYPES


class VectorStore:
    """Keys, their vectors and per-key attributes such as word counts.

    The storage half of :class:`~sklearn_w2v.KeyedVectors`, documented there.
    """

    def __init__(self, keys, vectors, counts=None, dtype=np.float32, subwords=None):
        keys = list(keys)
        if not all(isinstance(key, str) for key in keys):
            bad = next(key for key in keys if not isinstance(key, str))
            raise TypeError(f"keys must be str, got {type(bad).__name__}: {bad!r}.")
        keys = list(map(str, keys))  # plain str, e.g. from numpy's str_
        key_to_index = {key: index for index, key in enumerate(keys)}
        if len(key_to_index) != len(keys):
            raise ValueError(
                f"keys must be distinct; {_duplicate(keys)!r} occurs twice."
            )
        if np.dtype(dtype) not in DTYPES:
            raise ValueError(
                f"dtype must be float16, float32 or float64, got {np.dtype(dtype)}."
            )
        self.index_to_key = keys
        self.key_to_index = key_to_index
        self._dtype = np.dtype(dtype)
        self._normed = None
        self._vecattrs = {}
        self.vectors = vectors
        if counts is not None:
            self._vecattrs["count"] = _check_counts(counts, len(keys))
        self.subwords = check_subwords(subwords, self.vector_size)

    @property
    def vectors(self):
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        value = np.ascontiguousarray(value, dtype=self._dtype)
        if value.ndim != 2:
            raise ValueError(
                "vectors must be a 2-D array of shape (n_keys, vector_size), "
                f"got shape {value.shape}."
            )
        if value.shape[0] != len(self.index_to_key):
            raise ValueError(
                f"vectors has {value.shape[0]} rows but there are "
                f"{len(self.index_to_key)} keys; expected one row per key."
            )
        self._vectors = value
        self._normed = None

    @property
    def vector_size(self):
        return self._vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, key):
        return key in self.key_to_index

    def __repr__(self):
        return (
            f"{type(self).__name__}(n_keys={len(self)}, vector_size={self.vector_size})"
        )

    def __getitem__(self, keys):
        """Vector of one key, or a 2-D array of the vectors of a list of keys.

        Parameters
        ----------
        keys : str or sequence of str
            One key or several: keys of the vocabulary, or with ``subwords``
            any word one of whose n-grams has a vector.

        Returns
        -------
        ndarray of shape (vector_size,) or (n, vector_size)
            A read-only view for one key of the vocabulary, a new array for
            a list of keys or an unseen word.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 2.0]])
        >>> kv["b"].tolist()
        [0.0, 2.0]
        >>> kv[["b", "a", "b"]].shape
        (3, 2)
        """
        if isinstance(keys, str):
            return self.get_vector(keys)
        return self._vectors[[self.get_index(key) for key in keys]]

    def __setitem__(self, keys, vectors):
        """Set the vectors of keys, adding the new ones: ``add_vectors(replace=True)``.

        Parameters
        ----------
        keys : str or sequence of str
            One key or several.
        vectors : array-like of shape (vector_size,) or (n_keys, vector_size)
            Their vectors.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a"], [[1.0, 0.0]])
        >>> kv["b"] = [0.0, 3.0]
        >>> kv["a"] = [2.0, 2.0]
        >>> kv.index_to_key, kv.vectors.tolist()
        (['a', 'b'], [[2.0, 2.0], [0.0, 3.0]])
        """
        self.add_vectors(keys, vectors, replace=True)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_normed"] = None  # recomputed on demand; pickles stay small
        return state

    def __setstate__(self, state):
        # Pickles made before subword vectors existed have no "subwords".
        self.__dict__.update({"subwords": None, **state})

    def __sklearn_clone__(self):
        # As an estimator parameter (EmbeddingVectorizer(vectors),
        # init_vectors) the vectors are data, possibly gigabytes, that the
        # estimator only reads: clone shares them instead of deep-copying.
        return self

    def get_index(self, key):
        """Row of `key` in ``vectors``.

        Parameters
        ----------
        key : str
            A key of the vocabulary.

        Returns
        -------
        int
            Its row.

        Raises
        ------
        KeyError
            If `key` is not in the vocabulary.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 2.0]])
        >>> kv.get_index("b")
        1
        """
        try:
            return self.key_to_index[key]
        except (KeyError, TypeError):
            raise KeyError(f"Key {key!r} not present in vocabulary") from None

    def has_index_for(self, key):
        """Whether `key` is in the vocabulary (has a row of its own).

        Without ``subwords`` the same as ``key in kv``; with them, ``key in
        kv`` is also true of an unseen word that has a composed vector.

        Parameters
        ----------
        key : str
            Any key.

        Returns
        -------
        bool
            True if `key` is in the vocabulary.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a"], [[1.0, 0.0]])
        >>> kv.has_index_for("a"), kv.has_index_for("b")
        (True, False)
        """
        return key in self.key_to_index

    def get_vector(self, key, norm=False):
        """Vector of `key`, optionally scaled to unit length.

        Parameters
        ----------
        key : str
            A key of the vocabulary, or with ``subwords`` any word one of
            whose n-grams has a vector (the mean of those vectors).
        norm : bool, default=False
            Return the unit-normalised vector (a zero vector stays zero).

        Returns
        -------
        ndarray of shape (vector_size,)
            A read-only array.

        Raises
        ------
        KeyError
            If `key` has no vector.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[3.0, 4.0], [0.0, 2.0]])
        >>> print(kv.get_vector("a"), kv.get_vector("a", norm=True).round(2))
        [3. 4.] [0.6 0.8]
        """
        index = self.get_index(key)
        if norm:
            return self.get_normed_vectors()[index]
        row = self._vectors[index]
        row.setflags(write=False)
        return row

    def fill_norms(self, force=False):
        """Compute the cache of unit-normalised vectors, if absent or if `force`.

        Call with ``force=True`` after modifying ``vectors`` in place; assigning a
        new array to ``vectors`` and the methods that edit it clear the cache.

        Parameters
        ----------
        force : bool, default=False
            Recompute even if the cache exists.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 2.0]])
        >>> kv.vectors[1] = [2.0, 0.0]
        >>> kv.fill_norms(force=True)
        >>> round(kv.most_similar("a", topn=1)[0][1], 3)
        1.0
        """
        if self._normed is None or force:
            normed = unit_rows(self._vectors)
            normed.setflags(write=False)
            self._normed = normed

    def get_normed_vectors(self):
        """All vectors scaled to unit length (zero vectors stay zero).

        Normalised in float64 and stored as float32 (float64 if the vectors
        are), so that each unit vector is as exact as its dtype allows.

        Returns
        -------
        ndarray of shape (n_keys, vector_size)
            The cached, read-only array.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[3.0, 4.0], [0.0, 0.0]])
        >>> print(kv.get_normed_vectors().round(2))
        [[0.6 0.8]
         [0.  0. ]]
        """
        self.fill_norms()
        return self._normed

    def unit_normalize_all(self):
        """Scale all vectors to unit length, in place (zero vectors stay zero).

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[3.0, 4.0], [0.0, 2.0]])
        >>> kv.unit_normalize_all()
        >>> print(kv.vectors.round(2))
        [[0.6 0.8]
         [0.  1. ]]
        """
        self.vectors = np.array(self.get_normed_vectors())  # writable copy

    def add_vectors(self, keys, weights, extras=None, replace=False):
        """Append new keys and their vectors; optionally replace existing ones.

        Parameters
        ----------
        keys : str or sequence of str
            Distinct keys.
        weights : array-like of shape (vector_size,) or (n_keys, vector_size)
            Their vectors, converted to the dtype of ``vectors``.
        extras : dict of str to array-like of shape (n_keys,), default=None
            Per-key attributes (see :meth:`set_vecattr`) of the given keys. New
            keys without a value of an existing attribute get 0.
        replace : bool, default=False
            Overwrite the vectors (and `extras`) of keys already present, instead
            of keeping them.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a"], [[1.0, 0.0]], counts=[5])
        >>> kv.add_vectors(["a", "b"], [[9.0, 9.0], [0.0, 1.0]], {"count": [7, 2]})
        >>> kv.index_to_key, kv["a"].tolist(), kv.get_vecattr("b", "count")
        (['a', 'b'], [1.0, 0.0], 2)
        """
        keys, weights = _as_key_rows(keys, weights, self.vector_size)
        extras = {
            attr: _as_column(values, len(keys), attr)
            for attr, values in (extras or {}).items()
        }
        rows = np.fromiter(
            (self.key_to_index.get(key, -1) for key in keys), np.intp, len(keys)
        )
        new = rows < 0
        added = [key for key, is_new in zip(keys, new, strict=True) if is_new]
        n_old = len(self)
        # A copy, never an in-place write: the array may be shared, e.g. with an
        # estimator's input_vectors_.
        vectors = np.concatenate([self._vectors, weights[new].astype(self._dtype)])
        if replace:
            vectors[rows[~new]] = weights[~new]
        self.index_to_key = self.index_to_key + added
        self.key_to_index = {**self.key_to_index}
        self.key_to_index.update((key, n_old + i) for i, key in enumerate(added))
        self.vectors = vectors
        for attr in self._vecattrs.keys() | extras.keys():
            values = self._vecattrs.get(attr)
            if values is None:
                values = np.zeros(n_old, dtype=extras[attr].dtype)
            values = np.concatenate([values, np.zeros(len(added), values.dtype)])
            if attr in extras:
                values[n_old:] = extras[attr][new]
                if replace:
                    values[rows[~new]] = extras[attr][~new]
            self._vecattrs[attr] = values

    def add_vector(self, key, vector):
        """Append one key and its vector (or keep the existing one); its row.

        Parameters
        ----------
        key : str
            The key.
        vector : array-like of shape (vector_size,)
            Its vector.

        Returns
        -------
        int
            The row of `key`.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a"], [[1.0, 0.0]])
        >>> kv.add_vector("b", [0.0, 1.0])
        1
        """
        self.add_vectors([key], [vector])
        return self.key_to_index[key]

    def get_vecattr(self, key, attr):
        """Value of the per-key attribute `attr` (such as ``'count'``) of `key`.

        Parameters
        ----------
        key : str
            A key of the vocabulary.
        attr : str
            An attribute set by :meth:`set_vecattr`, :meth:`add_vectors`, the
            `counts` parameter or a vocabulary file (``'count'``).

        Returns
        -------
        object
            The value, a Python scalar for numeric attributes.

        Raises
        ------
        KeyError
            If `key` is unknown or no key has `attr`. Unlike gensim, vectors
            read without a vocabulary file have no ``'count'``: gensim makes up
            decreasing counts for them.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 2.0]], counts=[9, 4])
        >>> kv.get_vecattr("b", "count")
        4
        """
        index = self.get_index(key)
        if attr not in self._vecattrs:
            raise KeyError(
                f"No attribute {attr!r}: set it with set_vecattr"
                + (" or read counts with fvocab." if attr == "count" else ".")
            )
        value = self._vecattrs[attr][index]
        return value.item() if isinstance(value, np.generic) else value

    def set_vecattr(self, key, attr, val):
        """Set the per-key attribute `attr` of `key` to `val`.

        The first value set fixes the attribute's type (int, float, bool or any
        object); the other keys get 0 (or None) until set.

        Parameters
        ----------
        key : str
            A key of the vocabulary.
        attr : str
            Attribute name, for example ``'count'``.
        val : object
            Its value for `key`.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 2.0]])
        >>> kv.set_vecattr("a", "count", 3)
        >>> kv.get_vecattr("a", "count"), kv.get_vecattr("b", "count")
        (3, 0)
        """
        index = self.get_index(key)
        dtype = _attr_dtype(val)
        values = self._vecattrs.get(attr)
        if values is None:
            values = self._vecattrs[attr] = np.zeros(len(self), dtype=dtype)
        elif not np.can_cast(dtype, values.dtype):
            raise TypeError(
                f"Cannot set {attr!r} to {val!r}: the attribute holds {values.dtype}."
            )
        values[index] = val

    def sort_by_descending_frequency(self):
        """Reorder the keys by decreasing ``'count'``, in place.

        Keys of equal count end in reverse order of their rows, as in gensim.

        Raises
        ------
        KeyError
            If the keys have no counts.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0], [2.0], [3.0]], counts=[1, 5, 3])
        >>> kv.sort_by_descending_frequency()
        >>> kv.index_to_key, kv.vectors.ravel().tolist()
        (['b', 'c', 'a'], [2.0, 3.0, 1.0])
        """
        if "count" not in self._vecattrs:
            raise KeyError("No attribute 'count' to sort by; read counts with fvocab.")
        order = np.lexsort((-np.arange(len(self)), -self._vecattrs["count"]))
        self.index_to_key = [self.index_to_key[i] for i in order]
        self.key_to_index = {key: i for i, key in enumerate(self.index_to_key)}
        self.vectors = self._vectors[order]
        self._vecattrs = {attr: v[order] for attr, v in self._vecattrs.items()}

    def vectors_for_all(self, keys, allow_inference=True, copy_vecattrs=False):
        """A new instance holding the known keys among `keys`, in order.

        Parameters
        ----------
        keys : iterable of str
            Keys; repeats and keys without a vector are dropped.
        allow_inference : bool, default=True
            With ``subwords``, keep the unseen keys one of whose n-grams has
            a vector, with their composed vectors (as gensim's fastText
            vectors do); without ``subwords`` there is nothing to infer.
        copy_vecattrs : bool, default=False
            Copy the per-key attributes (such as counts) too; inferred keys
            get 0.

        Returns
        -------
        KeyedVectors
            The vectors of the kept keys, without ``subwords``.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0], [2.0], [3.0]])
        >>> kv.vectors_for_all(["c", "zebra", "a", "c"]).index_to_key
        ['c', 'a']
        """
        known = [key for key in dict.fromkeys(keys) if key in self.key_to_index]
        rows = [self.key_to_index[key] for key in known]
        subset = type(self)(known, self._vectors[rows], dtype=self._dtype)
        if copy_vecattrs:
            subset._vecattrs = {a: v[rows] for a, v in self._vecattrs.items()}
        return subset


def _duplicate(keys):
    seen = set()
    return next(key for key in keys if key in seen or seen.add(key))


def _check_counts(counts, n_keys):
    counts = np.asarray(counts)
    if counts.shape != (n_keys,) or not (
        np.issubdtype(counts.dtype, np.integer) and (counts >= 0).all()
    ):
        raise ValueError(
            f"counts must be {n_keys} non-negative integers, one per key, got "
            f"an array of {counts.dtype} and shape {counts.shape}."
        )
    return counts.astype(np.int64)


def _attr_dtype(val):
    if isinstance(val, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(val, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(val, numbers.Real):
        return np.dtype(np.float64)
    return np.dtype(object)


def _as_key_rows(keys, weights, vector_size):
    """Keys as a list and their vectors as a 2-D float64 array, checked."""
    if isinstance(keys, str):
        keys = [keys]
        weights = np.reshape(np.asarray(weights, dtype=np.float64), (1, -1))
    keys = list(keys)
    if not all(isinstance(key, str) for key in keys):
        bad = next(key for key in keys if not isinstance(key, str))
        raise TypeError(f"keys must be str, got {type(bad).__name__}: {bad!r}.")
    if len(set(keys)) != len(keys):
        raise ValueError(f"keys must be distinct; {_duplicate(keys)!r} occurs twice.")
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (len(keys), vector_size):
        raise ValueError(
            f"Expected vectors of shape ({len(keys)}, {vector_size}), one row per "
            f"key, got shape {weights.shape}."
        )
    return keys, weights


def _as_column(values, n_keys, attr):
    values = np.asarray(values)
    if values.shape != (n_keys,):
        raise ValueError(
            f"extras[{attr!r}] must have one value per key ({n_keys}), got shape "
            f"{values.shape}."
        )
    return values
