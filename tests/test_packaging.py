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


def _imported_top_level_modules():
    modules = set()
    for path in Path(sklearn_w2v.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"sklearn_w2v"}


def test_every_third_party_import_is_a_declared_dependency():
    declared = {
        re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()
        for requirement in requires("sklearn-w2v")
        if "extra ==" not in requirement
    }
    imported = {
        DISTRIBUTIONS.get(module, module) for module in _imported_top_level_modules()
    }
    assert imported <= declared, f"undeclared: {sorted(imported - declared)}"
    assert {"numpy", "scipy", "scikit-learn", "joblib"} <= imported


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
