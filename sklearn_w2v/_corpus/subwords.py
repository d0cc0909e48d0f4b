"""Character n-grams of words and fastText's hash of them into buckets.

A subword model (Bojanowski et al., 2017) gives a word the mean of its own
row and the rows of its character n-grams: the n-grams of ``"<" + word +
">"`` of ``min_n`` to ``max_n`` characters, each hashed by fastText's 32-bit
FNV-1a into one of ``n_buckets`` rows. The functions here reproduce
fastText's ``Dictionary::hash`` and ``Dictionary::computeSubwords`` exactly
(gensim's ``ft_hash_bytes`` and ``compute_ngrams_bytes``), so that the
buckets of a word are those of a model trained by fastText or gensim.

Hashing is vectorized over all the n-grams of a batch of words: the words'
UTF-8 bytes are concatenated once, and the loops run over the position in an
n-gram (at most ``max_n`` characters of at most 4 bytes), never over words.

References
----------
Bojanowski, P., Grave, E., Joulin, A. and Mikolov, T. (2017). Enriching word
vectors with subword information. TACL, 5, 135-146.
"""

import numpy as np

FNV_OFFSET = np.uint32(2166136261)
FNV_PRIME = np.uint32(16777619)
# Words hashed per batch by ngram_buckets: bounds the (n_chars, max_n) table.
BATCH_WORDS = 65536


def _utf8(strings):
    """Concatenated UTF-8 bytes of `strings` and the offset of each."""
    encoded = [string.encode("utf-8") for string in strings]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    starts = np.cumsum(lengths) - lengths
    return data, starts, lengths


def _fold(hashes, data):
    """FNV-1a step of fastText, in place: ``h = (h ^ int8(byte)) * prime``."""
    # fastText hashes `char`, signed on its platforms: bytes >= 128 are
    # sign-extended to 32 bits before the xor.
    signed = data.astype(np.uint32) | np.where(data >= 128, 0xFFFFFF00, 0).astype(
        np.uint32
    )
    hashes ^= signed
    hashes *= FNV_PRIME  # uint32 arrays wrap modulo 2**32, as C's unsigned ints


def fasttext_hash(strings):
    """fastText's 32-bit FNV-1a hash of each string's UTF-8 bytes.

    Parameters
    ----------
    strings : sequence of str
        The strings to hash.

    Returns
    -------
    ndarray of shape (n_strings,), uint32
        Their hashes, those of fastText's ``Dictionary::hash`` (gensim's
        ``ft_hash_bytes``).

    Examples
    --------
    >>> from sklearn_w2v._corpus.subwords import fasttext_hash
    >>> fasttext_hash(["", "<wo", "été"]).tolist()
    [2166136261, 1031390033, 200187927]
    """
    data, starts, lengths = _utf8(strings)
    hashes = np.full(len(lengths), FNV_OFFSET, dtype=np.uint32)
    for position in range(int(lengths.max(initial=0))):
        active = np.flatnonzero(lengths > position)
        folded = hashes[active]
        _fold(folded, data[starts[active] + position])
        hashes[active] = folded
    return hashes


def word_ngrams(word, min_n, max_n):
    """The character n-grams of ``"<" + word + ">"``, in fastText's order.

    By start character, then by length: the n-grams of fastText's
    ``Dictionary::computeSubwords`` and gensim's ``compute_ngrams_bytes``
    (gensim's ``compute_ngrams`` gives the same n-grams ordered by length).
    The lone ``"<"`` and ``">"`` are never n-grams.

    Parameters
    ----------
    word : str
        The word, without its boundary marks.
    min_n, max_n : int
        Shortest and longest n-gram, in characters (code points).

    Returns
    -------
    list of str
        The n-grams, repeats kept.

    Examples
    --------
    >>> from sklearn_w2v._corpus.subwords import word_ngrams
    >>> word_ngrams("cat", 3, 4)
    ['<ca', '<cat', 'cat', 'cat>', 'at>']
    """
    marked = f"<{word}>"
    end = len(marked)
    return [
        marked[start : start + n]
        for start in range(end)
        for n in range(max(min_n, 1), min(max_n, end - start) + 1)
        if not (n == 1 and start in (0, end - 1))
    ]


def _batch_hashes(words, min_n, max_n):
    """Hashes of the n-grams of `words`, their count per word, fastText's order."""
    data, starts, lengths = _utf8([f"<{word}>" for word in words])
    # UTF-8 continuation bytes are 10xxxxxx; every other byte starts a character.
    is_start = ((data & 0xC0) != 0x80).astype(np.int64)
    char_starts = np.flatnonzero(is_start)
    char_ends = np.append(char_starts[1:], len(data))
    n_chars = np.add.reduceat(is_start, starts) if len(words) else starts
    word_of_char = np.repeat(np.arange(len(words)), n_chars)
    first_char = np.cumsum(n_chars) - n_chars
    position = np.arange(len(char_starts)) - first_char[word_of_char]
    remaining = n_chars[word_of_char] - position
    hashes = np.full((len(char_starts), max_n), FNV_OFFSET, dtype=np.uint32)
    current = hashes[:, 0].copy()
    for n in range(1, max_n + 1):
        # Extend the n-gram starting at each character by its n-th character.
        live = np.flatnonzero(remaining >= n)
        last = live + n - 1
        for offset in range(4):
            extend = live[char_starts[last] + offset < char_ends[last]]
            if not len(extend):
                break
            folded = current[extend]
            _fold(folded, data[char_starts[extend + n - 1] + offset])
            current[extend] = folded
        hashes[:, n - 1] = current
    n_range = np.arange(1, max_n + 1)
    keep = (n_range >= min_n) & (n_range <= remaining[:, None])
    boundary = (position == 0) | (remaining == 1)
    keep[:, 0] &= ~boundary
    counts = np.bincount(word_of_char, weights=keep.sum(axis=1), minlength=len(words))
    return hashes[keep], counts.astype(np.int64)


def ngram_buckets(words, min_n, max_n, n_buckets):
    """Bucket of each character n-gram of each word, as a CSR layout.

    Parameters
    ----------
    words : sequence of str
        The words, without boundary marks.
    min_n, max_n : int
        Shortest and longest n-gram, in characters; ``max_n=0`` means no
        n-grams, as in fastText.
    n_buckets : int
        Number of buckets: an n-gram's bucket is its :func:`fasttext_hash`
        modulo `n_buckets`.

    Returns
    -------
    indptr : ndarray of shape (n_words + 1,), int64
        The buckets of word ``i`` are ``buckets[indptr[i]:indptr[i + 1]]``.
    buckets : ndarray of shape (indptr[-1],), int64
        Bucket ids in fastText's n-gram order (:func:`word_ngrams`),
        repeats kept: a mean over them counts a repeated n-gram twice, as
        fastText does.

    Examples
    --------
    >>> from sklearn_w2v._corpus.subwords import ngram_buckets
    >>> indptr, buckets = ngram_buckets(["cat", "a"], 3, 4, n_buckets=10)
    >>> indptr.tolist(), buckets.tolist()
    ([0, 5, 6], [7, 3, 1, 5, 6, 0])
    """
    words = list(words)
    counts, parts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    if max_n > 0 and max_n >= min_n:
        for begin in range(0, len(words), BATCH_WORDS):
            hashes, batch_counts = _batch_hashes(
                words[begin : begin + BATCH_WORDS], min_n, max_n
            )
            parts.append((hashes % np.uint32(n_buckets)).astype(np.int64))
            counts.append(batch_counts)
    else:
        counts.append(np.zeros(len(words), np.int64))
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(np.int64)
    return indptr, np.concatenate(parts)
