"""Fits are bit-identical: twice the same call, and before and after a change.

Without options, each configuration below is fitted twice on a small slice of
the bundled corpus and the two fits must write the same bytes. With
``--identical-save PATH`` the SHA-256 of each configuration's fit, on the
larger slices, is written to ``PATH`` as JSON; with ``--identical-compare
PATH`` it must equal the one saved there. The hashes depend on the machine
(its BLAS), so save them on the tree before a change of the engine and
compare on the same machine after it::

    python -m pytest tests/test_identical.py --identical-save /tmp/before.json
    # ... change the engine ...
    python -m pytest tests/test_identical.py --identical-compare /tmp/before.json

The configurations: the six pairs of algorithm (skip-gram, CBOW) and output
layer (negative sampling, hierarchical softmax, softmax), a ``partial_fit``
continuation, a fit pruned by ``max_vocab_size`` and two sharded fits
(``n_shards=3``), all with ``n_jobs=1`` and ``random_state=0``.
"""

import hashlib
import json

import pytest

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

# Words per slice: small for the suite, larger for the saved hashes (whose
# files, saved before, must stay comparable).
SMALL_TOKENS, HASHED_TOKENS = 10_000, 200_000
PARAMS = dict(
    n_components=16,
    window=5,
    min_count=5,
    epochs=2,
    batch_size=256,
    n_jobs=1,
    random_state=0,
)
# The full softmax scores every word: a small vocabulary keeps it quick.
SOFTMAX_PARAMS = dict(max_features=1000)


# name: (algorithm, loss, further parameters, continued by partial_fit)
CONFIGURATIONS = {
    f"{algorithm}/{loss}": (algorithm, loss, {}, False)
    for algorithm in ("skipgram", "cbow")
    for loss in ("negative_sampling", "hierarchical_softmax", "softmax")
}
CONFIGURATIONS.update(
    {
        "cbow/negative_sampling+partial_fit": ("cbow", "negative_sampling", {}, True),
        "skipgram/negative_sampling/max_vocab_size": (
            "skipgram",
            "negative_sampling",
            {"max_vocab_size": 3000},
            False,
        ),
        "skipgram/negative_sampling/3 shards": (
            "skipgram",
            "negative_sampling",
            {"n_shards": 3},
            False,
        ),
        "cbow/softmax/3 shards": ("cbow", "softmax", {"n_shards": 3}, False),
    }
)


def fit(name, first, second):
    """The vectorizer of configuration ``name`` fitted on ``first`` (and
    continued on ``second`` if the configuration says so)."""
    algorithm, loss, extra, continued = CONFIGURATIONS[name]
    params = dict(PARAMS, algorithm=algorithm, loss=loss, **extra)
    if loss == "softmax":
        params.update(SOFTMAX_PARAMS)
    vectorizer = Word2VecVectorizer(**params).fit(first)
    return vectorizer.partial_fit(second) if continued else vectorizer


def corpus_slices(n_tokens):
    """Two consecutive slices of whole addresses, ~n_tokens words each."""
    slices, current, count = [], [], 0
    for text in load_sotu().data:
        current.append(text)
        count += len(text.split())
        if count >= n_tokens:
            slices.append(current)
            current, count = [], 0
            if len(slices) == 2:
                break
    return slices


def digest(vectorizer):
    """SHA-256 of the fitted arrays that training writes."""
    sha = hashlib.sha256()
    for name in ("input_vectors_", "output_vectors_", "loss_curve_"):
        sha.update(getattr(vectorizer, name).tobytes())
    return sha.hexdigest()


@pytest.fixture(scope="module")
def hashing(request):
    """``(save_path, saved_hashes)``: at most one of them set, by the options."""
    save = request.config.getoption("identical_save")
    compare = request.config.getoption("identical_compare")
    if save and compare:
        pytest.fail("--identical-save and --identical-compare exclude each other.")
    saved = None
    if compare:
        with open(compare, encoding="utf-8") as file:
            saved = json.load(file)
        unknown = sorted(set(saved) - set(CONFIGURATIONS))
        if unknown:
            pytest.fail(f"{compare} holds fits this test does not know: {unknown}")
    return save, saved


@pytest.fixture(scope="module")
def slices(hashing):
    save, saved = hashing
    return corpus_slices(HASHED_TOKENS if save or saved else SMALL_TOKENS)


@pytest.fixture(scope="module")
def hashes(hashing):
    """The hashes of this run, written to ``--identical-save`` at the end."""
    computed = {}
    yield computed
    save, _ = hashing
    if save:
        with open(save, "w", encoding="utf-8") as file:
            json.dump(computed, file, indent=2)


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_fit_is_bit_identical(name, hashing, slices, hashes):
    save, saved = hashing
    hashes[name] = digest(fit(name, *slices))
    if saved is not None:
        assert name in saved, f"{name} is not in the saved hashes"
        assert hashes[name] == saved[name], f"{name} differs from the saved fit"
    elif not save:
        assert digest(fit(name, *slices)) == hashes[name]
