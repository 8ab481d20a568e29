"""The Streamlit page (app.py) through AppTest, and the pure helpers of nekb.ui."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from nekb import KnowledgeBase, ui
from nekb.build import BuildReport
from nekb.normalize import normalize_for_match
from nekb.types import Answer, Claim, DocumentInfo, Fact, Hit, RelatedFact

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CORPUS = ROOT / "corpus"
DEV_QUESTIONS = {
    row["id"]: row
    for row in map(json.loads, (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines())
}

ASK, FACTS, DOCUMENTS = 0, 1, 2


def make_app(monkeypatch, index_dir: Path, corpus_dir: Path = CORPUS) -> AppTest:
    monkeypatch.setenv("NEKB_INDEX", str(index_dir))
    monkeypatch.setenv("NEKB_CORPUS", str(corpus_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def claim_texts(at: AppTest) -> list[str]:
    """The answer's claims as shown (Markdown with the escaping undone)."""
    return [re.sub(r"\\(.)", r"\1", m.value) for m in at.tabs[ASK].markdown if not m.value.startswith("<div")]


def ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question").input(question).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def app(monkeypatch, real_index) -> AppTest:
    return make_app(monkeypatch, real_index)


@pytest.mark.parametrize("qid", ["q01", "q07", "q13", "q22"])
def test_ask_shows_cited_answer(app, qid):
    row = DEV_QUESTIONS[qid]
    ask(app, row["q"])
    shown = claim_texts(app)
    assert any("[1]" in text for text in shown), shown
    joined = normalize_for_match("\n".join(shown))
    assert any(normalize_for_match(expected) in joined for expected in row["any"]), shown
    assert app.tabs[ASK].expander, "each source is listed in an expander"
    assert app.tabs[ASK].expander[0].label.startswith("[1] ")


def test_source_expands_to_document_context(app):
    ask(app, DEV_QUESTIONS["q07"]["q"])
    passages = [m.value for m in app.tabs[ASK].markdown if m.value.startswith("<div")]
    assert any('<mark class="nekb-claim"' in p for p in passages), "the claim sentence is highlighted"
    app.tabs[ASK].toggle[0].set_value(True).run()
    shown = [m.value for m in app.tabs[ASK].markdown if m.value.startswith("<div")]
    assert len(shown) == len(passages) + 1, "在原文中查看 adds the document around the passage"
    context = next(s for s in shown if '<mark class="nekb-passage"' in s)
    assert '<mark class="nekb-claim"' in context


def test_example_button_asks_its_question(app):
    app.button(key="example-0").click().run()
    assert app.text_input(key="question").value == ui.EXAMPLE_QUESTIONS[0]
    assert any("[1]" in text for text in claim_texts(app))


def test_irrelevant_question_says_nothing_found(app):
    ask(app, "火星基地的氧气储量是多少？")
    assert [w.value for w in app.tabs[ASK].warning] == ["未找到相关段落"]
    assert app.tabs[ASK].caption[-1].value, "the answer's reason is shown"
    assert not app.tabs[ASK].expander


def test_facts_tab_has_table_download_and_chart(app):
    tab = app.tabs[FACTS]
    assert len(tab.dataframe) == 1
    table = tab.dataframe[0].value
    assert len(table) > 0
    assert {"entity", "indicator", "period", "value", "unit", "sentence"} <= set(table.columns)
    assert tab.get("download_button")
    assert tab.get("vega_lite_chart"), "a chart of the chosen indicator"

    tab.text_input[0].input("出生率").run()
    filtered = app.tabs[FACTS].dataframe[0].value
    assert 0 < len(filtered) < len(table)
    assert all(
        "出生率" in f"{i}\n{s}" for i, s in zip(filtered["indicator"], filtered["sentence"], strict=True)
    )


def test_documents_tab_lists_documents_and_version(app):
    tab = app.tabs[DOCUMENTS]
    documents = tab.dataframe[0].value
    assert len(documents) == len(list(CORPUS.glob("*.*"))) - 1  # every file but sources.toml
    assert "东北三省人口流失：现状、原因、影响与应对" in set(documents["标题"])
    assert any("索引版本" in c.value and "e5" in c.value for c in tab.caption)


def test_missing_index_says_what_to_run(monkeypatch, tmp_path):
    at = make_app(monkeypatch, tmp_path / "index", tmp_path / "corpus")
    assert at.error and "索引" in at.error[0].value
    assert at.code[0].value == ui.build_command(str(tmp_path / "corpus"), str(tmp_path / "index"))
    assert not at.tabs


# --- upload and remove (on a copy of the index, so the shared one stays as it is) ---------------

NEW_DOC = "鹤岗冰雪博物馆.txt"
NEW_TEXT = (
    "鹤岗市冰雪博物馆于2024年12月开馆。\n"
    "开馆首个冬季，鹤岗冰雪博物馆共接待游客12.7万人次，门票收入达到860万元。\n"
    "博物馆展出了鹤岗煤矿工人冬季生活的老照片。\n"
)


@pytest.fixture
def writable(real_index, tmp_path) -> tuple[Path, Path]:
    """A copy of the shipped corpus and of its index: (index folder, corpus folder)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    shutil.copytree(real_index, index)
    return index, corpus


@pytest.fixture
def writable_app(monkeypatch, writable) -> AppTest:
    return make_app(monkeypatch, *writable)


def test_upload_adds_a_searchable_document_and_remove_deletes_it(writable_app):
    at = writable_app
    before = len(at.tabs[DOCUMENTS].dataframe[0].value)
    uploader = at.tabs[DOCUMENTS].file_uploader[0]
    uploader.set_value((NEW_DOC, NEW_TEXT.encode("utf-8"), "text/plain")).run()
    at.button(key="add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.tabs[DOCUMENTS].error, [e.value for e in at.tabs[DOCUMENTS].error]
    assert any("已添加" in s.value for s in at.tabs[DOCUMENTS].success)
    documents = at.tabs[DOCUMENTS].dataframe[0].value
    assert len(documents) == before + 1
    new_id = next(d for d in documents["文件"] if d.endswith(".txt") and "鹤岗" in d)

    ask(at, "鹤岗冰雪博物馆接待了多少游客？")
    shown = normalize_for_match("\n".join(claim_texts(at)))
    assert "12.7万人次" in shown

    at.selectbox(key="remove-choice").set_value(new_id).run()
    at.button(key="remove").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已删除" in s.value for s in at.tabs[DOCUMENTS].success)
    assert new_id not in set(at.tabs[DOCUMENTS].dataframe[0].value["文件"])


def test_page_picks_up_a_version_built_elsewhere(writable_app, writable, tmp_path):
    at = writable_app
    before = len(at.tabs[DOCUMENTS].dataframe[0].value)
    (tmp_path / "upload").mkdir()
    path = tmp_path / "upload" / NEW_DOC
    path.write_text(NEW_TEXT, encoding="utf-8")
    KnowledgeBase.open(*writable).add([path])  # another process would do the same
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.tabs[DOCUMENTS].dataframe[0].value) == before + 1
    assert any("新的索引版本" in t.value for t in at.toast)


def test_unreadable_upload_shows_an_error_and_the_page_keeps_working(writable_app):
    at = writable_app
    at.tabs[DOCUMENTS].file_uploader[0].set_value(
        [("broken.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf")]
    ).run()
    at.button(key="add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.tabs[DOCUMENTS].error]
    assert errors and any("broken" in e for e in errors), errors
    ask(at, DEV_QUESTIONS["q07"]["q"])
    assert any("[1]" in text for text in claim_texts(at))


# --- nekb.ui -------------------------------------------------------------------------------------


def test_highlight_marks_overlap_and_escapes():
    text = "甲<b>乙。丙$1丁。"
    html = ui.highlight_html(text, 100, [ui.Span(102, 108), ui.Span(0, 50)])
    assert "<b>" not in html and "&lt;" in html
    assert "$" not in html and "&#36;" in html
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert marked == ["b&gt;乙。丙&#36;"]


def test_highlight_nested_spans_later_wins():
    html = ui.highlight_html(
        "0123456789", 0, [ui.Span(2, 8, ui.PASSAGE_STYLE), ui.Span(4, 6, ui.CLAIM_STYLE)]
    )
    pieces = re.findall(r'<mark class="nekb-(\w+)"[^>]*>(.*?)</mark>', html)
    assert pieces == [("passage", "23"), ("claim", "45"), ("passage", "67")]
    assert html.count("\n") == 0


def test_context_window_and_html():
    document = "前" * 1000 + "段落内容。" + "后" * 1000
    hit = Hit("d.txt", "题", "段落内容。", 0.5, 1000, 1005)
    claim = Claim("段落内容。", "d.txt", 1000, 1005, None, (0,))
    assert ui.context_window(len(document), 1000, 1005, 600) == (400, 1605)
    assert ui.context_window(50, 10, 20, 600) == (0, 50)
    html = ui.context_html(document, hit, [claim])
    assert "nekb-claim" in html and html.count("前") == 600 and "…" in html


def test_claim_markdown_escapes_and_cites():
    claim = Claim("增长*50%*_快_", "d", 0, 5, None, (0, 2))
    assert ui.claim_markdown(claim) == r"增长\*50%\*\_快\_ **[1][3]**"


def fact(fact_id: str, doc_id: str, value: float, period: str = "2024", entity: str = "黑龙江") -> Fact:
    return Fact(fact_id, entity, "常住人口减少", period, value, "万人", "", doc_id, "句子。", 0, 3)


def test_fact_comparison_rows_mark_agreement():
    own = fact("f1", "a.txt", 33)
    related = {
        "f1": [RelatedFact(fact("f2", "b.txt", 33), True), RelatedFact(fact("f3", "c.pdf", 30), False)]
    }
    rows = ui.fact_comparison_rows([own], related, {"a.txt": "甲", "b.txt": "乙"})
    assert list(rows["对照"]) == ["本句", "✓ 一致", "✗ 不一致"]
    assert list(rows["来源"]) == ["《甲》", "↳ 《乙》", "↳ 《c.pdf》"]
    assert list(rows["数值"]) == ["33 万人", "33 万人", "30 万人"]


def test_claim_facts_reports_missing_ids():
    f1 = fact("f1", "a.txt", 1)
    claim = Claim("x", "a.txt", 0, 1, None, (0,), ("f1", "f9"))
    found, missing = ui.claim_facts(Answer("q", (claim,), (), (f1,)), claim)
    assert found == [f1] and missing == ["f9"]


def test_format_value():
    assert ui.format_value(33.0, "万人") == "33 万人"
    assert ui.format_value(3.35, "‰") == "3.35‰"
    assert ui.format_value(1200000.0, "") == "1,200,000"
    assert ui.format_value(0.125, "%") == "0.125%"


def facts_frame() -> pd.DataFrame:
    rows = [
        fact("f1", "a.txt", 33, "2024", "黑龙江"),
        fact("f2", "a.txt", 27, "2024", "吉林"),
        fact("f3", "b.txt", 25, "2023", "吉林"),
        fact("f4", "b.txt", 26, "2023", "吉林"),
        Fact("f5", "黑龙江", "出生率", "", 3.35, "‰", "", "b.txt", "黑龙江:出生率3.35‰", 0, 9),
    ]
    return ui.with_titles(pd.DataFrame([f.to_dict() for f in rows]), {"a.txt": "甲", "b.txt": "乙"})


def test_filter_facts():
    frame = facts_frame()
    assert list(ui.filter_facts(frame, entities=["吉林"])["fact_id"]) == ["f2", "f3", "f4"]
    assert list(ui.filter_facts(frame, periods=["2023"], doc_ids=["b.txt"])["fact_id"]) == ["f3", "f4"]
    assert list(ui.filter_facts(frame, text="出生")["fact_id"]) == ["f5"]
    assert len(ui.filter_facts(frame)) == 5
    assert ui.choices(frame, "entity") == ["吉林", "黑龙江"]


def test_chart_data_keeps_bars_apart_and_traceable():
    data = ui.chart_data(facts_frame(), "常住人口减少", "万人")
    assert len(data) == 4
    jilin_2023 = data[(data["entity"] == "吉林") & (data["period"] == "2023")]
    assert sorted(jilin_2023["series"]) == ["2023", "2023 (2)"]
    assert set(data["title"]) == {"甲", "乙"}
    spec = ui.fact_chart(data, "常住人口减少", "万人").to_dict()
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"sentence", "title"}
    assert spec["encoding"]["color"]["field"] == "period_label"


def test_save_uploads_keeps_names_inside_the_folder(tmp_path):
    paths = ui.save_uploads([("../../etc/x.txt", b"a"), ("报告.md", b"b"), ("x.txt", b"c")], tmp_path)
    assert [p.name for p in paths] == ["x.txt", "报告.md", "x.txt"]
    assert all(tmp_path in p.parents for p in paths)
    assert [p.read_bytes() for p in paths] == [b"a", b"b", b"c"]


def test_add_uploads_passes_saved_files_to_kb():
    seen: dict[str, bytes] = {}

    class FakeKB:
        def add(self, paths, progress=None):
            for p in paths:
                seen[Path(p).name] = Path(p).read_bytes()
            progress("add", 1, 1)
            return BuildReport(version="v", added=("新.txt",))

    calls = []
    report = ui.add_uploads(FakeKB(), [("新.txt", "内容".encode())], progress=lambda *a: calls.append(a))
    assert seen == {"新.txt": "内容".encode()}
    assert calls == [("add", 1, 1)]
    assert report.added == ("新.txt",)


def test_report_messages_one_error_per_file():
    report = BuildReport(version="v", added=("a.txt",), errors=("b.pdf: encrypted", "c.txt: binary"))
    messages = ui.report_messages(report, {"a.txt": "甲"})
    assert [m.kind for m in messages] == ["error", "error", "success"]
    assert messages[0].text == "未能添加：b.pdf: encrypted"
    assert messages[2].text == "已添加：《甲》"
    assert ui.report_messages(BuildReport(version="v"), {})[0].kind == "info"


def test_report_messages_leave_out_documents_a_full_rebuild_re_added():
    report = BuildReport(version="v", added=("old.txt", "new.txt"))
    messages = ui.report_messages(report, {"new.txt": "新"}, known={"old.txt"})
    assert [m.text for m in messages] == ["已添加：《新》"]


def test_progress_state_and_labels():
    assert ui.progress_state("embed", 5, 10) == (0.5, "计算向量：5 / 10")
    assert ui.progress_state("read", 0, 0)[0] == 1.0
    info = DocumentInfo("a.txt", "甲", date="2023")
    hit = Hit("a.txt", "甲", "x", 0.0328, 0, 1, page=3)
    assert ui.source_label(1, hit, info) == "[1] 甲 · 第 3 页 · 2023 · 相关度 0.0328"
    assert list(ui.documents_frame([info])["标题"]) == ["甲"]
