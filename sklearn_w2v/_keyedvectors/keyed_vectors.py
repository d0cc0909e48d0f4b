"""KeyedVectors: word vectors keyed by string, and their neighbour queries.

The class gathers storage and editing (``vector_store``), the word2vec files
(``word2vec_format``), its own ``.npz`` files (``npz_format``) and pairwise
measures (``pairwise``); the query engine, pure functions of arrays, is
``similarity``; the evaluations are those of ``evaluation``.
"""

import warnings

import numpy as np

from .fasttext_format import FastTextFormatMixin
from .npz_format import NpzFormatMixin
from .pairwise import PairwiseMixin
from .similarity import (
    as_terms,
    check_topn,
    n_searched,
    query_terms,
    top_candidates,
    unit_rows,
)
from .subwords import SubwordsMixin
from .vector_store import VectorStore
from .word2vec_files import Word2VecFormatMixin


class KeyedVectors(
    SubwordsMixin,
    PairwiseMixin,
    Word2VecFormatMixin,
    FastTextFormatMixin,
    NpzFormatMixin,
    VectorStore,
):
    """Vectors keyed by string, with cosine-similarity queries and file formats.

    The storage, query and evaluation interface of gensim's ``KeyedVectors``:
    one row of ``vectors`` per key, optional per-key attributes such as word
    counts, similarity queries answered over the whole vocabulary in one matrix
    product, the word2vec C tool's text and binary formats, and a file format
    of its own (:meth:`save`, :meth:`load`) that never pickles.

    Parameters
    ----------
    keys : sequence of str
        Distinct keys (words), in vocabulary order, usually by descending
        frequency so that ``restrict_vocab`` keeps the most frequent ones.
    vectors : array-like of shape (n_keys, vector_size)
        One row per key. Stored as a C-contiguous array of `dtype`, without a
        copy if it already is one.
    counts : array-like of shape (n_keys,) or None, default=None
        Occurrences of each key in a corpus: the ``'count'`` attribute of
        :meth:`get_vecattr`, written to vocabulary files.
    dtype : {np.float16, np.float32, np.float64}, default=np.float32
        Dtype of ``vectors``.
    subwords : Subwords or None, default=None
        The character n-gram vectors of a subword (fastText) model; with
        them, words outside the vocabulary get vectors (see Notes).

    Attributes
    ----------
    index_to_key : list of str
        Keys in row order.
    key_to_index : dict of str to int
        Row of each key in ``vectors``.
    vectors : ndarray of shape (n_keys, vector_size)
        The vectors. Assigning a new array clears the cache of unit-normalised
        vectors used by the queries.
    vector_size : int
        Number of columns of ``vectors``.
    subwords : Subwords or None
        The given `subwords`.

    See Also
    --------
    sklearn_w2v.evaluation.evaluate_word_analogies : Analogy accuracy.
    sklearn_w2v.evaluation.evaluate_word_pairs : Correlation with human judgements.

    Notes
    -----
    Queries use unit-normalised vectors, computed once in float64 and cached
    as float32 (float64 for float64 vectors), which doubles the memory of
    float32 vectors. Reassigning ``kv.vectors`` or editing it through
    :meth:`add_vectors` clears the cache; after editing the array in place,
    call ``kv.fill_norms(force=True)``. A zero vector stays zero when
    normalised, so its cosine similarity with anything is 0.

    Deliberate differences from gensim: keys are strings only (no integer
    indexing); an unknown key raises ``KeyError`` (except in
    :meth:`doesnt_match`, which ignores it with a warning, as gensim does);
    malformed files raise ``ValueError`` naming the file and the place
    (gensim: ``EOFError`` for a truncated file); vectors read without a
    vocabulary file have no counts (gensim makes up decreasing ones), so
    ``save_word2vec_format(fvocab=...)`` refuses them; :meth:`save` writes
    an ``.npz`` archive, not a pickle, and :meth:`load` reads only those; the
    evaluation methods return the result objects of
    :mod:`sklearn_w2v.evaluation` rather than gensim's tuples.

    With `subwords`, as gensim's ``FastTextKeyedVectors``: ``vectors`` holds
    the full vectors of the vocabulary (each word's own row averaged with its
    n-grams'), and an unseen word gets the mean of the vectors of its
    n-grams in ``kv[word]``, :meth:`get_vector`, the queries and pairwise
    measures. ``word in kv`` is true when ``kv[word]`` has a vector, that is
    for a word of the vocabulary or one sharing an n-gram with the model;
    :meth:`has_index_for` tells the vocabulary. A word none of whose n-grams
    has a vector raises ``KeyError``, never a zero vector (gensim returns
    zeros when a word has no n-gram at all). Unseen words are never among
    the results of a query, and ``save_word2vec_format`` writes the
    vocabulary's vectors only.

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

    def doesnt_match(self, words):
        """The key least similar to the mean of the unit vectors of `words`.

        As in gensim, unknown keys are left out, with a warning.

        Parameters
        ----------
        words : sequence of str
            Keys; at least one must be in the vocabulary.

        Returns
        -------
        str
            The odd one out.

        Raises
        ------
        ValueError
            If no key of `words` is in the vocabulary.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["cat", "dog", "car"], [[1.0, 0.2], [0.9, 0.4], [0.1, 1.0]]
        ... )
        >>> kv.doesnt_match(["cat", "dog", "car"])
        'car'
        """
        words = as_terms(words)
        known = [word for word in words if word in self]
        if len(known) < len(words):
            unknown = [word for word in words if word not in self]
            warnings.warn(
                f"doesnt_match ignores the keys not in the vocabulary: {unknown}.",
                UserWarning,
                stacklevel=2,
            )
        if not known:
            raise ValueError(
                f"doesnt_match needs at least one key of the vocabulary, got {words!r}."
            )
        rows = unit_rows(self[known])
        return known[int(np.argmin(rows @ unit_rows(rows.mean(axis=0))))]

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Keys closest to the mean of `positive` minus `negative` (3CosAdd).

        Like gensim: the query is the mean of the unit-normalised vectors of the
        `positive` keys minus those of the `negative` keys, scaled to unit length;
        raw vectors given instead of keys enter unnormalised. A term may carry a
        weight, ``(key, weight)``, which replaces its default of 1 (positive) or
        -1 (negative): as in gensim, a weight given to a negative term is used as
        it is. Keys of the query are left out of the results.

        Parameters
        ----------
        positive : str, ndarray, tuple or list of them, default=None
            Keys (or vectors, or ``(key or vector, weight)`` pairs) that
            contribute positively.
        negative : str, ndarray, tuple or list of them, default=None
            Keys (or vectors, or pairs) that contribute negatively.
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
        >>> [w for w, _ in kv.most_similar([("king", 1.0), ("woman", 3.0)], topn=2)]
        ['queen', 'man']
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

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        """Keys most similar to `key`, itself excluded; also ``similar_by_word``.

        Parameters
        ----------
        key : str
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
        >>> [word for word, _ in kv.similar_by_key("car")]
        ['dog', 'cat']
        >>> kv.similar_by_word("car") == kv.similar_by_key("car")
        True
        """
        return self.most_similar([key], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_word = similar_by_key

    def relative_cosine_similarity(self, wa, wb, topn=10):
        """Similarity of `wa` and `wb` relative to `wa`'s `topn` nearest keys.

        ``similarity(wa, wb) / sum of the similarities of the topn keys most
        similar to wa`` (Leeuwenberg et al., 2016, equation 1); above ``1 /
        topn``, `wb` is closer to `wa` than an average top-`topn` neighbour.

        Parameters
        ----------
        wa, wb : str
            Keys of the vocabulary.
        topn : int, default=10
            Number of neighbours of `wa`.

        Returns
        -------
        float
            The relative cosine similarity.

        References
        ----------
        Leeuwenberg, A., Vela, M., Dehdari, J. and van Genabith, J. (2016). A
        minimally supervised approach for synonym extraction with word
        embeddings. The Prague Bulletin of Mathematical Linguistics, 105.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        >>> round(kv.relative_cosine_similarity("a", "b", topn=2), 3)
        1.0
        """
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise ValueError(
                "Cannot compute a relative cosine similarity without similar keys."
            )
        return self.similarity(wa, wb) / sum(sim for _, sim in sims)

    def evaluate_word_analogies(
        self,
        analogies,
        restrict_vocab=300000,
        case_insensitive=True,
        dummy4unknown=False,
        similarity_function="most_similar",
    ):
        """Accuracy on analogy questions; gensim's signature.

        Calls :func:`sklearn_w2v.evaluation.evaluate_word_analogies`, which
        documents the evaluation, and returns its result object: where gensim
        returns ``(score, sections)``, read ``result.accuracy`` and
        ``result.sections`` (counts per section, not the lists of questions).

        Parameters
        ----------
        analogies : str, path-like or iterable of str
            A question file in the ``questions-words.txt`` format, or its lines.
        restrict_vocab : int or None, default=300000
            Use only the first `restrict_vocab` keys.
        case_insensitive : bool, default=True
            Compare words upper-cased.
        dummy4unknown : bool, default=False
            Count the questions with an out-of-vocabulary word as answered
            wrongly (so ``n_skipped`` is 0), as gensim does, instead of
            skipping them.
        similarity_function : {'most_similar', 'most_similar_cosmul'}, \
default='most_similar'
            The method that answers the questions (3CosAdd or 3CosMul).

        Returns
        -------
        AnalogyResult
            Overall and per-section accuracy and counts.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["man", "woman", "king", "queen"],
        ...     [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
        ... )
        >>> questions = [": royalty", "man king woman queen", "man king woman prince"]
        >>> result = kv.evaluate_word_analogies(questions, dummy4unknown=True)
        >>> result.accuracy, result.n_correct, result.n_incorrect
        (0.5, 1, 1)
        """
        methods = {"most_similar": "3cosadd", "most_similar_cosmul": "3cosmul"}
        if similarity_function not in methods:
            raise ValueError(
                f"similarity_function must be one of {list(methods)}, "
                f"got {similarity_function!r}."
            )
        from .. import evaluation  # public; it imports this folder

        result = evaluation.evaluate_word_analogies(
            self,
            analogies,
            restrict_vocab=restrict_vocab,
            case_insensitive=case_insensitive,
            method=methods[similarity_function],
        )
        if dummy4unknown:
            return evaluation.count_skipped_as_incorrect(result)
        return result

    def evaluate_word_pairs(
        self,
        pairs,
        delimiter="\t",
        restrict_vocab=300000,
        case_insensitive=True,
        dummy4unknown=False,
    ):
        """Correlation with human similarity judgements; gensim's signature.

        Calls :func:`sklearn_w2v.evaluation.evaluate_word_pairs`, which
        documents the evaluation, and returns its result object: where gensim
        returns ``(pearson, spearman, oov_ratio)``, read ``result.pearson``,
        ``result.spearman`` and ``result.oov_ratio`` (a fraction, where
        gensim's is a percentage). gensim's `encoding` is not offered: files
        are read as UTF-8.

        Parameters
        ----------
        pairs : str, path-like or iterable of str
            A file such as WordSim-353 (``word1 word2 score`` lines), or its lines.
        delimiter : str, default='\\t'
            Field separator.
        restrict_vocab : int or None, default=300000
            Treat words outside the first `restrict_vocab` keys as unknown.
        case_insensitive : bool, default=True
            Compare words upper-cased.
        dummy4unknown : bool, default=False
            Give pairs with an unknown word a similarity of 0 and keep them.

        Returns
        -------
        WordPairResult
            Pearson and Spearman correlations with p-values, and the
            out-of-vocabulary counts.

        Examples
        --------
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(
        ...     ["cat", "dog", "car", "bus"],
        ...     [[1.0, 0.2], [0.9, 0.4], [0.1, 1.0], [0.2, 0.9]],
        ... )
        >>> pairs = ["cat\\tdog\\t8.5", "cat\\tcar\\t1.0", "car\\tbus\\t9.0"]
        >>> round(kv.evaluate_word_pairs(pairs).spearman.statistic, 2)
        1.0
        """
        from .. import evaluation

        return evaluation.evaluate_word_pairs(
            self,
            pairs,
            delimiter=delimiter,
            restrict_vocab=restrict_vocab,
            case_insensitive=case_insensitive,
            dummy4unknown=dummy4unknown,
        )

    def _query(self, positives, negatives, method, topn, restrict_vocab):
        searched = self.get_normed_vectors()[: n_searched(restrict_vocab, len(self))]
        check_topn(topn)
        positives = self._inferred_terms(list(positives))
        negatives = [None] * len(positives) if negatives is None else list(negatives)
        negatives = self._inferred_terms(negatives)
        if len(negatives) != len(positives):
            raise ValueError(
                f"Got {len(positives)} positive and {len(negatives)} negative "
                "entries; expected one of each per query."
            )
        terms, positive_rows, negative_rows, exclude, weighted = query_terms(
            positives,
            negatives,
            self.get_index,
            self.get_normed_vectors(),
            unit=method == "3cosmul",
        )
        if method == "3cosmul":
            if weighted:
                raise TypeError("most_similar_cosmul takes no weighted terms.")
            if (positive_rows < 0).all(axis=1).any():
                raise ValueError("3CosMul needs at least one positive term per query.")
        if topn is not None and topn < 1:
            return [[] for _ in positives]
        found = top_candidates(
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
