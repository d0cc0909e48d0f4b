"""Vocabulary: counting, pruning, frequency order, subsampling and noise laws.

Every function here works on arrays of counts or word ids; the only loop over
tokens is the dictionary lookup that turns strings into integer ids, which
Python cannot vectorize (``CountVectorizer`` does the same).
"""

import numpy as np


def encode_documents(documents):
    """Map token sequences to provisional integer ids in first-seen order.

    Parameters
    ----------
    documents : iterable of list of str
        Tokenised documents.

    Returns
    -------
    words : list of str
        Distinct tokens in order of first occurrence; provisional id ``i`` is
        ``words[i]``.
    ids : ndarray of shape (n_tokens,), int32
        The provisional id of every token, documents concatenated.
    offsets : ndarray of shape (n_documents + 1,), int64
        Document ``k`` is ``ids[offsets[k]:offsets[k + 1]]``.

    Examples
    --------
    >>> from sklearn_w2v._vocabulary import encode_documents
    >>> words, ids, offsets = encode_documents([["a", "b", "a"], ["c"]])
    >>> words, ids.tolist(), offsets.tolist()
    (['a', 'b', 'c'], [0, 1, 0, 2], [0, 3, 4])
    """
    index = {}
    setdefault = index.setdefault
    chunks = []
    lengths = []
    for tokens in documents:
        # setdefault with the current size assigns new ids in first-seen order.
        chunks.append([setdefault(token, len(index)) for token in tokens])
        lengths.append(len(chunks[-1]))
    ids = np.fromiter(
        (i for chunk in chunks for i in chunk),
        dtype=np.int32,
        count=sum(lengths),
    )
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return list(index), ids, offsets


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
    >>> from sklearn_w2v._vocabulary import select_vocabulary
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
    >>> from sklearn_w2v._vocabulary import extend_vocabulary
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


def keep_probabilities(counts, subsample):
    """Probability of keeping each occurrence of a word (frequent-word subsampling).

    With corpus frequency ``f = count / total`` and threshold ``t``, the word
    is kept with probability ``(sqrt(f / t) + 1) * t / f``, capped at 1, the
    formula of the word2vec C tool and gensim.

    Parameters
    ----------
    counts : ndarray of shape (n_words,)
        Occurrences of each word.
    subsample : float
        Threshold ``t``; 0 keeps every occurrence.

    Returns
    -------
    keep : ndarray of shape (n_words,), float64

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._vocabulary import keep_probabilities
    >>> keep_probabilities(np.array([900, 90, 10]), 0.01).round(3).tolist()
    [0.117, 0.444, 1.0]
    """
    counts = np.asarray(counts, dtype=np.float64)
    if subsample == 0:
        return np.ones_like(counts)
    threshold = subsample * counts.sum()
    keep = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
    return np.minimum(keep, 1.0)


def noise_table(counts, ns_exponent, *, table_size=1 << 22):
    """Lookup table for drawing negative samples from ``count ** ns_exponent``.

    Word ``j`` fills a share of the table proportional to its noise
    probability, so a uniform random index into the table is a draw from the
    noise law; one lookup is cheaper than a binary search per draw.

    Parameters
    ----------
    counts : ndarray of shape (n_words,)
        Occurrences of each word.
    ns_exponent : float
        Exponent of the noise distribution (0.75 in word2vec; 0 is uniform).
    table_size : int, default=4194304
        Number of entries.

    Returns
    -------
    table : ndarray of shape (table_size,), smallest unsigned type holding n_words - 1

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._vocabulary import noise_table
    >>> table = noise_table(np.array([16, 1]), 1.0, table_size=17)
    >>> np.bincount(table).tolist()
    [16, 1]
    """
    weights = np.asarray(counts, dtype=np.float64) ** ns_exponent
    # Entry boundaries of word j are the rounded cumulative shares: repeating
    # each word over its share beats a binary search per entry.
    bounds = np.rint(np.cumsum(weights) / weights.sum() * table_size).astype(np.int64)
    # The smallest integer type halves the table of most vocabularies, and
    # with it the cache misses of the random lookups.
    dtype = np.min_scalar_type(max(len(weights) - 1, 0))
    return np.repeat(np.arange(len(weights), dtype=dtype), np.diff(bounds, prepend=0))


def huffman_tree(counts):
    """Huffman codes and paths of the words, as the word2vec C tool builds them.

    The two-queue linear method: words sorted by decreasing count form one
    queue, merged inner nodes the other; the two rarest nodes are merged until
    one root is left. Inner node ``j`` is row ``j`` of the output matrix
    (``n_words - 1`` rows; the root is the last).

    Parameters
    ----------
    counts : ndarray of shape (n_words,)
        Occurrences of each word, in decreasing order.

    Returns
    -------
    points : ndarray of shape (n_words, max_length), int32
        Inner nodes on the path from the root to each word; padded with
        ``n_words`` (the padding row of the weight matrices).
    codes : ndarray of shape (n_words, max_length), int8
        Branch taken at each node (0 or 1); 0 on padding.
    lengths : ndarray of shape (n_words,), int64
        Path length of each word.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._vocabulary import huffman_tree
    >>> points, codes, lengths = huffman_tree(np.array([4, 2, 1, 1]))
    >>> lengths.tolist(), codes[0].tolist(), points[0].tolist()
    ([1, 2, 3, 3], [1, 0, 0], [2, 4, 4])
    """
    n_words = len(counts)
    if n_words == 1:
        return (
            np.full((1, 1), n_words, dtype=np.int32),
            np.zeros((1, 1), dtype=np.int8),
            np.zeros(1, dtype=np.int64),
        )
    n_nodes = 2 * n_words - 1
    weight = np.empty(n_nodes, dtype=np.float64)
    weight[:n_words] = counts
    parent = np.zeros(n_nodes, dtype=np.int64)
    branch = np.zeros(n_nodes, dtype=np.int8)
    # The merge is sequential by nature; one step per inner node.
    word, inner = n_words - 1, n_words
    for node in range(n_words, n_nodes):
        pair = []
        for _ in range(2):
            if word >= 0 and (inner >= node or weight[word] < weight[inner]):
                pair.append(word)
                word -= 1
            else:
                pair.append(inner)
                inner += 1
        weight[node] = weight[pair[0]] + weight[pair[1]]
        parent[pair] = node
        branch[pair[1]] = 1
    # Walk all words up to the root at once, one level per step.
    root = n_nodes - 1
    node = np.arange(n_words)
    up_codes, up_points = [], []
    while np.any(node != root):
        active = node != root
        up_codes.append(np.where(active, branch[node], -1))
        node = np.where(active, parent[node], root)
        up_points.append(np.where(active, node - n_words, -1))
    up_codes = np.array(up_codes).T
    up_points = np.array(up_points).T
    lengths = (up_codes >= 0).sum(axis=1)
    max_length = int(lengths.max())
    # Reverse each word's path so that it starts at the root.
    column = np.arange(max_length)
    source = lengths[:, None] - 1 - column
    inside = source >= 0
    rows = np.arange(n_words)[:, None]
    codes = np.where(inside, up_codes[rows, np.maximum(source, 0)], 0)
    points = np.where(inside, up_points[rows, np.maximum(source, 0)], n_words)
    return points.astype(np.int32), codes.astype(np.int8), lengths
