"""Batch question files in and answer files out: pure readers and writers around ``kb.ask_many``.

Inputs: ``.txt`` (one question per line), ``.jsonl`` (``{"q": ...}`` or ``{"question": ...}``) or
``.csv`` (a ``question`` column). Other JSONL fields and CSV columns are carried through to the output.
Empty or malformed rows never stop a batch: each becomes a one-line message ``file:line: reason``.

Outputs: ``.jsonl`` (one nested object per question) or ``.csv`` (one flat row per question), always
in input order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .fileio import json_lines, write_atomic
from .types import Answer

INPUT_SUFFIXES = (".txt", ".jsonl", ".csv")
OUTPUT_SUFFIXES = (".jsonl", ".csv")
# Accepted names of the question field, in order of preference.
QUESTION_KEYS = ("q", "question")
# Joins list values inside one CSV cell.
CSV_JOIN = " | "
# The answer columns of a CSV output row (carried input columns come first).
FLAT_COLUMNS = ("question", "answer", "reason", "claims", "sources", "source_doc_ids", "fact_ids")


@dataclass(frozen=True)
class BatchRow:
    """One question read from a batch file, with the fields to carry through to its output row."""

    line: int
    question: str
    carried: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchInput:
    """The usable rows of a batch file, in file order, and one message per skipped row."""

    rows: tuple[BatchRow, ...]
    skipped: tuple[str, ...] = ()

    @property
    def questions(self) -> list[str]:
        """The question texts, in file order (what ``kb.ask_many`` takes)."""
        return [row.question for row in self.rows]


def _suffix(path: Path, supported: Sequence[str], role: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in supported:
        raise InputError(
            f"{path}: unsupported {role} file type {suffix or '(no extension)'!r}; use one of "
            + ", ".join(supported)
        )
    return suffix


def check_output(path: str | Path) -> str:
    """Return the output format of ``path`` (``.jsonl``/``.csv``); raise InputError for others.

    Called before answering so a wrong ``--out`` fails in a second, not after the whole batch.
    """
    return _suffix(Path(path), OUTPUT_SUFFIXES, "output")


def read_batch(path: str | Path) -> BatchInput:
    """Read a ``.txt``, ``.jsonl`` or ``.csv`` question file; raise InputError for other file types.

    Rows that are empty or malformed are skipped and reported in ``BatchInput.skipped`` as
    ``"<file name>:<line>: <reason>"``; a file-level problem (not UTF-8, a CSV without a
    ``question`` column) raises InputError naming the file.
    """
    path = Path(path)
    suffix = _suffix(path, INPUT_SUFFIXES, "input")
    if suffix == ".jsonl":
        return _read_jsonl(path)
    try:
        # utf-8-sig: spreadsheet exports often start with a BOM that must not end up in a question.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    return parse_txt(text, path.name) if suffix == ".txt" else parse_csv(text, path.name)


def parse_txt(text: str, name: str = "questions.txt") -> BatchInput:
    """One question per line; blank lines are reported and skipped."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start an empty one
    rows, skipped = [], []
    for number, line in enumerate(lines, start=1):
        question = line.strip()
        if question:
            rows.append(BatchRow(number, question))
        else:
            skipped.append(f"{name}:{number}: empty line")
    return BatchInput(tuple(rows), tuple(skipped))


def _read_jsonl(path: Path) -> BatchInput:
    """One JSON object per line holding ``q`` or ``question``; its other fields are carried."""
    rows: list[BatchRow] = []
    skipped: list[str] = []
    name = path.name
    for number, record in json_lines(path, skipped=skipped):
        if not isinstance(record, dict):
            skipped.append(f"{name}:{number}: not a JSON object")
            continue
        key = next((k for k in QUESTION_KEYS if k in record), None)
        if key is None:
            skipped.append(f'{name}:{number}: no "q" or "question" field')
            continue
        question = record[key]
        if not isinstance(question, str):
            skipped.append(f'{name}:{number}: "{key}" is not a string')
            continue
        if not question.strip():
            skipped.append(f"{name}:{number}: empty question")
            continue
        carried = {k: v for k, v in record.items() if k != key}
        rows.append(BatchRow(number, question.strip(), carried))
    return BatchInput(tuple(rows), tuple(skipped))


def parse_csv(text: str, name: str = "questions.csv") -> BatchInput:
    """A header row with a ``question`` column; the other columns are carried as strings.

    Line numbers are those of the file (a quoted cell may span lines; a row is numbered by the
    line it starts on).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{name}: empty CSV file (expected a header row with a 'question' column)") from None
    except csv.Error as err:
        raise InputError(f"{name}:1: not valid CSV ({err})") from err
    header = [h.strip() for h in header]
    if "question" not in header:
        raise InputError(
            f"{name}: no 'question' column in the header (columns: {', '.join(header) or 'none'})"
        )
    column = header.index("question")
    rows, skipped = [], []
    previous_end = reader.line_num
    while True:
        number = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            # The csv module cannot resume after a broken row: report it and keep what was read.
            skipped.append(f"{name}:{number}: not valid CSV ({err}); the rest of the file was not read")
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            skipped.append(f"{name}:{number}: empty row")
            continue
        if len(cells) != len(header):
            skipped.append(f"{name}:{number}: expected {len(header)} fields, found {len(cells)}")
            continue
        question = cells[column].strip()
        if not question:
            skipped.append(f"{name}:{number}: empty question")
            continue
        carried = {h: c for i, (h, c) in enumerate(zip(header, cells, strict=True)) if i != column}
        rows.append(BatchRow(number, question, carried))
    return BatchInput(tuple(rows), tuple(skipped))


# -- output -----------------------------------------------------------------------------------


def answer_record(row: BatchRow, answer: Answer) -> dict[str, Any]:
    """The JSONL object of one answered row: the carried fields, then :meth:`Answer.to_dict`.

    When a carried field has the name of an answer field, the answer field wins.
    """
    return {**row.carried, **answer.to_dict(), "question": row.question}


def flat_record(row: BatchRow, answer: Answer) -> dict[str, str]:
    """The CSV row of one answered row: carried columns, then the answer flattened to text cells."""
    fact_ids = [f.fact_id for f in answer.facts]
    for claim in answer.claims:  # claims may link facts the answer's fact list does not repeat
        fact_ids.extend(i for i in claim.fact_ids if i not in fact_ids)
    carried = {
        k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in row.carried.items()
    }
    return {
        **carried,
        "question": row.question,
        "answer": answer.text,
        "reason": answer.reason,
        "claims": str(len(answer.claims)),
        "sources": CSV_JOIN.join(h.label(n) for n, h in enumerate(answer.passages, start=1)),
        "source_doc_ids": CSV_JOIN.join(dict.fromkeys(h.doc_id for h in answer.passages)),
        "fact_ids": CSV_JOIN.join(fact_ids),
    }


def write_answers(path: str | Path, rows: Sequence[BatchRow], answers: Sequence[Answer]) -> None:
    """Write one output record per row, in order, as ``.jsonl`` or ``.csv`` (chosen by suffix).

    The file is written to a temporary name and renamed, so a failed write leaves no half file.
    """
    path = Path(path)
    suffix = check_output(path)
    if len(rows) != len(answers):
        raise ValueError(f"{len(rows)} questions but {len(answers)} answers")  # a caller's bug
    if suffix == ".jsonl":
        lines = [
            json.dumps(answer_record(r, a), ensure_ascii=False) for r, a in zip(rows, answers, strict=True)
        ]
        content = "".join(line + "\n" for line in lines)
    else:
        content = format_csv([flat_record(r, a) for r, a in zip(rows, answers, strict=True)])
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig for CSV: without the BOM, Excel shows Chinese text as mojibake.
    write_atomic(path, content, encoding="utf-8-sig" if suffix == ".csv" else "utf-8")


def format_csv(records: Sequence[dict[str, str]]) -> str:
    """CSV text of flat records; columns in first-seen order across all records."""
    columns: dict[str, None] = {} if records else dict.fromkeys(FLAT_COLUMNS)
    for record in records:
        columns.update(dict.fromkeys(record))
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()
