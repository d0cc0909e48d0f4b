"""Order of the gallery examples: the quickstart first, then by name."""

FIRST = ["plot_quickstart.py", "plot_why_word2vec_works.py"]


class ExampleOrder:
    """Sort key of sphinx-gallery's ``within_subsection_order``."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        if filename in FIRST:
            return (0, FIRST.index(filename), filename)
        return (1, 0, filename)

    def __repr__(self):
        return f"{type(self).__name__}()"
