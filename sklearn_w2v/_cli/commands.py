"""The ``sklearn-w2v`` command line: train, query and evaluate word vectors.

Each subcommand is a function of its parsed arguments; ``train`` builds a
:class:`~sklearn_w2v.Word2VecVectorizer` from the options and fits it on a
:class:`~sklearn_w2v.LineCorpus`. Errors a user can cause (a missing or
corrupt file, a bad option value, an unknown word) end the command with one
line on stderr and a non-zero exit status: 2 for a malformed command line or
option value, 1 for everything else. Anything else is a bug and keeps its
traceback.
"""

import codecs
import lzma
import os
import re
import sys
import time
import zlib
from pathlib import Path

from sklearn_w2v._cli.parser import FLAGS, PROG, build_parser
from sklearn_w2v._corpus.files import (
    DECODE_HINT,
    is_compressed,
    is_data_error,
    open_file,
    output_target,
)

# What reading a (possibly compressed) file raises when the file is at fault.
_READ_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, MemoryError)


class CommandError(Exception):
    """An error to report in one line, without a traceback."""


def _describe_read_error(exc, path):
    """One line saying why ``path`` could not be read."""
    if isinstance(exc, MemoryError):
        reason = f"not enough memory ({exc or 'MemoryError'}); is its header right?"
    elif is_data_error(exc):
        reason = f"the file is truncated or corrupt ({exc or type(exc).__name__})"
    else:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return f"cannot read {path}: {reason}"


def _is_binary(path, binary=None):
    """The word2vec format to use: ``binary`` if given, else by file name."""
    if binary is not None:
        return binary
    suffixes = Path(path).suffixes
    if is_compressed(path):
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] == ".bin"


def _sniff_format(path):
    """'binary', 'text' or 'neither': what the start of ``path`` looks like.

    A header of two integers followed by control bytes (float32 data) is
    binary; a header followed by text, or a word followed by numbers (a
    headerless GloVe file), is text. None if the file cannot be read.
    """
    try:
        with open_file(path, "rb") as file:
            first = file.readline(1 << 16).removeprefix(codecs.BOM_UTF8)
            rest = file.read(1 << 12)
    except _READ_ERRORS:
        return None
    fields = first.split()
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        return "binary" if re.search(rb"[\x00-\x08\x0e-\x1f]", rest) else "text"
    try:
        [float(field) for field in fields[1:]]
    except ValueError:
        return "neither"
    return "text" if len(fields) > 1 else "neither"


def _load_vectors(path, binary=None, limit=None):
    from sklearn_w2v import KeyedVectors

    binary = _is_binary(path, binary)
    try:
        return KeyedVectors.load_word2vec_format(path, binary=binary, limit=limit)
    except ValueError as exc:
        raise CommandError(_describe_bad_vectors(exc, path, binary)) from None
    except _READ_ERRORS as exc:
        raise CommandError(_describe_read_error(exc, path)) from None


def _describe_bad_vectors(exc, path, binary):
    if is_data_error(exc.__cause__):
        return _describe_read_error(exc.__cause__, path)
    found = _sniff_format(path)
    if found == "neither" and Path(path).stat().st_size > 0:
        return (
            f"{path} does not look like word vectors: its first line is neither "
            "a header 'n_words vector_size' nor a word followed by numbers"
        )
    kind = "binary" if binary else "text"
    hint = ""
    if found in ("binary", "text") and found != kind:
        hint = f"; if it is in the {found} format, add --{found}"
    reason = str(exc).removeprefix(f"{path}: ").rstrip(".")
    return f"cannot read {path} as {kind} word2vec vectors: {reason}{hint}"


def _check_known(kv, words, path):
    for word in words:
        if word in kv:
            continue
        hint = f"; did you mean '{word.lower()}'?" if word.lower() in kv else ""
        raise CommandError(
            f"'{word}' is not in the vocabulary of {path} ({len(kv):,} words){hint}"
        )


def _print_scores(pairs):
    for word, score in pairs:
        print(f"{word}\t{score:.4f}")


def _progress(message):
    """Print one line of what the demo is doing, on stderr."""
    print(message, file=sys.stderr, flush=True)


def _demo_folds(n_splits):
    """The demo's cross-validation, with which the README states its score too."""
    from sklearn.model_selection import StratifiedKFold

    # Shuffled: the addresses are in date order, and unshuffled folds would test
    # each era on a stretch of years that its training addresses do not cover.
    return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)


def _demo_cross_validate(pipeline, corpus, folds):
    """Accuracy of ``pipeline`` on each fold, as ``cross_val_score``, as it goes."""
    import numpy as np
    from sklearn.base import clone

    scores = []
    n_folds = folds.get_n_splits()
    for fold, (train, test) in enumerate(folds.split(corpus.data, corpus.target), 1):
        _progress(
            f"Fold {fold}/{n_folds}: training on {len(train)} addresses, "
            f"testing on {len(test)}"
        )
        started = time.perf_counter()
        model = clone(pipeline).fit(
            [corpus.data[i] for i in train], corpus.target[train]
        )
        scores.append(model.score([corpus.data[i] for i in test], corpus.target[test]))
        elapsed = time.perf_counter() - started
        _progress(f"Fold {fold}/{n_folds}: accuracy {scores[-1]:.3f} ({elapsed:.1f}s)")
    return np.array(scores)


def _demo(args):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from sklearn_w2v import Word2VecVectorizer
    from sklearn_w2v.datasets import load_sotu

    sotu = load_sotu()
    print(
        f"State of the Union corpus: {len(sotu.data)} addresses, 1790-2021.",
        flush=True,
    )
    # verbose=1: every fit reports its epochs on stderr, between our lines.
    params = dict(
        algorithm=args.algorithm, n_jobs=args.n_jobs, random_state=0, verbose=1
    )
    _progress(f"Training {args.algorithm} word vectors on all the addresses")
    started = time.perf_counter()
    vectorizer = Word2VecVectorizer(**params).fit(sotu.data)
    elapsed = time.perf_counter() - started
    print(
        f"Trained {args.algorithm} vectors for {len(vectorizer.wv_):,} words in "
        f"{elapsed:.1f}s ({vectorizer.n_words_trained_ / elapsed:,.0f} words/s "
        "after subsampling)."
    )
    for word in ("war", "economy", "congress", "freedom"):
        neighbours = ", ".join(w for w, _ in vectorizer.wv_.most_similar(word, topn=6))
        print(f"  {word:>9}: {neighbours}", flush=True)

    pipeline = make_pipeline(
        Word2VecVectorizer(**params), LogisticRegression(max_iter=2000)
    )
    _progress(
        f"Cross-validating Word2VecVectorizer + LogisticRegression: {args.folds} "
        "shuffled, stratified folds, a model trained on each"
    )
    scores = _demo_cross_validate(pipeline, sotu, _demo_folds(args.folds))
    print(
        f"{args.folds}-fold cross-validated accuracy of Word2VecVectorizer + "
        f"LogisticRegression predicting the era ({', '.join(sotu.target_names)}): "
        f"{scores.mean():.3f} +/- {scores.std():.3f}"
    )
    return 0


def _estimator_params(args):
    """Word2VecVectorizer's parameters, as the options of ``train`` set them."""
    params = {name: getattr(args, name) for name in FLAGS}
    params.update(
        cbow_mean=args.cbow_mean,
        shrink_windows=args.shrink_windows,
        shift_pmi=args.shift_pmi,
        lowercase=args.lowercase,
        decode_error=args.decode_error,
    )
    if args.subwords is not None:
        params["subwords"] = tuple(args.subwords)
    if args.split:
        # Whitespace tokens, as the word2vec C tool and gensim's LineSentence.
        params.update(tokenizer=str.split, token_pattern=None)
    if args.init_vectors is not None:
        params["init_vectors"] = _load_vectors(args.init_vectors)
    return params


def _parameter_error(parser, exc):
    """Exit with a usage error if ``exc`` is the estimator refusing a value."""
    # scikit-learn's InvalidParameterError: "The 'window' parameter of
    # Word2VecVectorizer must be an int in the range [1, inf). Got 0 instead."
    found = re.match(
        r"The '(\w+)' parameter of \w+ must be (.+?)\. Got (.+) instead\.$", str(exc)
    )
    if found and found[1] in FLAGS:
        parser.error(f"argument {FLAGS[found[1]]}: must be {found[2]}, got {found[3]}")


def _check_paths(output, corpus):
    """Refuse a corpus that is missing, or that ``output`` would overwrite or join."""
    target, output = _check_output(output), Path(output)
    # "-", the standard input, is no file that output could be.
    for path in map(Path, (name for name in corpus if name != "-")):
        if not path.exists():
            raise CommandError(f"cannot read {path}: No such file or directory")
        if target is None:
            continue  # a stream: standard output, a FIFO, a device
        if path.is_dir():
            # LineCorpus reads every file of the directory but dot files.
            if os.path.samefile(path, target.parent) and target.name[:1] != ".":
                raise CommandError(
                    f"-o {output} is in the corpus directory {path}, whose files "
                    "are all read as corpus: write it elsewhere"
                )
        elif target.exists() and os.path.samefile(path, target):
            raise CommandError(
                f"-o {output} is the corpus file {path}: writing would destroy it"
            )


def _check_output(output):
    """The file that ``output`` will replace, checked; None for a stream."""
    try:
        target = output_target(output)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    if target is None:
        return None
    if not target.parent.is_dir():
        raise CommandError(f"cannot write {output}: no directory {target.parent}")
    if target.is_dir():
        raise CommandError(f"cannot write {output}: it is a directory")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        # Found before training, not after: the file is replaced by a new one.
        raise CommandError(
            f"cannot write {output}: no permission to create files in {target.parent}"
        )
    return target


def _write_vectors(kv, output, binary):
    """Save ``kv`` to ``output``, a file replaced once complete, or a stream."""
    try:
        kv.save_word2vec_format(output, binary=binary)
    except OSError as exc:
        name = "standard output" if output == "-" else output
        if output == "-" and isinstance(exc, BrokenPipeError):
            # Python flushes stdout again at exit: let that flush go nowhere.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise CommandError(f"cannot write {name}: {exc.strerror or exc}") from None


def _train(args):
    from sklearn_w2v import LineCorpus, Word2VecVectorizer

    output = args.output
    _check_paths(output, args.corpus)
    corpus = LineCorpus(args.corpus, decode_error=args.decode_error)
    vectorizer = Word2VecVectorizer(**_estimator_params(args))
    # The corpus is read once to count and encode its words (never held in
    # memory), then the estimator trains on its encoded copy.
    started = time.perf_counter()
    try:
        vectorizer.fit(corpus)
    except re.error as exc:
        args.parser.error(f"argument --token-pattern: {args.token_pattern!r}: {exc}")
    except ValueError as exc:
        _parameter_error(args.parser, exc)
        if isinstance(exc.__cause__, UnicodeDecodeError):
            hint = "use --decode-error replace or ignore to read it anyway"
            raise CommandError(str(exc).replace(DECODE_HINT, hint)) from None
        raise
    elapsed = time.perf_counter() - started
    if args.verbose:
        print(
            f"Trained {args.algorithm} vectors for {len(vectorizer.wv_):,} words "
            f"({vectorizer.word_counts_.sum():,} tokens in the corpus) in "
            f"{elapsed:.1f}s ({vectorizer.n_words_trained_ / elapsed:,.0f} "
            "words/s after subsampling).",
            file=sys.stderr,
        )
    binary = _is_binary(output, args.binary)
    _write_vectors(vectorizer.wv_, output, binary)
    if args.verbose:
        # Never into the vectors, when they go to standard output.
        print(
            f"Wrote {len(vectorizer.wv_):,} vectors of dimension "
            f"{vectorizer.wv_.vector_size} to "
            f"{'standard output' if output == '-' else output} "
            f"({'binary' if binary else 'text'} word2vec format).",
            file=sys.stderr if output == "-" else sys.stdout,
        )
    return 0


def _similar(args):
    kv = _load_vectors(args.vectors, args.binary, args.limit)
    _check_known(kv, [args.word], args.vectors)
    _print_scores(kv.most_similar(args.word, topn=args.topn))
    return 0


def _analogy(args):
    kv = _load_vectors(args.vectors, args.binary, args.limit)
    _check_known(kv, [args.a, args.b, args.c], args.vectors)
    query = kv.most_similar_cosmul if args.method == "3cosmul" else kv.most_similar
    _print_scores(query(positive=[args.b, args.c], negative=[args.a], topn=args.topn))
    return 0


def _evaluate(args):
    from sklearn_w2v.evaluation import evaluate_word_analogies, evaluate_word_pairs

    if args.analogies is None and args.pairs is None:
        args.parser.error("give --analogies FILE, --pairs FILE or both")
    kv = _load_vectors(args.vectors, args.binary, args.limit)
    options = {"case_insensitive": not args.case_sensitive}
    if args.restrict_vocab is not None:
        options["restrict_vocab"] = args.restrict_vocab
    for path, evaluate, report in (
        (args.analogies, evaluate_word_analogies, _report_analogies),
        (args.pairs, evaluate_word_pairs, _report_pairs),
    ):
        if path is None:
            continue
        try:
            result = evaluate(kv, path, **options)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from None
        except _READ_ERRORS as exc:
            raise CommandError(_describe_read_error(exc, path)) from None
        report(path, result)
    return 0


def _report_analogies(path, result):
    answered = result.n_correct + result.n_incorrect
    print(
        f"Analogies ({path}): accuracy {result.accuracy:.4f}, "
        f"{result.n_correct:,} correct of {answered:,} answered, "
        f"{result.n_skipped:,} skipped (out of vocabulary)"
    )
    width = max((len(section.name) for section in result.sections), default=0)
    for section in result.sections:
        print(
            f"  {section.name:<{width}}  {section.accuracy:.4f}  "
            f"({section.n_correct:,}/{section.n_correct + section.n_incorrect:,}, "
            f"{section.n_skipped:,} skipped)"
        )


def _report_pairs(path, result):
    print(
        f"Word pairs ({path}): Spearman {result.spearman.statistic:.4f} "
        f"(p={result.spearman.pvalue:.2g}), Pearson {result.pearson.statistic:.4f} "
        f"(p={result.pearson.pvalue:.2g}), {result.n_oov:,} of {result.n_pairs:,} "
        f"pairs out of vocabulary ({result.oov_ratio:.1%})"
    )


def main(argv=None):
    """Run the ``sklearn-w2v`` command; return its exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, ``sys.argv[1:]`` if None.

    Returns
    -------
    status : int
        0 on success, 1 after an error (reported on stderr in one line).
        A malformed command line exits with status 2 through argparse.
    """
    args = build_parser().parse_args(argv)
    handler = {
        "train": _train,
        "similar": _similar,
        "analogy": _analogy,
        "evaluate": _evaluate,
        "demo": _demo,
    }[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (CommandError, ValueError, ArithmeticError, *_READ_ERRORS) as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 1
