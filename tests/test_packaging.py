"""The package imports only what it declares."""

import ast
import re
import sys
from importlib.metadata import requires
from pathlib import Path

import pytest

import sklearn_w2v

# Import names whose distribution is named otherwise.
DISTRIBUTIONS = {"sklearn": "scikit-learn"}


def _imported_top_level_modules(where="anywhere"):
    """Third-party modules the package imports (``where``: "top" or "nested")."""
    modules = set()
    for path in Path(sklearn_w2v.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if where != "anywhere" and (id(node) in top) != (where == "top"):
                continue
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"sklearn_w2v"}


# Imported inside functions only, for a feature that needs them: their extra.
OPTIONAL = {"distributed": "dask"}


def test_every_third_party_import_is_a_declared_dependency():
    declared = {
        re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()
        for requirement in requires("sklearn-w2v")
        if "extra ==" not in requirement
    }
    imported = {
        DISTRIBUTIONS.get(module, module)
        for module in _imported_top_level_modules()
        if module not in OPTIONAL
    }
    assert imported <= declared, f"undeclared: {sorted(imported - declared)}"
    assert {"numpy", "scipy", "scikit-learn", "joblib"} <= imported
    # The optional ones never at import time, and each in its extra.
    assert not set(OPTIONAL) & _imported_top_level_modules("top")
    extras = [r for r in requires("sklearn-w2v") if "extra ==" in r]
    for extra in set(OPTIONAL.values()):
        assert any(f'extra == "{extra}"' in r for r in extras), extra


# The tree of the package under test (a clone, installed editable).
ROOT = Path(sklearn_w2v.__file__).resolve().parents[1]


def test_tests_docs_and_benchmark_extras_install_gensim():
    # gensim ships the analogy and WordSim-353 files the tests, the example and
    # the benchmarks evaluate on: a fresh clone needs no other data.
    tomllib = pytest.importorskip("tomllib")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    for extra in ("tests", "docs", "benchmark"):
        assert any(req.startswith("gensim") for req in extras[extra]), extra


def test_no_test_example_or_readme_reads_a_folder_outside_the_repository():
    outside = re.compile(r"\.\./shared|[\"']shared[\"']\s*/|parents\[2\]")
    files = [
        ROOT / "README.md",
        *(ROOT / "tests").glob("*.py"),
        *(ROOT / "examples").glob("*.py"),
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if outside.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders


# The architecture: each folder's import rule, stated in its __init__.py.
PACKAGE = Path(sklearn_w2v.__file__).parent
ENGINE_THIRD_PARTY = {"numpy", "scipy", "joblib", "threadpoolctl"}


def _imports(path):
    """(module, names, is_top_level) of every import of ``path``, made absolute."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = relative[:-1] if relative[-1] != "__init__" else relative[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((alias.name, [], id(node) in top_level))
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names = [alias.name for alias in node.names]
            if not node.module:  # "from . import x": x is a module
                found.extend(
                    (f"{module}.{name}", [], id(node) in top_level) for name in names
                )
            else:
                found.append((module, names, id(node) in top_level))
    return found


def _modules(folder):
    return sorted((PACKAGE / folder).rglob("*.py"))


def _third_party(module):
    top = module.split(".")[0]
    return None if top in sys.stdlib_module_names or top == "sklearn_w2v" else top


@pytest.mark.parametrize("path", _modules("_engine"), ids=lambda p: p.name)
def test_the_engine_imports_only_numpy_scipy_joblib_threadpoolctl_and_itself(path):
    for module, names, top_level in _imports(path):
        third_party = _third_party(module)
        if third_party in OPTIONAL and not top_level:
            continue  # Dask, imported by the fits that run on its cluster
        if third_party is not None:
            assert third_party in ENGINE_THIRD_PARTY, (path.name, module)
        elif module.startswith("sklearn_w2v"):
            assert module.startswith("sklearn_w2v._engine"), (path.name, module)
            # A private name belongs to its module: no reaching into another's.
            private = [name for name in names if name.startswith("_")]
            assert not private, (path.name, module, private)


@pytest.mark.parametrize("path", _modules("_corpus"), ids=lambda p: p.name)
def test_the_corpus_folder_never_imports_the_engine_or_the_estimators(path):
    for module, _, _ in _imports(path):
        if module.startswith("sklearn_w2v"):
            assert module.startswith("sklearn_w2v._corpus"), (path.name, module)


@pytest.mark.parametrize("path", _modules("_keyedvectors"), ids=lambda p: p.name)
def test_keyed_vectors_import_only_the_file_helpers_and_the_ngram_hashing(path):
    for module, _, top_level in _imports(path):
        if not module.startswith("sklearn_w2v"):
            continue
        if module == "sklearn_w2v.evaluation" and not top_level:
            continue  # the evaluate_* methods call the public evaluation module
        assert module.startswith(
            (
                "sklearn_w2v._keyedvectors",
                "sklearn_w2v._corpus.files",
                "sklearn_w2v._corpus.subwords",
            )
        ), (path.name, module)


def test_each_folder_states_its_import_rule():
    for folder in ("_engine", "_engine/losses", "_corpus", "_keyedvectors", "_cli"):
        docstring = ast.get_docstring(
            ast.parse((PACKAGE / folder / "__init__.py").read_text(encoding="utf-8"))
        )
        assert docstring and "Import rule" in docstring, folder


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_module_is_over_600_lines(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= 600, f"{path.relative_to(PACKAGE)} has {n_lines} lines"
