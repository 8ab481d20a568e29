"""The page's fact views: a claim's facts beside comparable figures, the filterable table and its chart."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from ..types import Answer, Claim, Fact, RelatedFact

NO_PERIOD = "未注明"


def format_number(value: float) -> str:
    """``33.0`` → ``33``, ``3.35`` → ``3.35``, ``1200000.0`` → ``1,200,000``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def format_value(value: float, unit: str) -> str:
    """A fact's value with its unit, e.g. ``33 万人`` or ``3.35‰``."""
    number = format_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit in {"%", "％", "‰"} else f"{number} {unit}"


def claim_facts(answer: Answer, claim: Claim) -> tuple[list[Fact], list[str]]:
    """The facts linked to ``claim`` found in ``answer.facts``, and the ids that were not there."""
    by_id = {f.fact_id: f for f in answer.facts}
    found = [by_id[i] for i in claim.fact_ids if i in by_id]
    missing = [i for i in claim.fact_ids if i not in by_id]
    return found, missing


def fact_comparison_rows(
    facts: Sequence[Fact],
    related: Mapping[str, Sequence[RelatedFact]],
    titles: Mapping[str, str],
) -> pd.DataFrame:
    """A small table of a claim's facts, each followed by comparable figures from other documents.

    Columns: 主体, 指标, 时期, 数值, 来源, 对照. The claim's own fact says ``本句`` under 对照; a
    related row (its source marked ``↳``) says ``✓ 一致`` or ``✗ 不一致``.
    """
    rows = []
    for fact in facts:
        rows.append(_fact_row(fact, titles, "本句"))
        for rel in related.get(fact.fact_id, ()):
            row = _fact_row(rel.fact, titles, "✓ 一致" if rel.agrees else "✗ 不一致")
            rows.append({**row, "来源": f"↳ {row['来源']}"})
    return pd.DataFrame(rows, columns=["主体", "指标", "时期", "数值", "来源", "对照"])


def _fact_row(fact: Fact, titles: Mapping[str, str], verdict: str) -> dict[str, str]:
    source = f"《{titles.get(fact.doc_id, fact.doc_id)}》"
    if fact.page is not None:
        source += f" 第 {fact.page} 页"
    source += f" {fact.location}" if fact.location else ""  # a table cell: Sheet1!C4
    return {
        "主体": fact.entity,
        "指标": fact.indicator,
        "时期": fact.period or NO_PERIOD,
        "数值": format_value(fact.value, fact.unit),
        "来源": source,
        "对照": verdict,
    }


# Columns of the fact table shown on the page, in order (the rest stay in the CSV download).
FACT_TABLE_ORDER = (
    "entity",
    "indicator",
    "period",
    "value",
    "unit",
    "qualifier",
    "title",
    "page",
    "location",
    "sentence",
)


FACT_COLUMNS = {
    "entity": "主体",
    "indicator": "指标",
    "period": "时期",
    "value": "数值",
    "unit": "单位",
    "qualifier": "限定",
    "title": "文档",
    "sentence": "原句",
    "page": "页",
    "location": "位置",
    "doc_id": "文件",
    "fact_id": "编号",
    "start": "起",
    "end": "止",
}


def with_titles(facts: pd.DataFrame, titles: Mapping[str, str]) -> pd.DataFrame:
    """The fact table plus a ``title`` column (the document title for each ``doc_id``)."""
    out = facts.copy()
    out["title"] = [titles.get(d, d) for d in out["doc_id"]] if len(out) else pd.Series(dtype=str)
    return out


def filter_facts(
    facts: pd.DataFrame,
    entities: Sequence[str] = (),
    indicators: Sequence[str] = (),
    periods: Sequence[str] = (),
    doc_ids: Sequence[str] = (),
    text: str = "",
) -> pd.DataFrame:
    """Rows matching every non-empty selection, and containing ``text`` in indicator or sentence."""
    mask = pd.Series(True, index=facts.index)
    for column, chosen in (
        ("entity", entities),
        ("indicator", indicators),
        ("period", periods),
        ("doc_id", doc_ids),
    ):
        if chosen:
            mask &= facts[column].isin(list(chosen))
    needle = text.strip()
    if needle:
        haystack = facts["indicator"].astype(str) + "\n" + facts["sentence"].astype(str)
        mask &= haystack.str.contains(needle, case=False, regex=False)
    return facts[mask]


def choices(facts: pd.DataFrame, column: str) -> list[str]:
    """Distinct values of ``column``, most frequent first (ties alphabetical)."""
    if facts.empty:
        return []
    counts = facts[column].astype(str).value_counts()
    return sorted(counts.index, key=lambda v: (-counts[v], v))


def facts_csv(facts: pd.DataFrame) -> bytes:
    """The fact table as UTF-8 CSV with a BOM, so spreadsheet programs read the Chinese correctly."""
    return facts.to_csv(index=False).encode("utf-8-sig")


def chart_data(facts: pd.DataFrame, indicator: str, unit: str | None = None) -> pd.DataFrame:
    """Rows to plot for one indicator (and unit): one bar per fact, traceable to its sentence.

    Adds ``period_label`` (the period or 未注明) and ``series`` (period, numbered when one entity
    has several facts for the same period, so bars sit side by side instead of on top of each other).
    Expects the ``title`` column from :func:`with_titles`.
    """
    rows = facts[facts["indicator"] == indicator]
    if unit is not None:
        rows = rows[rows["unit"] == unit]
    rows = rows.copy()
    rows["period_label"] = [p if p else NO_PERIOD for p in rows["period"]]
    rank = rows.groupby(["entity", "period_label"]).cumcount()
    labels = zip(rows["period_label"], rank, strict=True)
    rows["series"] = [p if r == 0 else f"{p} ({r + 1})" for p, r in labels]
    rows["value_label"] = [format_value(v, u) for v, u in zip(rows["value"], rows["unit"], strict=True)]
    return rows.sort_values(["entity", "period_label", "series"]).reset_index(drop=True)


def fact_chart(data: pd.DataFrame, indicator: str, unit: str) -> alt.Chart:
    """Bars of ``indicator`` by entity, colored by period; tooltips name the source sentence."""
    y_title = f"{indicator}（{unit}）" if unit else indicator
    several_series = data["series"].nunique() > 1
    encoding = {
        "x": alt.X("entity:N", title="主体", axis=alt.Axis(labelAngle=0)),
        "y": alt.Y("value:Q", title=y_title),
        "color": alt.Color("period_label:N", title="时期"),
        "tooltip": [
            alt.Tooltip("entity:N", title="主体"),
            alt.Tooltip("indicator:N", title="指标"),
            alt.Tooltip("period_label:N", title="时期"),
            alt.Tooltip("value_label:N", title="数值"),
            alt.Tooltip("title:N", title="文档"),
            alt.Tooltip("sentence:N", title="原句"),
        ],
    }
    if several_series:
        encoding["xOffset"] = alt.XOffset("series:N")
    return alt.Chart(data).mark_bar().encode(**encoding).properties(height=320)
