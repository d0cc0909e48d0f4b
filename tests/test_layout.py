"""Minibatch layout: skip-gram span groups, CBOW windows, runs of minibatches."""

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_w2v._engine.layout import (
    CbowBatch,
    SkipgramBatch,
    cbow_windows,
    group_contexts,
    lay_out_run,
)
from sklearn_w2v._engine.sampling import draw_spans

SEEDS = [0, 1, 2, 3]


def _random_stream(rng, window, n_words=8, n_documents=12):
    lengths = rng.integers(0, 9, n_documents)
    ids = rng.integers(0, n_words, lengths.sum()).astype(np.int32)
    doc_ids = np.repeat(np.arange(n_documents), lengths).astype(np.int32)
    return ref.padded_stream(ids, doc_ids, window, n_words)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("window", [1, 2, 5])
def test_group_contexts_matches_brute_force(seed, window):
    rng = np.random.default_rng(seed)
    tokens, docs = _random_stream(rng, window)
    spans = draw_spans(len(tokens) - 2 * window, window, True, rng)
    batch = group_contexts(tokens, docs, spans, window)
    expected = ref.group_contexts(tokens, docs, spans, window)
    assert batch.centers.tolist() == expected[0]
    assert batch.contexts.tolist() == expected[1]
    assert batch.valid.tolist() == expected[2]
    assert batch.group_sizes.tolist() == expected[3]
    assert batch.valid.dtype == bool


@pytest.mark.parametrize("seed", SEEDS)
def test_group_contexts_of_a_slice_in_the_middle_of_a_stream(seed):
    # The layout of a run hands over tokens[start : stop + 2 * window].
    rng = np.random.default_rng(seed)
    window = 3
    tokens, docs = _random_stream(rng, window, n_documents=20)
    spans = draw_spans(len(tokens) - 2 * window, window, True, rng)
    start, stop = 10, 30
    piece = (
        tokens[start : stop + 2 * window],
        docs[start : stop + 2 * window],
        spans[start:stop],
        window,
    )
    batch = group_contexts(*piece)
    expected = ref.group_contexts(*piece)
    got = (batch.centers, batch.contexts, batch.valid, batch.group_sizes)
    for array, values in zip(got, expected, strict=True):
        assert array.tolist() == values


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("window", [1, 3, 5])
def test_cbow_windows_matches_brute_force(seed, window):
    rng = np.random.default_rng(seed)
    tokens, docs = _random_stream(rng, window)
    spans = rng.integers(1, window + 1, len(tokens) - 2 * window)
    batch = cbow_windows(tokens, docs, spans, window)
    expected = ref.cbow_windows(tokens, docs, spans, window)
    assert_array_equal(batch.centers, expected[0])
    assert_array_equal(batch.contexts, expected[1])
    assert_array_equal(batch.n_contexts, expected[2])
    assert 0 < batch.n_contexts.sum() < 2 * spans.sum()  # some cross documents


@pytest.mark.parametrize("seed", SEEDS)
def test_group_contexts_offsets_lie_inside_the_span_and_the_document(seed):
    # Tokens are stream positions themselves, so contexts give positions back.
    rng = np.random.default_rng(seed)
    window = 4
    lengths = rng.integers(1, 7, 15)
    n = lengths.sum()
    docs = np.r_[[-1] * window, np.repeat(np.arange(15), lengths), [-1] * window]
    tokens = np.arange(n + 2 * window)
    spans = draw_spans(n, window, True, rng)
    batch = group_contexts(tokens, docs, spans, window)
    centers, contexts, valid = batch.centers, batch.contexts, batch.valid
    assert sorted(centers.tolist()) == list(range(window, n + window))
    assert np.all(np.diff(spans[centers - window]) >= 0)  # grouped by span
    position = 0
    for center in centers:
        span = int(spans[center - window])
        window_contexts = contexts[position : position + 2 * span]
        window_valid = valid[position : position + 2 * span]
        offsets = window_contexts - center
        assert offsets.tolist() == [*range(-span, 0), *range(1, span + 1)]
        assert_array_equal(window_valid, docs[window_contexts] == docs[center])
        # Every same-document neighbour within the span is a valid position.
        same_doc = np.flatnonzero(docs == docs[center])
        near = same_doc[(np.abs(same_doc - center) <= span) & (same_doc != center)]
        assert sorted(window_contexts[window_valid].tolist()) == near.tolist()
        position += 2 * span
    assert position == len(contexts)
    sizes = batch.group_sizes.tolist()
    assert sizes == np.bincount(spans, minlength=window + 1)[1:].tolist()
    assert_array_equal(spans[centers - window], batch.spans())


def test_group_contexts_padding_positions_are_invalid():
    tokens = np.array([9, 9, 1, 2, 9, 9], dtype=np.int32)
    docs = np.array([-1, -1, 0, 0, -1, -1], dtype=np.int32)
    batch = group_contexts(tokens, docs, np.array([2, 2]), 2)
    assert batch.centers.tolist() == [1, 2]
    assert batch.contexts.tolist() == [9, 9, 2, 9, 9, 1, 9, 9]
    expected_valid = [False, False, True, False, False, True, False, False]
    assert batch.valid.tolist() == expected_valid
    assert batch.group_sizes.tolist() == [0, 2]


@pytest.mark.parametrize("group_sizes", [[3], [0, 2, 0, 1], [1, 1, 1], [0, 0, 5]])
def test_groups_tile_windows_and_positions_in_order(group_sizes):
    batch = SkipgramBatch(None, None, None, np.array(group_sizes))
    groups = list(batch.groups())
    assert [n for n, *_ in groups] == [n for n in group_sizes if n]
    window = position = 0
    for (n, width, windows, positions), span in zip(
        groups, [s for s, n in enumerate(group_sizes, 1) if n], strict=True
    ):
        assert width == 2 * span
        assert (windows.start, windows.stop) == (window, window + n)
        assert (positions.start, positions.stop) == (position, position + n * width)
        window, position = windows.stop, positions.stop
    layout = ref.window_positions(group_sizes)
    assert position == sum(len(p) for p in layout)
    assert window == len(layout)
    expected = [j for j, positions in enumerate(layout) for _ in positions]
    assert batch.window_of_positions().tolist() == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_select_keeps_the_chosen_windows_with_their_contexts(seed):
    rng = np.random.default_rng(seed)
    window = 4
    tokens, docs = _random_stream(rng, window, n_documents=20)
    spans = draw_spans(len(tokens) - 2 * window, window, True, rng)
    batch = group_contexts(tokens, docs, spans, window)
    chosen = rng.random(len(batch.centers)) < 0.5
    part = batch.select(chosen)
    layout = ref.window_positions(batch.group_sizes)
    kept = [p for j, positions in enumerate(layout) if chosen[j] for p in positions]
    assert_array_equal(part.centers, batch.centers[chosen])
    assert_array_equal(part.contexts, batch.contexts[kept])
    assert_array_equal(part.valid, batch.valid[kept])
    assert_array_equal(part.spans(), batch.spans()[chosen])
    assert len(part.group_sizes) == window


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_run_is_laid_out_as_its_minibatches_one_by_one(algorithm, seed):
    # CBOW lays out the run at once and slices it; each slice must be the
    # layout of its minibatch alone.
    rng = np.random.default_rng(seed)
    window, batch_size = 3, 7
    tokens, docs = _random_stream(rng, window, n_documents=30)
    n_centers = len(tokens) - 2 * window
    spans = draw_spans(n_centers, window, True, rng)
    run_starts = np.arange(batch_size, n_centers, batch_size)
    batches = list(
        lay_out_run(
            tokens,
            docs,
            spans,
            run_starts,
            algorithm=algorithm,
            window=window,
            batch_size=batch_size,
        )
    )
    assert len(batches) == len(run_starts)
    lay_out = group_contexts if algorithm == "skipgram" else cbow_windows
    kind = SkipgramBatch if algorithm == "skipgram" else CbowBatch
    for start, batch in zip(run_starts, batches, strict=True):
        stop = min(start + batch_size, n_centers)
        alone = lay_out(
            tokens[start : stop + 2 * window],
            docs[start : stop + 2 * window],
            spans[start:stop],
            window,
        )
        assert isinstance(batch, kind)
        for name in alone.__dataclass_fields__:
            assert_array_equal(getattr(batch, name), getattr(alone, name))
    centers = np.concatenate([batch.centers for batch in batches])
    assert len(centers) == n_centers - batch_size
