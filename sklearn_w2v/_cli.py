"""The ``sklearn-w2v`` command line: train, query and evaluate word vectors.

Each subcommand is a function of its parsed arguments. Errors a user can
cause (a missing file, a bad option value, an unknown word) end the command
with one line on stderr and a non-zero exit status: 2 for a malformed command
line, 1 for everything else. Anything else is a bug and keeps its traceback.
"""

import argparse
import bz2
import gzip
import re
import sys
import time
from pathlib import Path

_PROG = "sklearn-w2v"


class CommandError(Exception):
    """An error to report in one line, without a traceback."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors take one line, not the usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _bounded(kind, low, *, strict=False):
    """An argparse type: a number of type ``kind`` above ``low``."""

    def parse(text):
        value = kind(text)  # a ValueError becomes "invalid int value: 'x'"
        if value < low or (strict and value == low):
            relation = ">" if strict else ">="
            raise argparse.ArgumentTypeError(f"must be {relation} {low}, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


_POSITIVE_INT = _bounded(int, 1)
_NON_NEGATIVE_FLOAT = _bounded(float, 0.0)
_POSITIVE_FLOAT = _bounded(float, 0.0, strict=True)


def _n_jobs(text):
    value = int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be >= 1, or negative: -1 for all cores")
    return value


_n_jobs.__name__ = "int"


def _open_text(path, encoding="utf-8", errors="strict"):
    """Open a text file, decompressing ``.gz`` and ``.bz2``."""
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(Path(path).suffix, open)
    return opener(path, "rt", encoding=encoding, errors=errors)


def _describe_os_error(exc, path):
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"cannot read {path}: {reason}"


class _CorpusFiles:
    """The lines of the corpus files, read again at every pass, never held.

    Like :class:`~sklearn_w2v.LineCorpus`, and it remembers the file being
    read, so that an error names it.
    """

    def __init__(self, paths, decode_error):
        self.paths = [Path(path) for path in paths]
        self.decode_error = decode_error
        self.current = None
        for path in self.paths:
            if not path.is_file():
                raise CommandError(
                    _describe_os_error(FileNotFoundError(2, "No such file"), path)
                )

    def __iter__(self):
        from sklearn_w2v import LineCorpus

        for path in self.paths:
            self.current = path
            yield from LineCorpus(path, decode_error=self.decode_error)


class _CountingAnalyzer:
    """An analyser that counts the non-empty documents and their tokens."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.n_lines = self.n_documents = self.n_tokens = 0

    def __call__(self, document):
        self.n_lines += 1
        tokens = self.analyzer(document)
        if tokens:
            self.n_documents += 1
            self.n_tokens += len(tokens)
        return tokens


def _is_binary(path, binary=None):
    """The word2vec format to use: ``binary`` if given, else by file name."""
    if binary is not None:
        return binary
    suffixes = Path(path).suffixes
    if suffixes and suffixes[-1] in (".gz", ".bz2"):
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] == ".bin"


def _load_vectors(path, binary=None, limit=None):
    from sklearn_w2v import KeyedVectors

    binary = _is_binary(path, binary)
    try:
        return KeyedVectors.load_word2vec_format(path, binary=binary, limit=limit)
    except (OSError, EOFError) as exc:
        raise CommandError(_describe_os_error(exc, path)) from None
    except ValueError as exc:
        kind = "binary" if binary else "text"
        hint = "" if binary else "; if it is in the binary format, add --binary"
        raise CommandError(
            f"cannot read {path} as {kind} word2vec vectors: "
            f"{str(exc).rstrip('.')}{hint}"
        ) from None


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


def _demo(args):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    from sklearn_w2v import Word2VecVectorizer
    from sklearn_w2v.datasets import load_sotu

    sotu = load_sotu()
    print(f"State of the Union corpus: {len(sotu.data)} addresses, 1790-2021.")
    started = time.perf_counter()
    vectorizer = Word2VecVectorizer(
        algorithm=args.algorithm, n_jobs=args.n_jobs, random_state=0
    ).fit(sotu.data)
    elapsed = time.perf_counter() - started
    print(
        f"Trained {args.algorithm} vectors for {len(vectorizer.wv_):,} words in "
        f"{elapsed:.1f}s ({vectorizer.n_words_trained_ / elapsed:,.0f} words/s "
        "after subsampling)."
    )
    for word in ("war", "economy", "congress", "freedom"):
        neighbours = ", ".join(w for w, _ in vectorizer.wv_.most_similar(word, topn=6))
        print(f"  {word:>9}: {neighbours}")

    pipeline = make_pipeline(
        Word2VecVectorizer(
            algorithm=args.algorithm, n_jobs=args.n_jobs, random_state=0
        ),
        LogisticRegression(max_iter=2000),
    )
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    scores = cross_val_score(pipeline, sotu.data, sotu.target, cv=folds)
    print(
        f"{args.folds}-fold cross-validated accuracy of Word2VecVectorizer + "
        f"LogisticRegression predicting the era ({', '.join(sotu.target_names)}): "
        f"{scores.mean():.3f} +/- {scores.std():.3f}"
    )
    return 0


def _build_analyzer(args):
    from sklearn.feature_extraction.text import CountVectorizer

    if args.split:
        # Whitespace tokens, as the word2vec C tool and gensim's LineSentence.
        return CountVectorizer(
            lowercase=args.lowercase, tokenizer=str.split, token_pattern=None
        ).build_analyzer()
    try:
        re.compile(args.token_pattern)
    except re.error as exc:
        raise CommandError(
            f"invalid --token-pattern {args.token_pattern!r}: {exc}"
        ) from None
    return CountVectorizer(
        lowercase=args.lowercase, token_pattern=args.token_pattern
    ).build_analyzer()


def _estimator_params(args):
    init_vectors = None
    if args.init_vectors is not None:
        init_vectors = _load_vectors(args.init_vectors)
    return dict(
        algorithm=args.algorithm,
        n_components=args.n_components,
        window=args.window,
        min_count=args.min_count,
        max_features=args.max_features,
        subsample=args.subsample,
        n_negative=args.negative,
        loss=args.loss,
        ns_exponent=args.ns_exponent,
        cbow_mean=args.cbow_mean,
        learning_rate=args.learning_rate,
        min_learning_rate=args.min_learning_rate,
        epochs=args.epochs,
        shrink_windows=args.shrink_windows,
        batch_size=args.batch_size,
        word_vectors=args.word_vectors,
        max_vocab_size=args.max_vocab_size,
        init_vectors=init_vectors,
        n_jobs=args.n_jobs,
        random_state=args.seed,
        verbose=args.verbose,
    )


def _train(args):
    from sklearn_w2v import Word2VecVectorizer

    def log(message):
        if args.verbose:
            print(message, file=sys.stderr, flush=True)

    output = Path(args.output)
    if not output.parent.is_dir():
        raise CommandError(f"cannot write {output}: no directory {output.parent}")
    analyzer = _CountingAnalyzer(_build_analyzer(args))
    vectorizer = Word2VecVectorizer(analyzer=analyzer, **_estimator_params(args))
    # Bad values are reported before the corpus is read, not after.
    vectorizer._validate_params()
    corpus = _CorpusFiles(args.corpus, args.decode_error)

    # The files are read once to count and encode their words (never held in
    # memory), then the estimator trains on its encoded copy.
    started = time.perf_counter()
    try:
        vectorizer.fit(corpus)
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{corpus.current} is not UTF-8 text ({exc.reason}); use "
            "--decode-error replace or ignore to read it anyway"
        ) from None
    except (OSError, EOFError) as exc:
        raise CommandError(_describe_os_error(exc, corpus.current)) from None
    except ValueError:
        if analyzer.n_lines and not analyzer.n_tokens:
            raise CommandError(
                "the corpus holds no tokens: every line is blank"
            ) from None
        raise
    elapsed = time.perf_counter() - started
    log(
        f"Read {analyzer.n_documents:,} documents, {analyzer.n_tokens:,} tokens; "
        f"trained {args.algorithm} vectors for {len(vectorizer.wv_):,} words in "
        f"{elapsed:.1f}s ({vectorizer.n_words_trained_ / elapsed:,.0f} words/s "
        "after subsampling)."
    )
    binary = _is_binary(output, args.binary)
    try:
        vectorizer.wv_.save_word2vec_format(output, binary=binary)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    if args.verbose:
        print(
            f"Wrote {len(vectorizer.wv_):,} vectors of dimension "
            f"{vectorizer.wv_.vector_size} to {output} "
            f"({'binary' if binary else 'text'} word2vec format)."
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
        except (OSError, EOFError) as exc:
            raise CommandError(_describe_os_error(exc, path)) from None
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from None
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


def _add_vector_options(parser):
    parser.add_argument(
        "vectors", metavar="VECTORS", help="word2vec file (.gz and .bz2 are read too)"
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument(
        "--binary",
        action="store_true",
        default=None,
        help="VECTORS is in the binary format (default when its name ends in .bin)",
    )
    form.add_argument(
        "--text",
        dest="binary",
        action="store_false",
        help="VECTORS is in the text format (default for other names)",
    )
    parser.add_argument(
        "--limit",
        type=_POSITIVE_INT,
        metavar="N",
        help="read only the first N vectors (the most frequent words)",
    )


def _add_train_parser(commands):
    train = commands.add_parser(
        "train",
        help="train word vectors on text files, write them in word2vec format",
        description="Train word2vec on text files (one document per line, plain, "
        ".gz or .bz2) and write the vectors in the word2vec format. Per-epoch "
        "progress goes to stderr.",
    )
    train.add_argument("corpus", nargs="+", metavar="CORPUS", help="text file")
    train.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="vectors to write"
    )
    form = train.add_mutually_exclusive_group()
    form.add_argument(
        "--binary",
        action="store_true",
        default=None,
        help="binary word2vec format (default when PATH ends in .bin)",
    )
    form.add_argument(
        "--text",
        dest="binary",
        action="store_false",
        help="text word2vec format (default for other names)",
    )
    _add_model_options(train.add_argument_group("Word2VecVectorizer's parameters"))
    text = train.add_argument_group("text analysis")
    text.add_argument(
        "--split",
        action="store_true",
        help="tokens are whitespace-separated, as for the word2vec C tool "
        "(default: CountVectorizer's token pattern)",
    )
    text.add_argument(
        "--token-pattern",
        default=r"(?u)\b\w\w+\b",
        metavar="REGEX",
        help="regular expression of a token (default: %(default)s)",
    )
    text.add_argument(
        "--no-lowercase",
        dest="lowercase",
        action="store_false",
        help="keep the case of the text",
    )
    text.add_argument(
        "--decode-error",
        choices=["strict", "replace", "ignore"],
        default="strict",
        help="what to do with bytes that are not UTF-8 (default: %(default)s)",
    )
    output = train.add_argument_group("output")
    output.add_argument(
        "--verbose",
        type=_bounded(int, 0),
        default=1,
        metavar="LEVEL",
        help="0: silent; 1: a line per epoch on stderr (default: %(default)s)",
    )
    output.add_argument(
        "-q",
        "--quiet",
        dest="verbose",
        action="store_const",
        const=0,
        help="same as --verbose 0",
    )
    train.set_defaults(handler=_train)


# The numeric model options of ``train``: flags (the C tool's name second,
# where it differs), type, default, metavar and help.
_NUMERIC_OPTIONS = [
    (("--n-components", "--size"), _POSITIVE_INT, 100, "N", "vector dimension"),
    (("--window",), _POSITIVE_INT, 5, "N", "maximum distance to a context word"),
    (("--min-count",), _POSITIVE_INT, 5, "N", "ignore rarer words"),
    (("--max-features",), _POSITIVE_INT, None, "N", "keep the N most frequent words"),
    (("--epochs", "--iter"), _POSITIVE_INT, 5, "N", "passes over the corpus"),
    (("--negative",), _POSITIVE_INT, 5, "N", "noise words per positive example"),
    (("--subsample", "--sample"), _NON_NEGATIVE_FLOAT, 1e-3, "T",
     "downsampling threshold of frequent words, 0 for none"),
    (("--ns-exponent",), float, 0.75, "X", "exponent of the noise distribution"),
    (("--learning-rate", "--alpha"), _POSITIVE_FLOAT, 0.025, "RATE",
     "initial learning rate"),
    (("--min-learning-rate",), _NON_NEGATIVE_FLOAT, 1e-4, "RATE",
     "final learning rate"),
    (("--batch-size",), _POSITIVE_INT, 512, "N", "centre words per minibatch"),
    (("--max-vocab-size",), _POSITIVE_INT, None, "N",
     "prune the rarest words while counting whenever more than N are held"),
    (("--n-jobs", "--threads"), _n_jobs, 1, "N",
     "parallel training jobs, -1 for all cores"),
    (("--seed",), int, None, "N", "random seed: runs with --n-jobs 1 repeat exactly"),
]  # fmt: skip


def _add_model_options(group):
    group.add_argument(
        "--algorithm",
        choices=["skipgram", "cbow"],
        default="skipgram",
        help="skip-gram or CBOW (default: %(default)s)",
    )
    for flags, type_, default, metavar, help_ in _NUMERIC_OPTIONS:
        if default is not None:
            help_ += " (default: %(default)s)"
        group.add_argument(
            *flags, type=type_, default=default, metavar=metavar, help=help_
        )
    group.add_argument(
        "--loss",
        choices=["negative_sampling", "hierarchical_softmax", "softmax"],
        default="negative_sampling",
        help="output layer (default: %(default)s)",
    )
    group.add_argument(
        "--cbow-sum",
        dest="cbow_mean",
        action="store_false",
        help="CBOW sums the context vectors instead of averaging them",
    )
    group.add_argument(
        "--no-shrink-windows",
        dest="shrink_windows",
        action="store_false",
        help="always use the whole window instead of drawing its size",
    )
    group.add_argument(
        "--word-vectors",
        choices=["input", "output", "sum"],
        default="input",
        help="which learned vectors to write (default: %(default)s)",
    )
    group.add_argument(
        "--init-vectors",
        metavar="PATH",
        help="start the words found in these word2vec vectors from them "
        "(binary if PATH ends in .bin)",
    )


def _add_query_parsers(commands):
    similar = commands.add_parser(
        "similar",
        help="nearest words of a word",
        description="Print the words nearest to WORD by cosine similarity, one "
        "'word<TAB>similarity' line each.",
    )
    _add_vector_options(similar)
    similar.add_argument("word", metavar="WORD")
    similar.add_argument(
        "--topn",
        type=_POSITIVE_INT,
        default=10,
        metavar="N",
        help="number of words (default: %(default)s)",
    )
    similar.set_defaults(handler=_similar)

    analogy = commands.add_parser(
        "analogy",
        help="complete 'A is to B as C is to ?'",
        description="Print the words that best complete 'A is to B as C is to ?' "
        "(nearest to B - A + C), one 'word<TAB>score' line each.",
    )
    _add_vector_options(analogy)
    for name in ("a", "b", "c"):
        analogy.add_argument(name, metavar=name.upper())
    analogy.add_argument(
        "--topn",
        type=_POSITIVE_INT,
        default=5,
        metavar="N",
        help="number of answers (default: %(default)s)",
    )
    analogy.add_argument(
        "--method",
        choices=["3cosadd", "3cosmul"],
        default="3cosadd",
        help="additive or multiplicative combination (default: %(default)s)",
    )
    analogy.set_defaults(handler=_analogy)


def _add_evaluate_parser(commands):
    evaluate = commands.add_parser(
        "evaluate",
        help="analogy accuracy and word-pair correlations",
        description="Evaluate word vectors on analogy questions (the "
        "questions-words.txt format) and word pairs scored by people (such as "
        "WordSim-353: word1<TAB>word2<TAB>score).",
    )
    _add_vector_options(evaluate)
    evaluate.add_argument("--analogies", metavar="FILE", help="analogy questions")
    evaluate.add_argument("--pairs", metavar="FILE", help="scored word pairs")
    evaluate.add_argument(
        "--restrict-vocab",
        type=_POSITIVE_INT,
        metavar="N",
        help="use only the N most frequent words (default: 30000 for analogies, "
        "300000 for pairs)",
    )
    evaluate.add_argument(
        "--case-sensitive", action="store_true", help="compare words as they are"
    )
    evaluate.set_defaults(handler=_evaluate, parser=evaluate)


def _add_demo_parser(commands):
    demo = commands.add_parser(
        "demo",
        help="train on the bundled corpus, show neighbours and a CV score",
        description="Train on the bundled State of the Union corpus, print "
        "neighbours of a few words and a cross-validated classification score.",
    )
    demo.add_argument("--algorithm", choices=["skipgram", "cbow"], default="cbow")
    demo.add_argument("--n-jobs", type=int, default=None)
    demo.add_argument("--folds", type=_bounded(int, 2), default=3)
    demo.set_defaults(handler=_demo)


def build_parser():
    """The argument parser of the ``sklearn-w2v`` command.

    Returns
    -------
    parser : argparse.ArgumentParser

    Examples
    --------
    >>> from sklearn_w2v._cli import build_parser
    >>> args = build_parser().parse_args(["similar", "vectors.bin", "war"])
    >>> args.word, args.topn
    ('war', 10)
    """
    from sklearn_w2v import __version__

    parser = _Parser(
        prog=_PROG,
        description="word2vec for scikit-learn users: train word vectors, query "
        "them and evaluate them. 'sklearn-w2v COMMAND --help' describes a command.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_train_parser(commands)
    _add_query_parsers(commands)
    _add_evaluate_parser(commands)
    _add_demo_parser(commands)
    return parser


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
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print(f"{_PROG}: interrupted", file=sys.stderr)
        return 130
    except (CommandError, OSError, EOFError, ValueError, ArithmeticError) as exc:
        print(f"{_PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 1
