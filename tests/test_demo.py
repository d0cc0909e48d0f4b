"""``sklearn-w2v demo``: what it reports while it works, and its folds."""

import io
import re
import sys

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import Bunch

import sklearn_w2v.datasets
from sklearn_w2v._cli import commands as _cli
from sklearn_w2v._cli.commands import main

SCORE = re.compile(r"3-fold cross-validated accuracy .*: (\d\.\d{3}) \+/- \d\.\d{3}$")
EPOCH = re.compile(r"epoch \d+/5: loss ")
FOLD_SCORE = re.compile(r"Fold (\d)/3: accuracy (\d\.\d{3}) ")


@pytest.fixture
def small_sotu(monkeypatch):
    """The demo on every 8th address, cut short: its steps in a few seconds."""
    sotu = sklearn_w2v.datasets.load_sotu()
    small = Bunch(
        data=[document[:10_000] for document in sotu.data[::8]],
        target=sotu.target[::8],
        target_names=sotu.target_names,
    )
    monkeypatch.setattr(sklearn_w2v.datasets, "load_sotu", lambda: small)
    return small


@pytest.mark.slow
def test_demo_reports_each_step_before_its_score(small_sotu, monkeypatch):
    # One stream for both: the order of progress (stderr) and results
    # (stdout) is what a user sees in a terminal.
    output = io.StringIO()
    monkeypatch.setattr(sys, "stdout", output)
    monkeypatch.setattr(sys, "stderr", output)
    folds = []  # the demo's folds are the README's (tests/test_docs.py)
    real_folds = getattr(_cli, "_demo_folds", None)

    def spy(n_splits):
        folds.append(n_splits)
        return real_folds(n_splits)

    monkeypatch.setattr(_cli, "_demo_folds", spy, raising=False)
    assert main(["demo", "--folds", "3"]) == 0
    lines = output.getvalue().splitlines()

    scored = [i for i, line in enumerate(lines) if SCORE.search(line)]
    assert scored == [len(lines) - 1], lines
    before = lines[: scored[0]]
    assert before[1].startswith("Training cbow word vectors")
    # Five epoch lines for the first fit and for each fold's.
    assert sum(bool(EPOCH.match(line)) for line in before) == 5 * 4
    assert any(line.startswith("Cross-validating") for line in before)
    fold_scores = [FOLD_SCORE.match(line) for line in before]
    fold_scores = [found for found in fold_scores if found]
    assert [found[1] for found in fold_scores] == ["1", "2", "3"]
    mean = np.mean([float(found[2]) for found in fold_scores])
    assert float(SCORE.search(lines[-1])[1]) == pytest.approx(mean, abs=1e-3)
    assert folds == [3]


def test_demo_folds_are_stratified_shuffled_and_reproducible():
    target = np.repeat([0, 1, 2], 9)
    folds = [test for _, test in _cli._demo_folds(3).split(target, target)]
    again = [test for _, test in _cli._demo_folds(3).split(target, target)]
    in_order = [test for _, test in StratifiedKFold(3).split(target, target)]
    assert len(folds) == 3
    assert all(np.bincount(target[fold]).tolist() == [3, 3, 3] for fold in folds)
    assert all(
        np.array_equal(fold, other) for fold, other in zip(folds, again, strict=True)
    )
    assert not all(
        np.array_equal(fold, other) for fold, other in zip(folds, in_order, strict=True)
    )
