"""Tables that training reads: keep probabilities, noise table, Huffman tree.

Each is computed once per fit from the word counts, as arrays.
"""

import numpy as np


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
    >>> from sklearn_w2v._engine.tables import keep_probabilities
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
    >>> from sklearn_w2v._engine.tables import noise_table
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
    >>> from sklearn_w2v._engine.tables import huffman_tree
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
