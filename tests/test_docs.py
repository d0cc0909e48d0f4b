"""The documentation builds offline, warnings as errors, gallery included.

The build runs every gallery example, a few minutes on two cores, so it runs
only when ``SKLEARN_W2V_BUILD_DOCS=1`` is set and the ``docs`` extra is
installed; otherwise the test is skipped and the suite stays fast::

    SKLEARN_W2V_BUILD_DOCS=1 python -m pytest -q tests/test_docs.py
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
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
    "user_guide/phrases.html",
    "generated/sklearn_w2v.PhraseTransformer.html",
    "generated/sklearn_w2v.Word2VecVectorizer.html",
    "generated/sklearn_w2v.KeyedVectors.html",
    "auto_examples/index.html",
    "auto_examples/plot_quickstart.html",
    "auto_examples/plot_why_word2vec_works.html",
    "auto_examples/plot_skipgram_vs_cbow.html",
    "auto_examples/plot_pooling_comparison.html",
    "auto_examples/plot_few_labels.html",
    "auto_examples/plot_phrases.html",
]


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
