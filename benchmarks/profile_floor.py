"""How far our kernels are from the least a NumPy step must do, and from gensim.

Microseconds per trained center of our kernel, of the least a NumPy/SciPy
step must do, and of gensim's training, all three on the same text: about
``--centers`` subsampled centers (a million by default) from 20 runs of
sentences spread evenly over the corpus, timed ``--repeats`` times in turn
(the minimum, median and maximum are printed). The floors compute no damping,
no curvature and no loss:

- CBOW, negative sampling: one sparse sum, one gather, the logits, one
  batched product, one scatter;
- CBOW, ``--loss hierarchical_softmax``: one sparse sum, one gather of the
  flat path table and one of the node rows, the logits, one sparse sum for
  the errors, one scatter;
- ``--algorithm skipgram``: the gathers of the context and output rows, the
  batched products of each span group (logits, then both errors) and one
  scatter, on the same layout as ours (hierarchical softmax's paths padded
  and split at the median length).

The kernels are called directly, on minibatches laid out beforehand: nothing
of the package is patched or timed from inside.

Usage: python benchmarks/profile_floor.py [--corpus {sotu,large,both}]
    [--algorithm {cbow,skipgram}] [--loss LOSS] [--repeats N] [--centers N]
"""

import argparse
import time
from collections import Counter, defaultdict

import numpy as np
from _common import DEFAULTS, load, make_gensim
from threadpoolctl import threadpool_limits

from sklearn_w2v._engine.layout import cbow_windows, group_contexts
from sklearn_w2v._engine.losses.hierarchical_softmax import (
    HierarchicalSoftmax,
    padded_paths,
)
from sklearn_w2v._engine.losses.logistic import sigmoid, skipgram_logits
from sklearn_w2v._engine.losses.negative_sampling import (
    NegativeSampling,
    center_and_noise,
    negative_sampling_layer,
)
from sklearn_w2v._engine.sampling import draw_negatives, draw_spans, subsample_stream
from sklearn_w2v._engine.scatter import scatter_add, segment_sums
from sklearn_w2v._engine.tables import huffman_tree, keep_probabilities, noise_table


def _floor_hidden(W, batch):
    """The floor kernels' gradient block: the windows' mean context vectors
    (one sparse sum), then room for their errors; returns (block, h, dh)."""
    n_windows, n_components = len(batch.centers), W.shape[2]
    grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
    h, dh = grad[:n_windows], grad[n_windows:]
    indptr = np.zeros(n_windows + 1, dtype=np.int32)
    np.cumsum(batch.n_contexts, out=indptr[1:])
    weights = np.repeat(
        (1.0 / np.maximum(batch.n_contexts, 1)).astype(np.float32), batch.n_contexts
    )
    segment_sums(indptr, batch.contexts, weights, W[0], out=h)
    return grad, h, dh


def floor_update(W, batch, negatives, learning_rate):
    """The least a NumPy/SciPy CBOW step must do, for the floor measurement.

    One sparse sum for the hidden vectors, one gather of the output rows, the
    logits and their plain gradient, one batched product for the errors, one
    scatter into each matrix: no damping, no loss, no weights for noise
    words equal to the center. Not a trainer: the floor of the kernel's time.
    """
    n_rows, n_components = W.shape[1:]
    n_windows = len(batch.centers)
    targets = center_and_noise(batch.centers, negatives)
    grad, h, dh = _floor_hidden(W, batch)
    Z = np.take(W[1], targets, axis=0)
    g = np.vecdot(Z, h[:, None, :])
    # As in our kernels, the rate in float32: a NumPy float64 rate (as training
    # passes) would make the gradient float64 and time mixed-type products.
    g = np.float32(learning_rate) * ((np.arange(targets.shape[1]) == 0) - sigmoid(g))
    np.matmul(g[:, None, :], Z, out=dh[:, None, :])
    rows = np.concatenate([targets.ravel() + n_rows, batch.contexts])
    entries = np.concatenate(
        [g.ravel().astype(np.float32), np.ones(len(batch.contexts), np.float32)]
    )
    counts = np.concatenate([np.full(n_windows, targets.shape[1]), batch.n_contexts])
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=entries)


def floor_update_hs(W, batch, tree, learning_rate):
    """The least a NumPy/SciPy CBOW step with hierarchical softmax must do.

    One sparse sum for the hidden vectors, the centers' paths (one gather of
    a flat path table), one gather of the node rows, the logits against the
    windows' repeated hidden vectors, their plain gradient, one sparse sum
    for the errors, one scatter into each matrix: no damping, no loss.
    ``tree`` is ``(flat_nodes, flat_signs, starts, lengths)``.
    """
    flat_nodes, flat_signs, starts, lengths = tree
    n_rows, n_components = W.shape[1:]
    n_windows = len(batch.centers)
    grad, h, dh = _floor_hidden(W, batch)
    path_lengths = lengths[batch.centers]
    path_ptr = np.zeros(n_windows + 1, dtype=np.int32)
    np.cumsum(path_lengths, out=path_ptr[1:])
    entries = np.repeat(starts[batch.centers] - path_ptr[:-1], path_lengths)
    entries += np.arange(path_ptr[-1])
    nodes, signs = flat_nodes[entries], flat_signs[entries]
    Z = np.take(W[1], nodes, axis=0)
    g = np.vecdot(Z, np.take(h, np.repeat(np.arange(n_windows), path_lengths), axis=0))
    g *= signs
    g = np.float32(learning_rate) * signs * (1.0 - sigmoid(g))
    segment_sums(path_ptr, np.arange(len(nodes), dtype=np.int32), g, Z, out=dh)
    rows = np.concatenate([nodes + n_rows, batch.contexts])
    entries = np.concatenate([g, np.ones(len(batch.contexts), np.float32)])
    counts = np.concatenate([path_lengths, batch.n_contexts])
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=entries)


def floor_skipgram_logistic(W, batch, targets, signs, target_weight, learning_rate):
    """The least a NumPy/SciPy skip-gram step with logistic outputs must do.

    The gathers of the context and output rows; per span group, the logits
    (:func:`~sklearn_w2v._engine.losses.logistic.skipgram_logits`) and both errors, one
    batched product each; the plain gradient; one scatter into both matrices.
    No damping, no curvature, no loss. Not a trainer: the floor of
    :func:`~sklearn_w2v._engine.losses.logistic.skipgram_logistic_update`.
    """
    contexts, valid = batch.contexts, batch.valid
    n_positions = len(contexts)
    n_windows, n_targets = targets.shape
    n_rows, n_components = W.shape[1:]
    X, Z, g, groups = skipgram_logits(W, batch, targets)
    window_of_position = batch.window_of_positions()
    if len(signs) > 1:
        signs = signs[window_of_position]
    g *= signs
    g = np.float32(learning_rate) * signs * (1.0 - sigmoid(g))
    g *= target_weight[window_of_position] * valid[:, None]
    grad = np.empty((n_positions + n_windows * n_targets, n_components), np.float32)
    dX = grad[:n_positions]
    dZ = grad[n_positions:].reshape(n_windows, n_targets, n_components)
    for n, width, windows, positions in groups:
        g_group = g[positions].reshape(n, width, n_targets)
        np.matmul(g_group, Z[windows], out=dX[positions].reshape(n, width, -1))
        np.matmul(
            g_group.transpose(0, 2, 1),
            X[positions].reshape(n, width, n_components),
            out=dZ[windows],
        )
    rows = np.concatenate([contexts, targets.ravel() + n_rows])
    scatter_add(W.reshape(-1, n_components), rows, grad)


def floor_skipgram(W, batch, negatives, learning_rate):
    """The floor of skip-gram with negative sampling: see floor_skipgram_logistic."""
    targets = center_and_noise(batch.centers, negatives)
    signs, weight = negative_sampling_layer(targets)
    floor_skipgram_logistic(W, batch, targets, signs, weight, learning_rate)


def floor_skipgram_hs(W, batch, tree, learning_rate):
    """The floor of skip-gram with hierarchical softmax, on our layout: the
    paths padded, and split at the median length (see floor_skipgram_logistic)."""
    path_lengths = tree[2][batch.centers]
    split = np.median(path_lengths)
    for part in (path_lengths <= split, path_lengths > split):
        if not part.any():
            continue
        nodes, signs, on_path = padded_paths(tree, batch.centers[part])
        floor_skipgram_logistic(
            W,
            batch.select(part),
            nodes,
            signs,
            on_path.astype(np.float32),
            learning_rate,
        )


def _encode(sentences):
    """Word counts (of count >= min_count, most frequent first), and the word
    ids and sentence indices of the corpus's known tokens."""
    counts = Counter(token for sentence in sentences for token in sentence)
    index_to_key = [w for w, c in counts.most_common() if c >= DEFAULTS["min_count"]]
    index = {w: i for i, w in enumerate(index_to_key)}
    ids, docs = [], []
    for k, sentence in enumerate(sentences):
        known = [index[t] for t in sentence if t in index]
        ids.extend(known)
        docs.extend([k] * len(known))
    word_counts = np.array([counts[w] for w in index_to_key])
    return word_counts, np.array(ids, np.int32), np.array(docs, np.int32)


def _sample(sentences, word_counts, ids, docs, n_centers, n_blocks, rng):
    """Subsampled tokens and documents of ``n_blocks`` runs of sentences,
    evenly spaced, that hold about ``n_centers`` centers; and those sentences."""
    keep = keep_probabilities(word_counts, DEFAULTS["subsample"])
    tokens, docs = subsample_stream(ids, docs, keep, rng)
    share = min(1.0, n_centers / max(len(tokens), 1))
    run = max(1, round(len(sentences) * share / n_blocks))
    chosen = np.zeros(len(sentences), dtype=bool)
    for start in np.linspace(0, len(sentences) - run, n_blocks).astype(int):
        chosen[start : start + run] = True
    sample = [sentences[k] for k in np.flatnonzero(chosen)]
    return tokens[chosen[docs]], docs[chosen[docs]], sample


def _minibatches(algorithm, tokens, docs, word_counts, batch_size, rng):
    """The minibatches of ``tokens`` laid out as in training, with their noise."""
    window, n_centers, n_words = DEFAULTS["window"], len(tokens), len(word_counts)
    tokens = np.concatenate([np.full(window, n_words, np.int32), tokens])
    tokens = np.concatenate([tokens, np.full(window, n_words, np.int32)])
    no_doc = np.full(window, -1, np.int32)
    docs = np.concatenate([no_doc, docs, no_doc])
    spans = draw_spans(n_centers, window, True, rng)
    negatives = draw_negatives(
        noise_table(word_counts, 0.75),
        (n_centers, DEFAULTS["n_negative"]),
        rng,
    )
    lay_out = cbow_windows if algorithm == "cbow" else group_contexts
    return [
        (
            lay_out(
                tokens[s : s + batch_size + 2 * window],
                docs[s : s + batch_size + 2 * window],
                spans[s : s + batch_size],
                window,
            ),
            negatives[s : s + batch_size],
        )
        for s in range(0, n_centers, batch_size)
    ]


def _kernels(algorithm, loss, word_counts):
    """``{"ours": kernel, "floor": kernel}``, each ``kernel(W, batch, negatives)``."""
    if loss != "hierarchical_softmax":
        # The noise words are drawn before timing: the loss's table is unused.
        ours = NegativeSampling(noise_table=None, n_negative=DEFAULTS["n_negative"])
        if algorithm == "cbow":
            return {
                "ours": lambda W, b, n: ours.cbow_step(W, b, n, 0.025, cbow_mean=True),
                "floor": lambda W, b, n: floor_update(W, b, n, 0.025),
            }
        return {
            "ours": lambda W, b, n: ours.skipgram_step(W, b, n, 0.025),
            "floor": lambda W, b, n: floor_skipgram(W, b, n, 0.025),
        }
    tree = huffman_tree(word_counts)
    ours = HierarchicalSoftmax(tree)
    if algorithm == "skipgram":
        return {
            "ours": lambda W, b, n: ours.skipgram_step(W, b, None, 0.025),
            "floor": lambda W, b, n: floor_skipgram_hs(W, b, tree, 0.025),
        }
    points, codes, lengths = tree
    on_path = np.arange(points.shape[1]) < lengths[:, None]
    starts = np.zeros(len(word_counts), np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    flat = (points[on_path], (1.0 - 2.0 * codes[on_path]).astype(np.float32))
    return {
        "ours": lambda W, b, n: ours.cbow_step(W, b, None, 0.025, cbow_mean=True),
        "floor": lambda W, b, n: floor_update_hs(W, b, (*flat, starts, lengths), 0.025),
    }


def floor(
    sentences,
    algorithm,
    loss,
    n_centers=1_000_000,
    batch_size=512,
    seed=0,
    n_blocks=20,
    repeats=3,
):
    """Microseconds per center: our kernel, the floor kernel, gensim's training.

    All three train on the same text: ``n_blocks`` runs of consecutive
    sentences spread evenly over the corpus, about ``n_centers`` subsampled
    centers in all. A corpus is not uniform (the large one opens with the
    King James Bible, whose small vocabulary stays in cache), so a prefix
    would flatter the kernels against gensim's whole epoch. The kernels run
    on the centers laid out as in training, from the same start weights;
    gensim's time is its training time on those sentences (vocabulary of the
    whole corpus, built beforehand and excluded) per trained word. The three
    are timed in turn ``repeats`` times; returns ``{name: [microseconds]}``
    and the vocabulary size.
    """
    rng = np.random.default_rng(seed)
    word_counts, ids, docs = _encode(sentences)
    tokens, docs, sample = _sample(
        sentences, word_counts, ids, docs, n_centers, n_blocks, rng
    )
    batches = _minibatches(algorithm, tokens, docs, word_counts, batch_size, rng)
    n_words, n_centers = len(word_counts), len(tokens)
    W0 = np.zeros((2, n_words + 1, DEFAULTS["n_components"]), np.float32)
    W0[0, :n_words] = (rng.random((n_words, W0.shape[2])) - 0.5) / W0.shape[2]
    kernels = _kernels(algorithm, loss, word_counts)
    gensim = make_gensim(
        dict(DEFAULTS, algorithm=algorithm, loss=loss, epochs=1), 1, seed
    )
    gensim.build_vocab(sentences)
    start_vectors = (gensim.wv.vectors.copy(), _gensim_output(gensim).copy())
    result = defaultdict(list)
    for _ in range(repeats):
        # The floor kernels are not damped and may overflow; their time does
        # not depend on the values.
        with threadpool_limits(limits=1), np.errstate(over="ignore", invalid="ignore"):
            for name, kernel in kernels.items():
                W = W0.copy()
                started = time.perf_counter()
                for batch, negative in batches:
                    kernel(W, batch, negative)
                result[name].append(1e6 * (time.perf_counter() - started) / n_centers)
        gensim.wv.vectors[...] = start_vectors[0]
        _gensim_output(gensim)[...] = start_vectors[1]
        started = time.perf_counter()
        trained, _ = gensim.train(sample, total_examples=len(sample), epochs=1)
        result["gensim"].append(1e6 * (time.perf_counter() - started) / trained)
    return dict(result), n_words


def _gensim_output(model):
    """gensim's output matrix: inner nodes (hierarchical softmax) or syn1neg."""
    return model.syn1 if model.hs else model.syn1neg


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["sotu", "large", "both"], default="both")
    parser.add_argument("--algorithm", choices=["cbow", "skipgram"], default="cbow")
    parser.add_argument("--loss", default="negative_sampling")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--centers", type=int, default=1_000_000)
    args = parser.parse_args()
    for corpus in ["sotu", "large"] if args.corpus == "both" else [args.corpus]:
        times, n_words = floor(
            load(corpus),
            args.algorithm,
            args.loss,
            n_centers=args.centers,
            repeats=args.repeats,
        )
        print(
            f"{corpus} ({n_words:,} words), {args.algorithm}, {args.loss}, "
            "microseconds per trained center, min/median/max of "
            f"{args.repeats}: "
            + ", ".join(
                f"{name} {min(v):.2f}/{np.median(v):.2f}/{max(v):.2f}"
                for name, v in times.items()
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
