import numpy as np
from conftest import hand_built_snapshot

from nekb.answer import Candidate, citations_for, informative_places, is_claimable, select_claims
from nekb.types import Hit


def candidate(text, cosine, lexical, vector, start=0, rank=0, fit=0.0):
    v = np.asarray(vector, dtype=np.float32)
    return Candidate(
        "d", start, start + len(text), text, None, v / np.linalg.norm(v), cosine, lexical, rank, fit
    )


def test_best_claim_first_and_duplicates_removed():
    cands = [
        candidate("黑龙江出生率为3.35‰,全国最低。", 0.95, 1.0, [1, 0, 0], start=10),
        candidate("黑龙江出生率为3.35‰,全国最低!", 0.94, 1.0, [1, 0.01, 0], start=50),
        candidate("辽宁出生率为4.32‰,同样很低。", 0.92, 0.6, [0, 1, 0], start=90),
        candidate("这是一句与问题无关的话而已。", 0.70, 0.0, [0, 0, 1], start=130),
    ]
    chosen = select_claims(cands)
    assert chosen[0].start == 10
    assert 50 not in [c.start for c in chosen]  # near-duplicate of the first
    assert 130 not in [c.start for c in chosen]  # far below the best


def test_nothing_relevant_gives_no_claims():
    cands = [candidate("东北的冬天很冷很长。", 0.80, 0.1, [1, 0, 0])]
    assert select_claims(cands) == []


def test_headings_are_not_claims():
    assert not is_claimable("1.2 人口结构的深度失衡")
    assert not is_claimable("三、")
    assert is_claimable("黑龙江:出生率3.35‰")


def test_citations_are_the_numbers_of_the_passages_holding_the_span():
    hits = [Hit("a", "", "", 1, 0, 100), Hit("b", "", "", 1, 0, 100), Hit("a", "", "", 1, 50, 200)]
    assert citations_for("a", 60, 90, hits) == (1, 3)
    assert citations_for("a", 120, 150, hits) == (3,)


def test_a_place_most_sentences_name_earns_no_fit():
    snap = hand_built_snapshot({"a.txt": ["东北 人口", "东北 振兴", "东北 黑龙江", "辽宁 高铁"]})
    assert informative_places(snap, ["东北", "黑龙江", "辽宁"]) == ["黑龙江", "辽宁"]
    assert informative_places(snap, []) == []
