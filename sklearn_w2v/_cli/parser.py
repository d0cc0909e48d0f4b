"""The argument parser of the ``sklearn-w2v`` command line (run by ``_cli``).

The options of ``train`` that set a parameter of
:class:`~sklearn_w2v.Word2VecVectorizer` take their defaults from it, and
their values are checked by its ``fit``, not here.
"""

import argparse
import difflib

PROG = "sklearn-w2v"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors take one line, not the usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    def parse_args(self, args=None, namespace=None):
        # argparse reports a command's unknown options from the top-level
        # parser, which knows none of them: report them from the command's.
        args, unknown = self.parse_known_args(args, namespace)
        if unknown:
            command = getattr(self, "commands", {}).get(getattr(args, "command", None))
            (command or self).error(_unrecognized(unknown, command or self))
        return args


def _unrecognized(unknown, parser):
    """The error message for `unknown` arguments, suggesting a close option."""
    message = f"unrecognized arguments: {' '.join(unknown)}"
    options = [flag for flag in parser._option_string_actions if flag.startswith("--")]
    for argument in unknown:
        if argument.startswith("--"):
            close = difflib.get_close_matches(argument.split("=")[0], options, n=1)
            if close:
                return f"{message}; did you mean {close[0]}?"
    return message


def _bounded(kind, low):
    """An argparse type: a number of type ``kind``, at least ``low``."""

    def parse(text):
        value = kind(text)  # a ValueError becomes "invalid int value: 'x'"
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low}, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


_POSITIVE_INT = _bounded(int, 1)


def _n_jobs(text):
    # The estimator accepts any int and joblib refuses 0 only after the
    # counting pass: refuse it before reading the corpus.
    value = int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be >= 1, or negative: -1 for all cores")
    return value


_n_jobs.__name__ = "int"


# The options of ``train`` that set a parameter of Word2VecVectorizer: flags
# (the C tool's name second, where it differs, then gensim's if it differs
# too), the parameter, its type, a metavar and help. The defaults are the
# estimator's; so are the checks of the values, made by ``fit`` before it
# reads the corpus.
_MODEL_OPTIONS = [
    (("--n-components", "--size", "--vector-size"), "n_components", int, "N",
     "vector dimension"),
    (("--window",), "window", int, "N", "maximum distance to a context word"),
    (("--min-count",), "min_count", int, "N", "ignore rarer words"),
    (("--max-features",), "max_features", int, "N",
     "keep the N most frequent words"),
    (("--epochs", "--iter"), "epochs", int, "N", "passes over the corpus"),
    (("--negative",), "n_negative", int, "N", "noise words per positive example"),
    (("--subsample", "--sample"), "subsample", float, "T",
     "downsampling threshold of frequent words, 0 for none"),
    (("--ns-exponent",), "ns_exponent", float, "X",
     "exponent of the noise distribution"),
    (("--learning-rate", "--alpha"), "learning_rate", float, "RATE",
     "initial learning rate"),
    (("--min-learning-rate",), "min_learning_rate", float, "RATE",
     "final learning rate"),
    (("--batch-size",), "batch_size", int, "N", "center words per minibatch"),
    (("--buckets", "--bucket"), "n_buckets", int, "N",
     "hash buckets of the character n-grams of --subwords"),
    (("--eigenvalue-weighting",), "eigenvalue_weighting", float, "P",
     "--solver svd: word vectors U * S**P"),
    (("--max-vocab-size",), "max_vocab_size", int, "N",
     "prune the rarest words while counting whenever more than N are held"),
    (("--n-jobs", "--threads"), "n_jobs", _n_jobs, "N",
     "parallel training jobs, -1 for all cores"),
    (("--seed",), "random_state", int, "N",
     "random seed: runs with --n-jobs 1 repeat exactly"),
]  # fmt: skip
FLAGS = {name: flags[0] for flags, name, *_ in _MODEL_OPTIONS}
# Parameters with an option of their own below, and that option.
FLAGS.update(
    algorithm="--algorithm",
    loss="--loss",
    solver="--solver",
    word_vectors="--word-vectors",
    subwords="--subwords",
    token_pattern="--token-pattern",
    verbose="--verbose",
)


def _add_format_options(parser, prefix, name):
    """``--binary`` or ``--text``: the word2vec format, else guessed from a name."""
    form = parser.add_mutually_exclusive_group()
    form.add_argument(
        "--binary",
        action="store_true",
        default=None,
        help=f"{prefix} binary word2vec format (default when {name} ends in .bin)",
    )
    form.add_argument(
        "--text",
        dest="binary",
        action="store_false",
        help=f"{prefix} text word2vec format (default for other names)",
    )


def _add_vectors_argument(parser):
    parser.add_argument(
        "vectors",
        metavar="VECTORS",
        help="word2vec file (.gz, .bz2 and .xz are read too)",
    )
    _add_format_options(parser, "VECTORS is in the", "its name")
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
        ".gz, .bz2 or .xz) and write the vectors in the word2vec format. Per-epoch "
        "progress goes to stderr.",
    )
    train.add_argument(
        "corpus",
        nargs="+",
        metavar="CORPUS",
        help="text file, directory whose files (but dot files) are all read in "
        "name order, pipe, or - for standard input (pipes are read once, as they "
        "come)",
    )
    train.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="vectors to write ('-': standard output, in the text format "
        "unless --binary)",
    )
    _add_format_options(train, "write the", "PATH")
    defaults = _default_params()
    _add_model_options(
        train.add_argument_group("Word2VecVectorizer's parameters"), defaults
    )
    text = train.add_argument_group("text analysis")
    tokens = text.add_mutually_exclusive_group()
    tokens.add_argument(
        "--split",
        action="store_true",
        help="tokens are whitespace-separated, as for the word2vec C tool "
        "(default: CountVectorizer's token pattern)",
    )
    tokens.add_argument(
        "--token-pattern",
        default=defaults["token_pattern"],
        metavar="REGEX",
        help="regular expression of a token (default: %(default)s)",
    )
    _add_switch(
        text, "--no-lowercase", "lowercase", defaults["lowercase"],
        "keep the case of the text",
    )  # fmt: skip
    _add_choice(
        text, "--decode-error", "decode_error", ["strict", "replace", "ignore"],
        defaults["decode_error"], "what to do with bytes that are not UTF-8",
    )  # fmt: skip
    output = train.add_argument_group("output")
    output.add_argument(
        "--verbose",
        type=_bounded(int, 0),
        default=1,
        metavar="LEVEL",
        help="0: silent; 1: a line per epoch on stderr; 2: also a line after "
        "counting and at every tenth of an epoch (default: %(default)s)",
    )
    output.add_argument(
        "-q",
        "--quiet",
        dest="verbose",
        action="store_const",
        const=0,
        help="same as --verbose 0",
    )
    train.set_defaults(parser=train)


def _default_params():
    from sklearn_w2v import Word2VecVectorizer

    return Word2VecVectorizer().get_params()


def _add_choice(group, flag, name, choices, default, help_):
    """An option taking one of ``choices``, stored as ``name``."""
    group.add_argument(
        flag, dest=name, choices=choices, default=default,
        help=f"{help_} (default: %(default)s)",
    )  # fmt: skip


def _add_switch(group, flag, name, default, help_):
    """A flag that sets the boolean ``name`` to False."""
    group.add_argument(
        flag, dest=name, action="store_false", default=default, help=help_
    )


def _add_model_options(group, defaults):
    _add_choice(
        group, "--algorithm", "algorithm", ["skipgram", "cbow"],
        defaults["algorithm"], "skip-gram or CBOW",
    )  # fmt: skip
    for flags, name, type_, metavar, help_ in _MODEL_OPTIONS:
        if defaults[name] is not None:
            help_ += " (default: %(default)s)"
        group.add_argument(
            *flags,
            dest=name,
            type=type_,
            default=defaults[name],
            metavar=metavar,
            help=help_,
        )
    _add_choice(
        group, "--loss", "loss",
        ["negative_sampling", "hierarchical_softmax", "softmax"],
        defaults["loss"], "output layer",
    )  # fmt: skip
    _add_choice(
        group, "--solver", "solver", ["sgd", "svd"], defaults["solver"],
        "train by gradient descent, or factorise the PPMI of the counts",
    )  # fmt: skip
    group.add_argument(
        "--shift-pmi",
        action="store_true",
        help="--solver svd: subtract log(negative) from the PMI",
    )
    _add_switch(
        group, "--cbow-sum", "cbow_mean", defaults["cbow_mean"],
        "CBOW sums the context vectors instead of averaging them",
    )  # fmt: skip
    _add_switch(
        group, "--no-shrink-windows", "shrink_windows", defaults["shrink_windows"],
        "always use the whole window instead of drawing its size",
    )  # fmt: skip
    _add_choice(
        group, "--word-vectors", "word_vectors", ["input", "output", "sum"],
        defaults["word_vectors"], "which learned vectors to write",
    )  # fmt: skip
    group.add_argument(
        "--subwords",
        nargs=2,
        type=_POSITIVE_INT,
        metavar=("MIN", "MAX"),
        help="also learn vectors of the character n-grams of MIN to MAX "
        "characters, as fastText does (3 6); unknown words then get vectors too",
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
    _add_vectors_argument(similar)
    similar.add_argument("word", metavar="WORD")
    similar.add_argument(
        "--topn",
        type=_POSITIVE_INT,
        default=10,
        metavar="N",
        help="number of words (default: %(default)s)",
    )

    analogy = commands.add_parser(
        "analogy",
        help="complete 'A is to B as C is to ?'",
        description="Print the words that best complete 'A is to B as C is to ?' "
        "(nearest to B - A + C), one 'word<TAB>score' line each.",
    )
    _add_vectors_argument(analogy)
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


def _add_evaluate_parser(commands):
    evaluate = commands.add_parser(
        "evaluate",
        help="analogy accuracy and word-pair correlations",
        description="Evaluate word vectors on analogy questions (the "
        "questions-words.txt format) and word pairs scored by people (such as "
        "WordSim-353: word1<TAB>word2<TAB>score).",
    )
    _add_vectors_argument(evaluate)
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
    evaluate.set_defaults(parser=evaluate)


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


def build_parser():
    """The argument parser of the ``sklearn-w2v`` command.

    Returns
    -------
    parser : argparse.ArgumentParser

    Examples
    --------
    >>> from sklearn_w2v._cli.parser import build_parser
    >>> args = build_parser().parse_args(["similar", "vectors.bin", "war"])
    >>> args.word, args.topn
    ('war', 10)
    """
    from sklearn_w2v import __version__

    parser = _Parser(
        prog=PROG,
        description="word2vec for scikit-learn users: train word vectors, query "
        "them and evaluate them. 'sklearn-w2v COMMAND --help' describes a command.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_train_parser(commands)
    _add_query_parsers(commands)
    _add_evaluate_parser(commands)
    _add_demo_parser(commands)
    parser.commands = commands.choices
    return parser
