"""The corpus folder: which files are documents, their ids, hashes and sources.toml metadata."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import replace
from pathlib import Path

from .errors import InputError
from .types import DocumentInfo

SOURCES_FILE = "sources.toml"
METADATA_FIELDS = ("title", "author", "publisher", "date", "url", "language", "kind")


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every regular file under ``corpus_dir`` except hidden files and ``sources.toml``, sorted.

    Symbolic links are listed too; :func:`outside_link` tells which of them leave the corpus.
    """
    corpus_dir = Path(corpus_dir)
    files = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if path.name == SOURCES_FILE or any(p.startswith(".") for p in rel.parts):
            continue
        if path.is_file() or path.is_symlink():
            files.append(path)
    return files


def outside_link(path: Path, corpus_dir: Path) -> str | None:
    """Why ``path`` must not be read (a link leaving the corpus, or a broken one), else None."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    root = Path(corpus_dir).resolve()
    if root != target and root not in target.parents:
        return "a symbolic link to a file outside the corpus folder; not indexed"
    if not target.is_file():
        return "a broken symbolic link; not indexed"
    return None


def doc_id_for(path: Path, corpus_dir: Path) -> str:
    """Document id: the file's path relative to the corpus folder, with forward slashes."""
    return Path(path).relative_to(corpus_dir).as_posix()


def content_hash(path: Path) -> str:
    """SHA-256 of the file's bytes, read in blocks so large files stay in bounded memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_sources(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """Metadata tables from ``sources.toml`` keyed by document id; empty when the file is absent.

    Raises InputError naming the file when it is not valid TOML.
    """
    path = Path(corpus_dir) / SOURCES_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: invalid TOML ({err})") from err
    return {
        name: {k: str(v) for k, v in table.items() if k in METADATA_FIELDS}
        for name, table in data.items()
        if isinstance(table, dict)
    }


def document_info(doc_id: str, sources: dict[str, dict[str, str]], **extra: object) -> DocumentInfo:
    """Metadata for ``doc_id`` from sources.toml; a document without an entry gets its file name as title."""
    meta = dict(sources.get(doc_id, {}))
    meta.setdefault("title", "")
    if not meta["title"]:
        meta["title"] = Path(doc_id).name
    return DocumentInfo(doc_id=doc_id, **meta, **extra)


def with_own_metadata(info: DocumentInfo) -> DocumentInfo:
    """``info`` with the file's own title and date (``document_title``/``document_date``) filling in
    where sources.toml gives none; a title equal to the file name is the fallback, not a given title."""
    title = info.title
    if info.document_title and title == Path(info.doc_id).name:
        title = info.document_title
    return replace(info, title=title, date=info.date or info.document_date)
