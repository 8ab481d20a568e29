"""Scoring a fact table against hand-annotated gold rows (the fact-gold format), as pure functions.

A gold row is one JSON object per line: ``doc``, ``quote`` (a verbatim substring of the document
around the number), ``value``, ``value_high`` (upper end of a range, else null), ``unit``,
``entity``, ``indicator``, ``keywords`` (1-3 alternatives any right indicator contains), ``period``
(``"2024"``, ``"2010-2020"``, ``"2024-03"`` or ``""``) and an optional ``note``.

The rule (the one the held-out annotations are judged by):

* A gold row is **found** by an extracted row of the same document whose sentence contains the
  quote (both in match form: whitespace dropped, NFKC, Traditional→Simplified, pinyin dropped) and
  whose value agrees once magnitude words are applied (33 万人 = 330000 人, 3 成 = 30 %; either end of
  a gold range may match) with a compatible unit (equal, one a prefix of the other, or either empty).
  Each extracted row is used once; among the candidates the one with most right fields wins.
* A found row is **right** when its entity is (equal or one contains the other; empty only where
  gold is empty), its period is (the same years and months) and its indicator contains a keyword.
* Precision is right rows over all extracted rows of the gold documents, recall right rows over
  gold rows. Per-field accuracy is over found rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .fileio import json_lines
from .types import Fact

Normalize = Callable[[str], str]
FIELDS = ("entity", "period", "indicator")
# Magnitude words at the start of a unit, largest first (万亿 before 万 and 亿).
_MAGNITUDES = (
    ("万亿", 1e12),
    ("亿", 1e8),
    ("千万", 1e7),
    ("百万", 1e6),
    ("万", 1e4),
    ("千", 1e3),
    ("百", 1e2),
)
_PERIOD_PART = re.compile(r"(\d{4})(?:\s*年)?(?:\s*[-/.]\s*|\s*年\s*)?(?:(\d{1,2})(?!\d)\s*月?)?")
_YEAR_LIKE = re.compile(r"^(?:1[5-9]|20)\d{2}$")


@dataclass(frozen=True)
class GoldFact:
    """One hand-annotated fact (see the module docstring for the fields)."""

    doc: str
    quote: str
    value: float
    unit: str
    entity: str
    indicator: str
    keywords: tuple[str, ...]
    period: str
    value_high: float | None = None
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class RowVerdict:
    """A gold row and the extracted row that found it (None when none did), field by field."""

    gold: GoldFact
    fact: Fact | None
    entity: bool = False
    period: bool = False
    indicator: bool = False

    @property
    def right(self) -> bool:
        """Whole-row right: found, and entity, period and indicator right."""
        return self.fact is not None and self.entity and self.period and self.indicator


@dataclass(frozen=True)
class Counts:
    """Precision, recall and F1 of one set of documents."""

    right: int
    extracted: int
    gold: int
    found: int

    @property
    def precision(self) -> float:
        """Right rows over all extracted rows."""
        return self.right / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        """Right rows over gold rows."""
        return self.right / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        """Plain-dict form with the three ratios rounded to 4 places."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "right": self.right,
            "extracted": self.extracted,
            "gold": self.gold,
            "found": self.found,
        }


@dataclass(frozen=True)
class FactScore:
    """The whole score: totals, per document, per field, and what went wrong."""

    total: Counts
    per_doc: dict[str, Counts]
    field_accuracy: dict[str, float]
    verdicts: tuple[RowVerdict, ...]
    unmatched: tuple[Fact, ...] = field(default=())  # extracted rows that found no gold row

    @property
    def misses(self) -> list[RowVerdict]:
        """Gold rows not whole-row right, in file order."""
        return [v for v in self.verdicts if not v.right]

    @property
    def year_rows(self) -> list[Fact]:
        """Extracted rows that are a year or date (value like 1876 with unit 年): always wrong."""
        return [f for f in self.unmatched if is_year_row(f)]

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output."""
        return {
            **self.total.to_dict(),
            "field_accuracy": self.field_accuracy,
            "per_doc": {doc: c.to_dict() for doc, c in self.per_doc.items()},
            "year_rows": len(self.year_rows),
            "misses": [_verdict_dict(v) for v in self.misses],
            "unmatched": [_fact_brief(f) for f in self.unmatched],
        }


def load_gold(path: str | Path) -> list[GoldFact]:
    """Read gold rows; a line missing a field or with a non-numeric value raises InputError."""
    rows = []
    for n, row in json_lines(path):
        if not isinstance(row, dict):
            raise InputError(f"{path}:{n}: a gold fact row must be a JSON object")
        missing = [k for k in ("doc", "quote", "value") if k not in row]
        if missing:
            raise InputError(f"{path}:{n}: a gold fact row needs {', '.join(missing)}")
        try:
            value = _number(row["value"])
            high = None if row.get("value_high") is None else _number(row["value_high"])
        except (TypeError, ValueError):
            raise InputError(f"{path}:{n}: value {row['value']!r} is not a number") from None
        keywords = row.get("keywords") or []
        if isinstance(keywords, str):
            keywords = [keywords]
        rows.append(
            GoldFact(
                doc=str(row["doc"]),
                quote=str(row["quote"]),
                value=value,
                unit=str(row.get("unit") or ""),
                entity=str(row.get("entity") or ""),
                indicator=str(row.get("indicator") or ""),
                keywords=tuple(str(k) for k in keywords),
                period=str(row.get("period") or ""),
                value_high=high,
                note=str(row.get("note") or ""),
                line=n,
            )
        )
    return rows


def is_gold_file(path: str | Path) -> bool:
    """True when the first row of a JSON-lines file is in the fact-gold format (has doc and quote)."""
    for _, row in json_lines(path):
        return isinstance(row, dict) and "quote" in row and "doc" in row
    return False


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return float(value)


# --- the matching rule -----------------------------------------------------------------------


def scaled(value: float, unit: str) -> tuple[float, str]:
    """Apply the magnitude word at the start of ``unit``: (33, 万人) -> (330000, 人); (3, 成) -> (30, %)."""
    unit = unit.strip()
    if unit == "成":
        return value * 10, "%"
    for word, factor in _MAGNITUDES:
        if unit.startswith(word) and unit != word + "分之":
            return value * factor, unit[len(word) :]
    return value, unit


def units_compatible(a: str, b: str) -> bool:
    """Equal units, one a prefix of the other, or either empty."""
    return not a or not b or a.startswith(b) or b.startswith(a)


def value_agrees(fact: Fact, gold: GoldFact, normalize: Normalize = str) -> bool:
    """The fact's value equals the gold value (or either end of a gold range) after magnitudes.

    Units are compared in match form (``個百分點`` = ``个百分点``).
    """
    fact_unit, gold_unit = normalize(fact.unit), normalize(gold.unit)
    fact_value, fact_base = scaled(fact.value, fact_unit)
    ends = [gold.value] + ([gold.value_high] if gold.value_high is not None else [])
    for end in ends:
        gold_value, gold_base = scaled(end, gold_unit)
        same_units = units_compatible(fact_unit, gold_unit) or units_compatible(fact_base, gold_base)
        if not same_units:
            continue
        if math.isclose(fact_value, gold_value, rel_tol=1e-6, abs_tol=1e-9):
            return True
    return False


def period_key(period: str) -> tuple[tuple[int, int], ...]:
    """The years (and months) of a period: ``2010年—2020年`` and ``2010-2020`` give the same key."""
    parts = []
    for m in _PERIOD_PART.finditer(period):
        month = int(m[2]) if m[2] and 1 <= int(m[2]) <= 12 else 0
        parts.append((int(m[1]), month))
    return tuple(parts)


def field_verdicts(fact: Fact, gold: GoldFact, normalize: Normalize) -> tuple[bool, bool, bool]:
    """(entity, period, indicator) right for an extracted row against a gold row."""
    entity, wanted = normalize(fact.entity), normalize(gold.entity)
    entity_ok = (wanted in entity or entity in wanted) if entity else not wanted
    period_ok = period_key(fact.period) == period_key(gold.period)
    indicator = normalize(fact.indicator)
    indicator_ok = any(normalize(k) and normalize(k) in indicator for k in gold.keywords)
    return entity_ok, period_ok, indicator_ok


def is_year_row(fact: Fact) -> bool:
    """A year or date taken for a figure: ``1876`` with unit 年 (or no unit), or a month/day."""
    value = f"{fact.value:g}"
    if fact.unit in ("年", "") and _YEAR_LIKE.match(value):
        return True
    return fact.unit in ("月", "日", "号") and fact.value == int(fact.value)


def score_facts(facts: Sequence[Fact], gold: Sequence[GoldFact], normalize: Normalize) -> FactScore:
    """Score the rows of ``facts`` that come from the documents of ``gold`` (see the module docstring).

    ``normalize`` turns text into match form (``SearchNormalizer.match_form``).
    """
    docs = list(dict.fromkeys(g.doc for g in gold))
    rows = [f for f in facts if f.doc_id in set(docs)]
    sentence_forms = {f.fact_id: normalize(f.sentence) for f in rows}
    by_doc: dict[str, list[Fact]] = {}
    for f in rows:
        by_doc.setdefault(f.doc_id, []).append(f)
    used: set[str] = set()
    verdicts = []
    for g in gold:
        quote = normalize(g.quote)
        candidates = [
            f
            for f in by_doc.get(g.doc, [])
            if f.fact_id not in used and quote in sentence_forms[f.fact_id] and value_agrees(f, g, normalize)
        ]
        if not candidates:
            verdicts.append(RowVerdict(g, None))
            continue
        best = max(candidates, key=lambda f: sum(field_verdicts(f, g, normalize)))  # first of ties
        used.add(best.fact_id)
        verdicts.append(RowVerdict(g, best, *field_verdicts(best, g, normalize)))
    found = [v for v in verdicts if v.fact is not None]
    accuracy = {
        name: round(sum(getattr(v, name) for v in found) / len(found), 4) if found else 0.0 for name in FIELDS
    }
    per_doc = {
        doc: Counts(
            right=sum(v.right for v in verdicts if v.gold.doc == doc),
            extracted=len(by_doc.get(doc, [])),
            gold=sum(v.gold.doc == doc for v in verdicts),
            found=sum(v.fact is not None for v in verdicts if v.gold.doc == doc),
        )
        for doc in docs
    }
    total = Counts(sum(v.right for v in verdicts), len(rows), len(gold), len(found))
    unmatched = tuple(f for f in rows if f.fact_id not in used)
    return FactScore(total, per_doc, accuracy, tuple(verdicts), unmatched)


# --- reports ---------------------------------------------------------------------------------


def _fact_brief(fact: Fact) -> dict:
    return {
        "fact_id": fact.fact_id,
        "entity": fact.entity,
        "indicator": fact.indicator,
        "period": fact.period,
        "value": fact.value,
        "unit": fact.unit,
    }


def _verdict_dict(v: RowVerdict) -> dict:
    wrong = [name for name in FIELDS if not getattr(v, name)] if v.fact else ["not found"]
    return {
        "doc": v.gold.doc,
        "line": v.gold.line,
        "quote": v.gold.quote,
        "wrong": wrong,
        "gold": {"entity": v.gold.entity, "period": v.gold.period, "keywords": list(v.gold.keywords)},
        "extracted": _fact_brief(v.fact) if v.fact else None,
    }


def _value(value: float, unit: str) -> str:
    return f"{value:g}{unit}"


def format_fact_score(score: FactScore, max_misses: int = 200) -> str:
    """Totals, per-document and per-field figures, then each miss and each row that found nothing."""
    t = score.total
    lines = [
        f"whole-row precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}"
        f"  ({t.right} right of {t.extracted} extracted, {t.gold} gold, {t.found} found)",
        "of found rows right: " + "  ".join(f"{k} {v:.3f}" for k, v in score.field_accuracy.items()),
        f"years or dates taken as facts: {len(score.year_rows)}",
        "per document:",
    ]
    for doc, c in score.per_doc.items():
        lines.append(
            f"  P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}"
            f"  ({c.right}/{c.extracted}/{c.gold})  {doc}"
        )
    misses = score.misses
    lines.append(f"misses ({len(misses)}): gold row -> extracted row [wrong fields]")
    for v in misses[:max_misses]:
        g = v.gold
        gold_text = f"{g.entity}|{'/'.join(g.keywords)}|{g.period}|{_value(g.value, g.unit)}"
        if v.fact is None:
            lines.append(f"  {g.doc}:{g.line} 「{g.quote}」 {gold_text} -> not found")
            continue
        f = v.fact
        wrong = ",".join(name for name in FIELDS if not getattr(v, name))
        got = f"{f.entity}|{f.indicator}|{f.period}|{_value(f.value, f.unit)}"
        lines.append(f"  {g.doc}:{g.line} 「{g.quote}」 {gold_text} -> {got} [{wrong}]")
    lines.append(f"extracted rows that found no gold row ({len(score.unmatched)}):")
    for f in score.unmatched[:max_misses]:
        lines.append(f"  {f.fact_id} {f.entity}|{f.indicator}|{f.period}|{_value(f.value, f.unit)}")
    return "\n".join(lines)
