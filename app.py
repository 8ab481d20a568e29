"""The nekb web page: ask questions, browse extracted facts, manage documents (`make run`).

Widgets and layout only: every result comes from ``KnowledgeBase``; formatting lives in ``nekb.ui``.
The index and corpus folders come from ``NEKB_INDEX`` (default ``index``) and ``NEKB_CORPUS``
(default ``corpus``); ``NEKB_STORE`` names a Milvus store (``milvus:index/kb.db``, see the README).
"""

from __future__ import annotations

import os

import streamlit as st

from nekb import Answer, IndexMissingError, KnowledgeBase, ModelMismatchError, NekbError, RelatedFact
from nekb.ingest import SUPPORTED_SUFFIXES
from nekb.ui import documents as docview
from nekb.ui import factview, highlight

ACTION_ERRORS = (NekbError, OSError)

# A few questions a first-time visitor can click (phrased like, not copied from, the dev set).
EXAMPLE_QUESTIONS = (
    "2024年东北三省常住人口减少了多少？",
    "黑龙江人口出生率有多低？",
    "长春对毕业生有哪些购房补贴？",
    "东北的第一条高铁是哪一条？",
)


@st.cache_resource(show_spinner="正在载入索引和模型…")
def load_kb(index_dir: str, corpus_dir: str) -> KnowledgeBase:
    """One KnowledgeBase per index folder, shared by every session of this server."""
    return KnowledgeBase.open(corpus_dir, index_dir, store=os.environ.get("NEKB_STORE") or None)


@st.cache_data(max_entries=256, show_spinner=False)
def answer_for(_kb: KnowledgeBase, index_dir: str, version: str, question: str) -> Answer:
    """Answers are cached per index version, so widget reruns do not search again."""
    return _kb.ask(question)


def open_kb(index_dir: str, corpus_dir: str) -> KnowledgeBase:
    """The shared KnowledgeBase, refreshed to the newest index version; stops the page if there is none."""
    build = docview.build_command(corpus_dir, index_dir)
    try:
        kb = load_kb(index_dir, corpus_dir)
        if kb.refresh():
            st.toast(f"已载入新的索引版本 {kb.version}")
    except IndexMissingError:
        st.error(f"还没有索引：`{index_dir}` 中找不到已建好的索引。请先构建索引（`make run` 会自动构建）：")
        st.code(build, language="bash")
        st.stop()
    except ModelMismatchError as err:
        st.error(f"索引与模型不匹配：{err}")
        st.code(build + " --full", language="bash")
        st.stop()
    except NekbError as err:  # a damaged index with no intact version left, and the like
        st.error(f"索引无法读取：{err}")
        st.code(build, language="bash")
        st.stop()
    for warning in kb.index_warnings:
        st.warning(f"索引的最新版本已损坏，正在使用上一个完好的版本。重新构建即可修复：{warning}")
    return kb


def choose_example(question: str) -> None:
    """Button callback: put an example question into the question box."""
    st.session_state["question"] = question


def show_messages(key: str) -> None:
    """Show (once) the messages an action stored before its rerun."""
    for message in st.session_state.pop(key, []):
        getattr(st, message.kind)(message.text)


# --- 问答 ------------------------------------------------------------------------------------------


def ask_tab(kb: KnowledgeBase, index_dir: str) -> None:
    question = st.text_input(
        "问题",
        key="question",
        placeholder="例如：2024年东北三省常住人口减少了多少？（输入后按回车）",
    )
    st.caption("试试这些问题：")
    columns = st.columns(len(EXAMPLE_QUESTIONS))
    for n, (column, example) in enumerate(zip(columns, EXAMPLE_QUESTIONS, strict=True)):
        column.button(example, key=f"example-{n}", on_click=choose_example, args=(example,), width="stretch")
    if not question or not question.strip():
        st.info("输入一个关于东北人口、经济或振兴政策的问题。回答中的每句话都摘自文档原文，并标注来源。")
        return
    with st.spinner("正在检索…"):
        try:
            answer = answer_for(kb, index_dir, kb.version, question.strip())
        except NekbError as err:  # e.g. a question too long to be one
            st.error(str(err))
            return
    show_answer(kb, answer)


def related_facts(kb: KnowledgeBase, answer: Answer, fact_id: str) -> tuple[RelatedFact, ...]:
    """Comparable figures for a fact: from the answer when it carries them, else from the index."""
    if fact_id in answer.related:
        return tuple(answer.related[fact_id])
    if any(f.fact_id == fact_id for f in answer.facts):
        return ()  # the answer lists only facts that have comparable figures
    return tuple(kb.related_facts(fact_id))


def show_answer(kb: KnowledgeBase, answer: Answer) -> None:
    infos = {d.doc_id: d for d in kb.documents()}
    titles = {d.doc_id: d.title for d in infos.values()}
    if not answer.claims:
        st.warning("未找到相关段落")
        if answer.reason:
            st.caption(answer.reason)
        return
    st.subheader("回答")
    for claim in answer.claims:
        with st.container(border=True):
            st.markdown(highlight.claim_markdown(claim))
            facts, missing = factview.claim_facts(answer, claim)
            facts += [kb.fact(fact_id) for fact_id in missing]
            if facts:
                related = {f.fact_id: related_facts(kb, answer, f.fact_id) for f in facts}
                st.table(factview.fact_comparison_rows(facts, related, titles), hide_index=True)
    st.subheader("来源")
    for n, hit in enumerate(answer.passages, start=1):
        info = infos.get(hit.doc_id)
        with st.expander(hit.label(n)):
            st.caption(docview.document_caption(info, hit.doc_id))
            st.markdown(highlight.passage_html(hit, answer.claims), unsafe_allow_html=True)
            if st.toggle("在原文中查看", key=f"context-{n}-{hit.doc_id}-{hit.start}"):
                document = kb.document_text(hit.doc_id)
                st.markdown(highlight.context_html(document, hit, answer.claims), unsafe_allow_html=True)


# --- 事实表 ----------------------------------------------------------------------------------------


def facts_tab(kb: KnowledgeBase) -> None:
    docs = kb.documents()
    titles = {d.doc_id: d.title for d in docs}
    facts = factview.with_titles(kb.facts(), titles)
    if facts.empty:
        st.info("索引中还没有抽取到数值事实。")
        return
    columns = st.columns(4)
    entities = columns[0].multiselect("主体", factview.choices(facts, "entity"), placeholder="全部")
    indicators = columns[1].multiselect("指标", factview.choices(facts, "indicator"), placeholder="全部")
    periods = columns[2].multiselect(
        "时期",
        factview.choices(facts, "period"),
        format_func=lambda p: p or factview.NO_PERIOD,
        placeholder="全部",
    )
    doc_ids = columns[3].multiselect(
        "文档",
        [d.doc_id for d in docs if d.doc_id in set(facts["doc_id"])],
        format_func=lambda d: titles.get(d, d),
        placeholder="全部",
    )
    text = st.text_input("文本筛选", placeholder="指标或原句中包含的文字，例如：出生率")
    view = factview.filter_facts(facts, entities, indicators, periods, doc_ids, text)
    st.caption(f"共 {len(view)} 条事实（全部 {len(facts)} 条）")
    st.dataframe(
        view,
        hide_index=True,
        placeholder="—",
        column_order=factview.FACT_TABLE_ORDER,
        column_config={c: st.column_config.Column(label) for c, label in factview.FACT_COLUMNS.items()},
    )
    st.download_button("下载 CSV", factview.facts_csv(view), file_name="nekb-facts.csv", mime="text/csv")

    st.subheader("按指标作图")
    if view.empty:
        st.info("没有符合筛选条件的事实。")
        return
    chart_columns = st.columns([3, 1])
    indicator = chart_columns[0].selectbox(
        "作图指标", factview.choices(view, "indicator"), key="chart-indicator"
    )
    units = factview.choices(view[view["indicator"] == indicator], "unit")
    unit = chart_columns[1].selectbox("单位", units, key="chart-unit") if len(units) > 1 else units[0]
    data = factview.chart_data(view, indicator, unit)
    st.altair_chart(factview.fact_chart(data, indicator, unit), width="stretch")
    st.caption("把鼠标移到柱子上可以看到数值出自哪篇文档的哪一句。")


# --- 文档 ------------------------------------------------------------------------------------------


def documents_tab(kb: KnowledgeBase) -> None:
    show_messages("document-messages")
    docs = kb.documents()
    titles = {d.doc_id: d.title for d in docs}
    metrics = st.columns(3)
    metrics[0].metric("文档", len(docs))
    metrics[1].metric("段落", sum(d.chunks for d in docs))
    metrics[2].metric("事实", sum(d.facts for d in docs))
    st.caption(f"索引版本：{kb.version} · 向量模型：{kb.model}")
    st.dataframe(
        docview.documents_frame(docs),
        hide_index=True,
        placeholder="—",
        column_config={"链接": st.column_config.LinkColumn("链接", display_text="打开")},
    )

    st.subheader("添加文档")
    round_ = st.session_state.setdefault("upload-round", 0)
    uploads = st.file_uploader(
        "上传文件（可多选）：" + " / ".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES),
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        key=f"upload-{round_}",
    )
    if st.button("添加到知识库", type="primary", disabled=not uploads, key="add"):
        bar = st.progress(0.0, text="准备中…")
        try:
            report = kb.add_files(
                [(f.name, f.getvalue()) for f in uploads],
                progress=lambda stage, done, total: bar.progress(*docview.progress_state(stage, done, total)),
            )
        except ACTION_ERRORS as err:
            bar.empty()
            st.error(f"添加失败：{err}")
        else:
            new_titles = {d.doc_id: d.title for d in kb.documents()}
            messages = docview.report_messages(report, new_titles, "添加", known=titles)
            st.session_state["document-messages"] = messages
            st.session_state["upload-round"] = round_ + 1
            st.rerun()

    st.subheader("删除文档")
    if not docs:
        st.info("知识库中没有文档。")
        return
    infos = {d.doc_id: d for d in docs}
    columns = st.columns([3, 1], vertical_alignment="bottom")
    doc_id = columns[0].selectbox(
        "选择要删除的文档",
        list(infos),
        format_func=lambda d: docview.document_option(infos[d]),
        key="remove-choice",
    )
    with columns[1].popover("删除…", width="stretch"):
        name = highlight.escape_markdown(docview.document_option(infos[doc_id]))
        st.markdown(f"确定从知识库和 corpus 文件夹中删除 {name}？")
        confirmed = st.button("确认删除", key="remove", type="primary")
    if confirmed:
        try:
            report = kb.remove([doc_id])
        except ACTION_ERRORS as err:
            st.error(f"删除失败：{err}")
        else:
            st.session_state["document-messages"] = docview.report_messages(report, titles, "删除")
            st.rerun()


def main() -> None:
    st.set_page_config(page_title="东北知识库", page_icon="📚", layout="wide")
    index_dir = os.environ.get("NEKB_INDEX", "index")
    corpus_dir = os.environ.get("NEKB_CORPUS", "corpus")
    kb = open_kb(index_dir, corpus_dir)
    st.title("东北知识库")
    st.caption("离线检索东北人口、经济与振兴政策文献：回答逐句摘自原文，并注明出处。")
    ask, facts, documents = st.tabs(["问答", "事实表", "文档"])
    with ask:
        ask_tab(kb, index_dir)
    with facts:
        facts_tab(kb)
    with documents:
        documents_tab(kb)


main()
