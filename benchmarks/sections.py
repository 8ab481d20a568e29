"""Sections of RESULTS.md written by benchmarks that run on their own (they take long): each
replaces its own section and `make bench` carries them over when it rewrites the file."""

from __future__ import annotations

from pathlib import Path

# Headings of the sections written by stand-alone benchmarks, in the order they are carried over.
STANDALONE = (
    "## Dense index at scale",
    "## Opening a large index",
    "## Local store and Milvus Lite side by side",
)


def existing_section(path: Path, heading: str) -> str:
    """The section under ``heading`` as RESULTS.md holds it now ("" if absent)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if heading not in text:
        return ""
    after = text[text.index(heading) :]
    end = after.find("\n## ", len(heading))
    return after if end < 0 else after[: end + 1]


def write_section(path: Path, heading: str, section: str) -> None:
    """Replace (or append) the section under ``heading``, leaving the rest of the file as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if heading in text:
        before, _, after = text.partition(heading)
        rest = after.find("\n## ")
        text = before + section + (after[rest + 1 :] if rest >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def carried_over(path: Path) -> str:
    """Every stand-alone section RESULTS.md holds now, to append to a rewritten file."""
    parts = [existing_section(path, heading).rstrip("\n") for heading in STANDALONE]
    return "\n\n".join(p for p in parts if p)
