"""Write a Traditional-script copy of a question set and its corpus (OpenCC s2t) for dev checks.

Usage: python scripts/make_traditional.py SRC_DIR OUT_DIR [--config s2t]

SRC_DIR holds ``corpus/`` and ``questions.jsonl`` (like ``cmrc2018-trial``). The copy keeps file names
(document ids) and question ids; article text, questions and gold answers are converted. The output is
scratch data for measuring, never committed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from opencc import OpenCC


def convert_set(source: Path, target: Path, config: str = "s2t") -> tuple[int, int]:
    """Convert ``source/corpus/*`` and ``source/questions.jsonl`` into ``target``; return the counts."""
    converter = OpenCC(config)
    (target / "corpus").mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in (source / "corpus").iterdir() if p.is_file())
    for path in files:
        text = path.read_text(encoding="utf-8")
        (target / "corpus" / path.name).write_text(converter.convert(text), encoding="utf-8")
    rows = []
    for line in (source / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        row["q"] = converter.convert(row["q"])
        row["any"] = [converter.convert(a) for a in row["any"]]
        rows.append(row)
    with (target / "questions.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return len(files), len(rows)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--config", default="s2t", help="OpenCC configuration (s2t, s2tw, s2twp)")
    args = parser.parse_args()
    files, questions = convert_set(args.source, args.target, args.config)
    print(f"wrote {files} documents and {questions} questions to {args.target}")


if __name__ == "__main__":
    main()
