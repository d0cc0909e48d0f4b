"""``python -m sklearn_w2v``: the ``sklearn-w2v`` command line (see ``_cli``)."""

import sys

from sklearn_w2v._cli.commands import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
