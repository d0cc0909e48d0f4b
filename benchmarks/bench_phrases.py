"""Phrase detection: PhraseTransformer against gensim's Phrases + FrozenPhrases.

On the large corpus (``python tools/make_large_corpus.py`` builds it,
10.9M tokens), each library learns the phrases of the tokenised sentences
(``_common.tokenize``, the same lists for both) and rewrites them, in a fresh
child process: gensim with ``Phrases(...)``, ``freeze()`` and
``list(frozen[sentences])``, ours with ``fit`` and ``transform``. Each child
reports its fit and transform seconds and its peak resident memory (that of
the loaded corpus included; the line before shows it alone), and writes its
phrases and a digest of its output. The script prints parity (the same set
of phrases with the same scores, the same token stream) and the speed ratio.

Usage: python benchmarks/bench_phrases.py [--corpus FILE] [--scoring S]
       [--threshold T] [--connector-words english] [--min-count N]
"""

import argparse
import hashlib
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import load_sentences

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "data" / "large.txt"


def digest(documents):
    """SHA-256 of a token stream, documents and tokens delimited."""
    hasher = hashlib.sha256()
    for document in documents:
        hasher.update("\x1f".join(document).encode("utf-8"))
        hasher.update(b"\x1e")
    return hasher.hexdigest()


def run_gensim(sentences, params):
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    connectors = params.pop("connector_words")
    params["connector_words"] = ENGLISH_CONNECTOR_WORDS if connectors else frozenset()
    started = time.perf_counter()
    frozen = Phrases(sentences, **params).freeze()
    fitted = time.perf_counter()
    output = list(frozen[sentences])
    return frozen.phrasegrams, output, fitted - started, time.perf_counter() - fitted


def run_ours(sentences, params):
    from sklearn_w2v import PhraseTransformer

    started = time.perf_counter()
    model = PhraseTransformer(**params).fit(sentences)
    fitted = time.perf_counter()
    output = model.transform(sentences)
    return model.phrases_, output, fitted - started, time.perf_counter() - fitted


def child(library, corpus, params, result_path):
    """Run one library; write its phrases, digest, timings and peak memory."""
    sentences = load_sentences(corpus)
    loaded_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = run_gensim if library == "gensim" else run_ours
    phrases, output, fit_seconds, transform_seconds = run(sentences, dict(params))
    report = {
        "phrases": phrases,
        "digest": digest(output),
        "n_tokens": sum(map(len, sentences)),
        "fit": fit_seconds,
        "transform": transform_seconds,
        "loaded_mib": loaded_kib / 1024,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(result_path, "wb") as file:
        pickle.dump(report, file)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--scoring", choices=["default", "npmi"], default="default")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--min-count", type=float, default=5)
    parser.add_argument("--connector-words", choices=["english"], default=None)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    threshold = args.threshold
    if threshold is None:
        threshold = 10.0 if args.scoring == "default" else 0.5
    params = {
        "scoring": args.scoring,
        "threshold": threshold,
        "min_count": args.min_count,
        "connector_words": args.connector_words,
    }
    if args.child:
        library, corpus, result_path, child_params = args.child
        child(library, corpus, json.loads(child_params), result_path)
        return
    if not Path(args.corpus).exists():
        sys.exit(f"{args.corpus} is missing: run tools/make_large_corpus.py")
    reports = {}
    with tempfile.TemporaryDirectory() as directory:
        for library in ("gensim", "ours"):
            result_path = str(Path(directory) / f"{library}.pickle")
            subprocess.run(
                [sys.executable, __file__, "--child", library, args.corpus]
                + [result_path, json.dumps(params)],
                check=True,
            )
            with open(result_path, "rb") as file:
                reports[library] = pickle.load(file)
    gensim, ours = reports["gensim"], reports["ours"]
    print(f"corpus: {args.corpus}, {ours['n_tokens']:,} tokens; parameters: {params}")
    same_keys = set(gensim["phrases"]) == set(ours["phrases"])
    print(
        f"parity: phrase set equal: {same_keys} ({len(ours['phrases']):,} phrases), "
        f"scores equal: {gensim['phrases'] == ours['phrases']}, "
        f"token stream identical: {gensim['digest'] == ours['digest']}"
    )
    for name, report in (("gensim Phrases+FrozenPhrases", gensim), ("ours", ours)):
        total = report["fit"] + report["transform"]
        print(
            f"{name:>28}: fit {report['fit']:6.1f} s, transform "
            f"{report['transform']:6.1f} s, total {total:6.1f} s; peak memory "
            f"{report['peak_mib']:,.0f} MiB ({report['loaded_mib']:,.0f} MiB "
            "with the corpus loaded)"
        )
    ratio = (gensim["fit"] + gensim["transform"]) / (ours["fit"] + ours["transform"])
    print(f"speed ratio (gensim / ours, fit + transform): {ratio:.1f}x")


if __name__ == "__main__":
    main()
