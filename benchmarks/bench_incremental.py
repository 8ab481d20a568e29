"""Incremental update (one small new document) against a full build of the same corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

from timing import ratio, timed

from nekb import KnowledgeBase
from nekb.embed import Embedder

# A small new document (about 300 characters, 2 chunks): the common "add one file" case.
SMALL_DOCUMENT = (
    "哈尔滨冰雪旅游季调研笔记\n\n"
    "2024年冬季，哈尔滨接待游客数量明显增加，冰雪大世界成为带动消费的重要场景。"
    "调研显示，外地游客在餐饮、住宿和交通上的支出增长较快，带动了服务业就业。"
    "受访企业表示，旺季用工缺口主要集中在餐饮服务和导游讲解岗位。"
    "专家建议，应把短期客流转化为长期人口吸引力，完善公共服务和城市更新，"
    "让年轻人愿意留下来工作和生活。"
    "同时，冰雪经济具有明显的季节性，需要发展夏季避暑旅游和会展经济来平衡全年收入。\n"
)


def run(corpus_dir: Path, workdir: Path, embedder: Embedder) -> dict:
    """Copy the corpus, build it fully, then time three updates of that index.

    ``add``: ``kb.add([file])`` of one small new document. ``rebuild``: drop another small file
    into the corpus folder and call ``KnowledgeBase.build`` again (incremental by default, as
    ``nekb build``). ``noop``: ``KnowledgeBase.build`` with nothing changed.
    """
    corpus = workdir / "corpus"
    index = workdir / "index"
    shutil.copytree(corpus_dir, corpus)
    _, full_seconds = timed(KnowledgeBase.build, corpus, index, model=embedder, full=True)
    kb = KnowledgeBase.open(corpus, index, model=embedder)
    small = workdir / "harbin-ice-tourism-notes.txt"
    small.write_text(SMALL_DOCUMENT, encoding="utf-8")
    add_report, add_seconds = timed(kb.add, [small])
    (corpus / "harbin-ice-tourism-notes-2.txt").write_text(SMALL_DOCUMENT.replace("2024", "2023"), "utf-8")
    rebuilt, rebuild_seconds = timed(KnowledgeBase.build, corpus, index, model=embedder)
    _, noop_seconds = timed(KnowledgeBase.build, corpus, index, model=embedder)
    return {
        "full_build_s": round(full_seconds, 3),
        "small_document_chars": len(SMALL_DOCUMENT),
        "add_s": round(add_seconds, 3),
        "add_stages_s": {k: round(v, 3) for k, v in add_report.timings.items()},
        "add_over_full": ratio(add_seconds, full_seconds),
        "rebuild_s": round(rebuild_seconds, 3),
        "rebuild_added": list(rebuilt.added),
        "rebuild_over_full": ratio(rebuild_seconds, full_seconds),
        "noop_build_s": round(noop_seconds, 3),
    }
