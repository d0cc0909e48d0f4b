"""Loader of the labelled passages of the State of the Union addresses."""

from itertools import pairwise

import numpy as np
from sklearn.utils import Bunch

from ._sotu import load_sotu

#: Passages are runs of consecutive sentences of about this many words.
PASSAGE_WORDS = 50

#: Every TEST_EVERY-th address, in chronological order, is a test address.
TEST_EVERY = 4

DESCR = """\
Passages of the State of the Union addresses
--------------------------------------------

The 233 addresses of :func:`load_sotu` cut into passages of consecutive
sentences of about 50 words each (about 33,000 passages), for text
classification with few labels.

**Data set characteristics**

=================  ==============================================
Passages           about 24,600 train, 8,500 test
Classes (target)   3 eras of the address: 1790-1860, 1861-1932,
                   1933-2021
Split              by address: the addresses are taken in
                   chronological order and every 4th one (58 in
                   all) is a test address; the 175 others are
                   train addresses
Other fields       address (index in ``load_sotu().data``), year
=================  ==============================================

No address has passages in both subsets, so a model cannot recognise a test
passage by the other passages of its address. The text of the train
addresses, without labels, is the corpus to learn word vectors from.

Words are separated by white space, and a sentence ends with a word
ending in '.', '!' or '?'; a passage gathers the sentences that start within
the same run of 50 words of its address, so passages hold about 50 words (a
long sentence makes a longer one). Like :func:`load_sotu`, U.S. government
works in the public domain.
"""


def _passages(text):
    """Cut ``text`` into runs of consecutive sentences of about 50 words."""
    words = text.split()
    ends = np.fromiter((word[-1] in ".!?" for word in words), bool, len(words))
    starts = np.flatnonzero(np.concatenate([[True], ends[:-1]]))
    # A passage holds the sentences starting in the same run of 50 words.
    cuts = starts[np.diff(starts // PASSAGE_WORDS, prepend=-1) > 0]
    bounds = np.append(cuts, len(words))
    return [" ".join(words[a:b]) for a, b in pairwise(bounds)]


def load_sotu_passages(*, subset="train", return_X_y=False):
    """Load passages of the State of the Union addresses, labelled by era.

    A sentence-level task for classifying with few labels: passages of about
    50 words, labelled with the era of their address, split into train and
    test by address so that no address is in both. The text of the train
    addresses is also the unlabelled corpus to pretrain word vectors on.

    =================   ==================
    Classes                              3
    Passages (train)                ~24,600
    Passages (test)                  ~8,500
    =================   ==================

    Parameters
    ----------
    subset : {'train', 'test', 'all'}, default='train'
        The passages of the train addresses, of the test addresses (every
        4th address in chronological order), or of all of them.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : list of str
            The passages, address by address in chronological order.
        target : ndarray of shape (n_passages,), int64
            Era of each passage's address, an index into ``target_names``.
        target_names : list of str
            The eras: '1790-1860', '1861-1932', '1933-2021'.
        address : ndarray of shape (n_passages,), int64
            Index of each passage's address in ``load_sotu().data``.
        year : ndarray of shape (n_passages,), int64
            Year of each passage's address.
        DESCR : str
            Description of the data set.

    (data, target) : tuple if ``return_X_y`` is True
        The passages and their era labels.

    See Also
    --------
    load_sotu : The whole addresses, one document each.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v.datasets import load_sotu_passages
    >>> train = load_sotu_passages(subset="train")
    >>> test = load_sotu_passages(subset="test")
    >>> train.target_names
    ['1790-1860', '1861-1932', '1933-2021']
    >>> len(np.unique(test.address))
    58
    >>> bool(np.intersect1d(train.address, test.address).size)
    False
    """
    if subset not in ("train", "test", "all"):
        raise ValueError(f"subset must be 'train', 'test' or 'all'; got {subset!r}.")
    sotu = load_sotu()
    is_test = np.arange(len(sotu.data)) % TEST_EVERY == TEST_EVERY - 1
    wanted = {"train": ~is_test, "test": is_test, "all": np.ones_like(is_test)}
    addresses = np.flatnonzero(wanted[subset])
    passages = [_passages(sotu.data[i]) for i in addresses]
    address = np.repeat(addresses, [len(p) for p in passages]).astype(np.int64)
    data = [passage for address_passages in passages for passage in address_passages]
    target = sotu.target[address]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=sotu.target_names,
        address=address,
        year=sotu.year[address],
        DESCR=DESCR,
    )
