"""The documentation builds offline, warnings as errors, gallery included;
its tables of gensim's parameters and methods are complete.

The build runs every gallery example, a few minutes on two cores, so it runs
only when ``SKLEARN_W2V_BUILD_DOCS=1`` is set and the ``docs`` extra is
installed; otherwise that test is skipped and the suite stays fast::

    SKLEARN_W2V_BUILD_DOCS=1 python -m pytest -q tests/test_docs.py
"""

import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

requires_build = pytest.mark.skipif(
    os.environ.get("SKLEARN_W2V_BUILD_DOCS") != "1",
    reason="set SKLEARN_W2V_BUILD_DOCS=1 to build the documentation",
)

PAGES = [
    "index.html",
    "install.html",
    "command_line.html",
    "api.html",
    "user_guide/word2vec.html",
    "user_guide/algorithms.html",
    "user_guide/pooling.html",
    "user_guide/few_labels.html",
    "user_guide/hyperparameters.html",
    "user_guide/gensim.html",
    "generated/sklearn_w2v.Word2VecVectorizer.html",
    "generated/sklearn_w2v.KeyedVectors.html",
    "auto_examples/index.html",
    "auto_examples/plot_quickstart.html",
    "auto_examples/plot_why_word2vec_works.html",
    "auto_examples/plot_skipgram_vs_cbow.html",
    "auto_examples/plot_pooling_comparison.html",
    "auto_examples/plot_few_labels.html",
]


@requires_build
def test_docs_build_without_warnings(tmp_path):
    for module in ("sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme"):
        pytest.importorskip(module)
    # A copy of the sources: every example runs afresh, and nothing generated
    # lands in the working tree.
    ignore = shutil.ignore_patterns("_build", "auto_examples", "generated", "sg_*")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=ignore)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    html = tmp_path / "html"
    process = subprocess.run(
        [
            sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
            "-d", str(tmp_path / "doctrees"), str(tmp_path / "docs"), str(html),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "MPLBACKEND": "agg"},
    )  # fmt: skip
    assert process.returncode == 0, process.stdout[-5000:] + process.stderr[-5000:]
    missing = [page for page in PAGES if not (html / page).is_file()]
    assert not missing
    figures = sorted(path.name for path in (html / "_images").glob("sphx_glr_*"))
    assert "sphx_glr_plot_why_word2vec_works_001.png" in figures
    examples = sorted(path.stem for path in (ROOT / "examples").glob("plot_*.py"))
    assert all((html / "auto_examples" / f"{name}.html").is_file() for name in examples)


GENSIM_PAGE = ROOT / "docs" / "user_guide" / "gensim.rst"


def _table(title):
    """(gensim, ours) literals of the rows of the list-table after `title`."""
    text = GENSIM_PAGE.read_text(encoding="utf-8")
    section = text.split(f"\n{title}\n", 1)[1].split("\n\n.. list-table::", 1)[1]
    section = re.split(r"\n\S", section, maxsplit=1)[0]  # up to the next paragraph
    rows = re.findall(r"^   \* - (.*)\n     - (.*)$", section, flags=re.MULTILINE)
    literal = re.compile(r"``([^`]*)``")
    return [
        tuple((literal.match(cell) or [None, None])[1] for cell in row)
        for row in rows[1:]  # after the header
    ]


def test_gensim_page_lists_every_word2vec_parameter_and_its_default():
    word2vec = pytest.importorskip("gensim.models").Word2Vec
    from sklearn_w2v import Word2VecVectorizer

    rows = _table("``Word2Vec`` parameters")
    theirs = dict(cell.partition("=")[::2] for cell, _ in rows)
    parameters = inspect.signature(word2vec).parameters
    assert list(theirs) == list(parameters)  # all of them, in gensim's order
    for name, parameter in parameters.items():
        if not callable(parameter.default):  # hashfxn=hash
            assert theirs[name] == repr(parameter.default), name
    defaults = Word2VecVectorizer().get_params()
    ours = [cell.partition("=") for _, cell in rows if cell and "(" not in cell]
    assert len(ours) > 15
    for name, _, default in ours:
        assert name in defaults and default == repr(defaults[name]), name


def test_gensim_page_lists_every_keyedvectors_method():
    gensim_kv = pytest.importorskip("gensim.models").KeyedVectors
    from sklearn_w2v import KeyedVectors

    rows = _table("``KeyedVectors`` methods")
    methods = [
        name
        for name in dir(gensim_kv)
        if not name.startswith("_") and callable(getattr(gensim_kv, name))
    ]
    assert [theirs for theirs, _ in rows] == methods
    ours = [cell for _, cell in rows if cell]
    assert all(callable(getattr(KeyedVectors, name, None)) for name in ours)
    assert len(ours) > 30


def test_gensim_page_is_in_the_user_guide():
    index = (ROOT / "docs" / "user_guide" / "index.rst").read_text(encoding="utf-8")
    assert re.search(r"^   gensim$", index, flags=re.MULTILINE)
