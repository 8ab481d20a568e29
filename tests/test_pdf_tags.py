"""Tests for nekb.pdf_tags: the tagged article of a browser-printed PDF, runs by marked content."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from nekb.pdf_tags import PARAGRAPH_INDENT, MarkedText, article_mcids, page_ids

DATA = Path(__file__).resolve().parent / "data"


def _marked(*runs: tuple[str, int | None, bool]) -> MarkedText:
    marked = MarkedText()
    marked.runs.extend(runs)
    return marked


def test_runs_outside_the_article_and_artifacts_are_dropped() -> None:
    marked = _marked(
        ("首页 新闻", 1, False),
        ("\n正文第一句，", 5, False),
        ("\n接着写完。", 5, False),
        ("\n11/24/26, 7:05 PM", None, True),
    )
    assert marked.kept({5}) == "正文第一句，\n接着写完。"


def test_a_new_element_on_a_new_line_starts_a_paragraph() -> None:
    marked = _marked(("发布时间：2024-07-02", 3, False), ("\n", 4, False), ("第一段。", 4, False))
    assert marked.kept({3, 4}) == f"发布时间：2024-07-02\n{PARAGRAPH_INDENT}第一段。"


def test_lines_that_are_mostly_links_are_dropped() -> None:
    marked = _marked(("分享到：", 7, False), ("微信微博QQ空间", 8, False), ("\n正文里有一个链接。", 9, False))
    assert marked.kept({7, 8, 9}, links={8}) == "正文里有一个链接。"


def test_operators_track_nested_marked_content() -> None:
    marked = MarkedText()
    marked.operator(b"BDC", ["/P", {"/MCID": 3}])
    marked.operator(b"BMC", ["/Span"])
    marked.text("内")
    marked.operator(b"EMC", [])
    marked.text("外")
    marked.operator(b"EMC", [])
    marked.text("无")
    assert marked.runs == [("内", 3, False), ("外", 3, False), ("无", None, False)]


def test_chromium_print_tags_its_article() -> None:
    reader = PdfReader(DATA / "printed.pdf")
    article = article_mcids(reader)
    assert article is not None
    ids = page_ids(reader)
    assert all(pid in article.kept for pid in ids)  # the article runs over both pages
    assert article.links  # tag links inside it are known


def test_untagged_pdf_has_no_article() -> None:
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    assert article_mcids(PdfReader(corpus / "reform-revitalization-policy-evolution.pdf")) is None


def test_lines_of_one_block_element_stay_one_paragraph() -> None:
    # A word processor marks each line of a paragraph separately; both belong to one /P element.
    marked = _marked(("第一行写到", 1, False), ("\n", 2, False), ("第二行才结束。", 2, False))
    assert marked.kept({1, 2}, blocks={1: 100, 2: 100}) == "第一行写到\n第二行才结束。"
    assert marked.kept({1, 2}, blocks={1: 100, 2: 200}) == f"第一行写到\n{PARAGRAPH_INDENT}第二行才结束。"
