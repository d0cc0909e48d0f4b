"""A corpus counted in parts, in parallel: on the workers of a cluster, or here.

Under a Dask joblib backend the parts of a corpus (groups of its files, or
slices of a list of documents) are analysed, counted and encoded on the
workers, each part into a spool of its own; the spools are then read as one.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from joblib.parallel import get_active_backend

from .line_corpus import LineCorpus
from .spool import CorpusSpool, SpoolChain
from .text import iter_analyzed

_LOCAL_BACKENDS = (
    "LokyBackend",
    "MultiprocessingBackend",
    "ThreadingBackend",
    "SequentialBackend",
)


def cluster_size():
    """Workers of the active joblib backend if it is a cluster, else None.

    The backends of one machine (loky, multiprocessing, threading,
    sequential) are local; any other one, such as Dask's, is a cluster. A
    task already running on a Dask worker (a fit inside a distributed grid
    search) sees Dask as its backend too, but trains locally: the cluster is
    busy with the outer loop.

    Returns
    -------
    n_workers : int or None
    """
    backend, _ = get_active_backend()
    if type(backend).__name__ in _LOCAL_BACKENDS:
        return None
    distributed = sys.modules.get("distributed")
    if distributed is not None:
        try:
            distributed.get_worker()
        except ValueError:
            pass
        else:
            return None
    return max(int(backend.effective_n_jobs(-1)), 1)


def corpus_parts(X, n_parts):
    """Cut a corpus into parts that tasks can count apart, or None if it cannot be.

    A :class:`~sklearn_w2v.LineCorpus` of several files is cut into groups
    of consecutive files, a list or tuple of documents into consecutive
    slices; other iterables (generators) can be read only once, in order,
    and are counted in one pass.

    Parameters
    ----------
    X : iterable of str or of list of str
        The documents of ``fit``.
    n_parts : int
        Parts wanted; fewer when there are fewer files or documents.

    Returns
    -------
    parts : list of LineCorpus or list, or None

    Examples
    --------
    >>> from sklearn_w2v._corpus.parts import corpus_parts
    >>> corpus_parts(["a b", "c", "d e", "f"], 3)
    [['a b'], ['c'], ['d e', 'f']]
    >>> corpus_parts(iter(["a b"]), 3) is None
    True
    """
    if isinstance(X, LineCorpus) and len(X.paths) > 1:
        groups = np.array_split(np.arange(len(X.paths)), min(n_parts, len(X.paths)))
        return [
            LineCorpus(
                [X.paths[i] for i in group],
                encoding=X.encoding,
                decode_error=X.decode_error,
            )
            for group in groups
        ]
    if isinstance(X, (list, tuple)) and len(X) > 1:
        n_parts = min(n_parts, len(X))
        bounds = [len(X) * i // n_parts for i in range(n_parts + 1)]
        return [X[start:stop] for start, stop in zip(bounds, bounds[1:], strict=False)]
    return None


def count_part(part, analyzer, input, directory):
    """Analyse, count and encode one part of a corpus into a new spool.

    Parameters
    ----------
    part : iterable of str or of list of str
        Documents, read once.
    analyzer : callable
        Maps a raw document to its tokens.
    input : {'content', 'file', 'filename'}
        What a raw document is.
    directory : str
        Names the spool's directory: each attempt creates a new one beside
        it, whose name starts with this one's, so that a task retried after
        its worker was lost never meets the files of the first attempt.

    Returns
    -------
    spool : CorpusSpool
    """
    name, parent = Path(directory).name, Path(directory).parent
    directory = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=parent))
    spool = CorpusSpool(directory)
    spool.write(iter_analyzed(part, analyzer, input))
    return spool


def count_in_parts(parts, analyzer, input, directory, n_workers):
    """The counting pass, one task per part, merged.

    Parameters
    ----------
    parts : list
        Of :func:`corpus_parts`.
    analyzer : callable
        Maps a raw document to its tokens.
    input : {'content', 'file', 'filename'}
    directory : path-like
        Where each task writes its spool, in a directory of its own: a
        directory every worker can read and write.
    n_workers : int or None
        Workers of the active cluster backend, or None to count here.

    Returns
    -------
    spool : SpoolChain
        The parts' spools, read as one.
    """
    tasks = (
        delayed(count_part)(part, analyzer, input, str(Path(directory) / f"part-{i}"))
        for i, part in enumerate(parts)
    )
    spools = Parallel(n_jobs=1 if n_workers is None else -1)(tasks)
    return SpoolChain(spools, directory)
