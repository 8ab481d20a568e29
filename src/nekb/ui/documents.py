"""The page's documents tab: the document list, captions, build progress and what an action did."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ..build import BuildReport
from ..types import DocumentInfo

KIND_LABELS = {"news": "新闻", "paper": "论文", "policy-review": "政策综述"}


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


def document_caption(info: DocumentInfo | None, doc_id: str) -> str:
    """Author, publisher, date and file of a document, for a caption under a passage."""
    if info is None:
        return f"文件：{doc_id}"
    bits = [b for b in (info.author, info.publisher, info.date) if b]
    bits.append(f"文件：{doc_id}")
    return " · ".join(bits)


STAGE_LABELS = {"read": "读取文件", "embed": "计算向量", "add": "复制文件", "index": "写入索引"}


def progress_state(stage: str, done: int, total: int) -> tuple[float, str]:
    """A ``(fraction, label)`` pair for ``st.progress`` from a build's ``progress`` callback."""
    fraction = min(1.0, max(0.0, done / total)) if total > 0 else 1.0
    label = STAGE_LABELS.get(stage, stage)
    return fraction, f"{label}：{done} / {total}"


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
