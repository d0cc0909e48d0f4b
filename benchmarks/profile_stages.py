"""Where a fit's time goes: a stage-by-stage profile of training.

Fits Word2VecVectorizer once per (corpus, jobs) while an observer of the
engine's hook (``sklearn_w2v._engine.hooks``) adds up the time of each stage
in every process (forked training jobs write theirs to a file that the parent
adds up), and prints seconds per stage, summed over jobs, and microseconds
per trained center word, so that two corpora of different size compare.
Stages:

- count: the counting pass and vocabulary (``fit`` before the first training
  stage);
- stream: reading the spool, subsampling, drawing spans;
- noise: negative draws from the noise table;
- layout: laying out minibatches;
- gather ctx: CBOW's hidden vectors, a sparse sum of context rows;
- gather out: the output rows of the windows (for skip-gram, the context
  rows too);
- arithmetic: logits, sigmoid, loss and gradients (the kernel's remainder);
- damping: the per-row summed curvature;
- scatter: the sparse scatter-add into both matrices;
- pooling: the pooling statistics after training;
- other: per job, the time from its first stage to its last minus the
  stages (the kernel's Python glue, waiting for the other job).

A stage the engine does not time shows 0; if no training stage fires at all,
count holds training too. Timers cost about a microsecond a call, a few
percent of a minibatch.

Usage: python benchmarks/profile_stages.py [--corpus {sotu,large,both}]
    [--algorithm {cbow,skipgram}] [--loss LOSS] [--jobs N [N ...]] [--epochs N]
"""

import argparse

from _common import DEFAULTS, TRAINING_STAGES, fit_observed, load, make_ours

STAGES = ["count", *TRAINING_STAGES, "pooling", "other"]


def profile(sentences, algorithm, loss, n_jobs, epochs):
    """Fit once; return ({stage: seconds summed over jobs}, centers, wall, words)."""
    params = dict(DEFAULTS, algorithm=algorithm, loss=loss, epochs=epochs)
    model = make_ours(params, n_jobs=n_jobs, random_state=0)
    timings = fit_observed(model, sentences)
    stages = dict(timings["stages"], count=timings["count"])
    stages["other"] = timings["job_walls"] - sum(
        stages[stage] for stage in TRAINING_STAGES
    )
    return stages, model.n_words_trained_, timings["wall"], len(model.wv_)


def print_table(columns, title):
    """One row per stage, one column per fit: seconds | microseconds per center."""
    print(f"\n{title}")
    print(f"{'stage':<11}" + "".join(f"{name:>24}" for name, *_ in columns))
    rows = STAGES + ["unlisted"] * any(stages["unlisted"] for _, stages, *_ in columns)
    for stage in rows:
        cells = "".join(
            f"{stages[stage]:>10.1f} s | {1e6 * stages[stage] / n:>6.2f} us"
            for _, stages, n, _ in columns
        )
        print(f"{stage:<11}{cells}")
    cells = "".join(
        f"{wall:>10.1f} s | {1e6 * wall / n:>6.2f} us" for _, _, n, wall in columns
    )
    print(f"{'fit wall':<11}{cells}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["sotu", "large", "both"], default="both")
    parser.add_argument("--algorithm", choices=["cbow", "skipgram"], default="cbow")
    parser.add_argument("--loss", default="negative_sampling")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    args = parser.parse_args()
    columns = []
    for corpus in ["sotu", "large"] if args.corpus == "both" else [args.corpus]:
        sentences = load(corpus)
        for n_jobs in args.jobs:
            stages, n_centers, wall, n_words = profile(
                sentences, args.algorithm, args.loss, n_jobs, args.epochs
            )
            columns.append(
                (f"{corpus} {n_words // 1000}k x{n_jobs}", stages, n_centers, wall)
            )
            print(
                f"{corpus}, {n_jobs} job(s): {n_words:,} words, "
                f"{n_centers:,} centers trained, wall {wall:.1f} s",
                flush=True,
            )
    print_table(
        columns,
        f"{args.algorithm}, {args.loss}, {args.epochs} epochs: seconds summed "
        "over jobs | microseconds per trained center",
    )


if __name__ == "__main__":
    main()
