"""The documentation: the README's examples, the gensim page's tables, the build.

The build runs every gallery example, a few minutes on two cores, so the
tests of the built pages run only when ``SKLEARN_W2V_BUILD_DOCS=1`` is set and
the ``docs`` extra is installed; otherwise they are skipped and the suite
stays fast::

    SKLEARN_W2V_BUILD_DOCS=1 python -m pytest -q tests/test_docs.py
"""

import ast
import inspect
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import check_cv

from sklearn_w2v import EmbeddingVectorizer, Word2VecVectorizer
from sklearn_w2v._cli.parser import build_parser
from sklearn_w2v.datasets import load_sotu

ROOT = Path(__file__).resolve().parents[1]

BUILD = pytest.mark.skipif(
    os.environ.get("SKLEARN_W2V_BUILD_DOCS") != "1",
    reason="set SKLEARN_W2V_BUILD_DOCS=1 to build the documentation",
)

PAGES = [
    "index.html",
    "install.html",
    "command_line.html",
    "api.html",
    "benchmarks.html",
    "user_guide/word2vec.html",
    "user_guide/algorithms.html",
    "user_guide/pooling.html",
    "user_guide/few_labels.html",
    "user_guide/hyperparameters.html",
    "user_guide/gensim.html",
    "user_guide/phrases.html",
    "user_guide/matrix_factorisation.html",
    "user_guide/subwords.html",
    "user_guide/parallel.html",
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
    "auto_examples/plot_matrix_factorisation.html",
]


def readme_python_blocks():
    """The Python examples of README.md, in order."""
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"^```python\n(.*?)^```", readme, flags=re.DOTALL | re.MULTILINE)


def run_until_fit(code):
    """Run ``code`` up to its first ``.fit(...)`` call; return its variables."""
    namespace = {}
    for statement in ast.parse(code).body:
        calls = [node for node in ast.walk(statement) if isinstance(node, ast.Call)]
        if any(getattr(call.func, "attr", None) == "fit" for call in calls):
            return namespace
        exec(compile(ast.Module([statement], []), "README.md", "exec"), namespace)
    raise AssertionError("the README's example never calls fit")


def test_readme_scores_on_the_demos_folds():
    # The README's first example states its score beside the demo's: they must
    # cross-validate on the same folds, or the two numbers cannot be compared.
    from sklearn_w2v._cli.commands import _demo_folds

    search = run_until_fit(readme_python_blocks()[0])["search"]
    n_folds = build_parser().parse_args(["demo"]).folds
    target = load_sotu().target
    readme_folds = check_cv(search.cv, target, classifier=True)
    readme = [test for _, test in readme_folds.split(target, target)]
    demo = [test for _, test in _demo_folds(n_folds).split(target, target)]
    assert len(readme) == len(demo) == n_folds
    for readme_fold, demo_fold in zip(readme, demo, strict=True):
        np.testing.assert_array_equal(readme_fold, demo_fold)


def test_user_guide_leaves_measurements_to_the_benchmarks_page():
    # The parallel page says what to choose and why; the scores and
    # divergence counts that decided the design live on docs/benchmarks.rst.
    guide = (ROOT / "docs" / "user_guide" / "parallel.rst").read_text()
    assert not re.findall(r"\b\d\.\d{3,4}\b", guide)
    assert not re.search(r"diverged in \d+ of \d+", guide)
    benchmarks = (ROOT / "docs" / "benchmarks.rst").read_text()
    labels = set(re.findall(r"^\.\. _(\w+):$", benchmarks, flags=re.MULTILINE))
    assert set(re.findall(r":ref:`(benchmarks\w*)`", guide)) <= labels
    assert "benchmarks" in (ROOT / "docs" / "index.rst").read_text().split()


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory):
    """The finished build, as ``(process, html folder)``: one build per session."""
    for module in ("sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme"):
        pytest.importorskip(module)
    tmp_path = tmp_path_factory.mktemp("docs")
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
    return process, html


def page_toc(page):
    """The entries of a built page's "On this page" sidebar, as text."""
    toc = page[page.index('id="pst-page-toc-nav"') :]
    toc = toc[: toc.index("</nav>")]
    links = re.findall(r'<a class="reference internal nav-link"[^>]*>(.*?)</a>', toc)
    return [unescape(re.sub(r"<[^>]+>", "", link)) for link in links]


@BUILD
def test_docs_build_without_warnings(built_docs):
    process, html = built_docs
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


@BUILD
@pytest.mark.parametrize("estimator", [Word2VecVectorizer, EmbeddingVectorizer])
def test_api_page_documents_inherited_methods(built_docs, estimator):
    name = estimator.__name__
    page = (built_docs[1] / "generated" / f"sklearn_w2v.{name}.html").read_text()
    documented = set(re.findall(rf'id="sklearn_w2v\.{name}\.(\w+)"', page))
    public = {
        method
        for method in dir(estimator)
        if not method.startswith("_") and callable(getattr(estimator, method))
    }
    inherited = {"transform", "get_feature_names_out", "set_output", "get_params"}
    assert inherited | {"set_params"} <= public
    assert public <= documented
    # The sidebar names every method, without the class name before it.
    assert {f"{method}()" for method in public} <= set(page_toc(page))
    assert "sklearn-w2v.css" in page


@BUILD
def test_api_pages_sidebar_entries_are_short(built_docs):
    for path in sorted((built_docs[1] / "generated").glob("*.html")):
        for entry in page_toc(path.read_text()):
            # A method's entry is "name()"; "Class.name()" ran past the edge.
            assert "." not in entry.removesuffix("()"), (path.name, entry)
