"""scikit-learn's callback API (>= 1.9): one fit task, one subtask per epoch."""

import pickle
import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._sklearn_compat import _NoCallbackSupport

requires_callbacks = pytest.mark.skipif(
    not hasattr(Word2VecVectorizer, "set_callbacks"),
    reason="scikit-learn < 1.9 has no callback API",
)


class RecordingCallback:
    """A FitCallback that records (hook, task name, task id) of every call."""

    def __init__(self):
        self.calls = []

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name, context.task_id))

    def on_fit_task_begin(self, estimator, context, *, X=None):
        self.calls.append(("begin", context.task_name, context.task_id))
        self.n_documents = None if X is None else len(X)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.calls.append(("end", context.task_name, context.task_id))
        self.fitted_estimator = fitted_estimator

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name, context.task_id))


def expected_calls(epochs):
    calls = [("setup", "fit", 0), ("begin", "fit", 0)]
    for epoch in range(epochs):
        calls += [("begin", "epoch", epoch), ("end", "epoch", epoch)]
    return calls + [("end", "fit", 0), ("teardown", "fit", 0)]


@requires_callbacks
@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("method", ["fit", "fit_transform"])
def test_one_task_per_epoch(topic_corpus, fast_params, n_jobs, method):
    documents, _ = topic_corpus
    callback = RecordingCallback()
    vectorizer = Word2VecVectorizer(**{**fast_params, "epochs": 3}, n_jobs=n_jobs)
    getattr(vectorizer.set_callbacks(callback), method)(documents)
    assert callback.calls == expected_calls(3)
    assert callback.n_documents == len(documents)


@requires_callbacks
def test_fit_end_gets_the_fitted_estimator(topic_corpus, fast_params):
    documents, _ = topic_corpus
    callback = RecordingCallback()
    vectorizer = Word2VecVectorizer(**fast_params).set_callbacks(callback)
    X = vectorizer.fit_transform(documents)
    np.testing.assert_array_equal(callback.fitted_estimator.transform(documents), X)


@requires_callbacks
def test_callbacks_do_not_change_the_fit(topic_corpus, fast_params):
    documents, _ = topic_corpus
    plain = Word2VecVectorizer(**fast_params).fit(documents)
    with_callback = Word2VecVectorizer(**fast_params).set_callbacks(RecordingCallback())
    with_callback.fit(documents)
    np.testing.assert_array_equal(plain.wv_.vectors, with_callback.wv_.vectors)
    assert not hasattr(plain, "_skl_callbacks")
    # The fit's context lives only during fit, as in scikit-learn's estimators.
    for fitted in (plain, with_callback):
        assert not hasattr(fitted, "_callback_fit_ctx")


@requires_callbacks
def test_data_errors_raise_before_callbacks_start(fast_params):
    callback = RecordingCallback()
    vectorizer = Word2VecVectorizer(**{**fast_params, "min_count": 5})
    with pytest.raises(ValueError, match="empty vocabulary"):
        vectorizer.set_callbacks(callback).fit(["a b c"])
    assert callback.calls == []


@requires_callbacks
def test_progress_bar(topic_corpus, fast_params, capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    documents, _ = topic_corpus
    Word2VecVectorizer(**fast_params).set_callbacks(ProgressBar()).fit(documents)
    out = capsys.readouterr().out
    assert re.search(r"Word2VecVectorizer - fit", out)
    assert re.search(r"100%", out)


@requires_callbacks
def test_clone_and_pickle_keep_callbacks_like_logistic_regression(
    topic_corpus, fast_params
):
    documents, _ = topic_corpus
    callback = RecordingCallback()
    vectorizer = Word2VecVectorizer(**fast_params).set_callbacks(callback)
    reference = LogisticRegression().set_callbacks(callback)
    # clone shares the callback instances, pickling copies them.
    for estimator in (vectorizer, reference):
        assert clone(estimator)._skl_callbacks[0] is callback
    restored = pickle.loads(pickle.dumps(vectorizer.fit(documents)))
    assert isinstance(restored._skl_callbacks[0], RecordingCallback)
    np.testing.assert_array_equal(
        restored.transform(documents[:3]), vectorizer.transform(documents[:3])
    )
    restored._skl_callbacks[0].calls.clear()
    restored.fit(documents)
    assert restored._skl_callbacks[0].calls == expected_calls(fast_params["epochs"])


@requires_callbacks
def test_callbacks_of_a_pipeline_step(topic_corpus, fast_params):
    documents, labels = topic_corpus
    callback = RecordingCallback()
    vectorizer = Word2VecVectorizer(**fast_params).set_callbacks(callback)
    make_pipeline(vectorizer, LogisticRegression()).fit(documents, labels)
    # The step's fit task is merged into the pipeline's task tree.
    assert [hook for hook, name, _ in callback.calls].count("begin") == 1 + 2
    assert [name for _, name, _ in callback.calls].count("epoch") == 2 * 2


class PropagatedRecordingCallback(RecordingCallback):
    """An AutoPropagatedCallback: set on a meta-estimator, it reaches every step."""

    max_propagation_depth = None


@requires_callbacks
def test_callbacks_of_a_grid_search_reach_the_epochs(topic_corpus, fast_params):
    documents, labels = topic_corpus
    callback = PropagatedRecordingCallback()
    pipeline = make_pipeline(Word2VecVectorizer(**fast_params), LogisticRegression())
    search = GridSearchCV(pipeline, {"word2vecvectorizer__window": [2]}, cv=2)
    search.set_callbacks(callback).fit(documents, labels)
    epoch_tasks = [call for call in callback.calls if call[1] == "epoch"]
    # Two folds and the refit, each of fast_params["epochs"] epochs.
    assert len(epoch_tasks) == 3 * fast_params["epochs"] * 2


def test_without_callback_api_fit_calls_nothing(topic_corpus, fast_params):
    # scikit-learn < 1.9 gets a stand-in whose contexts call nothing.
    if issubclass(Word2VecVectorizer, _NoCallbackSupport):
        assert not hasattr(Word2VecVectorizer, "set_callbacks")
        old_style = Word2VecVectorizer
    else:
        old_style = type("OldStyle", (_NoCallbackSupport, Word2VecVectorizer), {})
    documents, _ = topic_corpus
    fitted = old_style(**fast_params).fit(documents)
    reference = Word2VecVectorizer(**fast_params).fit(documents)
    np.testing.assert_array_equal(
        fitted.transform(documents), reference.transform(documents)
    )
