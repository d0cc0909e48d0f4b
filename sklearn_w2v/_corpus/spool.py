"""The encoded corpus of a fit: word slots and document lengths in temporary files.

``fit`` reads its documents once. The counting pass gives every distinct word
a *slot* (a provisional id, in order of first occurrence), counts the slots,
and appends the slots of each document to one temporary file and its length
to another. Every epoch then reads the files back in chunks of about
``CHUNK_TOKENS`` tokens (plain reads, not a memory map, whose touched pages
would count as resident memory) and maps the slots to the rows of the final
vocabulary. Memory holds the word dictionary, the counts and one chunk, never
the corpus.

With ``max_vocab_size``, the rarest words are pruned whenever the dictionary
holds more words than that, as the word2vec C tool's ``ReduceVocab`` does:
the survivors get new, dense slots, which starts a new *generation* of slots.
Blocks written before a pruning hold slots of an earlier generation; once the
vocabulary is known, the slot-to-row map of the last generation is carried
back through the prunings, giving each generation its own map.
"""

import errno
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from array import array
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .vocabulary import WordCounter

#: Tokens per block written and per chunk read back (about 4 MiB of int32).
CHUNK_TOKENS = 1 << 20

#: Training reads a spool of at most this many in-vocabulary tokens once and
#: keeps its chunks (8 bytes a token, 128 MiB at most) instead of reading it
#: again every epoch, in every parallel job.
IN_MEMORY_TOKENS = 1 << 24

#: Prefix of the folder of a fit's spool in the temporary folder.
SPOOL_PREFIX = "sklearn_w2v-"

#: The file whose lock a fit holds while its spool folder is in use.
_LOCK_NAME = "lock"

#: What a write to a full disk raises: no space, over quota, over the size
#: limit (RLIMIT_FSIZE); a short write of ``ndarray.tofile`` has no errno.
_FULL_DISK = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG, None}

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows: stale spools are not swept)
    fcntl = None


def training_corpus(spool, n_tokens):
    """The chunks of a spool, held in memory if there are at most ``IN_MEMORY_TOKENS``.

    Parameters
    ----------
    spool : CorpusSpool
        The encoded corpus.
    n_tokens : int
        Its number of in-vocabulary tokens.

    Returns
    -------
    corpus : CorpusSpool or list of (ids, doc_ids)
        Re-iterable chunks: the list read once, or the spool itself, read
        again at every iteration.
    """
    return list(spool) if n_tokens <= IN_MEMORY_TOKENS else spool


@contextmanager
def spool_directory():
    """A new folder for a fit's spool in the temporary folder, removed at the end.

    The folder is removed however the fit ends: on return, on an exception
    (an interrupt included), and on SIGTERM (see :func:`removed_on_sigterm`).
    A process killed outright (SIGKILL, the out-of-memory killer, a power
    cut) cannot remove it; its folder holds a lock that the kernel releases
    with the process, so the next fit of any process of the same user finds
    it unlocked and removes it (:func:`sweep_stale_spools`).

    Yields
    ------
    directory : str
        The empty folder, ``sklearn_w2v-*`` in :func:`tempfile.gettempdir`
        (``TMPDIR``).

    Examples
    --------
    >>> import os
    >>> from sklearn_w2v._corpus.spool import spool_directory
    >>> with spool_directory() as directory:
    ...     print(os.path.basename(directory).startswith("sklearn_w2v-"))
    True
    >>> os.path.exists(directory)
    False
    """
    sweep_stale_spools()
    directory = tempfile.mkdtemp(prefix=SPOOL_PREFIX)
    lock = None
    try:
        lock = _hold_lock(directory)
        with removed_on_sigterm(directory):
            yield directory
    finally:
        # Removed before the lock goes, so that no sweep sees it unlocked.
        # Errors are ignored: on Windows, files that an interrupted epoch
        # left open cannot be removed yet.
        shutil.rmtree(directory, ignore_errors=True)
        if lock is not None:
            os.close(lock)


def _hold_lock(directory):
    """Lock ``directory`` for this process (and its forks); the descriptor, or None."""
    if fcntl is None:
        return None
    # Locked under another name, then renamed: a sweep never sees it unlocked.
    unlocked = os.path.join(directory, _LOCK_NAME + ".new")
    lock = os.open(unlocked, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # a file system without locks: the folder is never swept
        os.close(lock)
        return None
    os.rename(unlocked, os.path.join(directory, _LOCK_NAME))
    return lock


def sweep_stale_spools(folder=None):
    """Remove the spool folders that killed fits left in ``folder``.

    A folder is stale when its lock file can be locked: the process that
    held it (and its forked jobs) is gone, whatever process now has its
    pid. Folders of other users, folders without a lock file (being
    created, or made where locks do not work) and folders of running fits,
    here or on another machine sharing the folder, are left alone.

    Parameters
    ----------
    folder : path-like, default=None
        The temporary folder; :func:`tempfile.gettempdir` if None.
    """
    if fcntl is None:
        return
    try:
        entries = list(os.scandir(tempfile.gettempdir() if folder is None else folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(SPOOL_PREFIX) and entry.is_dir(follow_symlinks=False):
            _remove_if_stale(entry.path)


def _remove_if_stale(directory):
    """Remove ``directory`` if its lock file exists, is ours and can be locked."""
    path = os.path.join(directory, _LOCK_NAME)
    try:
        if os.lstat(directory).st_uid != os.getuid():
            return
        lock = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # The folder may have been removed, and its name reused, meanwhile.
        if os.path.samestat(os.fstat(lock), os.stat(path)):
            shutil.rmtree(directory, ignore_errors=True)
    except OSError:
        pass  # locked: its fit is running
    finally:
        os.close(lock)


# The spool folders of the fits under way in the main thread, removed on
# SIGTERM, and the handler that was in place before the first of them.
_on_sigterm_remove = []
_sigterm_previous = {}


@contextmanager
def removed_on_sigterm(directory):
    """Remove ``directory`` if the process gets SIGTERM meanwhile, then die of it.

    SIGTERM (``kill``, ``timeout``, batch schedulers) would otherwise end
    the process without removing its spool. While any such context is open
    in the main thread, a handler is installed: if the handler in place
    before was the default, it removes the folders, restores the default
    and sends the signal again; if it was a function of the program, it
    calls that function instead (an exception it raises unwinds the fit,
    which removes the folders). Only the main thread can install a
    handler; elsewhere, and when SIGTERM is ignored, nothing is installed.
    The previous handler is restored when the last context closes.

    Parameters
    ----------
    directory : str
        The folder to remove.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "SIGTERM"
    ):
        yield
        return
    if not _on_sigterm_remove:
        previous = signal.getsignal(signal.SIGTERM)
        if previous in (signal.SIG_IGN, None):  # ignored, or set outside Python
            yield
            return
        signal.signal(signal.SIGTERM, _remove_spools_and_terminate)
        _sigterm_previous.update(handler=previous, pid=os.getpid())
    _on_sigterm_remove.append(directory)
    try:
        yield
    finally:
        _on_sigterm_remove.remove(directory)
        if not _on_sigterm_remove:
            handler = _sigterm_previous.pop("handler")
            # Unless the program replaced ours meanwhile.
            if signal.getsignal(signal.SIGTERM) is _remove_spools_and_terminate:
                signal.signal(signal.SIGTERM, handler)


def _remove_spools_and_terminate(signum, frame):
    """The SIGTERM handler of :func:`removed_on_sigterm`."""
    previous = _sigterm_previous.get("handler", signal.SIG_DFL)
    # A forked training job inherits the handler; its parent owns the folders.
    if os.getpid() == _sigterm_previous.get("pid") and callable(previous):
        previous(signum, frame)
        return
    if os.getpid() == _sigterm_previous.get("pid"):
        for directory in _on_sigterm_remove:
            shutil.rmtree(directory, ignore_errors=True)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@contextmanager
def _writing(path):
    """Say where and what to do when writing ``path`` fails for want of room."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _FULL_DISK:
            raise
        path = Path(path)
        folder = tempfile.gettempdir()
        if folder not in map(str, path.parents):
            folder = path.parent
        cause = os.strerror(exc.errno) if exc.errno else f"short write: {exc}"
        raise OSError(
            errno.ENOSPC,
            f"no space left in {folder} while writing the corpus spool ({cause}); "
            "fit needs about 4 bytes per token of the corpus there: set TMPDIR to "
            "a folder with room",
            str(path),
        ) from exc


class CorpusSpool:
    """Count and encode a stream of token lists into temporary files; read it back.

    Parameters
    ----------
    directory : path-like
        An empty directory that the caller removes after the fit.
    max_vocab_size : int, default=None
        Prune the rarest words whenever more distinct words than this are
        held: words counted ``t`` times or fewer go, ``t`` being the number of
        prunings so far, plus one.

    Attributes
    ----------
    counter : WordCounter
        The words held and their counts.
    blocks : list of tuple of int
        ``(generation, n_tokens, n_documents)`` of each block written.
    n_documents, n_tokens : int
        Documents and tokens written.
    longest_document : int
        Tokens of the longest document written.
    n_prunings : int
        Prunings so far; the generation of the current slots.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from sklearn_w2v._corpus.spool import CorpusSpool
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     spool = CorpusSpool(directory)
    ...     spool.write([["a", "b", "a"], [], ["c", "a"]])
    ...     print(list(spool.slots), spool.counts.tolist())
    ...     spool.map_slots(np.array([0, -1, 1]))  # b is left out
    ...     print([(ids.tolist(), docs.tolist()) for ids, docs in spool])
    ...     print([(ids.tolist(), ends.tolist()) for ids, ends in spool.documents()])
    ['a', 'b', 'c'] [3, 1, 1]
    [([0, 0, 1, 0], [0, 0, 2, 2])]
    [([0, 0, 1, 0], [0, 2, 2, 4])]
    """

    def __init__(self, directory, max_vocab_size=None):
        self.directory = Path(directory)
        self.max_vocab_size = max_vocab_size
        self.counter = WordCounter()
        self.blocks = []
        self.n_documents = 0
        self.n_tokens = 0
        self.longest_document = 0
        self.n_prunings = 0
        # Per pruning: (slots before it, packed mask of its survivors).
        self._survivors = []

    @property
    def slots(self):
        """Slot of each word held (dict of str to int), in slot order."""
        return self.counter.slots

    @property
    def counts(self):
        """Occurrences of each held word (array of shape (len(slots),), int64)."""
        return self.counter.counts

    def _path(self, name):
        return self.directory / name

    def write(self, documents, verbose=0):
        """Encode, count and append token lists, flushing every ~CHUNK_TOKENS tokens.

        Parameters
        ----------
        documents : iterable of list of str
            Token lists, read once.
        verbose : int, default=0
            From 2, print a line on stderr when done.
        """
        started = time.perf_counter()
        slot_buffer, length_buffer = array("i"), array("q")
        files = (self._path("tokens.int32"), self._path("lengths.int64"))
        with open(files[0], "ab") as token_file, open(files[1], "ab") as length_file:

            def flush():
                self._flush(slot_buffer, length_buffer, token_file, length_file)

            slots = self.slots
            limit = self.max_vocab_size
            for tokens in documents:
                size = len(slot_buffer)
                # A missing word takes the next slot (see WordCounter), at C speed.
                slot_buffer.extend(map(slots.__getitem__, tokens))
                length_buffer.append(len(slot_buffer) - size)
                if limit is not None and len(slots) > limit:
                    flush()
                    self._prune()
                    slots = self.slots
                elif len(slot_buffer) + len(length_buffer) >= CHUNK_TOKENS:
                    # Counting documents too bounds a run of empty documents.
                    flush()
            flush()
        if verbose >= 2:
            pruned = f" after {self.n_prunings} prunings" if self.n_prunings else ""
            print(
                f"counted {self.n_tokens:,} tokens of {self.n_documents:,} "
                f"documents: {len(self.slots):,} distinct words{pruned}, "
                f"{time.perf_counter() - started:.1f}s",
                file=sys.stderr,
            )

    def _flush(self, slot_buffer, length_buffer, token_file, length_file):
        if not length_buffer:
            return
        slots = np.array(slot_buffer, dtype=np.int32)
        lengths = np.array(length_buffer, dtype=np.int64)
        with _writing(token_file.name):
            slots.tofile(token_file)
        with _writing(length_file.name):
            lengths.tofile(length_file)
        self.counter.add(slots)
        self.blocks.append((self.n_prunings, len(slots), len(lengths)))
        self.n_tokens += len(slots)
        self.n_documents += len(lengths)
        self.longest_document = max(self.longest_document, int(lengths.max()))
        del slot_buffer[:], length_buffer[:]

    def _prune(self):
        """Drop the words counted ``n_prunings + 1`` times or fewer; new slots."""
        self.n_prunings += 1
        keep = self.counter.prune(self.n_prunings)
        self._survivors.append((len(keep), np.packbits(keep)))

    def map_slots(self, rows):
        """Set the vocabulary row of every slot of every generation.

        Parameters
        ----------
        rows : ndarray of shape (len(slots),), int
            Row of each current slot's word; -1 leaves it out. Occurrences
            written under a slot that a pruning dropped are left out too.
        """
        rows = np.asarray(rows, dtype=np.int32)
        self._save(f"rows-{self.n_prunings}.npy", rows)
        for generation in reversed(range(self.n_prunings)):
            n_slots, packed = self._survivors[generation]
            keep = np.unpackbits(packed, count=n_slots).astype(bool)
            # Survivors kept their order and took the first slots after it.
            earlier = np.full(n_slots, -1, dtype=np.int32)
            earlier[keep] = rows[: np.count_nonzero(keep)]
            self._save(f"rows-{generation}.npy", earlier)
            rows = earlier

    def _save(self, name, array):
        path = self._path(name)
        with _writing(path):
            np.save(path, array)

    def _blocks(self):
        """Yield, per block: its rows map, token count, document ends, files."""
        with (
            open(self._path("tokens.int32"), "rb") as token_file,
            open(self._path("lengths.int64"), "rb") as length_file,
        ):
            rows, generation_loaded = None, -1
            for generation, n_tokens, n_documents in self.blocks:
                if generation != generation_loaded:
                    rows = np.load(self._path(f"rows-{generation}.npy"))
                    generation_loaded = generation
                ends = np.cumsum(np.fromfile(length_file, np.int64, n_documents))
                yield rows, n_tokens, ends, token_file

    def __iter__(self):
        """Chunks of at most ``CHUNK_TOKENS`` tokens, for training.

        Yields
        ------
        ids : ndarray of shape (n_known,), int32
            Rows of the chunk's in-vocabulary tokens.
        doc_ids : ndarray of shape (n_known,), int32
            Their document index in the corpus (modulo 2**31: only equality
            of nearby tokens' documents matters).
        """
        first_document = 0
        for rows, n_tokens, ends, token_file in self._blocks():
            # A block holds whole documents; one long document may outgrow a
            # chunk, and is then read in several.
            for start in range(0, n_tokens, CHUNK_TOKENS):
                stop = min(start + CHUNK_TOKENS, n_tokens)
                ids = rows[np.fromfile(token_file, np.int32, stop - start)]
                documents = _document_index(ends, start, stop) + first_document
                known = ids >= 0
                yield ids[known], (documents[known] & 0x7FFFFFFF).astype(np.int32)
            first_document += len(ends)

    def documents(self):
        """Blocks of whole documents, for pooling.

        Yields
        ------
        ids : ndarray of shape (n_known,), int64
            Rows of the block's in-vocabulary tokens.
        offsets : ndarray of shape (n_block_documents + 1,), int64
            Document ``k`` of the block is ``ids[offsets[k]:offsets[k + 1]]``.
        """
        for rows, n_tokens, ends, token_file in self._blocks():
            ids = rows[np.fromfile(token_file, np.int32, n_tokens)]
            known = ids >= 0
            known_before = np.zeros(n_tokens + 1, dtype=np.int64)
            np.cumsum(known, out=known_before[1:])
            yield ids[known].astype(np.int64), known_before[np.r_[0, ends]]


class SpoolChain:
    """Spools of consecutive parts of a corpus, read as one spool.

    The counting pass of sharded training counts and encodes parts of the
    corpus in separate tasks, each into its own :class:`CorpusSpool`; this
    merges their words (numbered in order of first occurrence over the parts
    in order, as one spool would) and reads their files one after the other,
    numbering the documents on.

    Parameters
    ----------
    spools : list of CorpusSpool
        The parts, in corpus order, written without pruning.
    directory : path-like
        A directory for the files of training, readable by every worker.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_w2v._corpus.spool import CorpusSpool, SpoolChain
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     parts = []
    ...     for i, docs in enumerate([[["a", "b"]], [["c", "a"]]]):
    ...         (Path(directory) / str(i)).mkdir()
    ...         parts.append(CorpusSpool(Path(directory) / str(i)))
    ...         parts[-1].write(docs)
    ...     chain = SpoolChain(parts, directory)
    ...     print(list(chain.slots), chain.counts.tolist(), chain.n_documents)
    ...     chain.map_slots(np.array([0, 1, 2]))
    ...     print([(ids.tolist(), docs.tolist()) for ids, docs in chain])
    ['a', 'b', 'c'] [2, 1, 1] 2
    [([0, 1], [0, 0]), ([2, 0], [1, 1])]
    """

    def __init__(self, spools, directory):
        self.spools = spools
        self.directory = Path(directory)
        self.slots = {}
        self._maps = []
        for spool in spools:
            words = list(spool.slots)
            setdefault = self.slots.setdefault
            self._maps.append(
                np.fromiter(
                    (setdefault(word, len(self.slots)) for word in words),
                    dtype=np.int64,
                    count=len(words),
                )
            )
        self.counts = np.zeros(len(self.slots), dtype=np.int64)
        for spool, slot_map in zip(spools, self._maps, strict=True):
            self.counts[slot_map] += spool.counts  # distinct within a part
        self.n_documents = sum(spool.n_documents for spool in spools)
        self.n_tokens = sum(spool.n_tokens for spool in spools)
        self.longest_document = max(spool.longest_document for spool in spools)

    def map_slots(self, rows):
        """Set the vocabulary row of every slot of every part; see CorpusSpool."""
        rows = np.asarray(rows)
        for spool, slot_map in zip(self.spools, self._maps, strict=True):
            spool.map_slots(rows[slot_map])

    def __iter__(self):
        """Chunks of every part in order, as :meth:`CorpusSpool.__iter__`."""
        first_document = 0
        for spool in self.spools:
            for ids, doc_ids in spool:
                documents = (doc_ids.astype(np.int64) + first_document) & 0x7FFFFFFF
                yield ids, documents.astype(np.int32)
            first_document += spool.n_documents

    def documents(self):
        """Blocks of whole documents of every part, as :meth:`CorpusSpool.documents`."""
        for spool in self.spools:
            yield from spool.documents()


def _document_index(ends, start, stop):
    """Document of each token ``start <= t < stop`` of a block with these ends."""
    first = np.searchsorted(ends, start, side="right")
    last = np.searchsorted(ends, stop - 1, side="right")
    edges = np.minimum(ends[first : last + 1], stop)
    lengths = np.diff(edges, prepend=start)
    return np.repeat(np.arange(first, last + 1, dtype=np.int64), lengths)
