"""The package imports only what it declares."""

import ast
import re
import sys
from importlib.metadata import requires
from pathlib import Path

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
