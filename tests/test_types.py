"""Result types: the one source label, answer text with citation markers, and the one answer JSON."""

import json

from nekb.types import Answer, Claim, Hit

HITS = (
    Hit("a.txt", "东北人口", "黑龙江减少33万人。", 0.03, 0, 10, date="2025"),
    Hit("b.pdf", "振兴政策", "辽宁减少27万人。", 0.02, 100, 109, page=3, chunk_id=7),
    Hit("c.txt", "c.txt", "吉林。", 0.01, 5, 8),
)


def test_a_source_is_labelled_the_same_way_everywhere():
    assert HITS[0].label(1) == "[1] 东北人口 · 2025 · a.txt"
    assert HITS[1].label(2) == "[2] 振兴政策 · p. 3 · b.pdf"
    assert HITS[2].label(3) == "[3] c.txt"  # a title that is the file name is not repeated


def test_answer_text_and_json_use_the_same_1_based_citation_numbers():
    claims = (
        Claim("黑龙江减少33万人。", "a.txt", 0, 10, None, (1,), ("a.txt#0-0",)),
        Claim("辽宁减少27万人。", "b.pdf", 100, 109, 3, (2,)),
    )
    answer = Answer("减少多少？", claims, HITS)
    assert answer.text == "黑龙江减少33万人。[1]\n辽宁减少27万人。[2]"
    assert answer.passage(2) is HITS[1]
    payload = json.loads(json.dumps(answer.to_dict(), ensure_ascii=False))
    assert [p["n"] for p in payload["passages"]] == [1, 2, 3]
    for claim in payload["claims"]:
        for n in claim["citations"]:
            assert payload["passages"][n - 1]["doc_id"] == claim["doc_id"]
    assert payload["claims"][0]["fact_ids"] == ["a.txt#0-0"]
    assert payload["answer"] == answer.text and payload["question"] == "减少多少？"


def test_an_answer_without_claims_reads_as_its_reason():
    answer = Answer("火星？", (), (), reason="No relevant passage found: nothing close.")
    assert answer.text == answer.reason and answer.to_dict()["claims"] == []
