"""Misspelled documents: accuracy of four representations as typos grow.

On the bundled passages of the State of the Union addresses
(:func:`sklearn_w2v.datasets.load_sotu_passages`: passages of about 50 words,
target = era of the address, 3 classes, train and test split by address),
four models are fitted once on the clean train passages and all their labels,
each followed by LogisticRegression:

- ``TfidfVectorizer()``;
- ``TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))``;
- word vectors: ``Word2VecVectorizer`` (skip-gram, 100 components, 5 epochs,
  pooling "mean"), pretrained on the train passages' text without labels as
  in ``bench_few_labels.py``, frozen, then standardised;
- subword vectors: the same with ``subwords=(3, 6)`` and 200,000 hash buckets
  (fewer than the default 2,000,000, to keep memory small); an unseen token
  of a test passage is pooled through its known n-grams, weighed
  ``min(1, n / 20)`` of a word for ``n`` known n-grams;
- the subword model's vectors of its vocabulary only
  (``EmbeddingVectorizer`` over them, "subword skip OOV"): unseen tokens
  skipped, as word vectors skip them. What the subword vectors lose with it
  bounds what pooling unseen tokens could gain back.

Each model is then scored on the test passages with 0%, 10%, 20% and 30% of
their tokens misspelled. A test passage is split on whitespace; of its
tokens of two or more letters only (``str.isalpha``; a token with attached
punctuation is never corrupted) the given share is drawn with
``np.random.default_rng``, and each drawn token gets one random edit, its
kind drawn uniformly: insert a letter, delete a letter, substitute a
letter, or swap two adjacent letters (redrawn until the token changes).
The tokens are joined again with single spaces, at 0% too, so that every
level is analysed alike. Every model reads the same corrupted text. With
``--seeds N`` the corruption is drawn N times (seeds 0 to N-1) and the
accuracies averaged; the models are fitted once.

Printed: the fit times, the out-of-vocabulary share of the test tokens at
each level for both vectorizers (``vocabulary_coverage``), the accuracy of
each model at each level, its drop from 0% to 20%, and the acceptance check
of the subword-vectors issue: the subword vectors lose at most half as much
accuracy as the word vectors from 0% to 20% corruption.

With ``--gensim`` (gensim is in the ``benchmark`` extra) two reference rows
are added: gensim 4.4's ``Word2Vec`` and ``FastText`` (``sg=1``, the same
dimensions, window, min_count, negatives, subsampling, epochs, n-grams and
buckets), trained on the same tokens of the train passages, their vectors
pooled by ``EmbeddingVectorizer`` exactly as ours are (the FastText model is
saved with ``save_facebook_model`` and read back with
``KeyedVectors.load_facebook_vectors``, so that its unseen tokens are pooled
through their n-grams by the same rule), and the same check is printed for
them.

Usage: python benchmarks/bench_misspellings.py [--seeds 1] [--n-jobs 1] [--gensim]
"""

import argparse
import copy
import pathlib
import string
import tempfile
import time

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import EmbeddingVectorizer, KeyedVectors, Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu_passages

LEVELS = (0.0, 0.1, 0.2, 0.3)
LETTERS = np.array(list(string.ascii_lowercase))
N_BUCKETS = 200_000
VECTORS = ("word vectors", "subword vectors")
SKIPPED = "subword skip OOV"


def classifier():
    return LogisticRegression(max_iter=2000)


def edit(token, rng):
    """``token`` with one random character edit (never the token itself)."""
    while True:
        kind = rng.integers(4)
        if kind == 0:  # insert
            i = rng.integers(len(token) + 1)
            new = token[:i] + rng.choice(LETTERS) + token[i:]
        elif kind == 1:  # delete
            i = rng.integers(len(token))
            new = token[:i] + token[i + 1 :]
        elif kind == 2:  # substitute
            i = rng.integers(len(token))
            new = token[:i] + rng.choice(LETTERS) + token[i + 1 :]
        else:  # swap two adjacent letters
            i = rng.integers(len(token) - 1)
            new = token[:i] + token[i + 1] + token[i] + token[i + 2 :]
        if new.lower() != token.lower():
            return new


def corrupt(documents, share, seed):
    """The documents with ``share`` of their alphabetic tokens misspelled."""
    rng = np.random.default_rng(seed)
    tokens = [document.split() for document in documents]
    eligible = [
        (d, t)
        for d, words in enumerate(tokens)
        for t, word in enumerate(words)
        if len(word) >= 2 and word.isalpha()
    ]
    chosen = rng.choice(len(eligible), round(share * len(eligible)), replace=False)
    for k in np.sort(chosen):
        d, t = eligible[k]
        tokens[d][t] = edit(tokens[d][t], rng)
    return [" ".join(words) for words in tokens], len(eligible)


def models(args):
    """{name: (vectorizer, needs scaling)} of the four representations."""
    params = dict(
        algorithm="skipgram",
        n_components=args.n_components,
        epochs=args.epochs,
        pooling="mean",
        n_jobs=args.n_jobs,
        random_state=0,
    )
    return {
        "TF-IDF": (TfidfVectorizer(), False),
        "char TF-IDF": (TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)), False),
        "word vectors": (Word2VecVectorizer(**params), True),
        "subword vectors": (
            Word2VecVectorizer(**params, subwords=(3, 6), n_buckets=N_BUCKETS),
            True,
        ),
    }


def gensim_models(args, train):
    """{name: EmbeddingVectorizer} over gensim's Word2Vec and FastText vectors."""
    from gensim.models import FastText, Word2Vec
    from gensim.models.fasttext import save_facebook_model

    analyzer = CountVectorizer().build_analyzer()  # our vectorizers' defaults
    sentences = [analyzer(document) for document in train.data]
    params = dict(
        sentences=sentences,
        sg=1,
        vector_size=args.n_components,
        window=5,
        min_count=5,
        negative=5,
        sample=1e-3,
        epochs=args.epochs,
        workers=args.n_jobs,
        seed=0,
    )
    started = time.perf_counter()
    w2v = Word2Vec(**params)
    seconds = {"gensim Word2Vec": time.perf_counter() - started}
    started = time.perf_counter()
    fasttext = FastText(**params, min_n=3, max_n=6, bucket=N_BUCKETS)
    seconds["gensim FastText"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "fasttext.bin"
        save_facebook_model(fasttext, str(path))
        fasttext_kv = KeyedVectors.load_facebook_vectors(path)
    vectorizers = {
        "gensim Word2Vec": EmbeddingVectorizer(
            KeyedVectors(w2v.wv.index_to_key, w2v.wv.vectors)
        ),
        "gensim FastText": EmbeddingVectorizer(fasttext_kv),
    }
    return vectorizers, seconds


def fit(vectorizer, scaled, train):
    """(fitted pipeline, vectorizer seconds, classifier seconds)."""
    started = time.perf_counter()
    vectorizer = copy.deepcopy(vectorizer).fit(train.data)
    middle = time.perf_counter()
    X = vectorizer.transform(train.data)
    head = [StandardScaler()] if scaled else []
    model = make_pipeline(*head, classifier()).fit(X, train.target)
    return (vectorizer, model), middle - started, time.perf_counter() - middle


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--n-components", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--gensim", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    train = load_sotu_passages(subset="train")
    test = load_sotu_passages(subset="test")
    print(
        f"SOTU passages, target = era ({len(train.target_names)} classes): "
        f"{len(train.data):,} train passages of {len(np.unique(train.address))} "
        f"addresses, {len(test.data):,} test passages of "
        f"{len(np.unique(test.address))} others. Vectors: skip-gram, "
        f"{args.n_components} dimensions, {args.epochs} epochs, pooling 'mean', "
        f"pretrained on the train text; subwords (3, 6), {N_BUCKETS:,} buckets. "
        f"Char TF-IDF: analyzer='char_wb', ngram_range=(3, 5). Each model fitted "
        f"once on the clean train passages and all their labels (LogisticRegression"
        f", StandardScaler before it on the vectors).\n"
    )
    # The second time is the train passages' transform and the classifier's fit.
    print(f"{'model':<16} {'vectorizer fit s':>16} {'transform+clf s':>16}")
    fitted = {}
    for name, (vectorizer, scaled) in models(args).items():
        fitted[name], vectorizer_s, classifier_s = fit(vectorizer, scaled, train)
        print(f"{name:<16} {vectorizer_s:>16.1f} {classifier_s:>16.1f}", flush=True)
    wv = fitted["subword vectors"][0].wv_
    skipping = EmbeddingVectorizer(KeyedVectors(wv.index_to_key, wv.vectors))
    fitted[SKIPPED], vectorizer_s, classifier_s = fit(skipping, True, train)
    print(f"{SKIPPED:<16} {vectorizer_s:>16.1f} {classifier_s:>16.1f}", flush=True)
    if args.gensim:
        references, gensim_seconds = gensim_models(args, train)
        for name, vectorizer in references.items():
            fitted[name], _, classifier_s = fit(vectorizer, True, train)
            print(
                f"{name:<16} {gensim_seconds[name]:>16.1f} {classifier_s:>16.1f}",
                flush=True,
            )
    vectorizers = {name: fitted[name][0] for name in VECTORS}
    print(
        f"  ({len(vectorizers['word vectors'].wv_):,} words; subword model "
        f"{len(vectorizers['subword vectors'].wv_):,} words)\n"
    )

    accuracy = {name: np.zeros((args.seeds, len(LEVELS))) for name in fitted}
    oov = {name: np.zeros((args.seeds, len(LEVELS))) for name in vectorizers}
    skipped = np.zeros((args.seeds, len(LEVELS)))
    for seed in range(args.seeds):
        for j, share in enumerate(LEVELS):
            documents, n_eligible = corrupt(test.data, share, seed)
            for name, (vectorizer, model) in fitted.items():
                X = vectorizer.transform(documents)
                accuracy[name][seed, j] = model.score(X, test.target)
            for name, vectorizer in vectorizers.items():
                coverage = vectorizer.vocabulary_coverage(documents)
                oov[name][seed, j] = coverage.oov_fraction
                if name == "subword vectors":
                    skipped[seed, j] = coverage.n_skipped / coverage.n_tokens
    print(
        f"Corruption: one random edit in the given share of the {n_eligible:,} "
        f"alphabetic test tokens of 2+ letters (whitespace split); mean over "
        f"{args.seeds} draw(s) of the corruption.\n"
    )
    levels = [f"{share:.0%}" for share in LEVELS]
    print("Out-of-vocabulary share of the test tokens (vocabulary_coverage):")
    print(f"{'':<32}" + "".join(f"{level:>8}" for level in levels))
    rows = {
        "word vectors (no vector)": oov["word vectors"],
        "subword vectors (unseen word)": oov["subword vectors"],
        "subword vectors (no vector)": skipped,
    }
    for name, values in rows.items():
        print(f"{name:<32}" + "".join(f"{v:>8.3f}" for v in values.mean(0)))

    print("\nTest accuracy:")
    print(
        f"{'model':<16}"
        + "".join(f"{level:>8}" for level in levels)
        + f"{'drop 0%->20%':>14}"
    )
    drops = {}
    for name, scores in accuracy.items():
        mean = scores.mean(0)
        drops[name] = mean[0] - mean[LEVELS.index(0.2)]
        print(
            f"{name:<16}"
            + "".join(f"{v:>8.3f}" for v in mean)
            + f"{drops[name]:>14.3f}"
        )
    if drops["word vectors"] > 0:
        ratio = drops["subword vectors"] / drops["word vectors"]
        print(
            f"\ncheck: subword drop / word drop (0% -> 20%) = {ratio:.2f} "
            f"(<= 0.5: {ratio <= 0.5}); with unseen tokens skipped "
            f"{drops[SKIPPED] / drops['word vectors']:.2f}"
        )
    else:
        print("\ncheck: word vectors lost no accuracy from 0% to 20%; no ratio")
    if args.gensim and drops["gensim Word2Vec"] > 0:
        print(
            f"gensim, the same ratio: FastText drop / Word2Vec drop = "
            f"{drops['gensim FastText'] / drops['gensim Word2Vec']:.2f}"
        )
    print(f"\ntotal {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
