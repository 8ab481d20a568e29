import numpy as np

from nekb.answer import Candidate, select_claims


def candidate(text, score, vector, start=0, rank=0):
    v = np.asarray(vector, dtype=np.float32)
    return Candidate(
        "d", start, start + len(text), text, None, v / np.linalg.norm(v), 0.9, 0.5, rank, 0.0, score
    )


def test_best_claim_first_and_duplicates_removed():
    cands = [
        candidate("黑龙江出生率为3.35‰,全国最低。", 0.5, [1, 0, 0], start=10),
        candidate("黑龙江出生率为3.35‰,全国最低!", 0.3, [1, 0.01, 0], start=50),
        candidate("辽宁出生率为4.32‰,同样很低。", 0.15, [0, 1, 0], start=90),
        candidate("这是一句与问题无关的话而已。", 0.01, [0, 0, 1], start=130),
    ]
    chosen = select_claims(cands, relevant=True, relative_floor=0.2)
    assert [c.start for c in chosen] == [10, 90]  # 50 repeats the first; 130 is below the floor


def test_nothing_relevant_gives_no_claims():
    cands = [candidate("东北的冬天很冷很长。", 1.0, [1, 0, 0])]
    assert select_claims(cands, relevant=False, relative_floor=0.2) == []
    assert select_claims([], relevant=True, relative_floor=0.2) == []
