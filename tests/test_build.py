"""build.settings: the pipeline hash covers every module a document's processing runs."""

from __future__ import annotations

import ast
from pathlib import Path

import nekb
from nekb.build import PIPELINE_FILES

PACKAGE = Path(nekb.__file__).parent


def _imported_modules(name: str) -> set[str]:
    """The package's modules that ``name`` imports (``from .x import`` and ``from . import x``)."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [alias.name for alias in node.names]
            found |= {n for n in names if (PACKAGE / f"{n}.py").exists()}
    return found


def test_the_pipeline_hash_covers_every_module_reading_and_processing_imports() -> None:
    # A module left out could change what a document turns into while the index keeps the old records
    # as "unchanged" (a scratch index built over weeks then differs from a fresh one).
    reached, pending = set(), ["ingest", "pipeline"]
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending += sorted(_imported_modules(name))
    assert {f"{name}.py" for name in reached} - set(PIPELINE_FILES) == set()


def test_every_listed_pipeline_file_exists() -> None:
    missing = [name for name in PIPELINE_FILES if not (PACKAGE / name).is_file()]
    assert missing == []
