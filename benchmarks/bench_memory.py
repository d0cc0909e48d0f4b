"""Peak memory of a streaming fit: a 50M-token corpus against one ten times smaller.

Writes two corpus files of one sentence per line, built from the bundled State
of the Union addresses repeated in shuffled order: at least ``--tokens``
tokens (as the default analyser counts them) and a tenth of that. Each is
trained on once, through ``LineCorpus``, in a fresh child process
(``algorithm='cbow'``, one epoch); the peak resident memory of each child comes
from ``os.wait4``. Streaming works when the large corpus needs little more
memory than the small one: the script prints both peaks and their ratio, and
fails if the ratio exceeds 1.5.

Usage: python benchmarks/bench_memory.py [--tokens N] [--directory DIR]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_w2v.datasets import load_sotu

LIMIT = 1.5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# The child: fit on a LineCorpus, report what it trained and its own peak.
CHILD = """
import json, resource, sys, time
from sklearn_w2v import LineCorpus, Word2VecVectorizer
started = time.perf_counter()
model = Word2VecVectorizer(algorithm="cbow", epochs=1, random_state=0)
model.fit(LineCorpus(sys.argv[1]))
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "n_words": len(model.wv_),
    "n_words_trained": model.n_words_trained_,
    "self_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def sentences():
    """The SOTU addresses split into sentences, one line each."""
    texts = load_sotu().data
    lines = (" ".join(s.split()) for text in texts for s in _SENTENCE_END.split(text))
    return [line for line in lines if line]


def write_corpora(directory, n_tokens):
    """Write ``large.txt`` (>= n_tokens tokens) and ``small.txt`` (>= a tenth).

    Returns the token count of each file.
    """
    lines = sentences()
    analyzer = CountVectorizer().build_analyzer()
    lengths = np.array([len(analyzer(line)) for line in lines])
    rng = np.random.default_rng(0)
    written = {"small": 0, "large": 0}
    paths = {name: Path(directory) / f"{name}.txt" for name in written}
    with open(paths["small"], "w") as small, open(paths["large"], "w") as large:
        while written["large"] < n_tokens:
            order = rng.permutation(len(lines))
            large.write("\n".join(lines[i] for i in order) + "\n")
            written["large"] += int(lengths.sum())
            if written["small"] < n_tokens // 10:
                # The small corpus: the first lines of the same shuffled stream.
                cumulative = np.cumsum(lengths[order])
                needed = n_tokens // 10 - written["small"]
                stop = int(np.searchsorted(cumulative, needed)) + 1
                small.write("\n".join(lines[i] for i in order[:stop]) + "\n")
                written["small"] += int(cumulative[min(stop, len(order)) - 1])
    return written, paths


def peak_of_fit(path):
    """Fit in a child process; return its report and its peak RSS in MiB."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    report = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"the fit on {path} failed ({child.returncode})")
    # ru_maxrss is in KiB on Linux.
    return json.loads(report), usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=50_000_000)
    parser.add_argument("--directory", default=None, help="where to write corpora")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.directory) as directory:
        started = time.perf_counter()
        tokens, paths = write_corpora(directory, args.tokens)
        print(
            f"wrote corpora of {tokens['small']:,} and {tokens['large']:,} tokens "
            f"({paths['large'].stat().st_size / 2**20:,.0f} MiB) in "
            f"{time.perf_counter() - started:.0f}s"
        )
        peaks = {}
        for name in ("small", "large"):
            report, peaks[name] = peak_of_fit(paths[name])
            print(
                f"{name:>5}: {tokens[name]:>11,} tokens, {report['n_words']:,} "
                f"words, {report['n_words_trained']:,} centers trained in "
                f"{report['seconds']:.0f}s; peak RSS {peaks[name]:,.0f} MiB"
            )
    ratio = peaks["large"] / peaks["small"]
    verdict = "ok" if ratio <= LIMIT else "FAIL"
    print(
        f"peak RSS large / small = {peaks['large']:,.0f} / {peaks['small']:,.0f} "
        f"MiB = {ratio:.2f} for {tokens['large'] / tokens['small']:.1f}x the "
        f"tokens (limit {LIMIT}): {verdict}"
    )
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
