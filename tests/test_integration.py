"""Word2VecVectorizer among other tools: polars output, Pipeline caching, Dask."""

import pickle

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from sklearn_w2v import Word2VecVectorizer


class CountingVectorizer(Word2VecVectorizer):
    """Counts the fits of all its instances (clones included)."""

    n_fits = 0

    def _train_on(self, *args):
        type(self).n_fits += 1
        return super()._train_on(*args)


def test_set_output_polars(topic_corpus, fast_params):
    pl = pytest.importorskip("polars")
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params).fit(documents)
    expected = vectorizer.transform(documents)
    frame = vectorizer.set_output(transform="polars").transform(documents)
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == list(vectorizer.get_feature_names_out())
    np.testing.assert_array_equal(frame.to_numpy(), expected)
    assert isinstance(vectorizer.fit_transform(documents), pl.DataFrame)


def test_pipeline_memory_caches_the_fitted_vectorizer(
    topic_corpus, fast_params, tmp_path
):
    documents, labels = topic_corpus
    CountingVectorizer.n_fits = 0
    pipeline = Pipeline(
        [("w2v", CountingVectorizer(**fast_params)), ("clf", LogisticRegression())],
        memory=str(tmp_path),
    )
    first = pipeline.fit(documents, labels).predict_proba(documents)
    assert CountingVectorizer.n_fits == 1
    second = pipeline.fit(documents, labels).predict_proba(documents)
    assert CountingVectorizer.n_fits == 1
    np.testing.assert_array_equal(first, second)
    # Another parameter or other data is a cache miss.
    pipeline.set_params(w2v__window=2).fit(documents, labels)
    pipeline.fit(documents[:-2], labels[:-2])
    assert CountingVectorizer.n_fits == 3


@pytest.mark.slow
def test_grid_search_on_a_dask_cluster(topic_corpus):
    pytest.importorskip("dask")
    distributed = pytest.importorskip("dask.distributed")
    from joblib import parallel_backend

    documents, labels = topic_corpus
    pipeline = Pipeline(
        [
            # n_jobs=1: the cluster's workers are the parallelism.
            (
                "w2v",
                Word2VecVectorizer(n_components=8, min_count=1, epochs=2, n_jobs=1),
            ),
            ("clf", LogisticRegression()),
        ]
    )
    grid = {"w2v__window": [2, 4], "w2v__random_state": [0]}
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    local = GridSearchCV(pipeline, grid, cv=cv).fit(documents, labels)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
        parallel_backend("dask"),
    ):
        remote = GridSearchCV(pipeline, grid, cv=cv, n_jobs=-1)
        remote.fit(documents, labels)
    # Workers in other processes: the same scores as the local run.
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    best = pickle.loads(pickle.dumps(remote.best_estimator_))
    np.testing.assert_array_equal(
        best.predict_proba(documents), remote.predict_proba(documents)
    )
