"""benchmarks/sections.py: stand-alone benchmark sections of RESULTS.md survive rewrites."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from sections import STANDALONE, carried_over, existing_section, write_section


def test_write_section_replaces_only_its_own_section(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\n## Speed\n\nfast\n\n## Dense index at scale\n\nold\n\n## Tail\n\nt\n")
    write_section(results, STANDALONE[0], "## Dense index at scale\n\nnew\n")
    text = results.read_text()
    assert "new" in text and "old" not in text
    assert text.index("## Speed") < text.index("new") < text.index("## Tail")


def test_write_section_appends_when_absent_and_carried_over_keeps_order(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n")
    write_section(results, STANDALONE[1], f"{STANDALONE[1]}\n\nopen\n")
    write_section(results, STANDALONE[0], f"{STANDALONE[0]}\n\ndense\n")
    assert existing_section(results, STANDALONE[1]).strip() == f"{STANDALONE[1]}\n\nopen"
    kept = carried_over(results)
    assert kept.index("dense") < kept.index("open") and "# Results" not in kept
    assert carried_over(tmp_path / "missing.md") == ""
