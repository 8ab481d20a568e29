"""Pure helpers for the Streamlit page (``app.py``): formatting, highlighting and chart data.

Nothing here searches or indexes: every function lays out or formats what :class:`KnowledgeBase`
returned, so the page stays thin and these pieces can be tested without Streamlit.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from .library import sanitize_name
from .types import Answer, Claim, DocumentInfo, Fact, Hit, RelatedFact

if TYPE_CHECKING:
    from .build import BuildReport
    from .kb import KnowledgeBase

# A few questions a first-time visitor can click (phrased like, not copied from, the dev set).
EXAMPLE_QUESTIONS = (
    "2024年东北三省常住人口减少了多少？",
    "黑龙江人口出生率有多低？",
    "长春对毕业生有哪些购房补贴？",
    "东北的第一条高铁是哪一条？",
)

CONTEXT_CHARS = 600  # characters of document shown on each side of a passage in the document view
NO_PERIOD = "未注明"

STAGE_LABELS = {"read": "读取文件", "embed": "计算向量", "add": "复制文件", "index": "写入索引"}
KIND_LABELS = {"news": "新闻", "paper": "论文", "policy-review": "政策综述"}

# Highlight styles: the claim sentence stands out more than the passage around it.
CLAIM_STYLE = "claim"
PASSAGE_STYLE = "passage"
_MARK_CSS = {
    CLAIM_STYLE: "background-color:#ffe58f;color:inherit;padding:0 1px;border-radius:2px",
    PASSAGE_STYLE: "background-color:#d6ecff;color:inherit;padding:0;border-radius:2px",
}
_BOX_CSS = (
    "white-space:normal;line-height:1.8;font-size:0.95rem;padding:0.6rem 0.8rem;"
    "border-left:3px solid #c9d6e3;background:rgba(128,128,128,0.06);border-radius:4px"
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")


# --- text and highlighting -------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Escape the characters Streamlit's Markdown (and its ``$`` math) would interpret."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def claim_markdown(claim: Claim) -> str:
    """A claim as Markdown: the quoted sentence followed by its ``[n]`` citation markers."""
    marks = "".join(f"[{i + 1}]" for i in claim.citations)
    return f"{escape_markdown(claim.text.strip())} **{marks}**" if marks else escape_markdown(claim.text)


@dataclass(frozen=True)
class Span:
    """An absolute ``[start, end)`` range of a document's cleaned text to highlight with ``style``."""

    start: int
    end: int
    style: str = CLAIM_STYLE


def _escape_html(text: str) -> str:
    """HTML-escape, keep line breaks, and neutralise ``$`` so no math rendering kicks in."""
    return html.escape(text).replace("$", "&#36;").replace("\n", "<br>")


def highlight_html(text: str, base: int, spans: Iterable[Span], before: str = "", after: str = "") -> str:
    """``text`` (which starts at absolute offset ``base``) as HTML with ``spans`` marked.

    Spans are clipped to the text; where spans overlap, the later one in ``spans`` wins, so pass
    wide spans (a passage) before narrow ones (a claim inside it). ``before``/``after`` are plain
    text put around it (e.g. an ellipsis). The result is one ``<div>`` without blank lines, safe to
    pass to ``st.markdown(..., unsafe_allow_html=True)``.
    """
    end_of_text = base + len(text)
    clipped = [
        Span(max(s.start, base), min(s.end, end_of_text), s.style)
        for s in spans
        if s.end > base and s.start < end_of_text and s.end > s.start
    ]
    cuts = sorted({base, end_of_text, *(s.start for s in clipped), *(s.end for s in clipped)})
    parts = [_escape_html(before)]
    for lo, hi in itertools.pairwise(cuts):
        piece = _escape_html(text[lo - base : hi - base])
        style = next((s.style for s in reversed(clipped) if s.start <= lo and hi <= s.end), None)
        if style is None:
            parts.append(piece)
        else:
            parts.append(f'<mark class="nekb-{style}" style="{_MARK_CSS.get(style, "")}">{piece}</mark>')
    parts.append(_escape_html(after))
    return f'<div class="nekb-text" style="{_BOX_CSS}">{"".join(parts)}</div>'


def context_window(text_length: int, start: int, end: int, radius: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The ``[lo, hi)`` range of a document to show around ``[start, end)``: ``radius`` chars each side."""
    lo = max(0, start - radius)
    hi = min(text_length, end + radius)
    return lo, max(lo, hi)


def context_html(document: str, hit: Hit, claims: Sequence[Claim], radius: int = CONTEXT_CHARS) -> str:
    """The document around a passage, with the passage and the claims quoted from it highlighted."""
    lo, hi = context_window(len(document), hit.start, hit.end, radius)
    spans = [Span(hit.start, hit.end, PASSAGE_STYLE), *claim_spans(claims, hit.doc_id)]
    before = "…" if lo > 0 else ""
    after = "…" if hi < len(document) else ""
    return highlight_html(document[lo:hi], lo, spans, before, after)


def passage_html(hit: Hit, claims: Sequence[Claim]) -> str:
    """A retrieved passage with the sentences quoted from it (the claims' offsets) highlighted."""
    return highlight_html(hit.text, hit.start, claim_spans(claims, hit.doc_id))


def claim_spans(claims: Iterable[Claim], doc_id: str) -> list[Span]:
    """Highlight spans of the claims that come from document ``doc_id``."""
    return [Span(c.start, c.end, CLAIM_STYLE) for c in claims if c.doc_id == doc_id]


def claims_citing(answer: Answer, passage_index: int) -> list[Claim]:
    """Claims whose citations include passage ``passage_index`` (0-based)."""
    return [c for c in answer.claims if passage_index in c.citations]


# --- sources -----------------------------------------------------------------------------------


def format_score(score: float) -> str:
    """A retrieval score with enough digits to tell fused RRF scores apart."""
    return f"{score:.3f}" if abs(score) >= 0.1 else f"{score:.4f}"


def source_label(number: int, hit: Hit, info: DocumentInfo | None) -> str:
    """One line naming a cited passage: ``[n] title · 第 p 页 · date · 相关度 score``."""
    parts = [f"[{number}] {hit.title or (info.title if info else hit.doc_id)}"]
    if hit.page is not None:
        parts.append(f"第 {hit.page} 页")
    if info is not None and info.date:
        parts.append(info.date)
    parts.append(f"相关度 {format_score(hit.score)}")
    return " · ".join(parts)


def document_caption(info: DocumentInfo | None, doc_id: str) -> str:
    """Author, publisher, date and file of a document, for a caption under a passage."""
    if info is None:
        return f"文件：{doc_id}"
    bits = [b for b in (info.author, info.publisher, info.date) if b]
    bits.append(f"文件：{doc_id}")
    return " · ".join(bits)


# --- facts -------------------------------------------------------------------------------------


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
DOCUMENT_COLUMNS = (
    "标题",
    "作者",
    "发布者",
    "日期",
    "类型",
    "语言",
    "字数",
    "页数",
    "OCR 置信度",
    "段落数",
    "事实数",
    "文件",
    "链接",
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


# --- documents ---------------------------------------------------------------------------------


def documents_frame(docs: Sequence[DocumentInfo]) -> pd.DataFrame:
    """The document list as a table with Chinese column names."""
    rows = [
        {
            "标题": d.title,
            "作者": d.author,
            "发布者": d.publisher,
            "日期": d.date,
            "类型": KIND_LABELS.get(d.kind, d.kind),
            "语言": d.language,
            "字数": d.chars,
            "页数": d.pages or None,
            "OCR 置信度": None if d.ocr_confidence is None else f"{d.ocr_confidence:.0%}",
            "段落数": d.chunks,
            "事实数": d.facts,
            "文件": d.doc_id,
            "链接": d.url or None,
        }
        for d in docs
    ]
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)


def document_option(info: DocumentInfo) -> str:
    """How a document is named in a select box: title and file."""
    return info.title if info.title == info.doc_id else f"{info.title}（{info.doc_id}）"


def progress_state(stage: str, done: int, total: int) -> tuple[float, str]:
    """A ``(fraction, label)`` pair for ``st.progress`` from a build's ``progress`` callback."""
    fraction = min(1.0, max(0.0, done / total)) if total > 0 else 1.0
    label = STAGE_LABELS.get(stage, stage)
    return fraction, f"{label}：{done} / {total}"


def save_uploads(files: Iterable[tuple[str, bytes]], folder: Path) -> list[Path]:
    """Write ``(name, content)`` uploads into ``folder`` under their base names, made safe as in the corpus.

    Two uploads with the same name go into separate sub-folders so neither overwrites the other.
    """
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
    return paths


def add_uploads(
    kb: KnowledgeBase,
    files: Sequence[tuple[str, bytes]],
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildReport:
    """Save uploads to a temporary folder under their names and add them with ``kb.add``."""
    with tempfile.TemporaryDirectory(prefix="nekb-upload-") as tmp:
        paths = save_uploads(files, Path(tmp))
        return kb.add(paths, progress=progress)


@dataclass(frozen=True)
class Message:
    """One line to show after an action: ``kind`` is ``success``, ``warning``, ``error`` or ``info``."""

    kind: str
    text: str


def report_messages(
    report: BuildReport,
    titles: Mapping[str, str],
    action: str = "添加",
    known: Collection[str] = (),
) -> list[Message]:
    """What a build did, as page messages: one error per failed file, then the changes.

    ``known`` are the document ids the index had before: a build that had to re-index everything
    (new settings) reports them as added too, but only the new ones are news to the user.
    """
    messages = [Message("error", f"未能{action}：{line}") for line in report.errors]
    added = [i for i in report.added if i not in known]
    for label, ids in (("已添加", added), ("已更新", report.updated), ("已删除", report.removed)):
        if ids:
            names = "、".join(f"《{titles.get(i, i)}》" for i in ids)
            messages.append(Message("success", f"{label}：{names}"))
    messages.extend(Message("warning", w) for w in report.warnings)
    if not (added or report.updated or report.removed or report.errors):
        messages.append(Message("info", "没有变化：这些文件的内容已在索引中。"))
    return messages


def build_command(corpus_dir: str, index_dir: str) -> str:
    """The shell command that builds the index the page expects."""
    return f"nekb build --corpus {corpus_dir} --index {index_dir}"
