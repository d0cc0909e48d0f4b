"""Check that fits are bit-identical before and after a change of the engine.

Fits ``Word2VecVectorizer`` with ``n_jobs=1`` and ``random_state=0`` for the
six pairs of algorithm (skip-gram, CBOW) and output layer (negative sampling,
hierarchical softmax, softmax) on a slice of the bundled State of the Union
corpus, plus a ``partial_fit`` continuation, a fit pruned by
``max_vocab_size`` and two sharded fits (``n_shards=3``), and prints a SHA-256
of the bytes of ``input_vectors_``, ``output_vectors_`` and ``loss_curve_`` of
each.

The hashes depend on the machine (its BLAS), so save them on the tree before
the change and compare on the same machine after it:

    python benchmarks/check_identical.py --save /tmp/before.json
    # ... change the engine ...
    python benchmarks/check_identical.py --compare /tmp/before.json

``--compare`` exits with status 1 if any hash differs.
"""

import argparse
import hashlib
import json
import sys

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

N_TOKENS = 200_000
PARAMS = dict(
    n_components=16,
    window=5,
    min_count=5,
    epochs=2,
    batch_size=256,
    n_jobs=1,
    random_state=0,
)
# The full softmax scores every word: a small vocabulary keeps it quick.
SOFTMAX_PARAMS = dict(max_features=1000)


def corpus_slices(n_tokens=N_TOKENS):
    """Two consecutive slices of whole addresses, ~n_tokens words each."""
    slices, current, count = [], [], 0
    for text in load_sotu().data:
        current.append(text)
        count += len(text.split())
        if count >= n_tokens:
            slices.append(current)
            current, count = [], 0
            if len(slices) == 2:
                break
    return slices


def digest(vectorizer):
    """SHA-256 of the fitted arrays that training writes."""
    sha = hashlib.sha256()
    for name in ("input_vectors_", "output_vectors_", "loss_curve_"):
        sha.update(getattr(vectorizer, name).tobytes())
    return sha.hexdigest()


def fits():
    """Yield ``(name, vectorizer)`` of every checked fit."""
    first, second = corpus_slices()
    for algorithm in ("skipgram", "cbow"):
        for loss in ("negative_sampling", "hierarchical_softmax", "softmax"):
            params = dict(PARAMS, algorithm=algorithm, loss=loss)
            if loss == "softmax":
                params.update(SOFTMAX_PARAMS)
            yield f"{algorithm}/{loss}", Word2VecVectorizer(**params).fit(first)
    continued = Word2VecVectorizer(**PARAMS, algorithm="cbow").fit(first)
    yield "cbow/negative_sampling+partial_fit", continued.partial_fit(second)
    pruned = Word2VecVectorizer(**PARAMS, max_vocab_size=3000)
    yield "skipgram/negative_sampling/max_vocab_size", pruned.fit(first)
    for algorithm, loss in (("skipgram", "negative_sampling"), ("cbow", "softmax")):
        params = dict(PARAMS, algorithm=algorithm, loss=loss, n_shards=3)
        if loss == "softmax":
            params.update(SOFTMAX_PARAMS)
        yield f"{algorithm}/{loss}/3 shards", Word2VecVectorizer(**params).fit(first)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--save", metavar="FILE", help="write the hashes as JSON")
    action.add_argument(
        "--compare", metavar="FILE", help="compare with hashes saved by --save"
    )
    args = parser.parse_args(argv)
    expected = {}
    if args.compare:
        with open(args.compare, encoding="utf-8") as file:
            expected = json.load(file)
    hashes, n_differ = {}, 0
    for name, vectorizer in fits():
        hashes[name] = digest(vectorizer)
        verdict = ""
        if args.compare:
            same = expected.get(name) == hashes[name]
            n_differ += not same
            verdict = "  same" if same else "  DIFFERENT"
        print(f"{name:45s} {hashes[name][:16]}{verdict}", flush=True)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as file:
            json.dump(hashes, file, indent=2)
    if args.compare:
        n_differ += len(set(expected) - set(hashes))
        print("all identical" if not n_differ else f"{n_differ} differ")
    return 1 if n_differ else 0


if __name__ == "__main__":
    sys.exit(main())
