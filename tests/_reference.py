"""Slow, obvious oracles for the training engine, in float64 with Python loops.

Everything here is written pair by pair and window by window, straight from the
definitions of the objectives, so that it can be read and trusted at a glance. The
tests compare the vectorized package functions against these on the same
arrays. Nothing here is fast, and nothing here should become fast.

The minibatch layout is the one of ``group_contexts``: windows are grouped by
span ``b = 1, ..., window``; a window of span ``b`` owns ``2b`` consecutive
context positions (left contexts first); ``targets[j]`` is the center word of
window ``j`` followed by its noise words.
"""

import math

import numpy as np

# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


def encode_documents(documents):
    """Word ids in first-seen order, documents concatenated, and their offsets."""
    index, ids, offsets = {}, [], [0]
    for tokens in documents:
        for token in tokens:
            ids.append(index.setdefault(token, len(index)))
        offsets.append(len(ids))
    return list(index), np.array(ids, dtype=np.int32), np.array(offsets)


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------


def window_positions(group_sizes):
    """List, per window, the indices of its context positions."""
    windows = []
    position = 0
    for span, n_windows in enumerate(group_sizes, start=1):
        for _ in range(int(n_windows)):
            windows.append(list(range(position, position + 2 * span)))
            position += 2 * span
    return windows


def padded_stream(ids, doc_ids, window, n_words):
    """A stream of tokens with ``window`` padding positions on each side."""
    tokens = [n_words] * window + [int(i) for i in ids] + [n_words] * window
    docs = [-1] * window + [int(d) for d in doc_ids] + [-1] * window
    return np.array(tokens, dtype=np.int32), np.array(docs, dtype=np.int32)


def group_contexts(tokens, docs, spans, window):
    """Brute-force ``group_contexts``: centers visited span by span, in order."""
    centers, contexts, valid = [], [], []
    for span in range(1, window + 1):
        for i, drawn in enumerate(spans):
            if drawn != span:
                continue
            p = i + window
            centers.append(int(tokens[p]))
            for offset in [*range(-span, 0), *range(1, span + 1)]:
                contexts.append(int(tokens[p + offset]))
                valid.append(bool(docs[p + offset] == docs[p]))
    group_sizes = [sum(1 for s in spans if s == span) for span in range(1, window + 1)]
    return centers, contexts, valid, group_sizes


def cbow_layout(contexts, valid, group_sizes):
    """The CBOW layout of a ``group_contexts`` batch: valid contexts, per window."""
    kept, n_contexts = [], []
    for positions in window_positions(group_sizes):
        window_contexts = [int(contexts[s]) for s in positions if valid[s]]
        kept.extend(window_contexts)
        n_contexts.append(len(window_contexts))
    return np.array(kept, dtype=np.int32), np.array(n_contexts, dtype=np.int64)


def cbow_windows(tokens, docs, spans, window):
    """Brute-force ``cbow_windows``: centers in order, contexts in span and document."""
    centers, contexts, n_contexts = [], [], []
    for i, span in enumerate(spans):
        p = i + window
        centers.append(int(tokens[p]))
        inside = [
            int(tokens[p + offset])
            for offset in [*range(-span, 0), *range(1, span + 1)]
            if docs[p + offset] == docs[p]
        ]
        contexts.extend(inside)
        n_contexts.append(len(inside))
    return centers, contexts, n_contexts


# ---------------------------------------------------------------------------
# Scalar helpers
# ---------------------------------------------------------------------------


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def log_sigmoid(x):
    # Stable for both signs: log(1 / (1 + exp(-x))).
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def dot(a, b):
    return sum(float(x) * float(y) for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------------------
# Skip-gram with negative sampling
# ---------------------------------------------------------------------------


def sgns_loss(W, contexts, valid, targets, group_sizes):
    """Sum over valid positions of -log s(x.u_pos) - sum_k log s(-x.u_k)."""
    loss = 0.0
    for j, positions in enumerate(window_positions(group_sizes)):
        for s in positions:
            if not valid[s]:
                continue
            x = W[0][contexts[s]]
            for k, target in enumerate(targets[j]):
                if skipped(targets[j], k):
                    continue
                z = dot(x, W[1][target])
                loss -= log_sigmoid(z if k == 0 else -z)
    return loss


def skipped(window_targets, k):
    """A noise word equal to the center word is skipped (C tool, gensim)."""
    return k > 0 and window_targets[k] == window_targets[0]


def damped_step(W, grad, curvature, learning_rate, record=None):
    """SGD step where each row's step is divided by max(1, its curvature).

    ``curvature[m, r]`` is the sum over the pairs updating row ``r`` of
    matrix ``m`` of ``sigmoid'(z) * |other vector|^2``. With a list as
    ``record``, ``learning_rate * curvature`` is appended to it.
    """
    if record is not None:
        record.append(learning_rate * curvature)
    scale = 1.0 / np.maximum(1.0, learning_rate * curvature)
    return W - learning_rate * grad * scale[:, :, None]


def sgns_gradient(W, contexts, valid, targets, group_sizes):
    """Loss, exact gradient wrt ``W`` and row curvatures, pair by pair."""
    W = np.asarray(W, dtype=np.float64)
    grad = np.zeros_like(W)
    curvature = np.zeros(W.shape[:2])
    loss = 0.0
    for j, positions in enumerate(window_positions(group_sizes)):
        for s in positions:
            if not valid[s]:
                continue
            c = contexts[s]
            x = W[0][c]
            for k, target in enumerate(targets[j]):
                if skipped(targets[j], k):
                    continue
                u = W[1][target]
                z = dot(x, u)
                label = 1.0 if k == 0 else 0.0
                loss -= log_sigmoid(z if k == 0 else -z)
                # d(-log-likelihood)/dz = sigmoid(z) - label.
                g = sigmoid(z) - label
                for i in range(len(x)):
                    grad[0][c][i] += g * u[i]
                    grad[1][target][i] += g * x[i]
                slope = sigmoid(z) * (1.0 - sigmoid(z))
                curvature[0][c] += slope * dot(u, u)
                curvature[1][target] += slope * dot(x, x)
    return loss, grad, curvature


def sgns_step(W, contexts, valid, targets, group_sizes, learning_rate, record=None):
    """One damped SGD step on the summed minibatch loss; returns (W_new, loss)."""
    loss, grad, curvature = sgns_gradient(W, contexts, valid, targets, group_sizes)
    W = np.asarray(W, dtype=np.float64)
    return damped_step(W, grad, curvature, learning_rate, record), loss


# ---------------------------------------------------------------------------
# CBOW with negative sampling
# ---------------------------------------------------------------------------


def cbow_hidden(W, contexts, valid, positions, cbow_mean):
    """Hidden vector of one window and its number of valid contexts."""
    h = [0.0] * W.shape[2]
    n_valid = 0
    for s in positions:
        if valid[s]:
            n_valid += 1
            for i, value in enumerate(W[0][contexts[s]]):
                h[i] += float(value)
    if cbow_mean and n_valid:
        h = [value / n_valid for value in h]
    return h, n_valid


def cbow_window_losses(W, contexts, valid, targets, group_sizes, cbow_mean):
    """Loss of every window (0 for a window without valid context)."""
    losses = []
    for j, positions in enumerate(window_positions(group_sizes)):
        h, n_valid = cbow_hidden(W, contexts, valid, positions, cbow_mean)
        loss = 0.0
        if n_valid:
            for k, target in enumerate(targets[j]):
                if skipped(targets[j], k):
                    continue
                z = dot(h, W[1][target])
                loss -= log_sigmoid(z if k == 0 else -z)
        losses.append(loss)
    return np.array(losses)


def cbow_loss(W, contexts, valid, targets, group_sizes, cbow_mean):
    return float(
        cbow_window_losses(W, contexts, valid, targets, group_sizes, cbow_mean).sum()
    )


def cbow_gradient(W, contexts, valid, targets, group_sizes, cbow_mean):
    """Loss, exact gradient wrt ``W``, per-window gradient wrt ``h``, curvatures.

    The curvature of an output row sums ``sigmoid'(z) |h|^2`` over its
    windows; every valid context word of window ``j`` adds its share of the
    window's ``sum_k sigmoid'(z_k) |u_k|^2`` to its input row: divided by the
    number of valid contexts for the mean, all of it for the sum.
    """
    W = np.asarray(W, dtype=np.float64)
    grad = np.zeros_like(W)
    curvature = np.zeros(W.shape[:2])
    grad_h = []
    loss = 0.0
    for j, positions in enumerate(window_positions(group_sizes)):
        h, n_valid = cbow_hidden(W, contexts, valid, positions, cbow_mean)
        dh = np.zeros(W.shape[2])
        window_curvature = 0.0
        if n_valid:
            for k, target in enumerate(targets[j]):
                if skipped(targets[j], k):
                    continue
                u = W[1][target]
                z = dot(h, u)
                label = 1.0 if k == 0 else 0.0
                loss -= log_sigmoid(z if k == 0 else -z)
                g = sigmoid(z) - label
                for i in range(len(h)):
                    dh[i] += g * u[i]
                    grad[1][target][i] += g * h[i]
                slope = sigmoid(z) * (1.0 - sigmoid(z))
                curvature[1][target] += slope * dot(h, h)
                window_curvature += slope * dot(u, u)
            scale = 1.0 / n_valid if cbow_mean else 1.0
            for s in positions:
                if valid[s]:
                    grad[0][contexts[s]] += scale * dh
                    curvature[0][contexts[s]] += scale * window_curvature
        grad_h.append(dh)
    return loss, grad, grad_h, curvature


def cbow_step(
    W, contexts, valid, targets, group_sizes, learning_rate, cbow_mean, record=None
):
    """One CBOW step as the C tool and gensim take it; returns (W_new, loss).

    Output vectors take the exact SGD step. Every valid context word of window
    ``j`` takes ``-learning_rate * dloss/dh_j``, undivided even for the mean.
    Each row's step is then divided by ``max(1, learning_rate * curvature)``.
    """
    W = np.asarray(W, dtype=np.float64)
    loss, grad, grad_h, curvature = cbow_gradient(
        W, contexts, valid, targets, group_sizes, cbow_mean
    )
    step = np.zeros_like(W)
    step[1] = grad[1]
    for j, positions in enumerate(window_positions(group_sizes)):
        for s in positions:
            if valid[s]:
                step[0][contexts[s]] += grad_h[j]
    return damped_step(W, step, curvature, learning_rate, record), loss


# ---------------------------------------------------------------------------
# Scatter, vocabulary laws
# ---------------------------------------------------------------------------


def scatter_add(W, rows, G, sources=None, weights=None):
    """``W[rows[k]] += weights[k] * G[sources[k]]`` one entry at a time."""
    for k, row in enumerate(rows):
        source = k if sources is None else sources[k]
        weight = 1.0 if weights is None else weights[k]
        W[row] += weight * G[source]


def keep_probability(count, total, subsample):
    """C tool / gensim keep probability of one word, capped at 1."""
    if subsample == 0:
        return 1.0
    f = count / total
    return min(1.0, (math.sqrt(f / subsample) + 1.0) * subsample / f)


def noise_probabilities(counts, ns_exponent):
    weights = [float(c) ** ns_exponent for c in counts]
    total = sum(weights)
    return np.array([w / total for w in weights])


# ---------------------------------------------------------------------------
# Finite differences and random problems
# ---------------------------------------------------------------------------


def numerical_gradient(f, W, eps=1e-6):
    """Central differences of ``f`` (scalar or array valued) at float64 ``W``.

    Returns an array of shape ``f(W).shape + W.shape``.
    """
    W = np.array(W, dtype=np.float64)
    f0 = np.asarray(f(W), dtype=np.float64)
    jac = np.zeros(f0.shape + W.shape)
    for index in np.ndindex(W.shape):
        saved = W[index]
        W[index] = saved + eps
        up = np.asarray(f(W), dtype=np.float64)
        W[index] = saved - eps
        down = np.asarray(f(W), dtype=np.float64)
        W[index] = saved
        jac[(Ellipsis, *index)] = (up - down) / (2 * eps)
    return jac


def random_batch(
    rng,
    *,
    n_words=12,
    n_components=6,
    group_sizes=(2, 3, 2),
    n_negative=3,
    p_invalid=0.3,
    word_range=None,
    scale=0.5,
):
    """A random minibatch in the kernels' layout, with repeats and invalid positions.

    Context and target words are drawn from ``range(word_range)`` (a small
    range forces repeats). Half the invalid positions hold the padding row
    ``n_words``, the others a real word (a neighbour from another document).

    Returns ``W, contexts, valid, targets, group_sizes`` with ``W`` float32
    of shape ``(2, n_words + 1, n_components)`` and zero padding rows.
    """
    word_range = n_words if word_range is None else word_range
    group_sizes = np.asarray(group_sizes, dtype=np.int64)
    n_windows = int(group_sizes.sum())
    n_positions = int(2 * (np.arange(1, len(group_sizes) + 1) @ group_sizes))
    W = (scale * rng.standard_normal((2, n_words + 1, n_components))).astype(np.float32)
    W[:, n_words] = 0.0
    contexts = rng.integers(0, word_range, n_positions).astype(np.int32)
    valid = rng.random(n_positions) >= p_invalid
    padded = ~valid & (rng.random(n_positions) < 0.5)
    contexts[padded] = n_words
    targets = rng.integers(0, word_range, (n_windows, n_negative + 1)).astype(np.int32)
    return W, contexts, valid, targets, group_sizes


# ---------------------------------------------------------------------------
# Binary logistic output layers with explicit labels (hierarchical softmax)
# and the full softmax
# ---------------------------------------------------------------------------


def logistic_pairs(
    W, contexts, valid, targets, signs, weights, group_sizes, algorithm, cbow_mean=True
):
    """Yield (input vector or hidden vector, input rows, window, target, sign, weight).

    For skip-gram one item per valid position and target; for CBOW one per window
    with a valid context and per target, with the window's hidden vector.
    """
    for j, positions in enumerate(window_positions(group_sizes)):
        if algorithm == "skipgram":
            inputs = [
                ([float(v) for v in W[0][contexts[s]]], [contexts[s]])
                for s in positions
                if valid[s]
            ]
        else:
            h, n_valid = cbow_hidden(W, contexts, valid, positions, cbow_mean)
            rows = [contexts[s] for s in positions if valid[s]]
            inputs = [(h, rows)] if n_valid else []
        for x, rows in inputs:
            for k, target in enumerate(targets[j]):
                if weights[j][k]:
                    yield x, rows, j, target, float(signs[j][k]), float(weights[j][k])


def logistic_loss(
    W, contexts, valid, targets, signs, weights, group_sizes, algorithm, cbow_mean=True
):
    return sum(
        -weight * log_sigmoid(sign * dot(x, W[1][target]))
        for x, _, _, target, sign, weight in logistic_pairs(
            W,
            contexts,
            valid,
            targets,
            signs,
            weights,
            group_sizes,
            algorithm,
            cbow_mean,
        )
    )


def logistic_step(
    W,
    contexts,
    valid,
    targets,
    signs,
    weights,
    group_sizes,
    algorithm,
    learning_rate,
    cbow_mean=True,
    record=None,
):
    """Damped SGD step; input rows take the undivided gradient on their input.

    A CBOW context row's curvature is its share of the hidden vector's
    (``1 / n_valid`` for the mean, all of it for the sum).
    """
    W = np.asarray(W, dtype=np.float64)
    step = np.zeros_like(W)
    curvature = np.zeros(W.shape[:2])
    loss = 0.0
    for x, rows, _, target, sign, weight in logistic_pairs(
        W, contexts, valid, targets, signs, weights, group_sizes, algorithm, cbow_mean
    ):
        u = W[1][target]
        z = dot(x, u)
        loss -= weight * log_sigmoid(sign * z)
        # d(-log sigmoid(sign z))/dz = -sign * (1 - sigmoid(sign z)).
        g = -sign * (1.0 - sigmoid(sign * z)) * weight
        slope = sigmoid(z) * (1.0 - sigmoid(z)) * weight
        share = 1.0 / len(rows) if algorithm == "cbow" and cbow_mean else 1.0
        for row in rows:
            step[0][row] += g * u
            curvature[0][row] += share * slope * dot(u, u)
        step[1][target] += g * np.asarray(x)
        curvature[1][target] += slope * dot(x, x)
    return damped_step(W, step, curvature, learning_rate, record), loss


def softmax_step(
    W,
    contexts,
    valid,
    centers,
    group_sizes,
    algorithm,
    learning_rate,
    cbow_mean=True,
    record=None,
):
    """Damped SGD step of the full softmax; returns (W_new, loss)."""
    W = np.asarray(W, dtype=np.float64)
    n_words = W.shape[1] - 1
    step = np.zeros_like(W)
    curvature = np.zeros(W.shape[:2])
    loss = 0.0
    for j, positions in enumerate(window_positions(group_sizes)):
        if algorithm == "skipgram":
            inputs = [(W[0][contexts[s]], [contexts[s]]) for s in positions if valid[s]]
        else:
            h, n_valid = cbow_hidden(W, contexts, valid, positions, cbow_mean)
            rows = [contexts[s] for s in positions if valid[s]]
            inputs = [(np.asarray(h), rows)] if n_valid else []
        for x, rows in inputs:
            scores = np.array([dot(x, W[1][v]) for v in range(n_words)])
            p = np.exp(scores - scores.max())
            p /= p.sum()
            loss -= math.log(p[centers[j]])
            error = p.copy()
            error[centers[j]] -= 1.0
            norms = np.einsum("ij,ij->i", W[1][:n_words], W[1][:n_words])
            share = 1.0 / len(rows) if algorithm == "cbow" and cbow_mean else 1.0
            for row in rows:
                step[0][row] += error @ W[1][:n_words]
                curvature[0][row] += share * ((p * (1 - p)) @ norms)
            step[1][:n_words] += np.outer(error, x)
            curvature[1][:n_words] += p * (1 - p) * dot(x, x)
    return damped_step(W, step, curvature, learning_rate, record), loss
