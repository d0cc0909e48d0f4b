"""Document classification with each pooling of Word2VecVectorizer, beside tf-idf.

On the bundled State of the Union corpus (233 addresses, target = era, 3
classes), prints the cross-validated accuracy (mean +/- std over stratified,
shuffled folds, random_state=0) and the mean fit and score time per fold of

- Word2VecVectorizer(pooling=p) + StandardScaler + LogisticRegression, for
  each pooling in ('mean', 'sum', 'max', 'tfidf', 'sif'): the word vectors
  are trained on each training fold (CBOW, 100 dimensions, 5 epochs by
  default; the scaler puts the unnormalised 'sum' and 'max' vectors on the
  scale the regression's default C expects);
- TfidfVectorizer + LogisticRegression, the usual bag-of-words baseline.

Everything runs in one process (n_jobs=1), one fold after the other.

Here the word vectors see only the labelled training folds, which is what a
pipeline starting with Word2VecVectorizer does; bench_few_labels.py measures
the workflow where word vectors help: pretrained on unlabelled text, frozen,
with few labels, alone and beside TF-IDF.

Usage: python benchmarks/bench_classification.py [--folds 5] [--algorithm cbow]
       [--n-components 100] [--epochs 5]
"""

import argparse

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

POOLINGS = ("mean", "sum", "max", "tfidf", "sif")


def pipelines(args):
    """(name, pipeline) of every compared method."""
    for pooling in POOLINGS:
        vectorizer = Word2VecVectorizer(
            algorithm=args.algorithm,
            n_components=args.n_components,
            epochs=args.epochs,
            pooling=pooling,
            n_jobs=1,
            random_state=0,
        )
        yield (
            f"word2vec, pooling={pooling}",
            make_pipeline(
                vectorizer, StandardScaler(), LogisticRegression(max_iter=2000)
            ),
        )
    yield (
        "TfidfVectorizer",
        make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000)),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--algorithm", choices=["skipgram", "cbow"], default="cbow")
    parser.add_argument("--n-components", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    sotu = load_sotu()
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    print(
        f"State of the Union: {len(sotu.data)} addresses, target = era "
        f"({', '.join(sotu.target_names)}); {args.folds}-fold CV; word2vec: "
        f"{args.algorithm}, {args.n_components} dimensions, {args.epochs} epochs"
    )
    print(f"{'method':<28} {'accuracy':>15} {'fit s/fold':>11} {'score s/fold':>13}")
    for name, pipeline in pipelines(args):
        scores = cross_validate(pipeline, sotu.data, sotu.target, cv=folds)
        accuracy = scores["test_score"]
        print(
            f"{name:<28} {accuracy.mean():>7.3f} +/- {accuracy.std():.3f} "
            f"{scores['fit_time'].mean():>11.1f} {scores['score_time'].mean():>13.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
