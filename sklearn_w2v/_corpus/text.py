"""From raw documents to token lists, with scikit-learn's own analysers.

Strings (and bytes, files or file names, as ``input`` says) go through the
analyser that :class:`~sklearn.feature_extraction.text.CountVectorizer` builds
from the same parameters; lists or tuples of strings are taken as tokens.
"""

import os
from itertools import chain, compress, repeat

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

#: Parameters shared with CountVectorizer, with its defaults.
ANALYZER_PARAMS = {
    "input": "content",
    "encoding": "utf-8",
    "decode_error": "strict",
    "strip_accents": None,
    "lowercase": True,
    "preprocessor": None,
    "tokenizer": None,
    "stop_words": None,
    "token_pattern": r"(?u)\b\w\w+\b",
    "analyzer": "word",
}


def build_analyzer(params):
    """CountVectorizer's analyser for the analyser parameters in ``params``.

    Parameters
    ----------
    params : dict
        Holds at least the keys of ``ANALYZER_PARAMS``.

    Returns
    -------
    analyzer : callable
        Maps one raw document to a list of tokens.

    Examples
    --------
    >>> from sklearn_w2v._corpus.text import ANALYZER_PARAMS, build_analyzer
    >>> build_analyzer(ANALYZER_PARAMS)("The cat, the HAT.")
    ['the', 'cat', 'the', 'hat']
    """
    return CountVectorizer(
        **{name: params[name] for name in ANALYZER_PARAMS}
    ).build_analyzer()


_STR_TYPE = frozenset([str])
_TOKEN_LISTS = frozenset([list, tuple])


def _describe(document):
    text = repr(document)
    return text if len(text) <= 60 else text[:57] + "..."


def iter_analyzed(X, analyzer, input="content", check_tokens=True):
    """Analyse documents one at a time into token lists.

    ``X`` itself is checked at once (a bare string or a non-iterable raises
    here); each document is read, checked and analysed only when the
    returned iterator reaches it, so that a corpus is never held whole.
    A document that is neither raw text nor a sequence of strings raises
    TypeError naming its index. Tables are read as :func:`one_column` says.

    Parameters
    ----------
    X : iterable
        Raw or pre-tokenised documents.
    analyzer : callable
        Maps one raw document to its tokens.
    input : {'content', 'file', 'filename'}, default='content'
        What a raw document is, as in CountVectorizer.
    check_tokens : bool, default=True
        Check that pre-tokenised documents hold only str; a caller that
        checks later (:func:`encode_known` does) can skip it.

    Returns
    -------
    documents : iterator of list of str

    Examples
    --------
    >>> from sklearn_w2v._corpus.text import iter_analyzed
    >>> documents = iter_analyzed(["a b", ["c"]], str.split)
    >>> next(documents), next(documents)
    (['a', 'b'], ['c'])
    """
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received."
        )
    X = one_column(X)
    try:
        iterator = iter(X)
    except TypeError:
        raise TypeError(
            f"Iterable over raw text documents expected, got {type(X).__name__} object."
        ) from None
    if (
        not check_tokens
        and isinstance(X, list)
        and _TOKEN_LISTS.issuperset(map(type, X))
    ):
        # Pre-tokenised documents only, whose tokens the caller checks.
        return X
    return _analyzed(iterator, analyzer, input, check_tokens)


def one_column(X):
    """The documents of ``X``: ``X`` itself, or the column of a one-column table.

    Iterating over a DataFrame yields its column names, and over a 2-D array
    its rows: a table of one column (a pandas or polars DataFrame, an array
    of shape ``(n, 1)``, as ``ColumnTransformer`` passes ``df[["text"]]``)
    is read as that column; other tables and arrays of more than one
    dimension raise ValueError.

    Parameters
    ----------
    X : iterable
        Documents, or a table of them.

    Returns
    -------
    documents : iterable

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.text import one_column
    >>> one_column(np.array([["a b"], ["c"]])).tolist()
    ['a b', 'c']
    >>> one_column(np.array([["a", "b"]]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: X is a ndarray of shape (1, 2); expected one column of documents...
    """
    shape = getattr(X, "shape", None)
    if not isinstance(shape, tuple) or len(shape) < 2:
        return X
    if len(shape) == 2 and shape[1] == 1:
        if hasattr(X, "iloc"):  # pandas
            return X.iloc[:, 0]
        if hasattr(X, "to_series"):  # polars
            return X.to_series(0)
        if isinstance(X, np.ndarray):
            return X[:, 0]
    raise ValueError(
        f"X is a {type(X).__name__} of shape {shape}; expected one column of "
        'documents: pass the text column (such as df["text"]) or a list of '
        "documents."
    )


def _analyzed(iterator, analyzer, input, check_tokens=True):
    raw_types = (str, bytes)
    for index, document in enumerate(iterator):
        if (
            isinstance(document, raw_types)
            or (input == "file" and hasattr(document, "read"))
            or (input == "filename" and isinstance(document, os.PathLike))
        ):
            yield analyzer(document)
        elif isinstance(document, (list, tuple)):
            if check_tokens:
                check_tokens_are_str([document], first_index=index)
            yield document
        else:
            raise TypeError(
                f"Document {index} is {type(document).__name__} "
                f"{_describe(document)}; expected a string or a list of str tokens."
            )


def check_tokens_are_str(documents, first_index=0):
    """Raise TypeError naming the first document holding a non-str token.

    Parameters
    ----------
    documents : list of list
        Token lists; ``documents[k]`` is document ``first_index + k``.
    first_index : int, default=0
        Index of the first document, for the message.

    Examples
    --------
    >>> from sklearn_w2v._corpus.text import check_tokens_are_str
    >>> try:
    ...     check_tokens_are_str([["a"], ["b", 3]], first_index=5)
    ... except TypeError as error:
    ...     print(str(error).split(";")[0])
    Document 6 is a pre-tokenised list holding a int token 3
    """
    for offset, document in enumerate(documents):
        # The set of token types is found at C speed; str subclasses take
        # the slower isinstance check.
        if _STR_TYPE.issuperset(map(type, document)) or all(
            isinstance(token, str) for token in document
        ):
            continue
        token = next(t for t in document if not isinstance(t, str))
        raise TypeError(
            f"Document {first_index + offset} is a pre-tokenised "
            f"{type(document).__name__} "
            f"holding a {type(token).__name__} token {_describe(token)}; "
            "expected only str tokens."
        )


def iter_batches(documents, n_tokens):
    """Group token lists into lists of about ``n_tokens`` tokens.

    A batch ends with the document that takes its tokens, plus one per
    document, past ``n_tokens``, so a long document makes a batch alone.
    At least one batch, maybe empty, is yielded.

    Parameters
    ----------
    documents : iterable of list of str
        Token lists.
    n_tokens : int
        Tokens per batch.

    Yields
    ------
    batch : list of list of str

    Examples
    --------
    >>> from sklearn_w2v._corpus.text import iter_batches
    >>> list(iter_batches([["a", "b"], ["c"], ["d", "e", "f"], []], 3))
    [[['a', 'b'], ['c']], [['d', 'e', 'f']], [[]]]
    """
    if isinstance(documents, list):
        # Cut a list by its cumulative sizes instead of walking it.
        sizes = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        ends = np.cumsum(sizes + 1)
        start, yielded = 0, False
        while start < len(documents):
            stop = (
                int(
                    np.searchsorted(
                        ends, ends[start] - sizes[start] - 1 + n_tokens, side="right"
                    )
                )
                + 1
            )
            stop = min(max(stop, start + 1), len(documents))
            yield documents[start:stop]
            start, yielded = stop, True
        if not yielded:
            yield []
        return
    batch, size, yielded = [], 0, False
    for tokens in documents:
        batch.append(tokens)
        size += len(tokens) + 1
        if size > n_tokens:
            yield batch
            batch, size, yielded = [], 0, True
    if batch or not yielded:
        yield batch


def encode_known(documents, vocabulary, first_index=0):
    """Word ids of the in-vocabulary tokens of each document.

    Non-str tokens raise TypeError naming their document, as in
    :func:`check_tokens_are_str`.

    Parameters
    ----------
    documents : list of list of str
        Token lists.
    vocabulary : dict of str to int
        Word to row.
    first_index : int, default=0
        Index of the first document, for error messages.

    Returns
    -------
    ids : ndarray of shape (n_known_tokens,), int64
        Ids of the known tokens, documents concatenated.
    offsets : ndarray of shape (n_documents + 1,), int64
        Document ``k`` is ``ids[offsets[k]:offsets[k + 1]]``.

    Examples
    --------
    >>> from sklearn_w2v._corpus.text import encode_known
    >>> ids, offsets = encode_known([["a", "x", "b"], ["x"]], {"a": 0, "b": 1})
    >>> ids.tolist(), offsets.tolist()
    ([0, 1], [0, 2, 2])
    """
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    tokens = chain.from_iterable(documents)
    try:
        # One C-level pass over all tokens; -1 marks out-of-vocabulary ones.
        all_ids = np.fromiter(
            map(vocabulary.get, tokens, repeat(-1)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
    except TypeError:  # an unhashable token
        check_tokens_are_str(documents, first_index)
        raise
    known = all_ids >= 0
    # A token of another type is never in the vocabulary: checking the
    # unknown tokens is checking them all, at a fraction of the cost.
    unknown = compress(chain.from_iterable(documents), (~known).tolist())
    if not _STR_TYPE.issuperset(map(type, unknown)):
        check_tokens_are_str(documents, first_index)
    # Known tokens before each document boundary give the new offsets.
    known_before = np.zeros(len(all_ids) + 1, dtype=np.int64)
    np.cumsum(known, out=known_before[1:])
    boundaries = np.zeros(len(documents) + 1, dtype=np.int64)
    np.cumsum(lengths, out=boundaries[1:])
    return all_ids[known], known_before[boundaries]
