"""Word vectors keyed by string: lookup, similarity queries, word2vec file formats.

The readers and writers of the file formats are in ``_word2vec_format``.
"""

import numbers
from itertools import chain

import numpy as np

from ._word2vec_format import (
    open_vectors_file,
    read_binary,
    read_text,
    write_binary,
    write_text,
)

# gensim's 3CosMul denominator guard; Levy & Goldberg (2014) use 1e-3.
_EPSILON = 1e-6
# Float32 elements of scratch per chunk of queries (32 MiB): bounds the memory of
# batch queries over a large vocabulary.
_SCRATCH = 1 << 23


class KeyedVectors:
    """Vectors keyed by string, with cosine-similarity queries and file formats.

    The storage and query interface of gensim's ``KeyedVectors``: one row of
    ``vectors`` per key, similarity queries answered over the whole vocabulary in
    one matrix product, and the word2vec C tool's text and binary formats.

    Parameters
    ----------
    keys : sequence of str
        Distinct keys (words), in vocabulary order, usually by descending
        frequency so that ``restrict_vocab`` keeps the most frequent ones.
    vectors : array-like of shape (n_keys, vector_size)
        One row per key. Stored as a C-contiguous float32 array, without a copy
        if it already is one.

    Attributes
    ----------
    index_to_key : list of str
        Keys in row order.
    key_to_index : dict of str to int
        Row of each key in ``vectors``.
    vectors : ndarray of shape (n_keys, vector_size), float32
        The vectors. Assigning a new array clears the cache of unit-normalised
        vectors used by the queries.
    vector_size : int
        Number of columns of ``vectors``.

    See Also
    --------
    sklearn_w2v.evaluation.evaluate_word_analogies : Analogy accuracy.
    sklearn_w2v.evaluation.evaluate_word_pairs : Correlation with human judgements.

    Notes
    -----
    Queries use unit-normalised vectors, computed once and cached, which doubles
    the memory of the vectors. Reassigning ``kv.vectors`` clears the cache; after
    editing the array in place, call ``kv.fill_norms(force=True)``. A zero
    vector stays zero when normalised, so its cosine similarity with anything is 0.

    Unlike gensim, keys are strings only (no integer indexing) and an unknown key
    always raises ``KeyError``.

    Examples
    --------
    >>> from sklearn_w2v import KeyedVectors
    >>> kv = KeyedVectors(["cat", "dog", "car"], [[1.0, 0.2], [0.9, 0.4], [0.1, 1.0]])
    >>> kv
    KeyedVectors(n_keys=3, vector_size=2)
    >>> kv["dog"].shape, kv[["cat", "car"]].shape
    ((2,), (2, 2))
    >>> [(word, round(sim, 3)) for word, sim in kv.most_similar("cat", topn=2)]
    [('dog', 0.976), ('car', 0.293)]
    """

    def __init__(self, keys, vectors):
        keys = list(keys)
        if not all(isinstance(key, str) for key in keys):
            bad = next(key for key in keys if not isinstance(key, str))
            raise TypeError(f"keys must be str, got {type(bad).__name__}: {bad!r}.")
        keys = list(map(str, keys))  # plain str, e.g. from numpy's str_
        key_to_index = {key: index for index, key in enumerate(keys)}
        if len(key_to_index) != len(keys):
            seen = set()
            duplicate = next(key for key in keys if key in seen or seen.add(key))
            raise ValueError(f"keys must be distinct; {duplicate!r} occurs twice.")
        self.index_to_key = keys
        self.key_to_index = key_to_index
        self._normed = None
        self.vectors = vectors

    @property
    def vectors(self):
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        value = np.ascontiguousarray(value, dtype=np.float32)
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
            One key or several.

        Returns
        -------
        ndarray of shape (vector_size,) or (n, vector_size), float32
            A read-only view for one key, a new array for a list of keys.

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

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_normed"] = None  # recomputed on demand; pickles stay small
        return state

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
        except KeyError:
            raise KeyError(f"Key {key!r} not present in vocabulary") from None

    def get_vector(self, key, norm=False):
        """Vector of `key`, optionally scaled to unit length.

        Parameters
        ----------
        key : str
            A key of the vocabulary.
        norm : bool, default=False
            Return the unit-normalised vector (a zero vector stays zero).

        Returns
        -------
        ndarray of shape (vector_size,), float32
            A read-only view.

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
        new array to ``vectors`` clears the cache by itself.

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
        >>> round(kv.similarity("a", "b"), 3)
        1.0
        """
        if self._normed is None or force:
            norms = np.linalg.norm(self._vectors, axis=1, keepdims=True)
            normed = self._vectors / np.where(norms > 0, norms, 1)
            normed.setflags(write=False)
            self._normed = normed

    def get_normed_vectors(self):
        """All vectors scaled to unit length (zero vectors stay zero).

        Returns
        -------
        ndarray of shape (n_keys, vector_size), float32
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

    def similarity(self, w1, w2):
        """Cosine similarity between two keys.

        Parameters
        ----------
        w1, w2 : str
            Keys of the vocabulary.

        Returns
        -------
        float
            Cosine similarity, in [-1, 1].

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 1.0], [0.0, 2.0]])
        >>> round(kv.similarity("a", "b"), 3)
        0.707
        """
        normed = self.get_normed_vectors()
        return float(normed[self.get_index(w1)] @ normed[self.get_index(w2)])

    def distance(self, w1, w2):
        """Cosine distance between two keys, ``1 - similarity(w1, w2)``.

        Parameters
        ----------
        w1, w2 : str
            Keys of the vocabulary.

        Returns
        -------
        float
            Cosine distance, in [0, 2].

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 2.0]])
        >>> round(kv.distance("a", "b"), 3)
        1.0
        """
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, ws1, ws2):
        """Cosine similarity between the mean vectors of two lists of keys.

        As in gensim, the raw (not normalised) vectors are averaged.

        Parameters
        ----------
        ws1, ws2 : sequence of str
            Non-empty lists of keys.

        Returns
        -------
        float
            Cosine similarity of the two means.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> round(kv.n_similarity(["a", "b"], ["c"]), 3)
        1.0
        """
        ws1, ws2 = _as_terms(ws1), _as_terms(ws2)
        if not ws1 or not ws2:
            raise ValueError("n_similarity needs two non-empty lists of keys.")
        mean1, mean2 = self[ws1].mean(axis=0), self[ws2].mean(axis=0)
        return float(_unit_rows(mean1) @ _unit_rows(mean2))

    def doesnt_match(self, words):
        """The key least similar to the mean of the unit vectors of `words`.

        Parameters
        ----------
        words : sequence of str
            Non-empty list of keys.

        Returns
        -------
        str
            The odd one out.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["cat", "dog", "car"], [[1.0, 0.2], [0.9, 0.4], [0.1, 1.0]]
        ... )
        >>> kv.doesnt_match(["cat", "dog", "car"])
        'car'
        """
        words = _as_terms(words)
        if not words:
            raise ValueError("doesnt_match needs a non-empty list of keys.")
        rows = self.get_normed_vectors()[[self.get_index(word) for word in words]]
        return words[int(np.argmin(rows @ _unit_rows(rows.mean(axis=0))))]

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Keys closest to the mean of `positive` minus `negative` (3CosAdd).

        Like gensim: the query is the mean of the unit-normalised vectors of the
        `positive` keys minus those of the `negative` keys, scaled to unit length;
        raw vectors given instead of keys enter unnormalised. Keys of the query
        are left out of the results.

        Parameters
        ----------
        positive : str, ndarray or list of (str or ndarray), default=None
            Keys (or vectors) that contribute positively.
        negative : str, ndarray or list of (str or ndarray), default=None
            Keys (or vectors) that contribute negatively.
        topn : int or None, default=10
            Number of results. ``None`` returns the similarity of every searched
            key instead, query keys included.
        restrict_vocab : int or None, default=None
            Search only the first `restrict_vocab` keys.

        Returns
        -------
        list of (str, float) or ndarray of shape (n_searched,)
            ``(key, cosine similarity)`` pairs, most similar first.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["man", "woman", "king", "queen"],
        ...     [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
        ... )
        >>> word, sim = kv.most_similar(positive=["king", "woman"], negative=["man"])[0]
        >>> word, round(sim, 3)
        ('queen', 0.959)
        >>> kv.most_similar("king", topn=None).shape
        (4,)
        """
        return self.most_similar_batch([positive], [negative], topn, restrict_vocab)[0]

    def most_similar_batch(
        self, positives, negatives=None, topn=10, restrict_vocab=None
    ):
        """Answer many :meth:`most_similar` queries with one matrix product.

        Parameters
        ----------
        positives : sequence
            One entry per query, each like the `positive` argument of
            :meth:`most_similar`.
        negatives : sequence or None, default=None
            One entry per query, each like the `negative` argument, or ``None``
            for no negative terms at all.
        topn : int or None, default=10
            Number of results per query. ``None`` returns the similarity matrix.
        restrict_vocab : int or None, default=None
            Search only the first `restrict_vocab` keys.

        Returns
        -------
        list of list of (str, float) or ndarray of shape (n_queries, n_searched)
            The results of each query, in order.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["cat", "dog", "car", "bus"],
        ...     [[1.0, 0.2], [0.9, 0.4], [0.1, 1.0], [0.2, 0.9]],
        ... )
        >>> results = kv.most_similar_batch(["cat", "car"], topn=1)
        >>> [[word for word, _ in result] for result in results]
        [['dog'], ['bus']]
        """
        return self._query(positives, negatives, "3cosadd", topn, restrict_vocab)

    def most_similar_cosmul(
        self, positive=None, negative=None, topn=10, restrict_vocab=None
    ):
        """Keys maximising the multiplicative objective 3CosMul.

        For each candidate key ``w``, the product of ``(1 + cos(w, p)) / 2`` over
        the positive terms divided by the product over the negative terms plus
        ``1e-6``, as in gensim (Levy & Goldberg, 2014, equation 4 with the shift
        of their footnote 7). Raw vectors given instead of keys are normalised.
        Unlike gensim, `restrict_vocab` is honoured.

        Parameters
        ----------
        positive : str, ndarray or list of (str or ndarray), default=None
            At least one key (or vector) contributing positively.
        negative : str, ndarray or list of (str or ndarray), default=None
            Keys (or vectors) contributing negatively.
        topn : int or None, default=10
            Number of results. ``None`` returns the score of every searched key.
        restrict_vocab : int or None, default=None
            Search only the first `restrict_vocab` keys.

        Returns
        -------
        list of (str, float) or ndarray of shape (n_searched,)
            ``(key, score)`` pairs, best first.

        References
        ----------
        Levy, O. and Goldberg, Y. (2014). Linguistic regularities in sparse and
        explicit word representations. CoNLL.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["man", "woman", "king", "queen"],
        ...     [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
        ... )
        >>> result = kv.most_similar_cosmul(positive=["king", "woman"], negative="man")
        >>> [word for word, _ in result]
        ['queen']
        """
        return self.most_similar_cosmul_batch(
            [positive], [negative], topn, restrict_vocab
        )[0]

    def most_similar_cosmul_batch(
        self, positives, negatives=None, topn=10, restrict_vocab=None
    ):
        """Answer many :meth:`most_similar_cosmul` queries at once.

        Parameters
        ----------
        positives : sequence
            One entry per query, each like the `positive` argument of
            :meth:`most_similar_cosmul`.
        negatives : sequence or None, default=None
            One entry per query, each like the `negative` argument, or ``None``.
        topn : int or None, default=10
            Number of results per query. ``None`` returns the score matrix.
        restrict_vocab : int or None, default=None
            Search only the first `restrict_vocab` keys.

        Returns
        -------
        list of list of (str, float) or ndarray of shape (n_queries, n_searched)
            The results of each query, in order.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["cat", "dog", "car", "bus"],
        ...     [[1.0, 0.2], [0.9, 0.4], [0.1, 1.0], [0.2, 0.9]],
        ... )
        >>> kv.most_similar_cosmul_batch([["cat"], ["car"]], topn=None).shape
        (2, 4)
        """
        return self._query(positives, negatives, "3cosmul", topn, restrict_vocab)

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """Keys most similar to `word`, itself excluded.

        Parameters
        ----------
        word : str
            A key of the vocabulary.
        topn : int or None, default=10
            Number of results. ``None`` returns all similarities.
        restrict_vocab : int or None, default=None
            Search only the first `restrict_vocab` keys.

        Returns
        -------
        list of (str, float) or ndarray of shape (n_searched,)
            ``(key, cosine similarity)`` pairs, most similar first.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["cat", "dog", "car"], [[1, 0.2], [0.9, 0.4], [0.1, 1]])
        >>> [word for word, _ in kv.similar_by_word("car")]
        ['dog', 'cat']
        """
        return self.most_similar([word], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """Keys whose vectors are most similar to `vector`.

        Parameters
        ----------
        vector : array-like of shape (vector_size,)
            The query vector.
        topn : int or None, default=10
            Number of results. ``None`` returns all similarities.
        restrict_vocab : int or None, default=None
            Search only the first `restrict_vocab` keys.

        Returns
        -------
        list of (str, float) or ndarray of shape (n_searched,)
            ``(key, cosine similarity)`` pairs, most similar first.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["cat", "dog", "car"], [[1, 0.2], [0.9, 0.4], [0.1, 1]])
        >>> word, sim = kv.similar_by_vector([0.0, 1.0], topn=1)[0]
        >>> word, round(sim, 3)
        ('car', 0.995)
        """
        return self.most_similar([vector], topn=topn, restrict_vocab=restrict_vocab)

    def _query(self, positives, negatives, method, topn, restrict_vocab):
        n_searched = self._n_searched(restrict_vocab)
        if topn is not None and (
            not isinstance(topn, numbers.Integral) or isinstance(topn, bool)
        ):
            raise TypeError(f"topn must be an int or None, got {topn!r}.")
        positives = list(positives)
        negatives = [None] * len(positives) if negatives is None else list(negatives)
        if len(negatives) != len(positives):
            raise ValueError(
                f"Got {len(positives)} positive and {len(negatives)} negative "
                "entries; expected one of each per query."
            )
        terms, positive_rows, negative_rows, exclude = self._query_terms(
            positives, negatives, unit=method == "3cosmul"
        )
        if method == "3cosmul" and (positive_rows < 0).all(axis=1).any():
            raise ValueError("3CosMul needs at least one positive term per query.")
        searched = self.get_normed_vectors()[:n_searched]
        if topn is not None and topn < 1:
            return [[] for _ in positives]
        found = _top_candidates(
            searched, terms, positive_rows, negative_rows, exclude, method, topn
        )
        if topn is None:
            return found
        keys = self.index_to_key
        return [
            [
                (keys[index], score)
                for index, score in zip(indices, scores, strict=True)
                if index >= 0
            ]
            for indices, scores in zip(
                found[0].tolist(), found[1].tolist(), strict=True
            )
        ]

    def _n_searched(self, restrict_vocab):
        if restrict_vocab is None:
            return len(self)
        if (
            not isinstance(restrict_vocab, numbers.Integral)
            or isinstance(restrict_vocab, bool)
            or restrict_vocab < 1
        ):
            raise ValueError(
                "restrict_vocab must be a positive int or None, "
                f"got {restrict_vocab!r}."
            )
        return min(int(restrict_vocab), len(self))

    def _query_terms(self, positives, negatives, unit):
        """Stack the terms of all queries into one matrix.

        Returns the term matrix (unit rows for keys; raw rows for vectors unless
        `unit`), the padded rows of each query's positive and negative terms in it,
        and the padded vocabulary rows of each query's keys (to exclude). Padding
        is -1.
        """
        word_rows, word_ids, vector_rows, vectors = [], [], [], []
        positive_rows, negative_rows, exclude = [], [], []
        n_terms = 0
        for positive, negative in zip(positives, negatives, strict=True):
            excluded, signed_rows = [], ([], [])
            for rows, group in zip(signed_rows, (positive, negative), strict=True):
                for term in _as_terms(group):
                    if isinstance(term, str):
                        word_rows.append(n_terms)
                        word_ids.append(self.get_index(term))
                        excluded.append(word_ids[-1])
                    else:
                        vector_rows.append(n_terms)
                        vectors.append(self._check_query_vector(term))
                    rows.append(n_terms)
                    n_terms += 1
            if not (signed_rows[0] or signed_rows[1]):
                raise ValueError("Cannot compute similarity with no input.")
            positive_rows.append(signed_rows[0])
            negative_rows.append(signed_rows[1])
            exclude.append(excluded)
        terms = np.empty((n_terms, self.vector_size), dtype=np.float32)
        terms[word_rows] = self.get_normed_vectors()[word_ids]
        if vectors:
            vectors = np.stack(vectors)
            terms[vector_rows] = _unit_rows(vectors) if unit else vectors
        return terms, _pad(positive_rows), _pad(negative_rows), _pad(exclude)

    def _check_query_vector(self, vector):
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self.vector_size,):
            raise ValueError(
                f"Query vectors must have shape ({self.vector_size},), "
                f"got shape {vector.shape}."
            )
        return vector

    def save_word2vec_format(self, path, binary=False):
        """Write the vectors in the word2vec C tool's text or binary format.

        A header line ``"n_keys vector_size"``, then one entry per key in row
        order. Text: ``"key v1 v2 ...\\n"``, each value the shortest decimal that
        reads back as the same float32 (byte-identical to gensim's text output).
        Binary: the UTF-8 key, a space, `vector_size` little-endian float32s and
        a newline, as the C tool writes it (gensim omits the newline; both read
        either).

        Parameters
        ----------
        path : str or path-like
            Destination; compressed with gzip or bzip2 if it ends in ``.gz`` or
            ``.bz2``.
        binary : bool, default=False
            Write the binary format.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["cat", "dog"], [[0.5, 1.0], [-2.0, 0.25]])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "vectors.txt"
        ...     kv.save_word2vec_format(path)
        ...     print(path.read_text())
        2 2
        cat 0.5 1.0
        dog -2.0 0.25
        <BLANKLINE>
        """
        joined = "\n".join(self.index_to_key)
        if (
            "" in self.key_to_index
            or " " in joined
            or joined.count("\n") != max(len(self) - 1, 0)
        ):
            bad = next(k for k in self.index_to_key if not k or " " in k or "\n" in k)
            raise ValueError(
                f"Cannot write key {bad!r}: keys in word2vec files must be non-empty "
                "and contain no spaces or newlines."
            )
        with open_vectors_file(path, "wb") as fout:
            fout.write(f"{len(self)} {self.vector_size}\n".encode())
            write = write_binary if binary else write_text
            write(fout, self.index_to_key, self._vectors)

    @classmethod
    def load_word2vec_format(
        cls, path, binary=False, limit=None, encoding="utf8", unicode_errors="strict"
    ):
        """Read vectors in the word2vec C tool's text or binary format.

        Reads what the word2vec C tool, gensim and fastText (``.vec``) write, and
        headerless text files such as GloVe's, whose size is inferred by reading.

        Parameters
        ----------
        path : str or path-like
            Source; decompressed with gzip or bzip2 if it ends in ``.gz`` or
            ``.bz2``.
        binary : bool, default=False
            Read the binary format (which always has a header).
        limit : int or None, default=None
            Read only the first `limit` vectors.
        encoding : str, default='utf8'
            Encoding of the keys.
        unicode_errors : str, default='strict'
            How to handle keys that do not decode, as in :meth:`bytes.decode`;
            ``'replace'`` or ``'ignore'`` help with files whose keys were cut in
            the middle of a multi-byte character (as the C tool does).

        Returns
        -------
        KeyedVectors
            The vectors, in file order.

        Raises
        ------
        ValueError
            If the file is malformed: bad header, wrong number of values, fewer
            or more vectors than the header declares, truncated binary data,
            undecodable or duplicate keys. The message names the line number
            (text) or byte offset (binary).

        Notes
        -----
        A text file whose first line holds exactly two integers is taken to have a
        header; otherwise it is read as headerless. So a headerless file whose
        first key is an integer and whose vectors have one dimension would be
        misread (and most likely rejected on its second line).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklearn_w2v import KeyedVectors
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "glove.txt"
        ...     _ = path.write_text("the 0.5 1.0 0.0\\nof 0.25 0.0 -1.0\\n")
        ...     kv = KeyedVectors.load_word2vec_format(path)
        >>> kv.index_to_key, kv.vectors.shape
        (['the', 'of'], (2, 3))
        """
        if limit is not None and (
            not isinstance(limit, numbers.Integral)
            or isinstance(limit, bool)
            or limit < 1
        ):
            raise ValueError(f"limit must be a positive int or None, got {limit!r}.")
        with open_vectors_file(path, "rb") as fin:
            read = read_binary if binary else read_text
            keys, vectors = read(fin, limit, encoding, unicode_errors)
        return cls(keys, vectors)


def _as_terms(value):
    """Wrap a single key or 1-D vector in a list, as gensim does."""
    if value is None:
        return []
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    return list(value)


def _unit_rows(X):
    norms = np.linalg.norm(X, axis=-1, keepdims=True)
    return X / np.where(norms > 0, norms, 1)


def _pad(rows):
    """Ragged lists of ints as an int array of shape (n_rows, max_len), -1 padded."""
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    padded = np.full((len(rows), int(lengths.max(initial=0))), -1, dtype=np.intp)
    padded[np.arange(padded.shape[1]) < lengths[:, None]] = np.fromiter(
        chain.from_iterable(rows), dtype=np.intp, count=int(lengths.sum())
    )
    return padded


def _sum_rows(terms, rows):
    """Sum of ``terms[rows]`` along axis 1, ignoring -1 padding."""
    gathered = terms[rows]
    gathered[rows < 0] = 0  # -1 padding gathered the last row
    return gathered.sum(axis=1)


def _cosadd_scores(searched, terms, positive_rows, negative_rows):
    """Cosine of each searched row with each query's normalised sum of terms."""
    queries = _sum_rows(terms, positive_rows) - _sum_rows(terms, negative_rows)
    return _unit_rows(queries) @ searched.T


def _cosmul_scores(searched, terms, positive_rows, negative_rows):
    """3CosMul score of each searched row for each query."""
    used = np.unique(np.concatenate([positive_rows.ravel(), negative_rows.ravel()]))
    used = used[used >= 0]
    # One row per distinct term, plus a last row of ones that -1 padding selects,
    # so that padded products are unchanged.
    shifted = np.ones((used.size + 1, searched.shape[0]), dtype=np.float32)
    shifted[:-1] = (1 + terms[used] @ searched.T) / 2
    positive_rows = np.where(
        positive_rows >= 0, np.searchsorted(used, positive_rows), -1
    )
    negative_rows = np.where(
        negative_rows >= 0, np.searchsorted(used, negative_rows), -1
    )
    numerator = shifted[positive_rows].prod(axis=1)
    return numerator / (shifted[negative_rows].prod(axis=1) + _EPSILON)


def _top_k(scores, k):
    """Columns of the `k` largest scores of each row, best first.

    Returns ``(columns, scores)`` of shape (n_rows, min(k, n_columns)); entries
    scoring ``-inf`` (excluded) get column -1. Ties go to the lower column.
    """
    n_rows, n_columns = scores.shape
    k = min(k, n_columns)
    if k == 0:
        return np.empty((n_rows, 0), dtype=np.intp), np.empty((n_rows, 0), scores.dtype)
    if k < n_columns:
        columns = np.argpartition(scores, n_columns - k, axis=1)[:, n_columns - k :]
    else:
        columns = np.broadcast_to(np.arange(n_columns), scores.shape)
    top = np.take_along_axis(scores, columns, axis=1)
    order = np.lexsort((columns, -top), axis=-1)
    columns = np.take_along_axis(columns, order, axis=1)
    top = np.take_along_axis(top, order, axis=1)
    columns[top == -np.inf] = -1
    return columns, top


def _top_candidates(
    searched, terms, positive_rows, negative_rows, exclude, method, topn
):
    """Best rows of `searched` for a batch of queries, in chunks of queries.

    Parameters
    ----------
    searched : ndarray of shape (n_searched, vector_size), float32
        Unit-normalised candidate vectors.
    terms : ndarray of shape (n_terms, vector_size), float32
        Term vectors of all queries.
    positive_rows, negative_rows : ndarray of shape (n_queries, width), int
        Rows of `terms` of each query, -1 padded.
    exclude : ndarray of shape (n_queries, width), int
        Rows of `searched` never returned for each query, -1 padded.
    method : {'3cosadd', '3cosmul'}
        Scoring.
    topn : int or None
        Number of candidates per query; ``None`` returns the raw score matrix.

    Returns
    -------
    ndarray of shape (n_queries, n_searched), or tuple of two ndarrays of shape
    (n_queries, min(topn, n_searched))
        The scores, or the best rows (-1 where fewer qualify) and their scores.
    """
    score = _cosmul_scores if method == "3cosmul" else _cosadd_scores
    n_queries, n_searched = positive_rows.shape[0], searched.shape[0]
    width = max(1, positive_rows.shape[1], negative_rows.shape[1])
    step = max(1, _SCRATCH // max(1, n_searched * width))
    found = []
    for start in range(0, n_queries, step):
        chunk = slice(start, start + step)
        scores = score(searched, terms, positive_rows[chunk], negative_rows[chunk])
        if topn is None:
            found.append(scores)
            continue
        rows, columns = np.nonzero(
            (exclude[chunk] >= 0) & (exclude[chunk] < n_searched)
        )
        scores[rows, exclude[chunk][rows, columns]] = -np.inf
        found.append(_top_k(scores, topn))
    if topn is None:
        return np.concatenate(found) if found else np.empty((0, n_searched), np.float32)
    if not found:
        k = min(topn, n_searched)
        return np.empty((0, k), dtype=np.intp), np.empty((0, k), dtype=np.float32)
    return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])
