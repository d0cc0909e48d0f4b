"""Pairwise measures of KeyedVectors: similarities, distances, means, WMD.

Cosine similarity and distance between keys, between means of keys, from a key
to all others (and the ranks that follow), and the Word Mover's Distance
between documents.
"""

import numpy as np

from .similarity import as_terms, cosine, unit_rows, word_movers_distance


class PairwiseMixin:
    """The pairwise measures of :class:`~sklearn_w2v.KeyedVectors`."""

    def similarity(self, w1, w2):
        """Cosine similarity between two keys.

        Parameters
        ----------
        w1, w2 : str
            Keys of the vocabulary.

        Returns
        -------
        float
            Cosine similarity, in [-1, 1], computed in float64 from the raw
            vectors: exactly 1.0 for a key with itself.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[1.0, 1.0], [0.0, 2.0]])
        >>> round(kv.similarity("a", "b"), 3)
        0.707
        """
        return cosine(self[w1], self[w2])

    def distance(self, w1, w2):
        """Cosine distance between two keys, ``1 - similarity(w1, w2)``.

        Parameters
        ----------
        w1, w2 : str
            Keys of the vocabulary.

        Returns
        -------
        float
            Cosine distance, in [0, 2]: exactly 0.0 for a key with itself.

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
        ws1, ws2 = as_terms(ws1), as_terms(ws2)
        if not ws1 or not ws2:
            # gensim raises ZeroDivisionError
            raise ValueError("n_similarity needs two non-empty lists of keys.")
        mean1 = self[ws1].astype(np.float64).mean(axis=0)
        return cosine(mean1, self[ws2].astype(np.float64).mean(axis=0))

    def get_mean_vector(
        self,
        keys,
        weights=None,
        pre_normalize=True,
        post_normalize=False,
        ignore_missing=True,
    ):
        """Weighted mean of the vectors of `keys`, as gensim computes it.

        ``sum(w_i * v_i) / sum(|w_i|)`` over the known keys (and raw vectors),
        in float64.

        Parameters
        ----------
        keys : sequence of (str or ndarray)
            Keys, or raw vectors used as given.
        weights : array-like of shape (n_keys,) or None, default=None
            Weight of each key; 1 for all if None.
        pre_normalize : bool, default=True
            Use the unit-normalised vectors of the keys.
        post_normalize : bool, default=False
            Scale the mean to unit length.
        ignore_missing : bool, default=True
            Skip unknown keys instead of raising KeyError.

        Returns
        -------
        ndarray of shape (vector_size,)
            The mean (zeros if no key is known), in the dtype of ``vectors``.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], [[2.0, 0.0], [0.0, 4.0]])
        >>> kv.get_mean_vector(["a", "b", "zebra"]).tolist()
        [0.5, 0.5]
        >>> kv.get_mean_vector(["a", "b"], [3, 1], pre_normalize=False).tolist()
        [1.5, 1.0]
        """
        keys = as_terms(keys)
        if not keys:
            raise ValueError("get_mean_vector needs at least one key.")
        weights = np.ones(len(keys)) if weights is None else np.asarray(weights, float)
        if weights.shape != (len(keys),):
            raise ValueError(
                f"weights must have one value per key ({len(keys)}), got shape "
                f"{weights.shape}."
            )
        rows, used = [], []
        for i, key in enumerate(keys):
            if isinstance(key, str):
                if key not in self and ignore_missing:
                    continue
                rows.append(self.get_vector(key, norm=pre_normalize))
            else:
                rows.append(np.asarray(key))
            used.append(i)
        mean = np.zeros(self.vector_size)
        if used:
            mean = weights[used] @ np.array(rows, dtype=np.float64)
            mean /= max(np.abs(weights[used]).sum(), np.finfo(float).tiny)
        if post_normalize:
            mean = unit_rows(mean, np.float64)
        return mean.astype(self._dtype)

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a key or vector to other keys (or to all).

        Parameters
        ----------
        word_or_vector : str or array-like of shape (vector_size,)
            A key or a vector.
        other_words : sequence of str, default=()
            Keys to measure; if empty, every key, the given one included.

        Returns
        -------
        ndarray of shape (n_other,)
            ``1 - cosine similarity`` for each key.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0]])
        >>> kv.distances("a").round(3).tolist()
        [0.0, 1.0, 2.0]
        >>> kv.distances([0.0, 1.0], ["c"]).round(3).tolist()
        [1.0]
        """
        if isinstance(word_or_vector, str):
            query = self.get_vector(word_or_vector, norm=True)
        else:
            query = unit_rows(np.asarray(word_or_vector, dtype=np.float64))
            if query.shape != (self.vector_size,):
                raise ValueError(
                    f"Expected a key or a vector of shape ({self.vector_size},), "
                    f"got shape {query.shape}."
                )
        normed = self.get_normed_vectors()
        if len(other_words):
            normed = normed[[self.get_index(word) for word in other_words]]
        return 1.0 - normed @ query.astype(normed.dtype)

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine similarities of one vector with each row of a matrix.

        Parameters
        ----------
        vector_1 : array-like of shape (vector_size,)
            A vector.
        vectors_all : array-like of shape (n_vectors, vector_size)
            Vectors to compare with.

        Returns
        -------
        ndarray of shape (n_vectors,), float64
            The similarities (0 for a zero vector).

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> sims = KeyedVectors.cosine_similarities([1, 0], [[2, 0], [1, 1]])
        >>> sims.round(3).tolist()
        [1.0, 0.707]
        """
        return unit_rows(np.asarray(vectors_all, dtype=np.float64)) @ unit_rows(
            np.asarray(vector_1, dtype=np.float64)
        )

    def closer_than(self, key1, key2):
        """Keys closer to `key1` than `key2` is, in row order.

        Parameters
        ----------
        key1, key2 : str
            Keys of the vocabulary.

        Returns
        -------
        list of str
            Keys (`key1` excluded) at a smaller cosine distance from `key1`.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        >>> kv.closer_than("a", "c")
        ['b']
        """
        distances = self.distances(key1)
        index1 = self.get_index(key1)
        closer = np.flatnonzero(distances < distances[self.get_index(key2)])
        return [self.index_to_key[i] for i in closer if i != index1]

    def words_closer_than(self, word1, word2):
        """Alias of :meth:`closer_than` (deprecated in gensim).

        Parameters
        ----------
        word1, word2 : str
            Keys of the vocabulary.

        Returns
        -------
        list of str
            Keys closer to `word1` than `word2` is.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        >>> kv.words_closer_than("a", "c")
        ['b']
        """
        return self.closer_than(word1, word2)

    def rank(self, key1, key2):
        """Rank of `key2` among the keys by distance from `key1`, starting at 1.

        Parameters
        ----------
        key1, key2 : str
            Keys of the vocabulary.

        Returns
        -------
        int
            ``len(closer_than(key1, key2)) + 1``.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        >>> kv.rank("a", "b"), kv.rank("a", "c")
        (1, 2)
        """
        return len(self.closer_than(key1, key2)) + 1

    def most_similar_to_given(self, key1, keys_list):
        """The key of `keys_list` most similar to `key1`.

        Parameters
        ----------
        key1 : str
            A key of the vocabulary.
        keys_list : sequence of str
            Candidate keys.

        Returns
        -------
        str
            The candidate of highest cosine similarity (the first on ties).

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        >>> kv.most_similar_to_given("a", ["c", "b"])
        'b'
        """
        if not len(keys_list):
            raise ValueError("most_similar_to_given needs a non-empty keys_list.")
        return keys_list[int(np.argmax([self.similarity(key1, k) for k in keys_list]))]

    def wmdistance(self, document1, document2, norm=True):
        """Word Mover's Distance between two documents (Kusner et al., 2015).

        The least total distance the words of `document1` travel to become those
        of `document2`, each document a distribution of word frequencies over its
        known words. As gensim computes it, but solved as a linear program with
        SciPy instead of with the optional POT package.

        Parameters
        ----------
        document1, document2 : sequence of str
            Tokens; unknown ones are ignored.
        norm : bool, default=True
            Use unit-normalised vectors.

        Returns
        -------
        float
            The distance; ``inf`` if a document has no known word, as in gensim.
            (gensim also returns ``inf`` when all the words of both documents
            have equal vectors; the distance is 0.0 then.)

        References
        ----------
        Kusner, M., Sun, Y., Kolkin, N. and Weinberger, K. (2015). From word
        embeddings to document distances. ICML.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> round(kv.wmdistance(["a", "b"], ["c"], norm=False), 3)
        1.0
        >>> kv.wmdistance(["a", "b"], ["b", "a", "zebra"])
        0.0
        """
        documents = []
        for document in (document1, document2):
            if isinstance(document, str):
                raise TypeError("wmdistance takes lists of tokens, got a str.")
            words, counts = np.unique(
                [t for t in document if t in self.key_to_index], return_counts=True
            )
            documents.append((words.tolist(), counts / max(counts.sum(), 1)))
        (words1, weights1), (words2, weights2) = documents
        if not words1 or not words2:
            return float("inf")
        if set(words1) == set(words2) and len(words1) == 1:
            return 0.0
        source = self.get_normed_vectors() if norm else self._vectors
        rows1 = [self.key_to_index[w] for w in words1]
        rows2 = [self.key_to_index[w] for w in words2]
        return word_movers_distance(source[rows1], weights1, source[rows2], weights2)
