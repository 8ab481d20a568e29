"""Small file helpers every stage shares: atomic writes and copies, JSON and JSON-lines reading.

Atomic means readers see the old file or the new one, never a part: data goes to a uniquely named
temporary file in the same folder, is flushed to disk, then renamed over the target.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError


def fsync_dir(path: Path) -> None:
    """Flush a directory entry so a rename inside it survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new, uniquely named hidden file in ``path``'s folder (no two writers ever share one)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:60]}.", suffix=".part", dir=path.parent)
    return fd, Path(name)


def _commit(tmp: Path, path: Path, replace: bool) -> None:
    if replace:
        os.replace(tmp, path)
    else:
        os.link(tmp, path)  # fails with FileExistsError instead of overwriting
        tmp.unlink()
    fsync_dir(path.parent)


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically (text is encoded with ``encoding``, newlines kept as is)."""
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        _commit(tmp, path, replace=True)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def copy_atomic(source: str | Path, target: str | Path, overwrite: bool = False) -> None:
    """Copy ``source`` to ``target`` atomically; without ``overwrite`` an existing target raises
    FileExistsError and is left untouched."""
    target = Path(target)
    fd, tmp = _temporary_beside(target)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        _commit(tmp, target, replace=overwrite)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_json(path: Path, data: object) -> None:
    """Write UTF-8 JSON (human-readable, no pickle)."""
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def read_json(path: Path) -> object:
    """Read JSON written by :func:`write_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    """Write one JSON object per line."""
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False))
            handle.write("\n")


def json_lines(path: str | Path) -> Iterator[tuple[int, object]]:
    """``(line number, value)`` for each non-blank line of a JSON-lines file.

    Lines end at ``\\n`` only: U+2028 and other Unicode line separators are legal inside JSON
    strings and do not split a row. Invalid JSON or UTF-8 raises :class:`InputError` naming the line.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8", newline="\n") as handle:
            for n, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(f"{path}:{n}: not valid JSON ({err.msg})") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or type(err).__name__})") from err
