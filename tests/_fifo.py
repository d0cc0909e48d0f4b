"""A FIFO with a reader thread, standing for a pipe or a device in the tests."""

import os
import threading


class FifoReader:
    """A thread that reads a FIFO, all of it or ``n_bytes`` then closes it."""

    def __init__(self, path, n_bytes=-1):
        os.mkfifo(path)
        self.path, self.data = path, None
        # A daemon: a test that fails may leave it blocked in open() for good.
        self.thread = threading.Thread(target=self._read, args=(n_bytes,), daemon=True)
        self.thread.start()

    def _read(self, n_bytes):
        with open(self.path, "rb") as fifo:
            self.data = fifo.read(n_bytes)

    def join(self):
        """What the reader read; fails if it is still waiting."""
        self.thread.join(timeout=1)
        if self.thread.is_alive():
            # Nothing opened the FIFO for writing: release the reader's open().
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass  # no FIFO there any more, or no reader
            self.thread.join(timeout=1)
        assert not self.thread.is_alive(), f"{self.path} was never written"
        return self.data
