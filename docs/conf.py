"""Sphinx configuration of the sklearn-w2v documentation.

Build it, examples included, with (from the project root)::

    python -m sphinx -W -b html docs docs/_build/html

The build needs no network: no intersphinx inventories are fetched, and
the gallery runs on the bundled State of the Union corpus.
"""

import importlib
import re
import sys
from pathlib import Path

from sphinx.util import logging

import sklearn_w2v

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sphinxext"))

project = "sklearn-w2v"
author = "The sklearn-w2v developers"
copyright = "The sklearn-w2v developers, BSD-3-Clause"
version = release = sklearn_w2v.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "sphinxext"]
root_doc = "index"
default_role = "literal"

# API reference: one page per object, generated from the docstrings.
autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# "fit()", not "Word2VecVectorizer.fit()": the sidebar "On this page" is too
# narrow for the full names (and _static/sklearn-w2v.css wraps longer ones).
toc_object_entries_show_parents = "hide"

# sphinx-mathjax-offline copies MathJax into the output: the pages render
# their formulas without a network, as the build runs without one.
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-w2v {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = ["_static"]
html_css_files = ["sklearn-w2v.css"]
html_show_sourcelink = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "within_subsection_order": "gallery_order.ExampleOrder",
    "doc_module": ("sklearn_w2v",),
    "reference_url": {"sklearn_w2v": None},
    "backreferences_dir": "generated/backreferences",
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
}


def _join_continued_lines(app, what, name, obj, options, lines):
    """Join docstring lines ending in a backslash, in place.

    scikit-learn wraps long numpydoc type lines with a backslash, which
    Python removes from ordinary docstrings but keeps in raw ones;
    docutils would then read the next line as a broken block quote.
    """
    index = 0
    while index < len(lines) - 1:
        if lines[index].endswith("\\"):
            lines[index] = lines[index][:-1] + lines.pop(index + 1).lstrip()
        else:
            index += 1


# scikit-learn's cross-references: :ref:`text <label>` or :ref:`label`.
_SKLEARN_REF = re.compile(r":ref:`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`")
_SKLEARN_EXAMPLE = re.compile(r"sphx_glr_.*?(plot_\w+\.py)")


def _sklearn_reference_text(found):
    """What to write instead of one scikit-learn ``:ref:``."""
    if found[1] is not None:
        return f"{found[1]} of scikit-learn"
    example = _SKLEARN_EXAMPLE.fullmatch(found[2])
    if example:
        return f"scikit-learn's example ``{example[1]}``"
    return f"``{found[2]}`` in scikit-learn's documentation"


def _unlink_sklearn_references(app, what, name, obj, options, lines):
    """Turn the ``:ref:`` roles of scikit-learn's docstrings into text, in place.

    The API pages document the methods the estimators inherit from
    scikit-learn (``set_output``, ``get_params``, ...) with scikit-learn's
    docstrings, whose ``:ref:`` labels exist only in scikit-learn's
    documentation; the build has no network to fetch its inventory.
    """
    if getattr(obj, "__module__", "").startswith("sklearn."):
        lines[:] = [_SKLEARN_REF.sub(_sklearn_reference_text, line) for line in lines]


def _check_api_reference(app):
    """Warn about public names missing from api.rst (an error with ``-W``)."""
    listed = {line.strip() for line in (HERE / "api.rst").read_text().splitlines()}
    for module_name in (
        "sklearn_w2v",
        "sklearn_w2v.evaluation",
        "sklearn_w2v.datasets",
    ):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if not name.startswith("_") and name not in listed:
                logging.getLogger(__name__).warning(
                    f"{module_name}.{name} is public but not in docs/api.rst"
                )


def setup(app):
    # Before numpydoc (priority 500) parses the sections.
    app.connect("autodoc-process-docstring", _join_continued_lines, priority=100)
    app.connect("autodoc-process-docstring", _unlink_sklearn_references, priority=100)
    app.connect("builder-inited", _check_api_reference)
