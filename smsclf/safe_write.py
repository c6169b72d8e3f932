"""Writing outputs so that nothing a user owns is lost: files and model folders are written
beside their destination and moved into place only when complete.

``atomic_text_file`` writes a temporary ``.NAME.PID.XXXXXXXX.tmp`` in the destination's
folder and replaces the destination once it is complete and on disk; any failure (SIGTERM
and SIGHUP included) removes the temporary and leaves the old file as it was.

``smsclf train --out DIR`` creates DIR, or replaces a DIR that already holds a smsclf model;
any other existing path is refused unless the caller forces it (a folder) — a file is never
replaced.  The new model is written into a temporary sibling and swapped into place: on
Linux with one atomic ``renameat2(RENAME_EXCHANGE)``, elsewhere with two renames whose
in-between state the next run repairs.  A crash at any point leaves the old model or the new
one at DIR; temporaries left by a killed run carry its process id and are removed by the
next run once that process is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from smsclf import model as _model

_RENAME_EXCHANGE = 2


class OutputError(ValueError):
    """An output that cannot be written: writing it would destroy something of the user's,
    or the system refused (a missing folder, a full disk); the message names the path."""


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.(?:tmp|old)-(\d+)-[A-Za-z0-9_]+")


def running(pid: int) -> bool:
    """Whether a process of that id exists (ours, or another user's).  POSIX only: on Windows
    ``os.kill(pid, 0)`` would end the process, so there every id counts as running."""
    if os.name != "posix" or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or not a pid at all
        return True
    return True


def umask() -> int:
    """The process umask.  Linux (4.7+) shows it in /proc/self/status; elsewhere it can
    only be read by setting it, and set back at once."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_folder(folder: Path) -> None:
    """Make a rename durable; not possible everywhere (Windows), so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def signals_as_exit() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP (``kill``, ``timeout``, a closed terminal) into SystemExit
    (exit code 128 + the signal), so that cleanup code runs; Python's default would end the
    process at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    names = [s for s in ("SIGTERM", "SIGHUP") if hasattr(signal, s)]
    previous = {s: signal.signal(getattr(signal, s), stop) for s in names}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(getattr(signal, s), handler)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block ends (a few renames), so that they
    cannot stop it halfway; POSIX only."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {getattr(signal, n) for n in names})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def cannot_write(name: str, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {name}: {exc.strerror or exc}")


@contextlib.contextmanager
def atomic_text_file(target: Path, mode: int, name: str | None = None) -> Iterator[IO[str]]:
    """A UTF-8 text stream whose content replaces ``target`` (with permissions ``mode``)
    only when the block ends without error.  OSErrors of creating, syncing and renaming the
    file become OutputError naming ``name``; what the block raises passes unchanged."""
    name = name or str(target)
    with signals_as_exit():
        _remove_stale_files(target)
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent,
                                       prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
        except OSError as exc:
            raise cannot_write(name, exc) from exc
        done = False
        f = None
        try:
            f = os.fdopen(fd, "w", encoding="utf-8", newline="")
            yield f
            try:
                f.flush()
                os.fsync(f.fileno())
                f.close()
                os.chmod(tmp, mode)
                os.replace(tmp, target)
            except BrokenPipeError:
                raise
            except OSError as exc:
                raise cannot_write(name, exc) from exc
            done = True
            fsync_folder(target.parent)
        finally:
            if not done:
                with contextlib.suppress(OSError):
                    if f is None:
                        os.close(fd)
                    else:
                        f.close()
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _stale(folder: Path, pattern: re.Pattern[str], folders: bool) -> list[Path]:
    """What killed runs left in ``folder``: entries whose whole name matches ``pattern``
    (group 1: the process id), of the expected kind (folders, or regular files; never a
    link), whose process is gone."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    out = []
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        kind_ok = (entry.is_dir(follow_symlinks=False) if folders
                   else entry.is_file(follow_symlinks=False))
        if m and kind_ok and not running(int(m.group(1))):
            out.append(Path(entry.path))
    return out


def _remove_stale_files(target: Path) -> None:
    """Remove the temporaries that killed runs left for this file."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.([1-9][0-9]*)\.[a-z0-9_]{{8}}\.tmp")
    for path in _stale(target.parent, pattern, folders=False):
        with contextlib.suppress(OSError):
            os.unlink(path)


def holds_model(path: Path) -> bool:
    """Whether ``path`` is a folder whose manifest says it is a smsclf model."""
    manifest = path / _model.MANIFEST_FILE
    try:
        if not manifest.is_file() or manifest.stat().st_size > _model.MAX_MANIFEST_BYTES:
            return False
        data = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == _model.FORMAT


def check_output_dir(out: Path, force: bool = False) -> None:
    """Refuse an ``out`` whose replacement would destroy something that is not a model."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; a model is a folder, and an "
                          "existing file is never replaced")
    if holds_model(out) or not any(out.iterdir()) or force:
        return
    raise OutputError(f"{out}: exists and does not hold a smsclf model (no {_model.MANIFEST_FILE}"
                      " of this format); choose another --out, or pass --force to replace the "
                      "folder and everything in it")


def clean_stale(out: Path) -> list[Path]:
    """Remove what killed runs left beside ``out``; put back a model that a crash between the
    two renames of the fallback swap left aside.  Returns the paths removed."""
    removed = []
    for entry in sorted(_stale(out.parent, _temp_pattern(out.name), folders=True)):
        if not out.exists() and ".old-" in entry.name and holds_model(entry):
            os.replace(entry, out)  # the old model, set aside by a run killed mid-swap
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _exchange_function() -> Callable[[Path, Path], bool] | None:
    """``renameat2(..., RENAME_EXCHANGE)`` of the C library, where there is one (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return None
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd = -100

    def exchange(a: Path, b: Path) -> bool:
        """Swap two paths atomically; False where the file system does not support it."""
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return True
        err = ctypes.get_errno()
        if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: fall back to two renames
            return False
        raise OSError(err, os.strerror(err), str(b))

    return exchange


def write_model_dir(out: Path, write: Callable[[Path], None], force: bool = False) -> None:
    """Run ``write(folder)`` on a temporary sibling of ``out``, then swap it into place."""
    out = Path(os.path.realpath(out))  # a link to a model folder: replace the folder
    check_output_dir(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:
        write(tmp)
        for entry in tmp.iterdir():  # on disk before the swap: a power cut cannot empty it
            with open(entry, "rb") as f:
                os.fsync(f.fileno())
        os.chmod(tmp, 0o777 & ~umask())  # mkdtemp makes 0700; a model folder is shared
        check_output_dir(out, force)  # again: out may have changed during a long fit
        with _signals_deferred():
            _swap_into_place(tmp, out)
        fsync_folder(out.parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_into_place(new: Path, out: Path) -> None:
    """Put ``new`` at ``out``; what was at ``out`` ends up at ``new`` and is removed by the
    caller.  A crash at any point leaves the old or the new model at ``out`` (or, with the
    fallback, the old one set aside where the next run's ``clean_stale`` puts it back)."""
    if not os.path.lexists(out):
        os.replace(new, out)
        return
    exchange = _exchange_function()
    if exchange is not None and exchange(new, out):
        return
    aside = out.with_name(f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    os.replace(out, aside)
    os.replace(new, out)
    shutil.rmtree(aside, ignore_errors=True)
