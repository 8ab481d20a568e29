"""The nekb command through click's CliRunner, sharing the session's loaded models (``run_cli``)."""

import json

import pytest

from nekb import KnowledgeBase


def test_search_prints_ranked_passages_and_json(run_cli, real_index):
    result = run_cli("search", "七台河市2010到2020年人口是怎么变化的？", "-k", 3, "--index", real_index)
    assert result.exit_code == 0 and "[1]" in result.output and "人口从92万减少到69万" in result.output
    rows = json.loads(run_cli("search", "七台河人口", "--json", "--index", real_index).output)
    assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
    assert {"doc_id", "title", "text", "score", "start", "end", "page", "date"} <= rows[0].keys()


def test_ask_prints_claims_sources_and_linked_facts(run_cli, real_index):
    result = run_cli("ask", "2024年东北三省常住人口合计减少了多少？", "--index", real_index)
    assert result.exit_code == 0
    claim = result.output.splitlines()[0]
    assert "合计减少82.1万人。" in claim and claim.endswith("[1]")
    assert "Sources:\n[1] 东北三省人口流失" in result.output
    assert "Linked facts:" in result.output and "82.1" in result.output


def test_ask_json_citations_are_the_numbers_of_the_passages_shown(run_cli, real_index):
    payload = json.loads(run_cli("ask", "黑龙江的人口出生率是多少？", "--json", "--index", real_index).output)
    numbers = [p["n"] for p in payload["passages"]]
    assert numbers == list(range(1, len(numbers) + 1))
    for claim in payload["claims"]:
        assert claim["citations"] and set(claim["citations"]) <= set(numbers)
        for n in claim["citations"]:
            passage = payload["passages"][n - 1]
            assert passage["doc_id"] == claim["doc_id"] and passage["start"] <= claim["start"]
            assert f"{claim['text']}[{claim['citations'][0]}]" in payload["answer"]


def test_ask_without_an_answer_says_so_once(run_cli, real_index):
    result = run_cli("ask", "量子计算机的原理是什么？", "--index", real_index)
    assert result.exit_code == 0
    assert result.output.count("No relevant passage found") == 1


def test_facts_filters_and_writes_csv(run_cli, real_index, tmp_path):
    result = run_cli("facts", "--entity", "黑龙江", "--indicator", "出生率", "--index", real_index)
    assert result.exit_code == 0 and "3.35" in result.output
    out = tmp_path / "facts.csv"
    assert run_cli("facts", "--csv", out, "--index", real_index).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("fact_id,entity,indicator,period")


def test_facts_doc_filter_is_exact(run_cli, real_index):
    doc = "net-outflow-regions-zh-hant.txt"
    rows = json.loads(run_cli("facts", "--doc", doc, "--json", "--index", real_index).output)
    assert rows and {r["doc_id"] for r in rows} == {doc}
    partial = json.loads(run_cli("facts", "--doc", "net-outflow", "--json", "--index", real_index).output)
    assert partial == []


def test_info_lists_documents(run_cli, real_index):
    result = run_cli("info", "--index", real_index)
    assert "model e5" in result.output and "reform-revitalization-policy-evolution.pdf" in result.output


def test_missing_index_is_one_line_saying_what_to_run(run_cli, tmp_path):
    result = run_cli("search", "东北", "--index", tmp_path / "none")
    assert result.exit_code == 1
    assert "nekb build" in result.output and "Traceback" not in result.output


def test_a_bug_is_not_dressed_up_as_a_user_error(run_cli, real_index, monkeypatch):
    def broken(self, query, *, k=5):
        raise ValueError("a bug inside nekb")

    monkeypatch.setattr(KnowledgeBase, "search", broken)
    with pytest.raises(ValueError, match="a bug inside nekb"):
        run_cli("search", "东北", "--index", real_index)


def test_build_add_remove_with_bad_files(run_cli, small_corpus, tmp_path):
    index = tmp_path / "index"
    (small_corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    result = run_cli("build", "--corpus", small_corpus, "--index", index, "--model", "hash")
    assert result.exit_code == 1
    assert "broken.pdf: corrupt PDF" in result.output and "3 documents" in result.output
    assert "time: read" in result.output and "embed" in result.output
    new = tmp_path / "new doc.md"
    new.write_text("# 大连\n\n大连港货物吞吐量增长。", encoding="utf-8")
    (small_corpus / "broken.pdf").unlink()
    result = run_cli("add", new, "--corpus", small_corpus, "--index", index)
    assert result.exit_code == 0 and "added 1" in result.output
    result = run_cli("remove", "new doc.md", "--corpus", small_corpus, "--index", index)
    assert result.exit_code == 0 and "removed 1" in result.output


def test_empty_corpus_says_what_to_add(run_cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    result = run_cli(
        "build", "--corpus", tmp_path / "corpus", "--index", tmp_path / "index", "--model", "hash"
    )
    assert result.exit_code == 1 and "no documents indexed" in result.output


def test_a_question_too_long_is_one_line(run_cli, real_index):
    result = run_cli("ask", "人口" * 1500, "--index", real_index)
    assert result.exit_code == 1 and "the limit is 2,000" in result.output
    assert len(result.output.strip().splitlines()) == 1
