"""Files: :func:`open_file`, the one way the package reads a file, and
:func:`open_output`, the one way it writes one.

``open_file`` decompresses by the name's suffix (.gz, .bz2, .xz).

A regular file (or a new one) is written to a temporary file beside it,
renamed over it once complete: a write that fails part-way leaves the
previous file as it was. A stream (standard output, a FIFO, a device) cannot
be replaced that way, so it is written through.
"""

import bz2
import errno
import gzip
import lzma
import os
import secrets
import shutil
import stat
import sys
import zlib
from contextlib import contextmanager
from pathlib import Path

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


#: The advice given with an error of decoding, which the command line rewords.
DECODE_HINT = "pass decode_error='replace' or 'ignore' to read it anyway"


def open_file(path, mode="rb", *, encoding=None, errors=None, newline=None):
    """Open a file, through gzip, bzip2 or xz if its name ends in .gz, .bz2 or .xz.

    Parameters
    ----------
    path : str or path-like
        The file; the suffix is compared without regard to case.
    mode : str, default='rb'
        As for :func:`open`: ``'rb'``, ``'wb'``, ``'rt'``, ``'wt'``...
    encoding, errors, newline : str, default=None
        As for :func:`open`, in text modes only.

    Returns
    -------
    file : file object
        Binary or text, as ``mode`` says; (de)compressing if the suffix says so.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_w2v._corpus.files import open_file
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = Path(directory) / "lines.txt.gz"
    ...     with open_file(path, "wt", encoding="utf-8") as file:
    ...         _ = file.write("one\\ntwo\\n")
    ...     with open_file(path, "rb") as file:
    ...         print(file.read(), path.read_bytes()[:2])
    b'one\\ntwo\\n' b'\\x1f\\x8b'
    """
    opener = _OPENERS.get(Path(path).suffix.lower(), open)
    return opener(path, mode, encoding=encoding, errors=errors, newline=newline)


def is_compressed(path):
    """Whether :func:`open_file` decompresses ``path``, by its suffix."""
    return Path(path).suffix.lower() in _OPENERS


def is_data_error(exc):
    """Whether ``exc`` says that compressed data is truncated or corrupt.

    gzip raises EOFError (truncated), zlib.error or BadGzipFile, bzip2 an
    OSError, xz an LZMAError; the OSErrors of data carry no ``errno``, unlike
    those of the operating system (a full disk, a missing file).
    """
    if isinstance(exc, OSError):
        return exc.errno is None
    return isinstance(exc, (EOFError, zlib.error, lzma.LZMAError))


_MODES = ("wb", "ab", "wt", "at")
# Links deeper than this are a loop, as the kernel's own limit (40) says.
_MAX_LINKS = 40


def output_target(path):
    """The file a write to ``path`` replaces, or None if it is written through.

    Symbolic links are followed, so that a write through a link changes the
    file it points to and leaves the link a link. None for ``'-'`` (standard
    output), for a file descriptor's name (``/dev/stdout``, ``/dev/fd/N``,
    ``/proc/.../fd/N``, which may stand for a pipe or a terminal), and for an
    existing file that is not a regular file (a FIFO, a device, a socket).

    Parameters
    ----------
    path : str or path-like
        The output, as given.

    Returns
    -------
    target : pathlib.Path or None
        The absolute path, free of links, of the regular (or new) file to
        replace; it may also name a directory, which cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_w2v._corpus.files import output_target
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     link = Path(directory) / "latest.txt"
    ...     link.symlink_to("v3.txt")
    ...     print(output_target(link).name, output_target("-"))
    v3.txt None
    """
    name = os.fsdecode(path)
    if name == "-":
        return None
    target = Path(os.path.abspath(name))
    for _ in range(_MAX_LINKS):
        folder = Path(os.path.realpath(target.parent))
        if _is_descriptor_folder(folder):
            return None
        target = folder / target.name
        if not target.is_symlink():
            break
        target = Path(os.path.normpath(folder / os.readlink(target)))
    else:
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), name)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    return target if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else None


def _is_descriptor_folder(folder):
    """Whether names in ``folder`` are open file descriptors, not files."""
    # Linux: /dev/fd is /proc/self/fd; macOS: /dev/fd is a file system of its own.
    return folder.parts[1:2] == ("proc",) or folder == Path("/dev/fd")


@contextmanager
def open_output(path, mode="wb", *, encoding=None, errors=None, newline=None):
    """Open an output for writing, replacing a regular file only once complete.

    A regular file, or a new one, is written to a temporary file in the same
    directory (with the permissions of the file it replaces, and where allowed
    its owner; a new file gets those :func:`open` would give it), flushed to
    the disk and renamed over ``path`` when the ``with`` block ends without an
    error. An error, or an interrupt, removes the temporary file and leaves
    the previous file as it was. A symbolic link is followed: the file it
    points to is replaced, beside itself, and the link stays a link.
    Standard output (``'-'``), a FIFO, a device or a descriptor's name such as
    ``/dev/stdout`` is written through, as :func:`open` would, and its write
    errors (a full device, a reader gone) are raised.

    Parameters
    ----------
    path : str or path-like
        The output; ``'-'`` is standard output. Written through gzip, bzip2
        or xz if its name ends in ``.gz``, ``.bz2`` or ``.xz``.
    mode : {'wb', 'ab', 'wt', 'at'}, default='wb'
        Write or append, binary or text. Appending to a regular file copies
        it to the temporary file first, so that a failed append leaves the
        file as it was too.
    encoding, errors, newline : str, default=None
        As for :func:`open`, in text modes only.

    Yields
    ------
    file : file object
        Binary or text, as ``mode`` says; compressing if the name says so.

    Raises
    ------
    OSError
        If the output cannot be written; ``IsADirectoryError`` for a directory.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_w2v._corpus.files import open_output
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = Path(directory) / "out.txt"
    ...     _ = path.write_text("old\\n")
    ...     try:
    ...         with open_output(path) as file:
    ...             _ = file.write(b"half of it")
    ...             raise ValueError("stopped half-way")
    ...     except ValueError:
    ...         pass
    ...     print(repr(path.read_text()), [p.name for p in Path(directory).iterdir()])
    'old\\n' ['out.txt']
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {', '.join(_MODES)}; got {mode!r}.")
    text = {"encoding": encoding, "errors": errors, "newline": newline}
    if os.fsdecode(path) == "-":
        with _standard_output(mode, text) as file:
            yield file
        return
    target = output_target(path)
    if target is None:
        with open_file(path, mode, **text) as file:
            yield file
        return
    suffix = Path(os.fsdecode(path)).suffix if is_compressed(path) else ""
    with _replacing(target, suffix, mode, text) as file:
        yield file


@contextmanager
def _standard_output(mode, text):
    """Standard output as a file object in ``mode``, flushed but left open."""
    sys.stdout.flush()
    if "t" not in mode:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    import io

    wrapper = io.TextIOWrapper(sys.stdout.buffer, **text)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()  # leaves sys.stdout open


@contextmanager
def _replacing(target, suffix, mode, text):
    """A file object on a temporary file renamed to ``target`` when complete."""
    try:
        previous = target.stat()
    except FileNotFoundError:
        previous = None
    if previous is not None and stat.S_ISDIR(previous.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    temporary, fd = _create_beside(target, suffix)
    try:
        with open(fd, "wb") as raw:
            if previous is not None:
                _keep_owner_and_mode(raw.fileno(), previous)
                if "a" in mode:
                    with open(target, "rb") as old:
                        shutil.copyfileobj(old, raw)
        with open_file(temporary, mode, **text) as file:
            yield file
        _flush_to_disk(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _create_beside(target, suffix):
    """A new, empty hidden file in ``target``'s directory: ``(path, fd)``."""
    while True:
        # The name keeps the suffix that chooses the compression; the leading
        # dot hides it from a LineCorpus reading that directory.
        name = f".{target.name[:200]}.{secrets.token_hex(4)}.tmp{suffix}"
        temporary = target.with_name(name)
        try:
            # 0o666 less the umask, as open() creates files (mkstemp gives 0o600).
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            # Name the file asked for, not the temporary one nobody knows of.
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
        return temporary, fd


def _keep_owner_and_mode(fd, previous):
    """Give the file open on ``fd`` the owner (if allowed) and mode of ``previous``."""
    try:
        os.fchown(fd, previous.st_uid, previous.st_gid)
    except PermissionError:
        pass  # only root may give a file away; it stays the writer's
    # After chown, which clears the set-user-ID bit.
    os.fchmod(fd, stat.S_IMODE(previous.st_mode))


def _flush_to_disk(path):
    """Wait until ``path``'s data is on the disk, so a rename never exposes less."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
