"""Intrinsic evaluation of word vectors: analogy questions and word-pair similarity.

Both evaluators reproduce gensim's ``KeyedVectors.evaluate_word_analogies`` and
``KeyedVectors.evaluate_word_pairs``, return frozen result objects instead of
logging, and never modify the vectors they evaluate.
"""

import numbers
import os
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from scipy import stats

from sklearn_w2v._corpus.files import open_file
from sklearn_w2v._keyedvectors.similarity import top_candidates

__all__ = [
    "AnalogyResult",
    "AnalogySection",
    "Correlation",
    "WordPairResult",
    "evaluate_word_analogies",
    "evaluate_word_pairs",
]

_METHODS = ("3cosadd", "3cosmul")
# gensim picks the answer among the 5 best candidates (all but the question words
# are excluded already; the 5 guard against case variants of them).
_N_CANDIDATES = 5


@dataclass(frozen=True)
class AnalogySection:
    """Analogy accuracy on one section of a question file.

    Parameters
    ----------
    name : str
        Section name, from its ``": name"`` header line.
    accuracy : float
        ``n_correct / (n_correct + n_incorrect)``, or 0.0 if no question was
        answered.
    n_correct : int
        Questions answered correctly.
    n_incorrect : int
        Questions answered wrongly.
    n_skipped : int
        Questions skipped because one of their four words is out of vocabulary.

    Examples
    --------
    >>> from sklearn_w2v.evaluation import AnalogySection
    >>> section = AnalogySection("family", 0.75, 3, 1, 2)
    >>> section.accuracy
    0.75
    """

    name: str
    accuracy: float
    n_correct: int
    n_incorrect: int
    n_skipped: int


@dataclass(frozen=True)
class AnalogyResult:
    """Analogy accuracy over a whole question file.

    Parameters
    ----------
    accuracy : float
        ``n_correct / (n_correct + n_incorrect)`` over all sections (gensim's
        "Total accuracy"), or 0.0 if no question was answered.
    n_correct : int
        Questions answered correctly.
    n_incorrect : int
        Questions answered wrongly.
    n_skipped : int
        Questions skipped because one of their words is out of vocabulary.
    sections : tuple of AnalogySection
        Per-section results, in file order.

    Examples
    --------
    >>> from sklearn_w2v.evaluation import AnalogyResult, AnalogySection
    >>> result = AnalogyResult(0.5, 1, 1, 0, (AnalogySection("a", 0.5, 1, 1, 0),))
    >>> result.accuracy, len(result.sections)
    (0.5, 1)
    """

    accuracy: float
    n_correct: int
    n_incorrect: int
    n_skipped: int
    sections: tuple


class Correlation(NamedTuple):
    """A correlation coefficient and its two-sided p-value.

    Examples
    --------
    >>> from sklearn_w2v.evaluation import Correlation
    >>> statistic, pvalue = Correlation(0.5, 0.01)
    >>> statistic
    0.5
    """

    statistic: float
    pvalue: float


@dataclass(frozen=True)
class WordPairResult:
    """Agreement of cosine similarities with human similarity judgements.

    Parameters
    ----------
    pearson : Correlation
        Pearson correlation coefficient and p-value.
    spearman : Correlation
        Spearman rank-order correlation coefficient and p-value.
    oov_ratio : float
        Fraction, in [0, 1], of the pairs with an out-of-vocabulary word. gensim
        reports the same quantity as a percentage, in [0, 100].
    n_pairs : int
        Well-formed pairs read, out-of-vocabulary ones included.
    n_oov : int
        Pairs with an out-of-vocabulary word.

    Examples
    --------
    >>> from sklearn_w2v.evaluation import Correlation, WordPairResult
    >>> pearson, spearman = Correlation(0.9, 0.1), Correlation(1.0, 0.0)
    >>> result = WordPairResult(pearson, spearman, 0.25, 4, 1)
    >>> result.oov_ratio
    0.25
    """

    pearson: Correlation
    spearman: Correlation
    oov_ratio: float
    n_pairs: int
    n_oov: int


def evaluate_word_analogies(
    kv, path_or_lines, restrict_vocab=300000, case_insensitive=True, method="3cosadd"
):
    """Accuracy on analogy questions "a is to b as c is to d".

    Reproduces gensim's ``KeyedVectors.evaluate_word_analogies`` and the
    ``compute-accuracy`` tool of the word2vec C package. The file is split into
    sections by lines ``": section name"``; other lines hold four words
    ``a b c d``. A question is answered with the key of the first
    `restrict_vocab` ones that best completes ``b - a + c``, the three question
    words excluded, and is correct if that key is ``d``. Questions with a word
    outside the first `restrict_vocab` keys are skipped; lines that do not hold
    exactly four words are ignored.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors to evaluate, most frequent keys first.
    path_or_lines : str, path-like or iterable of str
        A question file (``.gz``, ``.bz2`` and ``.xz`` are decompressed; a str is always
        a path), or its lines.
    restrict_vocab : int or None, default=300000
        Use only the first `restrict_vocab` keys, both for the questions and the
        answers. ``None`` uses the whole vocabulary.
    case_insensitive : bool, default=True
        Compare words upper-cased. A key then stands for all of its case
        variants, and the first of them in the vocabulary provides the vector.
    method : {'3cosadd', '3cosmul'}, default='3cosadd'
        Answer by cosine with ``b - a + c`` (:meth:`KeyedVectors.most_similar`),
        or by the multiplicative objective of Levy & Goldberg (2014)
        (:meth:`KeyedVectors.most_similar_cosmul`). gensim evaluates 3CosAdd only.

    Returns
    -------
    AnalogyResult
        Overall and per-section accuracy and counts.

    Raises
    ------
    ValueError
        If a question comes before the first section header.

    See Also
    --------
    sklearn_w2v.KeyedVectors.most_similar_batch : Answers the questions.

    Notes
    -----
    All questions are answered together, a batch of questions per matrix
    product. As in gensim, a candidate answer that equals a question word
    up to case (with `case_insensitive`) is passed over in favour of the next
    best one.

    References
    ----------
    Mikolov, T., Chen, K., Corrado, G. and Dean, J. (2013). Efficient estimation
    of word representations in vector space. ICLR Workshop.

    Levy, O. and Goldberg, Y. (2014). Linguistic regularities in sparse and
    explicit word representations. CoNLL.

    Examples
    --------
    >>> from sklearn_w2v import KeyedVectors
    >>> from sklearn_w2v.evaluation import evaluate_word_analogies
    >>> kv = KeyedVectors(
    ...     ["man", "woman", "king", "queen"],
    ...     [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
    ... )
    >>> questions = [": royalty", "man king woman queen", "man king woman prince"]
    >>> result = evaluate_word_analogies(kv, questions)
    >>> result.accuracy, result.n_correct, result.n_skipped
    (1.0, 1, 1)
    >>> result.sections[0].name
    'royalty'
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}.")
    lookup, canonical = _restricted_lookup(kv, restrict_vocab, case_insensitive)
    names, section_of, question_ids = [], [], []
    for line_no, line in enumerate(_lines(path_or_lines), start=1):
        if line.startswith(": "):
            names.append(line.lstrip(": ").strip())
            continue
        words = line.split()
        if not words:
            continue
        if not names:
            raise ValueError(
                f"line {line_no}: analogy question before the first ': section' header."
            )
        if len(words) != 4:
            continue  # gensim skips malformed questions too
        if case_insensitive:
            words = [word.upper() for word in words]
        question_ids.append([lookup.get(word, -1) for word in words])
        section_of.append(len(names) - 1)
    ids = np.array(question_ids, dtype=np.intp).reshape(-1, 4)
    section_of = np.array(section_of, dtype=np.intp)
    known = (ids >= 0).all(axis=1)
    correct = np.zeros(len(ids), dtype=bool)
    if known.any():
        correct[known] = _answer(kv, ids[known], canonical, method)
    n_sections = len(names)
    n_correct = np.bincount(section_of[correct], minlength=n_sections)
    n_incorrect = np.bincount(section_of[known & ~correct], minlength=n_sections)
    n_skipped = np.bincount(section_of[~known], minlength=n_sections)
    sections = tuple(
        AnalogySection(name, _accuracy(c, i), c, i, s)
        for name, c, i, s in zip(
            names,
            n_correct.tolist(),
            n_incorrect.tolist(),
            n_skipped.tolist(),
            strict=True,
        )
    )
    total_correct, total_incorrect = int(n_correct.sum()), int(n_incorrect.sum())
    return AnalogyResult(
        accuracy=_accuracy(total_correct, total_incorrect),
        n_correct=total_correct,
        n_incorrect=total_incorrect,
        n_skipped=int(n_skipped.sum()),
        sections=sections,
    )


def evaluate_word_pairs(
    kv,
    path_or_lines,
    delimiter="\t",
    restrict_vocab=300000,
    case_insensitive=True,
    dummy4unknown=False,
):
    """Correlation of cosine similarities with human judgements on word pairs.

    Reproduces gensim's ``KeyedVectors.evaluate_word_pairs``, except that the
    out-of-vocabulary ratio is a fraction rather than a percentage. Each line
    holds two words and a similarity score separated by `delimiter`; lines
    starting with ``#`` and malformed lines are skipped.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors to evaluate, most frequent keys first.
    path_or_lines : str, path-like or iterable of str
        A file such as WordSim-353 (``.gz``, ``.bz2`` and ``.xz`` are
        decompressed; a str is always a path), or its lines.
    delimiter : str, default='\\t'
        Field separator.
    restrict_vocab : int or None, default=300000
        Treat words outside the first `restrict_vocab` keys as out of vocabulary.
        ``None`` uses the whole vocabulary.
    case_insensitive : bool, default=True
        Compare words upper-cased; the first case variant in the vocabulary
        provides the vector.
    dummy4unknown : bool, default=False
        Give pairs with an out-of-vocabulary word a model similarity of 0 and keep
        them in the correlations, instead of leaving them out.

    Returns
    -------
    WordPairResult
        Pearson and Spearman correlations with p-values, and the
        out-of-vocabulary counts.

    Raises
    ------
    ValueError
        If fewer than two pairs remain to correlate.

    Examples
    --------
    >>> from sklearn_w2v import KeyedVectors
    >>> from sklearn_w2v.evaluation import evaluate_word_pairs
    >>> kv = KeyedVectors(
    ...     ["cat", "dog", "car", "bus"],
    ...     [[1.0, 0.2], [0.9, 0.4], [0.1, 1.0], [0.2, 0.9]],
    ... )
    >>> pairs = ["# word1 word2 score", "cat\\tdog\\t8.5", "cat\\tcar\\t1.0",
    ...          "car\\tbus\\t9.0", "cat\\tzebra\\t2.0"]
    >>> result = evaluate_word_pairs(kv, pairs)
    >>> round(result.spearman.statistic, 2), result.n_pairs, result.oov_ratio
    (1.0, 4, 0.25)
    """
    lookup, _ = _restricted_lookup(kv, restrict_vocab, case_insensitive)
    gold, first, second = [], [], []
    for line in _lines(path_or_lines):
        if not line or line.startswith("#"):
            continue
        fields = line.split(delimiter)
        if len(fields) != 3:
            continue
        try:
            score = float(fields[2])
        except ValueError:
            continue
        a, b = (
            (fields[0].upper(), fields[1].upper()) if case_insensitive else fields[:2]
        )
        gold.append(score)
        first.append(lookup.get(a, -1))
        second.append(lookup.get(b, -1))
    first, second = np.array(first, dtype=np.intp), np.array(second, dtype=np.intp)
    known = (first >= 0) & (second >= 0)
    normed = kv.get_normed_vectors()
    model = np.zeros(len(gold))
    model[known] = np.einsum("ij,ij->i", normed[first[known]], normed[second[known]])
    used = np.ones(len(gold), dtype=bool) if dummy4unknown else known
    if used.sum() < 2:
        raise ValueError(
            f"Found {int(used.sum())} usable word pairs out of {len(gold)} "
            "well-formed ones; at least 2 are needed. Are the words out of "
            "vocabulary, or is the delimiter wrong?"
        )
    gold = np.array(gold)
    pearson = stats.pearsonr(gold[used], model[used])
    spearman = stats.spearmanr(gold[used], model[used])
    n_oov = int((~known).sum())
    return WordPairResult(
        pearson=Correlation(float(pearson.statistic), float(pearson.pvalue)),
        spearman=Correlation(float(spearman.statistic), float(spearman.pvalue)),
        oov_ratio=n_oov / len(gold),
        n_pairs=len(gold),
        n_oov=n_oov,
    )


def count_skipped_as_incorrect(result):
    """`result` with its skipped questions counted as wrong answers.

    gensim's ``dummy4unknown=True``, for ``KeyedVectors.evaluate_word_analogies``:
    questions with an out-of-vocabulary word lower the accuracy instead of being
    left out.
    """

    def counted(item, **fields):
        n_incorrect = item.n_incorrect + item.n_skipped
        return replace(
            item,
            accuracy=_accuracy(item.n_correct, n_incorrect),
            n_incorrect=n_incorrect,
            n_skipped=0,
            **fields,
        )

    return counted(result, sections=tuple(map(counted, result.sections)))


def _accuracy(n_correct, n_incorrect):
    total = n_correct + n_incorrect
    return n_correct / total if total else 0.0


def _lines(path_or_lines):
    """Yield the lines of a file (decoded as UTF-8) or of an iterable of str."""
    if isinstance(path_or_lines, str) and "\n" in path_or_lines:
        raise ValueError(
            "path_or_lines looks like file contents, but a str is read as a path; "
            "pass text.splitlines() instead."
        )
    if isinstance(path_or_lines, (str, os.PathLike)):
        with open_file(path_or_lines, "rb") as fin:
            for line in fin:
                yield line.decode("utf8")
    else:
        yield from path_or_lines


def _restricted_lookup(kv, restrict_vocab, case_insensitive):
    """Map words to rows among the first `restrict_vocab` keys, as gensim does.

    Returns the dict from (upper-cased) word to row, and for each of those rows
    the row standing for its word: with `case_insensitive`, the first key
    with the same upper-cased form.
    """
    if restrict_vocab is not None and (
        not isinstance(restrict_vocab, numbers.Integral)
        or isinstance(restrict_vocab, bool)
        or restrict_vocab < 1
    ):
        raise ValueError(
            f"restrict_vocab must be a positive int or None, got {restrict_vocab!r}."
        )
    keys = kv.index_to_key[:restrict_vocab]
    if not case_insensitive:
        return {key: row for row, key in enumerate(keys)}, np.arange(len(keys))
    lookup = {}
    for row, key in enumerate(keys):
        lookup.setdefault(key.upper(), row)
    canonical = np.array([lookup[key.upper()] for key in keys], dtype=np.intp)
    return lookup, canonical


def _answer(kv, ids, canonical, method):
    """Whether each question ``ids = [a, b, c, expected]`` is answered correctly.

    Takes gensim's five best candidates and keeps the first that is not a
    question word (up to case); if there is none, gensim's loop ends on the last
    candidate, which is kept too.
    """
    searched = kv.get_normed_vectors()[: len(canonical)]
    candidates, _ = top_candidates(
        searched,
        searched,
        positive_rows=ids[:, 1:3],
        negative_rows=ids[:, :1],
        exclude=ids[:, :3],
        method=method,
        topn=_N_CANDIDATES,
    )
    present = candidates >= 0
    candidates = np.where(present, canonical[candidates], -1)
    valid = present & (candidates[:, :, None] != ids[:, None, :3]).all(axis=2)
    rows = np.arange(len(ids))
    last = candidates[rows, np.maximum(present.sum(axis=1) - 1, 0)]
    predicted = np.where(
        valid.any(axis=1), candidates[rows, valid.argmax(axis=1)], last
    )
    return predicted == ids[:, 3]
