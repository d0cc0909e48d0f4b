"""Classifying with few labels: TF-IDF, frozen pretrained word vectors, both.

On the bundled passages of the State of the Union addresses
(:func:`sklearn_w2v.datasets.load_sotu_passages`: passages of about 50 words,
target = era of the address, 3 classes, train and test split by address),
prints the test accuracy (mean and standard deviation over repeated draws of
the labelled passages) of LogisticRegression on

- TfidfVectorizer, fitted on the labelled passages;
- word vectors pretrained once by Word2VecVectorizer on the text of all train
  passages, without their labels, then frozen and pooled with each pooling
  (and 'mean' and 'max' side by side), standardised. A frozen vectorizer's
  output does not depend on the labelled passages, so each pooling's
  vectors are computed once, which is what a pipeline starting with
  ``FrozenEstimator(vectorizer)`` computes at every draw;
- the union of TF-IDF and the 'mean' vectors, as a pipeline
  ``make_union(TfidfVectorizer(), make_pipeline(FrozenEstimator(w2v),
  StandardScaler(), Normalizer()))``: TF-IDF rows have unit norm, and the
  standardised word-vector block is scaled to unit row norm too, so that
  neither block dominates.

The label budgets run from 5 passages per class to all train passages (one
draw, as every draw would be the same). Everything runs in one process.

Usage: python benchmarks/bench_few_labels.py [--draws 5] [--algorithm skipgram]
       [--n-components 100] [--epochs 5]
"""

import argparse
import copy
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import Normalizer, StandardScaler

from sklearn_w2v import EmbeddingVectorizer, Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu_passages

POOLINGS = ("mean", "max", "tfidf", "sif")
PER_CLASS = (5, 10, 20, 50, 200, 1000)


def classifier():
    return LogisticRegression(max_iter=2000)


def pooled_vectors(w2v, train, test):
    """{name: (train vectors, test vectors)} of each pooling of the frozen w2v."""
    features = {}
    for pooling in POOLINGS:
        vectorizer = copy.copy(w2v).set_params(pooling=pooling)
        features[pooling] = (
            vectorizer.transform(train.data),
            vectorizer.transform(test.data),
        )
    features["mean, max"] = tuple(
        np.hstack([features["mean"][k], features["max"][k]]) for k in (0, 1)
    )
    return features


def union(w2v):
    """TF-IDF beside the frozen vectors (mean pooling), then the classifier."""
    vectors = make_pipeline(FrozenEstimator(w2v), StandardScaler(), Normalizer())
    return make_pipeline(make_union(TfidfVectorizer(), vectors), classifier())


def draw(target, per_class, rng):
    """Indices of ``per_class`` random passages of each class (all if None)."""
    if per_class is None:
        return np.arange(len(target))
    return np.concatenate(
        [
            rng.choice(np.flatnonzero(target == label), per_class, replace=False)
            for label in np.unique(target)
        ]
    )


def scores_of_draw(rows, train, test, w2v, features):
    """Test accuracy of every method trained on the passages ``rows``."""
    X, y = [train.data[i] for i in rows], train.target[rows]
    tfidf = make_pipeline(TfidfVectorizer(), classifier()).fit(X, y)
    scores = [tfidf.score(test.data, test.target)]
    for train_vectors, test_vectors in features.values():
        model = make_pipeline(StandardScaler(), classifier())
        model.fit(train_vectors[rows], y)
        scores.append(model.score(test_vectors, test.target))
    scores.append(union(w2v).fit(X, y).score(test.data, test.target))
    return scores


def sif_variants(w2v):
    """(description, vectorizer) of SIF pooling with each source of p(w)."""
    for alpha, remove in ((1e-3, True), (1e-3, False), (1e-4, False), (1e-2, False)):
        frozen = copy.copy(w2v).set_params(
            pooling="sif", sif_alpha=alpha, sif_remove_component=remove
        )
        yield (
            f"frozen, sif_alpha={alpha:g}, sif_remove_component={remove}",
            FrozenEstimator(frozen),
        )
    for remove in (True, False):
        yield (
            f"EmbeddingVectorizer, sif_remove_component={remove}",
            EmbeddingVectorizer(w2v.wv_, pooling="sif", sif_remove_component=remove),
        )


def sif_study(w2v, train, test, n_draws, per_class=10):
    """Print the accuracy of SIF variants at one label budget.

    A frozen vectorizer takes p(w) and the common component from the
    pretraining text; EmbeddingVectorizer(w2v.wv_) in the pipeline learns
    both from the labelled passages only.
    """
    print(f"\nSIF pooling, {per_class} x {len(train.target_names)} labels:")
    for name, vectorizer in sif_variants(w2v):
        scores = []
        for seed in range(n_draws):
            rows = draw(train.target, per_class, np.random.default_rng(seed))
            model = make_pipeline(vectorizer, StandardScaler(), classifier())
            model.fit([train.data[i] for i in rows], train.target[rows])
            scores.append(model.score(test.data, test.target))
        print(f"  {name:<52} {np.mean(scores):.3f} +/- {np.std(scores):.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--algorithm", choices=["skipgram", "cbow"], default="skipgram")
    parser.add_argument("--n-components", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    train = load_sotu_passages(subset="train")
    test = load_sotu_passages(subset="test")
    started = time.perf_counter()
    w2v = Word2VecVectorizer(
        algorithm=args.algorithm,
        n_components=args.n_components,
        epochs=args.epochs,
        n_jobs=1,
        random_state=0,
    ).fit(train.data)
    print(
        f"SOTU passages, target = era ({len(train.target_names)} classes): "
        f"{len(train.data):,} train passages of {len(np.unique(train.address))} "
        f"addresses, {len(test.data):,} test passages of "
        f"{len(np.unique(test.address))} others.\nWord vectors: {args.algorithm}, "
        f"{args.n_components} dimensions, {args.epochs} epochs, pretrained on the "
        f"train passages' text without labels in {time.perf_counter() - started:.0f}s"
        f" ({len(w2v.wv_):,} words). Accuracy on the test passages, mean +/- std "
        f"over {args.draws} draws of the labelled passages:\n"
    )
    features = pooled_vectors(w2v, train, test)
    names = ["TF-IDF", *(f"vectors, {k}" for k in features), "TF-IDF + vectors, mean"]
    print("| labels | " + " | ".join(names) + " |")
    print("|" + " --- |" * (len(names) + 1))
    for per_class in [*PER_CLASS, None]:
        n_draws = 1 if per_class is None else args.draws
        scores = np.array(
            [
                scores_of_draw(
                    draw(train.target, per_class, np.random.default_rng(seed)),
                    train,
                    test,
                    w2v,
                    features,
                )
                for seed in range(n_draws)
            ]
        )
        labels = (
            f"all {len(train.data):,}"
            if per_class is None
            else f"{per_class} x {len(train.target_names)}"
        )
        cells = [
            f"{mean:.3f} +/- {std:.3f}"
            for mean, std in zip(scores.mean(0), scores.std(0), strict=True)
        ]
        print(f"| {labels} | " + " | ".join(cells) + " |", flush=True)
    sif_study(w2v, train, test, args.draws)
    print(f"\ntotal {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
