"""The nekb command through click's CliRunner."""

import json

from click.testing import CliRunner

from nekb.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_search_prints_ranked_passages_and_json(real_index):
    result = run("search", "七台河市2010到2020年人口是怎么变化的？", "-k", 3, "--index", real_index)
    assert result.exit_code == 0 and "[1]" in result.output and "人口从92万减少到69万" in result.output
    rows = json.loads(run("search", "七台河人口", "--json", "--index", real_index).output)
    assert rows and {"doc_id", "title", "text", "score", "start", "end", "page"} <= rows[0].keys()


def test_ask_prints_claims_sources_and_linked_facts(real_index):
    result = run("ask", "2024年东北三省常住人口合计减少了多少？", "--index", real_index)
    assert result.exit_code == 0
    assert "合计减少82.1万人。[1]" in result.output
    assert "Sources:" in result.output and "东北三省人口流失" in result.output
    assert "Linked facts:" in result.output and "82.1" in result.output
    payload = json.loads(run("ask", "黑龙江的人口出生率是多少？", "--json", "--index", real_index).output)
    assert payload["claims"] and payload["text"].count("[") >= 1


def test_ask_without_an_answer_says_so(real_index):
    result = run("ask", "量子计算机的原理是什么？", "--index", real_index)
    assert result.exit_code == 0 and "No relevant passage found" in result.output


def test_facts_filters_and_writes_csv(real_index, tmp_path):
    result = run("facts", "--entity", "黑龙江", "--indicator", "出生率", "--index", real_index)
    assert result.exit_code == 0 and "3.35" in result.output
    out = tmp_path / "facts.csv"
    assert run("facts", "--csv", out, "--index", real_index).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("fact_id,entity,indicator,period")


def test_info_lists_documents(real_index):
    result = run("info", "--index", real_index)
    assert "model e5" in result.output and "reform-revitalization-policy-evolution.pdf" in result.output


def test_missing_index_is_one_line_saying_what_to_run(tmp_path):
    result = run("search", "东北", "--index", tmp_path / "none")
    assert result.exit_code == 1
    assert "nekb build" in result.output and "Traceback" not in result.output


def test_build_add_remove_with_bad_files(small_corpus, tmp_path):
    index = tmp_path / "index"
    (small_corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    result = run("build", "--corpus", small_corpus, "--index", index, "--model", "hash")
    assert result.exit_code == 1
    assert "broken.pdf: corrupt PDF" in result.output and "3 documents" in result.output
    assert "time: read" in result.output and "embed" in result.output
    new = tmp_path / "new doc.md"
    new.write_text("# 大连\n\n大连港货物吞吐量增长。", encoding="utf-8")
    (small_corpus / "broken.pdf").unlink()
    result = run("add", new, "--corpus", small_corpus, "--index", index)
    assert result.exit_code == 0 and "added 1" in result.output
    result = run("remove", "new doc.md", "--corpus", small_corpus, "--index", index)
    assert result.exit_code == 0 and "removed 1" in result.output


def test_empty_corpus_says_what_to_add(tmp_path):
    (tmp_path / "corpus").mkdir()
    result = run("build", "--corpus", tmp_path / "corpus", "--index", tmp_path / "index", "--model", "hash")
    assert result.exit_code == 1 and "no documents indexed" in result.output
