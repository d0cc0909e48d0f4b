"""PhraseTransformer: join frequent collocations ("new york") into one token."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._base import _PoolingVectorizer
from ._corpus.phrases import (
    ENGLISH_CONNECTOR_WORDS,
    Lexicon,
    PhraseCounts,
    collector_paused,
    decode_candidates,
    join_phrases,
    phrase_scores,
)
from ._corpus.text import ANALYZER_PARAMS, build_analyzer, iter_analyzed, iter_batches
from ._sklearn_compat import Interval, StrOptions, _fit_context

#: Tokens counted or joined at a time.
CHUNK_TOKENS = 1 << 20


class _Pass:
    """The counts and phrases of one pass of phrase detection."""

    def __init__(self, connector_words, max_vocab_size):
        self.lexicon = Lexicon(connector_words)
        self.counts = None
        self.max_vocab_size = max_vocab_size

    def learn(self, batches):
        """Count token lists as one ``add_vocab`` call; return the tokens seen."""
        fresh = PhraseCounts(self.lexicon, self.max_vocab_size)
        for batch in batches:
            fresh.add_documents(batch)
        if fresh.n_tokens == 0:
            return 0
        if self.counts is None:
            # As gensim adopts the first counts, its min_reduce left at 1.
            fresh.consolidate()
            fresh.min_reduce = 1
            self.counts = fresh
        else:
            self.counts.merge(fresh)
        return fresh.n_tokens

    def score(self, scoring, min_count, threshold, delimiter):
        codes, scores = phrase_scores(
            self.counts, scoring=scoring, min_count=min_count, threshold=threshold
        )
        left, runs, right = decode_candidates(codes, self.counts.bits)
        texts = [
            self.lexicon.phrase_text(a, r, b, delimiter)
            for a, r, b in zip(
                left.tolist(), runs.tolist(), right.tolist(), strict=True
            )
        ]
        self.codes, self.scores = codes, scores
        self.texts = np.empty(len(texts), dtype=object)
        self.texts[:] = texts

    def join(self, documents):
        return join_phrases(
            documents, self.lexicon, self.codes, self.texts, self.counts.bits
        )


class PhraseTransformer(TransformerMixin, BaseEstimator):
    """Join frequent collocations of a corpus into single tokens.

    Learns which pairs of adjacent words occur together more often than
    chance ("new york", "united states") and rewrites documents as token
    lists in which each such pair is one token (``"new_york"``), as the
    phrase step of Mikolov et al. (2013b), the word2vec tool's
    ``word2phrase`` and gensim's ``Phrases`` do. The output feeds
    :class:`Word2VecVectorizer`, which then learns phrase vectors::

        make_pipeline(PhraseTransformer(), Word2VecVectorizer())

    Parameters, scores and the output are those of gensim 4.4's ``Phrases``
    and ``FrozenPhrases``; the counting is vectorized (see Notes).

    Parameters
    ----------
    min_count : float, default=5
        Subtracted from a pair's count by the default score; under
        ``scoring='npmi'``, pairs seen fewer times are never phrases.
    threshold : float, default=10.0
        A pair is a phrase when its score is greater than this. Must be
        positive for ``scoring='default'`` and in [-1, 1] for ``'npmi'``.
    scoring : {'default', 'npmi'}, default='default'
        The score of a pair ``a b``: ``'default'`` is
        ``(count(a b) - min_count) / (count(a) * count(b)) * n_keys``, where
        ``n_keys`` is the number of words and pairs counted (gensim's
        ``original_scorer``; word2phrase's score up to its scaling);
        ``'npmi'`` is the normalized pointwise mutual information of Bouma
        (2009), in [-1, 1].
    connector_words : {'english'} or set of str, default=None
        Words that may sit inside a phrase but neither start nor end one:
        with ``connector_words={'of'}``, ``bank of america`` is a candidate
        pair ``bank ... america`` and can become ``bank_of_america``.
        ``'english'`` is gensim's ``ENGLISH_CONNECTOR_WORDS`` (articles,
        some prepositions and conjunctions). None: no connector words.
    delimiter : str, default='_'
        Joins the words of a phrase.
    max_vocab_size : int, default=40_000_000
        Bounds the words and pairs held while counting: whenever more are
        held after a document, those counted fewer than ``t`` times are
        dropped, ``t`` being the number of prunings so far plus one (as
        gensim does).
    n_passes : int, default=1
        Passes of phrase detection; pass ``k + 1`` learns from the output
        of pass ``k``, so two passes can join ``new_york city`` into
        ``new_york_city``, as stacking two gensim ``Phrases`` does.
    input : {'content', 'file', 'filename'}, default='content'
        As in :class:`~sklearn.feature_extraction.text.CountVectorizer`;
        pre-tokenised documents (lists of str) are always accepted.
    encoding : str, default='utf-8'
    decode_error : {'strict', 'ignore', 'replace'}, default='strict'
    strip_accents : {'ascii', 'unicode'} or callable, default=None
    lowercase : bool, default=True
    preprocessor : callable, default=None
    tokenizer : callable, default=None
    stop_words : {'english'}, list or None, default=None
    token_pattern : str or None, default=r"(?u)\\b\\w\\w+\\b"
    analyzer : {'word'} or callable, default='word'
        The text analysis of raw documents, as in
        :class:`~sklearn.feature_extraction.text.CountVectorizer`.

    Attributes
    ----------
    phrases_ : dict of str to float
        The learned phrases, joined by ``delimiter``, and their scores:
        gensim's ``Phrases.export_phrases()`` (the phrases of every pass,
        when ``n_passes > 1``).
    n_tokens_ : int
        Tokens counted by the first pass, connector words included
        (gensim's ``corpus_word_count``).
    connector_words_ : frozenset of str
        The connector words used.

    See Also
    --------
    Word2VecVectorizer : Learns word (and phrase) vectors from token lists.

    Notes
    -----
    With counts ``c`` over the fit corpus of ``N`` tokens, the scores are

    .. math::

        \\mathrm{default}(a, b) = \\frac{c(a\\,b) - \\mathrm{min\\_count}}
        {c(a)\\, c(b)} \\, |V|, \\qquad
        \\mathrm{npmi}(a, b) = \\frac{\\ln \\frac{p(a\\,b)}{p(a)\\,p(b)}}
        {-\\ln p(a\\,b)}, \\quad p(x) = c(x) / N,

    where ``|V|`` counts the distinct words and pairs held. ``transform``
    scans each document left to right as gensim does: a phrase is joined,
    and its last word cannot start the next one, so of ``a b c`` with both
    pairs phrases only ``a_b`` is joined.

    Words are numbered and pairs coded as integers, and counted a chunk of
    documents at a time with ``np.unique`` and ``bincount``; gensim keys a
    dictionary by joined strings. The two agree whenever no token holds the
    delimiter; when some do (the second of ``n_passes`` sees ``new_york``),
    gensim's string keys can merge a word with a pair (``new_york`` and
    ``new york``), which the integer codes keep apart.

    References
    ----------
    Mikolov, T., Sutskever, I., Chen, K., Corrado, G. and Dean, J. (2013b).
    Distributed Representations of Words and Phrases and their
    Compositionality. NIPS.

    Bouma, G. (2009). Normalized (Pointwise) Mutual Information in
    Collocation Extraction. GSCL.

    Examples
    --------
    >>> from sklearn_w2v import PhraseTransformer
    >>> docs = ["I moved to new york last year", "new york is big",
    ...         "she loves new york", "the city of new york", "a new car"]
    >>> phrases = PhraseTransformer(min_count=1, threshold=1.0).fit(docs)
    >>> sorted(phrases.phrases_)
    ['new_york']
    >>> phrases.transform(["new york and a new car"])
    [['new_york', 'and', 'new', 'car']]
    """

    _parameter_constraints: dict = {
        "min_count": [Interval(Real, 0, None, closed="neither")],
        "threshold": [Interval(Real, None, None, closed="neither")],
        "scoring": [StrOptions({"default", "npmi"})],
        "connector_words": [StrOptions({"english"}), set, frozenset, list, tuple, None],
        "delimiter": [str],
        "max_vocab_size": [Interval(Integral, 1, None, closed="left")],
        "n_passes": [Interval(Integral, 1, None, closed="left")],
        **{
            name: _PoolingVectorizer._parameter_constraints[name]
            for name in ANALYZER_PARAMS
        },
    }

    def __init__(
        self,
        *,
        min_count=5,
        threshold=10.0,
        scoring="default",
        connector_words=None,
        delimiter="_",
        max_vocab_size=40_000_000,
        n_passes=1,
        input="content",
        encoding="utf-8",
        decode_error="strict",
        strip_accents=None,
        lowercase=True,
        preprocessor=None,
        tokenizer=None,
        stop_words=None,
        token_pattern=r"(?u)\b\w\w+\b",
        analyzer="word",
    ):
        self.min_count = min_count
        self.threshold = threshold
        self.scoring = scoring
        self.connector_words = connector_words
        self.delimiter = delimiter
        self.max_vocab_size = max_vocab_size
        self.n_passes = n_passes
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.analyzer = analyzer

    def _check_params(self):
        if self.scoring == "default" and self.threshold <= 0:
            raise ValueError(
                f"threshold={self.threshold} must be positive for scoring='default'."
            )
        if self.scoring == "npmi" and not -1 <= self.threshold <= 1:
            raise ValueError(
                f"threshold={self.threshold} must be in [-1, 1] for scoring='npmi'."
            )
        if not self.delimiter:
            raise ValueError("delimiter='' would join phrases beyond recovery.")
        if isinstance(self.connector_words, str):
            return ENGLISH_CONNECTOR_WORDS
        words = frozenset(self.connector_words or ())
        if not all(isinstance(word, str) for word in words):
            raise TypeError("connector_words must hold only str.")
        return words

    def _documents(self, X):
        analyzer = build_analyzer(self.get_params(deep=False))
        return iter_analyzed(X, analyzer, self.input, check_tokens=False)

    def _new_passes(self):
        connectors = self._check_params()
        self._passes = [
            _Pass(connectors, self.max_vocab_size) for _ in range(self.n_passes)
        ]
        self.n_tokens_ = 0
        self.connector_words_ = frozenset(connectors)

    def _learn(self, documents):
        """Count ``documents`` in every pass, one pass's output feeding the next."""
        for index, phrase_pass in enumerate(self._passes):
            last = index == len(self._passes) - 1
            if last:
                # The last pass streams: its output is not needed.
                n_tokens = phrase_pass.learn(iter_batches(documents, CHUNK_TOKENS))
            else:
                documents = list(documents)
                n_tokens = phrase_pass.learn(iter_batches(documents, CHUNK_TOKENS))
            if index == 0:
                if n_tokens == 0:
                    raise ValueError(
                        "X holds no tokens: phrases are learned from the words "
                        "of the documents."
                    )
                self.n_tokens_ += n_tokens
            phrase_pass.score(
                self.scoring, self.min_count, self.threshold, self.delimiter
            )
            if not last:
                documents = self._join(documents, [phrase_pass])
        self._fitted_params = self._scoring_params()
        self.phrases_ = {
            text: float(score)
            for phrase_pass in self._passes
            for text, score in zip(
                phrase_pass.texts, phrase_pass.scores.tolist(), strict=True
            )
        }
        return self

    def _scoring_params(self):
        return (self.scoring, self.min_count, self.threshold, self.delimiter)

    @staticmethod
    def _join(documents, passes):
        joined = []
        with collector_paused():
            for batch in iter_batches(documents, CHUNK_TOKENS):
                for phrase_pass in passes:
                    batch = phrase_pass.join(batch)
                joined.extend(batch)
        return joined

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the phrases of a corpus, reading it once (per pass).

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw documents (analysed as ``CountVectorizer`` does) or token
            lists; read once when ``n_passes=1``, so a generator streams.
        y : None
            Ignored.

        Returns
        -------
        self : PhraseTransformer
        """
        self._new_passes()
        return self._learn(self._documents(X))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Add the counts of more documents and learn the phrases again.

        As gensim's ``Phrases.add_vocab``: the new documents are counted
        apart (pruned with their own ``max_vocab_size`` schedule), then
        added to the counts so far. With ``n_passes > 1``, each later pass
        counts the new documents as rewritten by the passes before it, as
        they are now.

        Parameters
        ----------
        X : iterable of str or of list of str
            More documents.
        y : None
            Ignored.

        Returns
        -------
        self : PhraseTransformer
        """
        if not hasattr(self, "phrases_"):
            self._new_passes()
        else:
            if (
                self._fitted_params[3] != self.delimiter
                or len(self._passes) != self.n_passes
                or self.connector_words_ != self._check_params()
            ):
                raise ValueError(
                    "delimiter, connector_words and n_passes cannot change between "
                    "partial_fit calls: call fit to start again."
                )
            for phrase_pass in self._passes:
                phrase_pass.max_vocab_size = self.max_vocab_size
                phrase_pass.counts.max_vocab_size = self.max_vocab_size
        return self._learn(self._documents(X))

    def transform(self, X):
        """Rewrite documents as token lists with their phrases joined.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw documents or token lists, as in ``fit``.

        Returns
        -------
        documents : list of list of str
            One token list per document; words never seen in ``fit`` are
            kept as they are.
        """
        check_is_fitted(self, "phrases_")
        if self._scoring_params() != self._fitted_params:
            raise ValueError(
                "scoring, min_count, threshold and delimiter changed since fit: "
                "call fit again before transform."
            )
        return self._join(self._documents(X), self._passes)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the phrases of ``X`` and rewrite it; ``X`` is analysed once.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw documents or token lists.
        y : None
            Ignored.

        Returns
        -------
        documents : list of list of str
        """
        self._new_passes()
        documents = list(self._documents(X))
        self._learn(documents)
        return self._join(documents, self._passes)

    def export_phrases(self):
        """The phrases of each pass and their scores, in gensim's format.

        The dictionary of each pass is what gensim's
        ``Phrases.export_phrases()`` returns and ``FrozenPhrases`` holds as
        ``phrasegrams``; the user guide shows how to build gensim models
        from them.

        Returns
        -------
        phrases : list of dict of str to float
            One dictionary per pass, phrase (joined by ``delimiter``) to score.

        Examples
        --------
        >>> from sklearn_w2v import PhraseTransformer
        >>> docs = [["new", "york"]] * 3 + [[f"w{k}", f"v{k}"] for k in range(9)]
        >>> phrases = PhraseTransformer(min_count=1, threshold=1.0).fit(docs)
        >>> [sorted(pass_phrases) for pass_phrases in phrases.export_phrases()]
        [['new_york']]
        """
        check_is_fitted(self, "phrases_")
        return [
            dict(zip(p.texts.tolist(), p.scores.tolist(), strict=True))
            for p in self._passes
        ]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
