"""Versioned, crash-safe index directory: each build writes a new version and flips a pointer atomically.

Layout::

    index/CURRENT               name of the live version (replaced with write + fsync + rename)
    index/v-<UTC time>-<pid>/   one complete version: manifest.json written last
    index/.lock                 pid of the writer holding the lock
"""

from __future__ import annotations

import calendar
import contextlib
import errno
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import IndexMissingError, LockedError
from .fileio import fsync_dir, write_atomic

POINTER = "CURRENT"
LOCK = ".lock"
VERSION_PREFIX = "v-"
_TIME_FORMAT = "%Y%m%d-%H%M%S"
# v-<date>-<time>-<nanoseconds>[Z]-<pid>: Z marks UTC; names without it (older nekb) are local time.
_VERSION_NAME = re.compile(re.escape(VERSION_PREFIX) + r"(\d{8}-\d{6})-(\d{9})(Z?)-\d+")


def version_time_ns(name: str) -> int:
    """When the version called ``name`` was made, in nanoseconds since the epoch (-1 when the name is
    not a version's). Names are compared by this, not as text: a local-time name made in the hour the
    clocks go back would sort before one made just before it."""
    match = _VERSION_NAME.fullmatch(name)
    if match is None:
        return -1
    fields = time.strptime(match.group(1), _TIME_FORMAT)
    seconds = calendar.timegm(fields) if match.group(3) else time.mktime(fields)
    return int(seconds) * 10**9 + int(match.group(2))


def _oldest_first(versions: list[Path]) -> list[Path]:
    return sorted(versions, key=lambda p: (version_time_ns(p.name), p.name))


def complete_versions(index_dir: Path) -> list[Path]:
    """Every complete version directory (its manifest written), newest first."""
    versions = [p for p in Path(index_dir).glob(f"{VERSION_PREFIX}*") if (p / "manifest.json").is_file()]
    return _oldest_first(versions)[::-1]


def current_version(index_dir: Path) -> Path | None:
    """The live version directory: the one CURRENT names, or, when CURRENT is lost or names no
    complete version, the newest complete one; None when the index has never been built."""
    pointer = Path(index_dir) / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        name = ""
    version = Path(index_dir) / name if name and "/" not in name and name != ".." else None
    if version is not None and (version / "manifest.json").is_file():
        return version
    versions = complete_versions(index_dir)
    return versions[0] if versions else None


def candidate_versions(index_dir: Path) -> list[Path]:
    """The versions to try loading, in order: the live one, then the older complete ones, newest first."""
    live = current_version(index_dir)
    return ([live] if live else []) + [v for v in complete_versions(index_dir) if v != live]


def require_version(index_dir: Path) -> Path:
    """Return the live version directory or raise IndexMissingError saying what to run."""
    version = current_version(index_dir)
    if version is None:
        raise IndexMissingError(
            f"no index in {index_dir}: run `nekb build --index {index_dir}` (or `make run`)"
        )
    return version


def version_name(now_ns: int, pid: int) -> str:
    """A version directory's name: its creation time in UTC to the nanosecond, then the process id.
    Seconds and nanoseconds come from one clock reading: read apart, a version made across a second's
    turn was named after the old second and the new nanoseconds, and sorted before the one made just
    before it."""
    seconds, nanoseconds = divmod(now_ns, 10**9)
    return f"{VERSION_PREFIX}{time.strftime(_TIME_FORMAT, time.gmtime(seconds))}-{nanoseconds:09d}Z-{pid}"


def new_version_dir(index_dir: Path) -> Path:
    """Create an empty directory for a version being written."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    path = Path(index_dir) / version_name(time.time_ns(), os.getpid())
    path.mkdir()
    return path


def publish(version: Path, keep: int = 2) -> None:
    """Make ``version`` live: fsync its files, flip the pointer, then drop versions beyond ``keep``."""
    for file in version.rglob("*"):
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(version)
    write_atomic(version.parent / POINTER, version.name)
    collect_garbage(version.parent, keep=keep)


def collect_garbage(index_dir: Path, keep: int = 2) -> None:
    """Delete partial versions and all complete ones but the live one and its ``keep - 1`` predecessors."""
    live = current_version(index_dir)
    versions = _oldest_first([p for p in Path(index_dir).glob(f"{VERSION_PREFIX}*") if p.is_dir()])
    complete = [p for p in versions if (p / "manifest.json").exists() and p != live]
    kept = set(complete[-(keep - 1) :]) if keep > 1 else set()
    for path in versions:
        if path != live and path not in kept and not _being_written(path):
            shutil.rmtree(path, ignore_errors=True)


def _being_written(path: Path) -> bool:
    """A partial version whose writer is still alive must not be deleted under it."""
    if (path / "manifest.json").exists():
        return False
    pid = path.name.rsplit("-", 1)[-1]
    return pid.isdigit() and int(pid) != os.getpid() and pid_alive(int(pid))


def pid_alive(pid: int) -> bool:
    """True when a process with ``pid`` exists."""
    try:
        os.kill(pid, 0)
    except OSError as err:
        return err.errno == errno.EPERM
    return True


@contextlib.contextmanager
def write_lock(index_dir: Path, wait_seconds: float = 5.0) -> Iterator[None]:
    """Hold the index's writer lock; wait briefly for a live owner, take over from a dead one."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    lock = Path(index_dir) / LOCK
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = _lock_owner(lock)
            if owner is None and _age(lock) < 2.0:
                owner = -1  # just created; its owner is writing its pid right now
            if owner is None or (owner > 0 and not pid_alive(owner)):
                # Stale lock from a crashed writer: remove it and race again for it fairly.
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()
                continue
            if time.monotonic() >= deadline:
                who = f"process {owner}" if owner > 0 else "another process"
                raise LockedError(
                    f"index {index_dir} is being written by {who}; try again when it finishes"
                ) from None
            time.sleep(0.1)
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        break
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            if _lock_owner(lock) == os.getpid():
                lock.unlink()


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _lock_owner(lock: Path) -> int | None:
    try:
        text = lock.read_text().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None
