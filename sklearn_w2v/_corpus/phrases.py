"""Phrase counting, scoring and joining on integer-coded tokens.

gensim's ``Phrases`` keys one dictionary by strings: each non-connector word,
and each *candidate* (a non-connector word, the connector words after it, the
next non-connector word) joined by the delimiter. Here a word is an id from a
slot table, a run of connector words an id from a table of runs, and a
candidate the int64 code ``(run << 2 * bits) | (left << bits) | right``;
candidates of a chunk of documents are found, coded and counted with array
operations (``np.unique`` and ``bincount``), never a Python call per token.
The keys are the same as gensim's as long as no token holds the delimiter
(gensim's joined strings can then collide, codes cannot).
"""

import gc
import math
from contextlib import contextmanager
from itertools import chain, compress, islice, repeat

import numpy as np

from .text import check_tokens_are_str
from .vocabulary import slot_table

_STR_TYPE = frozenset([str])

#: gensim 4.4's ``ENGLISH_CONNECTOR_WORDS``: articles, some prepositions and
#: conjunctions.
ENGLISH_CONNECTOR_WORDS = frozenset(
    "a an the for of with without at from to in on by and or".split()
)

#: Bits of a word id in a candidate code, at least.
_MIN_WORD_BITS = 20


class Lexicon:
    """Ids of words and of connector runs, shared by the counts of one pass.

    Parameters
    ----------
    connector_words : iterable of str
        Words that may sit inside a phrase but neither start nor end one;
        they take the first ids.

    Attributes
    ----------
    slots : dict of str to int
        Word to id; a missing word looked up with ``[]`` takes the next id.
    n_connectors : int
        Connector words, ids ``0 .. n_connectors - 1``.
    runs : dict of tuple of int to int
        Run of connector ids to run id; the empty run is 0.
    run_list : list of tuple of int
        The runs in id order.
    """

    def __init__(self, connector_words):
        connectors = sorted(set(connector_words))
        self.slots = slot_table(zip(connectors, range(len(connectors)), strict=True))
        self.n_connectors = len(connectors)
        self.runs = {(): 0}
        self.run_list = [()]

    def __getstate__(self):
        # The slot table's default factory cannot be pickled; its words can.
        state = self.__dict__.copy()
        state["slots"] = list(self.slots)
        state.pop("_words", None)
        return state

    def __setstate__(self, state):
        words = state.pop("slots")
        self.__dict__.update(state)
        self.slots = slot_table(zip(words, range(len(words)), strict=True))

    def encode(self, documents, grow):
        """Ids of the tokens of ``documents``, new words numbered if ``grow``.

        Returns ``(ids, offsets)``: int64 ids (-1 for a word not held when
        ``grow`` is false) and document boundaries. A token that is not a
        str raises TypeError naming its document.
        """
        lengths = np.fromiter(map(len, documents), np.int64, len(documents))
        offsets = np.zeros(len(documents) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        n_before = len(self.slots)
        tokens = chain.from_iterable(documents)
        try:
            if grow:
                ids = map(self.slots.__getitem__, tokens)
            else:
                ids = map(self.slots.get, tokens, repeat(-1))
            ids = np.fromiter(ids, np.int64, int(offsets[-1]))
        except TypeError:  # an unhashable token
            check_tokens_are_str(documents)
            raise
        # Only words never seen can be of another type: checking them is
        # checking every token, at a fraction of the cost.
        if grow:
            new = islice(self.slots, n_before, None)
        else:
            new = compress(chain.from_iterable(documents), (ids < 0).tolist())
        if not _STR_TYPE.issuperset(map(type, new)):
            check_tokens_are_str(documents)
        return ids, offsets

    def run_ids(self, ids, left, right, grow):
        """Run id of the connector words between ``left`` and ``right``.

        Runs are first numbered within the chunk, one connector position at
        a time (a run's number and its next connector give the next number),
        then each distinct run is looked up once in ``runs``; a run not held
        gets -1 unless ``grow``.
        """
        lengths = right - left - 1
        out = np.zeros(len(left), dtype=np.int64)
        inner = np.flatnonzero(lengths > 0)
        if not len(inner):
            return out
        local = np.zeros(len(inner), dtype=np.int64)
        active, next_code, k = np.arange(len(inner)), 1, 0
        while len(active):
            connector = ids[left[inner[active]] + 1 + k]
            pairs = local[active] * self.n_connectors + connector
            distinct, inverse = np.unique(pairs, return_inverse=True)
            # Codes of each length take a fresh range: runs of different
            # lengths never share one.
            local[active] = next_code + inverse
            next_code += len(distinct)
            k += 1
            active = active[lengths[inner[active]] > k]
        _, first, inverse = np.unique(local, return_index=True, return_inverse=True)
        found = np.empty(len(first), dtype=np.int64)
        for j, at in enumerate(inner[first].tolist()):
            run = tuple(ids[left[at] + 1 : right[at]].tolist())
            run_id = self.runs.get(run, -1)
            if run_id < 0 and grow:
                run_id = self.runs[run] = len(self.run_list)
                self.run_list.append(run)
            found[j] = run_id
        out[inner] = found[inverse]
        return out

    def candidates(self, ids, offsets, grow):
        """The phrase candidates of encoded documents.

        Returns ``(left, right, runs, doc)``: positions of the two
        non-connector words of each candidate, its run id and its document.
        """
        if grow:
            content = np.flatnonzero(ids >= self.n_connectors)
        else:
            # An unknown word (-1) is no connector: it ends candidates.
            content = np.flatnonzero((ids >= self.n_connectors) | (ids < 0))
        doc = document_index(offsets)[content]
        same = doc[1:] == doc[:-1]
        left, right = content[:-1][same], content[1:][same]
        return left, right, self.run_ids(ids, left, right, grow), doc[1:][same]

    def phrase_text(self, left, run, right, delimiter):
        """The joined text of one candidate, as gensim keys it."""
        words = self.words
        parts = [words[left], *(words[c] for c in self.run_list[run]), words[right]]
        return delimiter.join(parts)

    @property
    def words(self):
        """The words in id order (a list, rebuilt when words were added)."""
        cached = getattr(self, "_words", None)
        if cached is None or len(cached) != len(self.slots):
            self._words = list(self.slots)
        return self._words


def document_index(offsets):
    """The document of each token, from document boundaries."""
    n_documents = len(offsets) - 1
    return np.repeat(np.arange(n_documents, dtype=np.int64), np.diff(offsets))


def word_bits(n_words):
    """Bits of a word id in candidate codes for ``n_words`` words."""
    return max(_MIN_WORD_BITS, int(n_words - 1).bit_length())


def encode_candidates(left_ids, runs, right_ids, bits):
    """int64 codes of candidates: run, left word and right word."""
    if len(runs) and int(runs.max()) >= 1 << (63 - 2 * bits):
        raise ValueError(
            f"{int(runs.max()) + 1} distinct runs of connector words do not fit "
            f"in a phrase code with {1 << bits} word ids: use fewer connector_words."
        )
    return (runs << (2 * bits)) | (left_ids << bits) | right_ids


def decode_candidates(codes, bits):
    """Inverse of :func:`encode_candidates`: ``(left_ids, runs, right_ids)``."""
    mask = (1 << bits) - 1
    return (codes >> bits) & mask, codes >> (2 * bits), codes & mask


def _sum_by_code(codes, counts):
    """Distinct codes, sorted, and the sum of the counts of each."""
    order = np.argsort(codes)
    codes, counts = codes[order], counts[order]
    starts = np.flatnonzero(np.diff(codes, prepend=-1))
    return codes[starts], np.add.reduceat(counts, starts) if len(starts) else counts


def _count_codes(codes):
    """Distinct codes, sorted, and the occurrences of each."""
    codes = np.sort(codes)
    starts = np.flatnonzero(np.diff(codes, prepend=-1))
    return codes[starts], np.diff(np.append(starts, len(codes)))


class PhraseCounts:
    """Counts of words and candidates, as gensim's ``Phrases.vocab`` holds them.

    Parameters
    ----------
    lexicon : Lexicon
        Word and run ids.
    max_vocab_size : int
        Prune when more words and candidates than this are held.

    Attributes
    ----------
    unigram : ndarray of shape (n_ids,), int64
        Occurrences of each non-connector word held (0: not held).
    codes, counts : ndarray of shape (n_candidates,), int64
        Sorted candidate codes and their occurrences; more are pending in
        ``_pending`` until ``consolidate``.
    bits : int
        Word bits of ``codes``.
    n_tokens : int
        Tokens counted, connector words included (gensim's
        ``corpus_word_count``).
    min_reduce : int
        Counts below this go at the next pruning.
    """

    def __init__(self, lexicon, max_vocab_size):
        self.lexicon = lexicon
        self.max_vocab_size = max_vocab_size
        self.unigram = np.zeros(0, dtype=np.int64)
        self.codes = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self.bits = _MIN_WORD_BITS
        self.n_tokens = 0
        self.min_reduce = 1
        self._pending = []
        self._n_pending = 0

    def __len__(self):
        """Words and candidates held (gensim's ``len(vocab)``), after consolidating."""
        self.consolidate()
        return int(np.count_nonzero(self.unigram)) + len(self.codes)

    def consolidate(self):
        """Add the pending counts to ``codes`` and ``counts``, in place."""
        if not self._pending:
            return
        codes = np.concatenate([self.codes, *(c for c, _ in self._pending)])
        counts = np.concatenate([self.counts, *(n for _, n in self._pending)])
        self._pending, self._n_pending = [], 0
        self.codes, self.counts = _sum_by_code(codes, counts)

    def _set_bits(self, bits):
        if bits == self.bits:
            return
        self.consolidate()
        self.codes = encode_candidates(*decode_candidates(self.codes, self.bits), bits)
        order = np.argsort(self.codes, kind="stable")
        self.codes, self.counts, self.bits = self.codes[order], self.counts[order], bits

    def _grow_unigram(self):
        n_ids = len(self.lexicon.slots)
        if n_ids > len(self.unigram):
            grown = np.zeros(max(n_ids, 2 * len(self.unigram), 1024), dtype=np.int64)
            grown[: len(self.unigram)] = self.unigram
            self.unigram = grown

    def add_documents(self, documents):
        """Count, in place, the words and candidates of a list of token lists.

        Prunes whenever more than ``max_vocab_size`` are held after a
        document, as gensim's ``Phrases._learn_vocab`` does.
        """
        lexicon = self.lexicon
        ids, offsets = lexicon.encode(documents, grow=True)
        self.n_tokens += len(ids)
        left, right, runs, cand_doc = lexicon.candidates(ids, offsets, grow=True)
        self._set_bits(max(self.bits, word_bits(len(lexicon.slots))))
        self._grow_unigram()
        codes = encode_candidates(ids[left], runs, ids[right], self.bits)
        is_word = ids >= lexicon.n_connectors
        word_doc = document_index(offsets)[is_word]
        self._add_chunk(ids[is_word], word_doc, codes, cand_doc, len(documents))

    def _add_chunk(self, words, word_doc, codes, cand_doc, n_documents):
        while True:
            # An upper bound of the words and candidates held after the chunk.
            bound = (
                int(np.count_nonzero(self.unigram))
                + len(self.codes)
                + self._n_pending
                + len(codes)
                + len(words)
            )
            last = None
            if bound > self.max_vocab_size:
                # A pruning may fall inside the chunk: find the first
                # document after which more are held than max_vocab_size.
                last = self._first_overflow(
                    words, word_doc, codes, cand_doc, n_documents
                )
            if last is None:
                self._add_counts(words, *_count_codes(codes))
                return
            w_cut = np.searchsorted(word_doc, last, side="right")
            c_cut = np.searchsorted(cand_doc, last, side="right")
            self._add_counts(words[:w_cut], *_count_codes(codes[:c_cut]))
            self.prune()
            words, word_doc = words[w_cut:], word_doc[w_cut:] - last - 1
            codes, cand_doc = codes[c_cut:], cand_doc[c_cut:] - last - 1
            n_documents -= last + 1

    def _add_counts(self, words, distinct_codes, code_counts):
        self.unigram += np.bincount(words, minlength=len(self.unigram))
        if len(distinct_codes):
            self._pending.append((distinct_codes, code_counts))
            self._n_pending += len(distinct_codes)
        if self._n_pending > max(len(self.codes), 1 << 20):
            self.consolidate()

    def _first_overflow(self, words, word_doc, codes, cand_doc, n_documents):
        """The first document after which more than ``max_vocab_size`` are held."""
        self.consolidate()
        new_per_doc = np.zeros(n_documents, dtype=np.int64)
        distinct, first = np.unique(words, return_index=True)
        new = self.unigram[distinct] == 0
        new_per_doc += np.bincount(word_doc[first[new]], minlength=n_documents)
        distinct, first = np.unique(codes, return_index=True)
        at = np.searchsorted(self.codes, distinct)
        held = at < len(self.codes)
        held[held] = self.codes[at[held]] == distinct[held]
        new_per_doc += np.bincount(cand_doc[first[~held]], minlength=n_documents)
        held_after = len(self) + np.cumsum(new_per_doc)
        over = np.flatnonzero(held_after > self.max_vocab_size)
        return int(over[0]) if len(over) else None

    def prune(self):
        """Drop, in place, counts below ``min_reduce``; then raise it by one.

        As gensim's ``utils.prune_vocab(vocab, min_reduce)``.
        """
        self.consolidate()
        self.unigram[self.unigram < self.min_reduce] = 0
        keep = self.counts >= self.min_reduce
        self.codes, self.counts = self.codes[keep], self.counts[keep]
        self.min_reduce += 1

    def merge(self, other):
        """Add, in place, the counts of ``other`` (same lexicon), as ``add_vocab``."""
        other.consolidate()
        bits = max(self.bits, other.bits)
        self._set_bits(bits)
        other._set_bits(bits)
        self._grow_unigram()
        self.unigram[: len(other.unigram)] += other.unigram
        self._pending.append((other.codes, other.counts))
        self._n_pending += len(other.codes)
        self.n_tokens += other.n_tokens
        self.consolidate()
        self.min_reduce = max(self.min_reduce, other.min_reduce)
        if len(self) > self.max_vocab_size:
            self.prune()


def default_scores(count_a, count_b, count_ab, len_vocab, min_count):
    """gensim's ``original_scorer``, vectorized, to the last bit.

    ``(count_ab - min_count) / (count_a * count_b) * len_vocab``, in the
    order gensim computes it.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.phrases import default_scores
    >>> default_scores(np.array([10]), np.array([20]), np.array([8]), 1000, 5)
    array([15.])
    """
    denominator = (count_a * count_b).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = (count_ab - min_count) / denominator * float(len_vocab)
    scores[denominator == 0] = -np.inf
    return scores


def npmi_score(count_a, count_b, count_ab, n_tokens, min_count):
    """gensim's ``npmi_scorer`` for one candidate, with its arithmetic."""
    if count_ab < min_count:
        return -math.inf
    total = float(n_tokens)
    pa, pb, pab = count_a / total, count_b / total, count_ab / total
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except ValueError:
        return -math.inf


def npmi_scores(count_a, count_b, count_ab, n_tokens, min_count):
    """gensim's ``npmi_scorer``, vectorized.

    NumPy's ``log`` may differ from the C library's in the last bit: the
    scores are close to gensim's, and :func:`phrase_scores` recomputes with
    :func:`npmi_score` those near the threshold and those it keeps.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.phrases import npmi_scores
    >>> npmi_scores(np.array([10]), np.array([10]), np.array([10]), 100, 5).round(3)
    array([1.])
    """
    total = float(n_tokens)
    pa, pb, pab = count_a / total, count_b / total, count_ab / total
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.log(pab / (pa * pb)) / -np.log(pab)
    scores[(count_ab < min_count) | ~np.isfinite(scores)] = -np.inf
    return scores


def phrase_scores(counts, *, scoring, min_count, threshold):
    """Codes and scores of the candidates that score above ``threshold``.

    Parameters
    ----------
    counts : PhraseCounts
        Consolidated counts.
    scoring : {'default', 'npmi'}
    min_count : float
    threshold : float

    Returns
    -------
    codes : ndarray of shape (n_phrases,), int64
        Sorted codes of the phrases.
    scores : ndarray of shape (n_phrases,), float64
        Their scores, as gensim computes them.
    """
    counts.consolidate()
    left, _, right = decode_candidates(counts.codes, counts.bits)
    count_a, count_b = counts.unigram[left], counts.unigram[right]
    held = (count_a > 0) & (count_b > 0) & (counts.counts > 0)
    if scoring == "default":
        scores = default_scores(count_a, count_b, counts.counts, len(counts), min_count)
        keep = held & (scores > threshold)
        return counts.codes[keep], scores[keep]
    scores = npmi_scores(count_a, count_b, counts.counts, counts.n_tokens, min_count)
    # Recompute with the C library's log wherever the last bit may decide.
    near = np.flatnonzero(held & (scores > threshold - 1e-9))
    exact = np.array(
        [
            npmi_score(a, b, ab, counts.n_tokens, min_count)
            for a, b, ab in zip(
                count_a[near].tolist(),
                count_b[near].tolist(),
                counts.counts[near].tolist(),
                strict=True,
            )
        ],
        dtype=np.float64,
    )
    keep = exact > threshold
    return counts.codes[near[keep]], exact[keep]


def greedy_choice(ok, left, right):
    """Which candidates gensim's left-to-right scan joins.

    A candidate that shares its left word with a joined one just before it
    is skipped, so in a chain of consecutive phrase candidates the first,
    third, fifth... are joined.

    Parameters
    ----------
    ok : ndarray of shape (n_candidates,), bool
        Candidates that are phrases.
    left, right : ndarray of shape (n_candidates,), int64
        Positions of their words, in corpus order.

    Returns
    -------
    chosen : ndarray of shape (n_candidates,), bool

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.phrases import greedy_choice
    >>> ok = np.array([True, True, True, False, True])
    >>> greedy_choice(ok, np.arange(5), np.arange(1, 6)).tolist()
    [True, False, True, False, True]
    """
    index = np.arange(len(ok))
    chained = np.zeros(len(ok), dtype=bool)
    chained[1:] = ok[:-1] & (left[1:] == right[:-1])
    starts = np.where(ok & ~chained, index, 0)
    run_start = np.maximum.accumulate(starts) if len(ok) else starts
    return ok & ((index - run_start) % 2 == 0)


def join_phrases(documents, lexicon, phrase_codes, phrase_texts, bits):
    """gensim's ``analyze_sentence`` on each document, as arrays.

    Parameters
    ----------
    documents : list of list of str
        Token lists.
    lexicon : Lexicon
        Word and run ids of the fit.
    phrase_codes : ndarray of shape (n_phrases,), int64
        Sorted codes of the phrases.
    phrase_texts : ndarray of shape (n_phrases,), object
        Their joined texts.
    bits : int
        Word bits of the codes.

    Returns
    -------
    documents : list of list of str
        New token lists, phrases joined.
    """
    ids, offsets = lexicon.encode(documents, grow=False)
    left, right, runs, _ = lexicon.candidates(ids, offsets, grow=False)
    known = (ids[left] >= 0) & (ids[right] >= 0) & (runs >= 0)
    codes = encode_candidates(ids[left], np.maximum(runs, 0), ids[right], bits)
    where = np.searchsorted(phrase_codes, codes)
    where[where == len(phrase_codes)] = 0
    ok = known & (phrase_codes[where] == codes) if len(phrase_codes) else known & False
    chosen = np.flatnonzero(greedy_choice(ok, left, right))
    if not len(chosen):
        return [list(document) for document in documents]
    tokens = np.empty(len(ids), dtype=object)
    tokens[:] = list(chain.from_iterable(documents))
    tokens[left[chosen]] = phrase_texts[where[chosen]]
    # Positions after a phrase's first word, up to its last, are dropped;
    # joined phrases never share a word, so the indices are distinct.
    step = np.zeros(len(ids) + 1, dtype=np.int64)
    step[left[chosen] + 1] += 1
    step[right[chosen] + 1] -= 1
    keep = np.cumsum(step[:-1]) == 0
    kept_before = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    bounds = kept_before[offsets].tolist()
    flat = tokens[keep].tolist()
    return [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector, if on, for the block.

    Making hundreds of thousands of token lists sets the collector off
    again and again over every live container (ten times the cost of the
    lists, measured); lists of strings make no reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
