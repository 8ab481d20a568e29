"""The Streamlit page (app.py) through AppTest: asking, sources, facts, documents, uploads."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nekb import KnowledgeBase
from nekb.normalize import normalize_for_match
from nekb.ui import documents as docview

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CORPUS = ROOT / "corpus"
DEV_QUESTIONS = {
    row["id"]: row
    for row in map(json.loads, (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines())
}

ASK, FACTS, DOCUMENTS = 0, 1, 2
EXAMPLE_QUESTIONS = ("2024年东北三省常住人口减少了多少？",)  # the page's first example button


def make_app(monkeypatch, index_dir: Path, corpus_dir: Path = CORPUS) -> AppTest:
    monkeypatch.setenv("NEKB_INDEX", str(index_dir))
    monkeypatch.setenv("NEKB_CORPUS", str(corpus_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def claim_texts(at: AppTest) -> list[str]:
    """The answer's claims as shown (Markdown with the bold and the escaping undone)."""
    shown = [m.value for m in at.tabs[ASK].markdown if not m.value.startswith("<div")]
    return [re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)\*\*", "", text)) for text in shown]


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
    assert app.text_input(key="question").value == EXAMPLE_QUESTIONS[0]
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
    assert at.code[0].value == docview.build_command(str(tmp_path / "corpus"), str(tmp_path / "index"))
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
    KnowledgeBase.open(writable[1], writable[0]).add([path])  # another process would do the same
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


def test_a_damaged_index_is_a_message_not_a_traceback(monkeypatch, writable):
    from nekb.store import complete_versions

    index, corpus = writable
    (complete_versions(index)[0] / "dense.faiss").write_bytes(b"garbage")
    at = make_app(monkeypatch, index, corpus)
    assert at.error and "索引无法读取" in at.error[0].value and "dense.faiss" in at.error[0].value
    assert at.code[0].value == docview.build_command(str(corpus), str(index))
    assert not at.tabs


def test_a_question_too_long_is_a_message(app):
    app.text_input(key="question").input("人口" * 1500).run()
    assert not app.exception
    assert any("the limit is 2,000" in e.value for e in app.tabs[ASK].error)


def test_the_words_that_answer_are_bold(app):
    ask(app, DEV_QUESTIONS["q07"]["q"])
    shown = [m.value for m in app.tabs[ASK].markdown if not m.value.startswith("<div")]
    assert any("**3.35‰**" in text or "**3\\.35‰**" in text for text in shown), shown
