"""Adding and removing files in the corpus folder: sanitized names, duplicate detection by content."""

from __future__ import annotations

import contextlib
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .corpus import content_hash, corpus_files, doc_id_for, outside_link
from .errors import printable
from .fileio import copy_atomic
from .ingest import SUPPORTED_SUFFIXES

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


# File systems allow 255 bytes per name; leave room for "-NN" and the temporary copy's affixes.
MAX_NAME_BYTES = 180


def sanitize_name(name: str) -> str:
    """A safe file name: no path separators, no ``..``, no control characters, NFC, at most
    MAX_NAME_BYTES bytes of UTF-8 (cut on a character boundary, the suffix kept).

    Spaces and Chinese characters are kept; an empty result becomes ``document``.
    """
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = _UNSAFE.sub("_", name).strip(" .")
    name = re.sub(r"\.{2,}", ".", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = f".{suffix.lower()}" if suffix else ""
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode(errors="ignore").rstrip(" .") or "document"
    return stem + suffix


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every supported file inside named folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            out.append(path)
    return out


def copy_into_corpus(paths: Iterable[str | Path], corpus_dir: Path) -> tuple[list[str], list[str]]:
    """Copy files into ``corpus_dir`` under sanitized, non-clashing names.

    Returns ``(added doc ids, one-line errors)``. A file whose bytes equal a corpus document's is
    refused, naming that document; missing files and unsupported formats are refused too.
    """
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    files = [p for p in corpus_files(corpus_dir) if outside_link(p, corpus_dir) is None]
    known = {content_hash(p): doc_id_for(p, corpus_dir) for p in files}
    added: list[str] = []
    errors: list[str] = []
    for source in expand_paths(paths):
        if not source.is_file():
            errors.append(f"{printable(str(source))}: no such file")
            continue
        if source.suffix.lower() not in SUPPORTED_SUFFIXES:
            errors.append(
                f"{printable(source.name)}: unsupported format {source.suffix or '(none)'} "
                f"(supported: {', '.join(SUPPORTED_SUFFIXES)})"
            )
            continue
        digest = content_hash(source)
        if digest in known:
            errors.append(f"{printable(source.name)}: duplicate of {known[digest]}, not added")
            continue
        try:
            target = _copy_under_free_name(source, corpus_dir, sanitize_name(source.name))
        except OSError as err:
            errors.append(f"{printable(source.name)}: cannot copy ({err.strerror or type(err).__name__})")
            continue
        known[digest] = target.name
        added.append(target.name)
    return added, errors


def _copy_under_free_name(source: Path, folder: Path, name: str) -> Path:
    """Copy ``source`` into ``folder`` as ``name``, or ``stem-2.ext``… if taken, never overwriting.

    The copy goes to a unique hidden temporary file first and is then linked in under a name that
    must not exist yet, so two processes adding the same name at once get two files, neither a mix
    (a crash mid-copy leaves only a hidden ``.part`` file, which builds ignore).
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while True:
        target = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not target.exists():
            try:
                copy_atomic(source, target, overwrite=False)
                return target
            except FileExistsError:
                pass  # another writer took the name between the check and the link
        n += 1


def delete_from_corpus(doc_ids: Iterable[str], corpus_dir: Path) -> tuple[list[str], list[str]]:
    """Delete documents' files from the corpus folder; returns ``(removed ids, one-line errors)``.

    A document that is a symbolic link loses the link only, never the file it points to.
    """
    corpus_dir = Path(corpus_dir).resolve()
    removed, errors = [], []
    for doc_id in doc_ids:
        path = corpus_dir / doc_id
        # Resolve the folders, not the file itself: a link named in the corpus is what goes.
        inside = corpus_dir == path.parent.resolve() or corpus_dir in path.parent.resolve().parents
        if not inside or not (path.is_symlink() or path.is_file()):
            errors.append(f"{printable(doc_id)}: no such document in {corpus_dir}")
            continue
        path.unlink()
        removed.append(doc_id)
    return removed, errors


@contextlib.contextmanager
def save_uploads(files: Sequence[tuple[str, bytes]]) -> Iterator[list[Path]]:
    """Write ``(name, content)`` uploads into a temporary folder under their sanitized names.

    Yields the paths; the folder is deleted afterwards. Two uploads with the same name go into
    separate sub-folders so neither overwrites the other.
    """
    with tempfile.TemporaryDirectory(prefix="nekb-upload-") as tmp:
        folder = Path(tmp)
        paths: list[Path] = []
        used: set[str] = set()
        for n, (name, content) in enumerate(files):
            base = sanitize_name(name)
            target_dir = folder if base not in used else folder / f"dup-{n}"
            target_dir.mkdir(parents=True, exist_ok=True)
            used.add(base)
            path = target_dir / base
            path.write_bytes(content)
            paths.append(path)
        yield paths
