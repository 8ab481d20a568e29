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
from typing import BinaryIO

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


@contextlib.contextmanager
def _atomic_file(path: Path, replace: bool) -> Iterator[BinaryIO]:
    """A binary handle whose content becomes ``path`` when the block ends without error.

    With ``replace`` an existing ``path`` is replaced; without, it raises FileExistsError and stays
    untouched. On any error the temporary file is removed and ``path`` is as it was.
    """
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails with FileExistsError instead of overwriting
            tmp.unlink()
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically (text is encoded with ``encoding``, newlines kept as is)."""
    with _atomic_file(Path(path), replace=True) as handle:
        handle.write(data.encode(encoding) if isinstance(data, str) else data)


def copy_atomic(source: str | Path, target: str | Path, overwrite: bool = False) -> None:
    """Copy ``source`` to ``target`` atomically; without ``overwrite`` an existing target raises
    FileExistsError and is left untouched."""
    with _atomic_file(Path(target), replace=overwrite) as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)


def write_json(path: Path, data: object) -> None:
    """Write UTF-8 JSON (human-readable, no pickle)."""
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def read_json(path: Path) -> object:
    """Read JSON written by :func:`write_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_jsonl(path: Path, rows: Iterable[dict]) -> list[int]:
    """Write one JSON object per line; the byte offset where each line starts (to read one later)."""
    offsets: list[int] = []
    written = 0
    with open(path, "wb") as handle:
        for row in rows:
            line = json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n"
            offsets.append(written)
            written += handle.write(line)
    return offsets


def json_lines(path: str | Path, skipped: list[str] | None = None) -> Iterator[tuple[int, object]]:
    """``(line number, value)`` for each JSON line of a JSON-lines file — the one reader nekb uses.

    Lines end at ``\\n`` only: U+2028 and other Unicode line separators are legal inside JSON
    strings and do not split a row. Invalid JSON raises :class:`InputError` naming the line; with a
    ``skipped`` list, it is recorded there instead (``"name:line: reason"``, blank lines too) and the
    reading goes on. A file that is not UTF-8 or cannot be read raises InputError.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="\n") as handle:
            for n, line in enumerate(handle, start=1):
                if not line.strip():
                    if skipped is not None:
                        skipped.append(f"{path.name}:{n}: empty line")
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as err:
                    message = f"{path.name}:{n}: not valid JSON ({err.msg} at column {err.colno})"
                    if skipped is None:
                        raise InputError(f"{path}:{n}: not valid JSON ({err.msg})") from err
                    skipped.append(message)
                    continue
                yield n, value
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or type(err).__name__})") from err
