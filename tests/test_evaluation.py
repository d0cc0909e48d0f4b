import dataclasses
import gzip

import numpy as np
import pytest
from scipy import stats

from sklearn_w2v import KeyedVectors
from sklearn_w2v.evaluation import (
    AnalogyResult,
    evaluate_word_analogies,
    evaluate_word_pairs,
)

NOISE = 1.0

# man:king :: woman:queen holds exactly along the third axis
ROYALTY = {
    "man": [1.0, 0.0, 0.0],
    "woman": [0.0, 1.0, 0.0],
    "king": [1.0, 0.0, 1.0],
    "queen": [0.0, 1.0, 1.0],
}


def _kv(vectors):
    return KeyedVectors(list(vectors), list(vectors.values()))


def _section_counts(result):
    return [(s.name, s.n_correct, s.n_incorrect, s.n_skipped) for s in result.sections]


# analogies on hand-made vectors


def test_analogy_sections_counts_and_accuracy():
    kv = _kv({**ROYALTY, "prince": [1.0, 0.2, 0.8]})
    lines = [
        ": royalty",
        "man king woman queen",
        "woman queen man king",  # king beats prince, 1.207 to 1.163
        "man king woman prince",  # answered queen: wrong
        ": unknown words",
        "man king woman princess",
        "",
        "too few words",
    ]
    result = evaluate_word_analogies(kv, lines)
    assert _section_counts(result) == [("royalty", 2, 1, 0), ("unknown words", 0, 0, 1)]
    assert result.sections[0].accuracy == pytest.approx(2 / 3)
    assert result.sections[1].accuracy == 0.0
    assert (result.n_correct, result.n_incorrect, result.n_skipped) == (2, 1, 1)
    assert result.accuracy == pytest.approx(2 / 3)


def test_analogy_answers_come_from_the_restricted_vocabulary():
    # queen2 lies exactly along king - man + woman, but is 5th
    query = np.array([-1.0, 1.0, 0.0]) + np.array(ROYALTY["king"]) / np.sqrt(2)
    kv = _kv({**ROYALTY, "queen2": query})
    lines = [": royalty", "man king woman queen"]
    assert evaluate_word_analogies(kv, lines, restrict_vocab=4).n_correct == 1
    assert evaluate_word_analogies(kv, lines, restrict_vocab=None).n_correct == 0
    # and questions using keys outside the restriction are skipped
    result = evaluate_word_analogies(kv, lines, restrict_vocab=3)
    assert (result.n_correct, result.n_incorrect, result.n_skipped) == (0, 0, 1)


def test_analogy_case_insensitive_uses_the_first_case_variant():
    # lower-case "king" and "queen" come after "King" and "Queen", pointing elsewhere
    kv = _kv(
        {
            **{k.capitalize(): v for k, v in ROYALTY.items()},
            "Prince": [-1.0, 0.0, 0.2],
            "king": [0.0, -1.0, 0.0],
            "queen": [-1.0, -1.0, -1.0],
        }
    )
    lines = [": royalty", "Man king Woman queen"]
    assert evaluate_word_analogies(kv, lines).n_correct == 1
    # the vector of "king" would lead to "Prince"
    assert kv.most_similar(["king", "Woman"], ["Man"], topn=1)[0][0] == "Prince"
    result = evaluate_word_analogies(kv, lines, case_insensitive=False)
    assert (result.n_correct, result.n_incorrect) == (0, 1)


def test_analogy_passes_over_case_variants_of_question_words():
    # "Woman" is the best candidate, but it is "woman" up to case
    kv = _kv({**ROYALTY, "Woman": [-0.3, 1.0, 0.7]})
    lines = [": royalty", "man king woman queen"]
    assert evaluate_word_analogies(kv, lines).n_correct == 1
    assert evaluate_word_analogies(kv, lines, case_insensitive=False).n_correct == 0


def test_analogy_without_valid_candidate_keeps_the_last_one_like_gensim():
    # b - a + c = (-1, 1, 1): candidates A (cos 0.82) then B (0.58), both
    # question words up to case, so gensim ends on B
    kv = _kv(
        {
            "a": [1.0, 0.0, 0.0],
            "b": [0.0, 1.0, 0.0],
            "c": [0.0, 0.0, 1.0],
            "A": [0.0, 1.0, 1.0],
            "B": [0.0, 1.0, 0.0],
        }
    )
    result = evaluate_word_analogies(kv, [": s", "a b c b", "a b c A"])
    assert (result.n_correct, result.n_incorrect) == (1, 1)


def test_analogy_3cosmul_answers_like_most_similar_cosmul():
    rng = np.random.default_rng(0)
    keys = [f"w{i}" for i in range(40)]
    kv = KeyedVectors(keys, rng.standard_normal((40, 6)))
    questions = [[keys[i] for i in rng.choice(40, 3, replace=False)] for _ in range(30)]
    cosmul = [
        kv.most_similar_cosmul([b, c], [a], topn=1)[0][0] for a, b, c in questions
    ]
    cosadd = [kv.most_similar([b, c], [a], topn=1)[0][0] for a, b, c in questions]
    n_agree = sum(x == y for x, y in zip(cosmul, cosadd, strict=True))
    assert n_agree < 30
    lines = [": s"] + [
        " ".join(q + [d]) for q, d in zip(questions, cosmul, strict=True)
    ]
    assert evaluate_word_analogies(kv, lines, method="3cosmul").n_correct == 30
    assert evaluate_word_analogies(kv, lines, method="3cosadd").n_correct == n_agree


def test_analogy_reads_paths_and_compressed_files(tmp_path):
    kv = _kv({**ROYALTY, "prince": [1.0, 0.2, 0.8]})
    lines = [": royalty", "man king woman queen", "man king woman prince"]
    expected = evaluate_word_analogies(kv, lines)
    (tmp_path / "q.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "q.txt.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    assert evaluate_word_analogies(kv, tmp_path / "q.txt") == expected
    assert evaluate_word_analogies(kv, str(tmp_path / "q.txt.gz")) == expected
    assert expected.n_correct == 1 and expected.n_incorrect == 1


def test_analogy_rejects_bad_input():
    kv = _kv(ROYALTY)
    with pytest.raises(ValueError, match="line 2: analogy question before"):
        evaluate_word_analogies(kv, ["", "man king woman queen"])
    with pytest.raises(ValueError, match="method must be one of"):
        evaluate_word_analogies(kv, [": s"], method="3cosdiv")
    with pytest.raises(ValueError, match="looks like file contents"):
        evaluate_word_analogies(kv, ": s\nman king woman queen\n")
    with pytest.raises(ValueError, match="restrict_vocab must be a positive int"):
        evaluate_word_analogies(kv, [": s"], restrict_vocab=0)


def test_evaluation_does_not_modify_the_vectors():
    kv = _kv({**ROYALTY, "Queen": [0.1, 0.9, 1.0]})
    key_to_index, vectors = kv.key_to_index, kv.vectors.copy()
    evaluate_word_analogies(kv, [": s", "man king woman queen"])
    evaluate_word_pairs(kv, ["man\tking\t3", "man\twoman\t2", "king\tqueen\t1"])
    assert kv.key_to_index is key_to_index
    assert key_to_index == {"man": 0, "woman": 1, "king": 2, "queen": 3, "Queen": 4}
    np.testing.assert_array_equal(kv.vectors, vectors)


def test_results_are_frozen():
    result = evaluate_word_analogies(_kv(ROYALTY), [": s", "man king woman queen"])
    assert isinstance(result, AnalogyResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.accuracy = 0.0


# word pairs on hand-made vectors

PAIR_VECTORS = {"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [1.0, 1.0], "d": [-1.0, 0.0]}


def test_word_pairs_correlations_on_known_cosines():
    lines = [
        "# comment\tline\t5",
        "a\tc\t9.0",  # cos 0.7071
        "a\tb\t5.0",  # cos 0
        "a\td\t1.0\n",  # cos -1
        "b\tc\t8.0",  # cos 0.7071, tied with a-c
        "malformed line",
        "a\tb\tnot-a-number",
    ]
    result = evaluate_word_pairs(_kv(PAIR_VECTORS), lines)
    cosines = [np.sqrt(0.5), 0.0, -1.0, np.sqrt(0.5)]
    gold = [9.0, 5.0, 1.0, 8.0]
    assert result.pearson.statistic == pytest.approx(stats.pearsonr(gold, cosines)[0])
    assert result.pearson.pvalue == pytest.approx(
        stats.pearsonr(gold, cosines)[1], rel=1e-5
    )
    # ranks: gold (4, 2, 1, 3), model (3.5, 2, 1, 3.5)
    expected_spearman = stats.pearsonr([4, 2, 1, 3], [3.5, 2, 1, 3.5])[0]
    assert result.spearman.statistic == pytest.approx(expected_spearman)
    assert (result.n_pairs, result.n_oov, result.oov_ratio) == (4, 0, 0.0)


def test_word_pairs_out_of_vocabulary_ratio_and_dummy4unknown():
    lines = ["a\tc\t9", "a\tb\t5", "a\td\t1", "a\tzebra\t7"]
    result = evaluate_word_pairs(_kv(PAIR_VECTORS), lines)
    assert (result.n_pairs, result.n_oov, result.oov_ratio) == (4, 1, 0.25)
    assert result.spearman.statistic == pytest.approx(1.0)
    dummy = evaluate_word_pairs(_kv(PAIR_VECTORS), lines, dummy4unknown=True)
    assert dummy.oov_ratio == 0.25
    cosines = [np.sqrt(0.5), 0.0, -1.0, 0.0]
    assert dummy.pearson.statistic == pytest.approx(
        stats.pearsonr([9, 5, 1, 7], cosines)[0]
    )


def test_word_pairs_restrict_vocab_case_and_delimiter():
    kv = _kv({"A": [1.0, 0.0], "b": [0.0, 1.0], "c": [1.0, 1.0], "d": [-1.0, 0.0]})
    lines = ["a,c,9", "a,b,5", "a,d,1"]
    assert evaluate_word_pairs(kv, lines, delimiter=",").n_oov == 0
    with pytest.raises(ValueError, match="Found 0 usable word pairs out of 3"):
        evaluate_word_pairs(kv, lines, delimiter=",", case_insensitive=False)
    result = evaluate_word_pairs(kv, lines + ["b,c,6"], delimiter=",", restrict_vocab=3)
    assert (result.n_oov, result.n_pairs) == (1, 4)
    with pytest.raises(ValueError, match="Found 0 usable word pairs out of 0"):
        evaluate_word_pairs(kv, lines)  # wrong delimiter: no well-formed line


# parity with gensim on the benchmark files that gensim ships


@pytest.fixture(scope="module")
def wordsim(gensim_test_data):
    return gensim_test_data / "wordsim353.tsv"


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory, gensim_test_data, wordsim):
    rng = np.random.default_rng(0)
    source = gensim_test_data / "questions-words.txt"
    lines = source.read_text(encoding="utf8").splitlines()
    # every 7th question keeps the test fast while covering all sections
    lines = [line for i, line in enumerate(lines) if line.startswith(":") or i % 7 == 0]
    questions = tmp_path_factory.mktemp("analogies") / "questions.txt"
    questions.write_text("\n".join(lines) + "\n", encoding="utf8")
    pair_words = [
        word
        for line in wordsim.read_text(encoding="utf8").splitlines()
        if not line.startswith("#")
        for word in line.split("\t")[:2]
    ]
    words = list(
        dict.fromkeys(
            [w for line in lines if not line.startswith(":") for w in line.split()]
            + pair_words
        )
    )
    words = [w for w in words if rng.random() > 0.08]  # some out of vocabulary
    # a few case variants before and after the original words
    words = (
        [w.lower() for w in words[:40:3]] + words + [w.upper() for w in words[40:90:3]]
    )
    words = list(dict.fromkeys(words))
    index = {w: i for i, w in enumerate(words)}
    vectors = rng.standard_normal((len(words), 24))
    # plant each section's relation with noise, so that about half is right
    pairs, offsets = {}, []
    for line in lines:
        if line.startswith(":"):
            offsets.append(2.0 * rng.standard_normal(24))
            continue
        a, b, c, d = line.split()
        pairs.update(
            dict.fromkeys([(len(offsets) - 1, a, b), (len(offsets) - 1, c, d)])
        )
    for section, x, y in pairs:
        if x in index and y in index:
            vectors[index[y]] = (
                NOISE * vectors[index[y]] + vectors[index[x]] + offsets[section]
            )
    # upper-case variants close to their word compete with the question words
    for i, word in enumerate(words):
        if word.isupper() and word.lower() in index:
            vectors[i] = vectors[index[word.lower()]] + 0.1 * rng.standard_normal(24)
    return KeyedVectors(words, vectors), questions


def _gensim_kv(kv):
    gensim_models = pytest.importorskip("gensim.models")
    gkv = gensim_models.KeyedVectors(kv.vector_size)
    gkv.add_vectors(kv.index_to_key, kv.vectors)
    return gkv


def _gensim_counts(gensim_sections):
    return [
        (s["section"], len(s["correct"]), len(s["incorrect"])) for s in gensim_sections
    ]


@pytest.mark.parametrize(
    "restrict_fraction, case_insensitive", [(1.0, True), (0.6, True), (1.0, False)]
)
def test_analogies_match_gensim(benchmark, restrict_fraction, case_insensitive):
    kv, questions = benchmark
    gkv = _gensim_kv(kv)
    restrict_vocab = int(restrict_fraction * len(kv))
    result = evaluate_word_analogies(
        kv, questions, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    score, sections = gkv.evaluate_word_analogies(
        str(questions), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    assert _gensim_counts(sections[:-1]) == [
        (s.name, s.n_correct, s.n_incorrect) for s in result.sections
    ]
    assert result.accuracy == score
    assert 0.2 < result.accuracy < 0.8  # a test that can tell answers apart
    n_questions = sum(
        1 for line in questions.read_text().splitlines() if not line.startswith(":")
    )
    assert result.n_skipped == n_questions - result.n_correct - result.n_incorrect
    assert result.n_skipped > 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim calls init_sims
def test_analogies_3cosmul_match_gensim_cosmul(benchmark):
    kv, questions = benchmark
    gkv = _gensim_kv(kv)
    # gensim evaluates 3CosAdd only; route its questions to most_similar_cosmul,
    # which ignores restrict_vocab, so search the whole vocabulary
    gkv.most_similar = gkv.most_similar_cosmul
    score, sections = gkv.evaluate_word_analogies(
        str(questions), restrict_vocab=len(kv)
    )
    result = evaluate_word_analogies(
        kv, questions, restrict_vocab=len(kv), method="3cosmul"
    )
    assert _gensim_counts(sections[:-1]) == [
        (s.name, s.n_correct, s.n_incorrect) for s in result.sections
    ]
    assert result.accuracy == score
    additive = evaluate_word_analogies(kv, questions, restrict_vocab=len(kv))
    assert additive.n_correct != result.n_correct


@pytest.mark.parametrize(
    "case_insensitive, dummy4unknown, restrict_fraction",
    [(True, False, 1.0), (True, True, 1.0), (False, False, 1.0), (True, False, 0.5)],
)
def test_word_pairs_match_gensim(
    benchmark, wordsim, case_insensitive, dummy4unknown, restrict_fraction
):
    kv, _ = benchmark
    gkv = _gensim_kv(kv)
    options = dict(
        restrict_vocab=int(restrict_fraction * len(kv)),
        case_insensitive=case_insensitive,
        dummy4unknown=dummy4unknown,
    )
    result = evaluate_word_pairs(kv, wordsim, **options)
    pearson, spearman, oov_percent = gkv.evaluate_word_pairs(str(wordsim), **options)
    assert result.pearson.statistic == pytest.approx(pearson[0], rel=1e-5)
    assert result.spearman.statistic == pytest.approx(spearman[0], rel=1e-5)
    # float32 rounding of the cosines moves p-values more than statistics
    assert result.pearson.pvalue == pytest.approx(pearson[1], rel=1e-3)
    assert result.spearman.pvalue == pytest.approx(spearman[1], rel=1e-3)
    assert result.oov_ratio == pytest.approx(oov_percent / 100)
    assert 0 < result.n_oov < result.n_pairs
    assert result.n_pairs == 353


def test_analogy_default_restriction_is_gensims_300000():
    # gensim 4.4's evaluate_word_analogies defaults to restrict_vocab=300000: a
    # question whose words rank beyond 30000 is answered, not skipped
    n_keys = 30_010
    vectors = np.zeros((n_keys, 3))
    vectors[:, 2] = np.linspace(-1.0, 1.0, n_keys)  # filler keys, far from the rest
    keys = [f"filler{i}" for i in range(n_keys - 4)] + list(ROYALTY)
    vectors[-4:] = list(ROYALTY.values())
    vectors[-4:, 0] += 10.0  # a cluster of its own
    kv = KeyedVectors(keys, vectors)
    result = evaluate_word_analogies(kv, [": royalty", "man king woman queen"])
    assert (result.n_correct, result.n_skipped) == (1, 0)
    result = evaluate_word_analogies(
        kv, [": royalty", "man king woman queen"], restrict_vocab=30_000
    )
    assert result.n_skipped == 1


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim calls init_sims
def test_keyed_vectors_evaluation_methods_match_gensims(benchmark, wordsim):
    kv, questions = benchmark
    gkv = _gensim_kv(kv)
    for options in [{}, {"dummy4unknown": True}]:
        result = kv.evaluate_word_analogies(questions, **options)
        score, sections = gkv.evaluate_word_analogies(str(questions), **options)
        assert result.accuracy == score
        assert _gensim_counts(sections[:-1]) == [
            (s.name, s.n_correct, s.n_incorrect) for s in result.sections
        ]
    assert result.n_skipped == 0
    # gensim 4.4 ignores its similarity_function: route most_similar instead
    cosmul = kv.evaluate_word_analogies(
        questions, restrict_vocab=len(kv), similarity_function="most_similar_cosmul"
    )
    gkv.most_similar = gkv.most_similar_cosmul
    score, _ = gkv.evaluate_word_analogies(str(questions), restrict_vocab=len(kv))
    assert cosmul.accuracy == score
    assert cosmul.n_correct != kv.evaluate_word_analogies(questions).n_correct
    result = kv.evaluate_word_pairs(wordsim, dummy4unknown=True)
    pearson, spearman, oov_percent = gkv.evaluate_word_pairs(
        str(wordsim), dummy4unknown=True
    )
    assert result.pearson.statistic == pytest.approx(pearson[0], rel=1e-5)
    assert result.spearman.statistic == pytest.approx(spearman[0], rel=1e-5)
    assert result.oov_ratio == pytest.approx(oov_percent / 100)


def test_analogy_method_refuses_an_unknown_similarity_function():
    kv = _kv(ROYALTY)
    with pytest.raises(ValueError, match="similarity_function must be one of"):
        kv.evaluate_word_analogies(
            [": r", "man king woman queen"], similarity_function="x"
        )
