"""Keyword arguments of ``make_settings`` for the engine's tests."""

from sklearn_w2v._engine.tables import keep_probabilities, noise_table


def settings_params(counts, algorithm, *, subsample=0.0, epochs=5, **params):
    """``make_settings`` keyword arguments for ``counts``, small and fast.

    A window of 3, 5 noise words from a 2**16-entry table, minibatches of 64;
    ``params`` override any of them.
    """
    return dict(
        dict(
            word_counts=counts,
            keep_prob=keep_probabilities(counts, subsample),
            noise_table=noise_table(counts, 0.75, table_size=1 << 16),
            algorithm=algorithm,
            window=3,
            shrink_windows=True,
            n_negative=5,
            cbow_mean=True,
            learning_rate=0.025,
            min_learning_rate=0.0001,
            epochs=epochs,
            batch_size=64,
            n_jobs=1,
            verbose=0,
        ),
        **params,
    )
