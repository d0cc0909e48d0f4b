"""A local Dask cluster for the tests that run tasks on workers."""

from contextlib import contextmanager

import joblib
import pytest


@contextmanager
def local_cluster():
    """A Client of 2 single-thread worker processes, with the joblib dask backend."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        yield
