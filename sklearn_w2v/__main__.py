"""Command line: ``python -m sklearn_w2v demo`` (also ``sklearn-w2v demo``)."""

import argparse
import sys
import time


def _demo(args):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    from sklearn_w2v import Word2VecVectorizer
    from sklearn_w2v.datasets import load_sotu

    sotu = load_sotu()
    print(f"State of the Union corpus: {len(sotu.data)} addresses, 1790-2021.")
    started = time.perf_counter()
    vectorizer = Word2VecVectorizer(
        algorithm=args.algorithm, n_jobs=args.n_jobs, random_state=0
    ).fit(sotu.data)
    elapsed = time.perf_counter() - started
    print(
        f"Trained {args.algorithm} vectors for {len(vectorizer.wv_):,} words in "
        f"{elapsed:.1f}s ({vectorizer.n_words_trained_ / elapsed:,.0f} words/s "
        "after subsampling)."
    )
    for word in ("war", "economy", "congress", "freedom"):
        neighbours = ", ".join(w for w, _ in vectorizer.wv_.most_similar(word, topn=6))
        print(f"  {word:>9}: {neighbours}")

    pipeline = make_pipeline(
        Word2VecVectorizer(
            algorithm=args.algorithm, n_jobs=args.n_jobs, random_state=0
        ),
        LogisticRegression(max_iter=2000),
    )
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    scores = cross_val_score(pipeline, sotu.data, sotu.target, cv=folds)
    print(
        f"{args.folds}-fold cross-validated accuracy of Word2VecVectorizer + "
        f"LogisticRegression predicting the era ({', '.join(sotu.target_names)}): "
        f"{scores.mean():.3f} +/- {scores.std():.3f}"
    )
    return 0


def main(argv=None):
    """Entry point of the ``sklearn-w2v`` command."""
    parser = argparse.ArgumentParser(
        prog="sklearn-w2v", description="word2vec for scikit-learn users."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="train on the bundled corpus, show neighbours and a CV score"
    )
    demo.add_argument("--algorithm", choices=["skipgram", "cbow"], default="cbow")
    demo.add_argument("--n-jobs", type=int, default=None)
    demo.add_argument("--folds", type=int, default=3)
    demo.set_defaults(handler=_demo)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
