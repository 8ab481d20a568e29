"""Batch question files: readers for .txt/.jsonl/.csv, writers for .jsonl/.csv, and `nekb batch`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from nekb.batch import (
    BatchRow,
    answer_record,
    check_output,
    flat_record,
    parse_csv,
    parse_txt,
    read_batch,
    write_answers,
)
from nekb.errors import InputError
from nekb.types import Answer, Claim, Fact, Hit, RelatedFact

# -- readers ----------------------------------------------------------------------------------


def test_txt_one_question_per_line_and_blank_lines_reported():
    batch = parse_txt("黑龙江的出生率是多少？\n\n  七台河人口怎么变化？  \n   \n最后一个", "q.txt")
    assert batch.questions == ["黑龙江的出生率是多少？", "七台河人口怎么变化？", "最后一个"]
    assert [r.line for r in batch.rows] == [1, 3, 5]
    assert batch.skipped == ("q.txt:2: empty line", "q.txt:4: empty line")


def test_txt_crlf_and_final_newline():
    batch = parse_txt("甲\r\n乙\r\n", "q.txt")
    assert batch.questions == ["甲", "乙"]
    assert batch.skipped == ()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_jsonl_q_or_question_and_carried_fields(tmp_path):
    text = "\n".join(
        [
            json.dumps({"id": "a", "q": "问题一", "lang": "zh"}, ensure_ascii=False),
            json.dumps({"question": "问题二", "tags": ["x", 1]}, ensure_ascii=False),
        ]
    )
    batch = read_batch(write(tmp_path / "q.jsonl", text))
    assert batch.questions == ["问题一", "问题二"]
    assert batch.rows[0].carried == {"id": "a", "lang": "zh"}
    assert batch.rows[1].carried == {"tags": ["x", 1]}
    assert batch.skipped == ()


def test_jsonl_malformed_rows_are_reported_by_line_and_skipped_in_order(tmp_path):
    lines = [
        '{"q": "第一"}',
        "{not json",
        "",
        "[1, 2]",
        '{"id": 5}',
        '{"q": 42}',
        '{"q": "   "}',
        '{"q": "第八"}',
    ]
    batch = read_batch(write(tmp_path / "questions.jsonl", "\n".join(lines) + "\n"))
    assert batch.questions == ["第一", "第八"]
    assert [r.line for r in batch.rows] == [1, 8]
    where = [m.split(": ", 1)[0] for m in batch.skipped]
    assert where == [f"questions.jsonl:{n}" for n in (2, 3, 4, 5, 6, 7)]
    assert batch.skipped[0].startswith("questions.jsonl:2: not valid JSON (")
    assert batch.skipped[1] == "questions.jsonl:3: empty line"
    assert batch.skipped[2] == "questions.jsonl:4: not a JSON object"
    assert batch.skipped[3] == 'questions.jsonl:5: no "q" or "question" field'
    assert batch.skipped[4] == 'questions.jsonl:6: "q" is not a string'
    assert batch.skipped[5] == "questions.jsonl:7: empty question"
    assert all("\n" not in m for m in batch.skipped)


def test_jsonl_keeps_unicode_line_separator_inside_a_string(tmp_path):
    # str.splitlines would cut this line in two at U+2028.
    batch = read_batch(write(tmp_path / "q.jsonl", '{"q": "甲\u2028乙"}\n'))
    assert batch.questions == ["甲\u2028乙"]


def test_csv_question_column_carried_columns_and_line_numbers():
    text = 'id,question,note\n1,问题一,甲\n\n2,"多行\n问题",乙\n3,,空\n4,问题四\n5,问题五,戊\n'
    batch = parse_csv(text, "q.csv")
    assert batch.questions == ["问题一", "多行\n问题", "问题五"]
    assert [r.line for r in batch.rows] == [2, 4, 8]
    assert batch.rows[0].carried == {"id": "1", "note": "甲"}
    assert batch.skipped == (
        "q.csv:3: empty row",
        "q.csv:6: empty question",
        "q.csv:7: expected 3 fields, found 2",
    )


def test_csv_without_question_column_is_a_file_error():
    with pytest.raises(InputError, match=r"q\.csv: no 'question' column .*columns: id, q"):
        parse_csv("id,q\n1,问题\n", "q.csv")


def test_read_batch_by_suffix_with_bom(tmp_path):
    path = tmp_path / "questions.csv"
    path.write_text("question,id\n东北第一条高铁是哪条？,q58\n", encoding="utf-8-sig")
    batch = read_batch(path)
    assert batch.questions == ["东北第一条高铁是哪条？"]
    assert batch.rows[0].carried == {"id": "q58"}


def test_unsupported_extensions_are_named(tmp_path):
    path = tmp_path / "questions.xlsx"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"questions\.xlsx: unsupported input .*\.txt, \.jsonl, \.csv"):
        read_batch(path)
    with pytest.raises(InputError, match=r"out\.txt: unsupported output .*\.jsonl, \.csv"):
        check_output(tmp_path / "out.txt")


def test_not_utf8_is_a_one_line_error(tmp_path):
    path = tmp_path / "q.txt"
    path.write_bytes("黑龙江".encode("gbk"))
    with pytest.raises(InputError, match=r"q\.txt: not UTF-8 text"):
        read_batch(path)


# -- writers ----------------------------------------------------------------------------------

FACT = Fact(
    fact_id="doc-a:1",
    entity="黑龙江",
    indicator="常住人口减少",
    period="2024",
    value=33.0,
    unit="万人",
    qualifier="",
    doc_id="doc-a",
    sentence="黑龙江省2024年常住人口减少33万人。",
    start=0,
    end=19,
)
OTHER = Fact("doc-b:4", "黑龙江", "常住人口减少", "2024", 33.0, "万人", "", "doc-b", "……", 5, 9, page=2)
PASSAGES = (
    Hit("doc-a", "东北人口", "黑龙江省2024年常住人口减少33万人。", 0.03, 0, 19),
    Hit("doc-b", "振兴政策", "另一段，有“引号”, 和逗号。", 0.02, 100, 113, page=3, chunk_id=7),
)
ANSWER = Answer(
    question="黑龙江2024年人口减少多少？",
    claims=(
        Claim("黑龙江省2024年常住人口减少33万人。", "doc-a", 0, 19, None, (1,), ("doc-a:1",), 0.9),
        Claim("另一段，有“引号”, 和逗号。", "doc-b", 100, 113, 3, (2, 1), ("doc-b:4",)),
    ),
    passages=PASSAGES,
    facts=(FACT,),
    related={"doc-a:1": (RelatedFact(OTHER, True),)},
)
EMPTY = Answer(question="无关问题", claims=(), passages=(), reason="No relevant passage found.")
ROWS = (
    BatchRow(1, "黑龙江2024年人口减少多少？", {"id": "q1", "tags": ["a", "b"]}),
    BatchRow(3, "无关问题", {"id": "q2"}),
)


def test_answer_record_is_the_carried_fields_and_the_one_answer_json():
    record = answer_record(ROWS[0], ANSWER)
    assert record == {"id": "q1", "tags": ["a", "b"], **ANSWER.to_dict()}
    assert record["answer"] == "黑龙江省2024年常住人口减少33万人。[1]\n另一段，有“引号”, 和逗号。[2][1]"
    first, second = record["claims"]
    assert first["citations"] == [1] and second["citations"] == [2, 1]
    assert [p["n"] for p in record["passages"]] == [1, 2]
    assert record["passages"][1] == {"n": 2, **PASSAGES[1].to_dict()}
    assert record["facts"][0]["fact_id"] == "doc-a:1"
    assert record["related"]["doc-a:1"][0]["fact_id"] == "doc-b:4"


def test_a_carried_field_never_hides_the_question():
    record = answer_record(BatchRow(1, "真的问题", {"question": "旧的", "answer": "旧答案"}), EMPTY)
    assert record["question"] == "真的问题" and record["answer"] == EMPTY.text


def test_jsonl_output_round_trips_in_order(tmp_path):
    out = tmp_path / "nested" / "answers.jsonl"
    write_answers(out, ROWS, [ANSWER, EMPTY])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records == [answer_record(ROWS[0], ANSWER), answer_record(ROWS[1], EMPTY)]
    assert [r["id"] for r in records] == ["q1", "q2"]
    assert records[1]["answer"] == "No relevant passage found." and records[1]["claims"] == []
    assert not list(out.parent.glob(".*"))  # written via a temporary file, nothing left behind


def test_csv_output_round_trips_flat_rows(tmp_path):
    out = tmp_path / "answers.csv"
    write_answers(out, ROWS, [ANSWER, EMPTY])
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the Chinese text
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert list(rows[0]) == [
        "id",
        "tags",
        "question",
        "answer",
        "reason",
        "claims",
        "sources",
        "source_doc_ids",
        "fact_ids",
    ]
    assert rows[0] == {k: str(v) for k, v in flat_record(ROWS[0], ANSWER).items()}
    assert rows[0]["tags"] == '["a", "b"]'
    assert rows[0]["answer"] == ANSWER.text  # the newline between claims survives quoting
    assert rows[0]["claims"] == "2"
    assert rows[0]["sources"] == "[1] 东北人口 · doc-a | [2] 振兴政策 · p. 3 · doc-b"
    assert rows[0]["source_doc_ids"] == "doc-a | doc-b"
    assert rows[0]["fact_ids"] == "doc-a:1 | doc-b:4"
    assert rows[1]["id"] == "q2" and rows[1]["tags"] == "" and rows[1]["claims"] == "0"


def test_batch_read_then_write_keeps_input_order(tmp_path):
    source = tmp_path / "q.jsonl"
    source.write_text('{"id": "z", "q": "乙"}\n{"id": "a", "q": "甲"}\n', encoding="utf-8")
    batch = read_batch(source)
    answers = [Answer(question=q, claims=(), passages=(), reason="none") for q in batch.questions]
    write_answers(tmp_path / "out.jsonl", batch.rows, answers)
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["z", "a"]


def test_write_answers_refuses_mismatched_lengths(tmp_path):
    with pytest.raises(ValueError, match="2 questions but 1 answers"):
        write_answers(tmp_path / "out.jsonl", ROWS, [ANSWER])


# -- the command over the real index ------------------------------------------------------------


def test_cli_batch_jsonl_with_skipped_rows(run_cli, real_index: Path, tmp_path):
    source = tmp_path / "questions.jsonl"
    source.write_text(
        '{"id": "q07", "q": "黑龙江的人口出生率是多少？"}\n'
        "{broken\n"
        '{"id": "q58", "question": "东北第一条高速铁路是哪条？", "topic": "交通"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "answers.jsonl"
    result = run_cli("batch", source, "--out", out, "--index", real_index)
    assert result.exit_code == 0, result.output
    assert "warning: skipped questions.jsonl:2: not valid JSON (" in result.stderr
    assert "2 questions:" in result.stdout and "1 rows skipped" in result.stdout
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["q07", "q58"]
    assert records[1]["topic"] == "交通"
    for record in records:
        assert record["passages"] and record["claims"]
        assert "[1]" in record["answer"] or "[2]" in record["answer"]
    assert "3.35‰" in records[0]["answer"]
    assert "哈大" in records[1]["answer"]


def test_cli_batch_rows_carry_the_same_answer_json_as_ask(run_cli, real_index: Path, tmp_path):
    question = "黑龙江的人口出生率是多少？"
    source = tmp_path / "q.txt"
    source.write_text(question + "\n", encoding="utf-8")
    run_cli("batch", source, "--out", tmp_path / "a.jsonl", "--index", real_index)
    row = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    asked = json.loads(run_cli("ask", question, "--json", "--index", real_index).output)
    assert row == asked


def test_cli_batch_txt_to_csv(run_cli, real_index: Path, tmp_path):
    source = tmp_path / "questions.txt"
    source.write_text("沈阳正在试点什么空间重组模式？\n\n东北第一条高速铁路是哪条？\n", encoding="utf-8")
    out = tmp_path / "answers.csv"
    result = run_cli("batch", source, "--out", out, "--index", real_index)
    assert result.exit_code == 0, result.output
    assert "questions.txt:2: empty line" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert [r["question"] for r in rows] == ["沈阳正在试点什么空间重组模式？", "东北第一条高速铁路是哪条？"]
    assert all(r["answer"] and r["sources"].startswith("[1] ") for r in rows)


@pytest.mark.parametrize(
    ("source_name", "out_name", "message"),
    [
        (
            "questions.txt",
            "out.xlsx",
            "out.xlsx: unsupported output file type '.xlsx'; use one of .jsonl, .csv",
        ),
        (
            "questions.tsv",
            "out.jsonl",
            "questions.tsv: unsupported input file type '.tsv'; use one of .txt, .jsonl, .csv",
        ),
    ],
)
def test_cli_batch_unsupported_file_type_is_one_line(
    run_cli, real_index: Path, tmp_path, source_name: str, out_name: str, message: str
):
    source = tmp_path / source_name
    source.write_text("问题\n", encoding="utf-8")
    result = run_cli("batch", source, "--out", tmp_path / out_name, "--index", real_index)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
