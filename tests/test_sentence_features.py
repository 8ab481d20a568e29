"""Sentence features: the subject every sentence of an article shares stops counting; answer types."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nekb import KnowledgeBase
from nekb.embed import HashEmbedder
from nekb.question_form import CharFolder, question_form
from nekb.sentence_features import FEATURES, candidate_sentences, feature_matrix, script_aligned
from nekb.steps import IndexSteps

ARTICLE = (
    "李文涛\n\n"
    "李文涛是中国作家，生于湖南长沙。"
    "李文涛的小说多写乡村生活。"
    "1990年，李文涛毕业于武汉大学中文系。"
    "李文涛曾获茅盾文学奖。"
)
OTHER = "王明\n\n王明是中国画家。王明毕业于中央美术学院。"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("features")
    (root / "corpus").mkdir()
    (root / "corpus" / "李文涛.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "corpus" / "王明.txt").write_text(OTHER, encoding="utf-8")
    KnowledgeBase.build(root / "corpus", root / "index", model=HashEmbedder())
    return root / "index"


@pytest.fixture(scope="module")
def kb(index_dir) -> IndexSteps:
    return IndexSteps.load(index_dir, model=HashEmbedder())


def features_for(kb: IndexSteps, question: str) -> tuple[list[str], dict[str, np.ndarray]]:
    folder = CharFolder()
    parsed = kb.parse(question)
    vector = kb.embed([parsed])[0]
    passages = kb.search(parsed, vector, 5)
    snap = kb.snapshot
    refs = candidate_sentences(snap, passages)
    rows = feature_matrix(snap, question_form(snap, parsed, folder), vector, refs, folder)
    texts = [snap.document(r.doc_id).text[r.start : r.end] for r in refs]
    return texts, {name: rows[:, i] for i, name in enumerate(FEATURES)}


def test_the_shared_subject_weighs_less_within_the_document(kb):
    texts, col = features_for(kb, "李文涛毕业于哪所大学？")
    graduated = next(i for i, t in enumerate(texts) if "毕业" in t)
    lead = next(i for i, t in enumerate(texts) if "中国作家" in t)
    # Both name 李文涛; only the graduation sentence says 毕业. By collection IDF alone 李文涛 would count.
    assert col["doc_coverage"][graduated] > col["doc_coverage"][lead]
    assert col["rest_coverage"][graduated] == 1.0 and col["rest_coverage"][lead] < 0.1
    assert col["lead_sentence"][lead] == 1.0 and col["lead_sentence"][graduated] == 0.0
    assert col["fit_name"][graduated] == 1.0  # 哪所大学 asks for an organisation; 武汉大学中文系 is one
    assert col["type_missing"][lead] == 1.0


def test_sentences_of_the_document_the_question_names_are_marked(kb):
    texts, col = features_for(kb, "李文涛毕业于哪所大学？")
    named = {t for t, v in zip(texts, col["named_document"], strict=True) if v == 1.0}
    assert "1990年，李文涛毕业于武汉大学中文系。" in named
    assert "王明毕业于中央美术学院。" in texts and "王明毕业于中央美术学院。" not in named
    texts, col = features_for(kb, "谁毕业于大学？")  # names no document
    assert not col["named_document"].any()


def test_every_feature_is_finite_and_one_row_per_sentence(kb):
    texts, col = features_for(kb, "李文涛获得过什么奖？")
    assert all(len(values) == len(texts) for values in col.values())
    assert all(np.isfinite(values).all() for values in col.values())
    assert set(np.unique(col["cosine_rank"])) <= {1.0 / r for r in range(1, len(texts) + 1)}


def test_rest_cosine_reads_the_subject_free_vector(kb):
    folder = CharFolder()
    parsed = kb.parse("李文涛毕业于哪所大学？")
    vector = kb.embed([parsed])[0]
    snap = kb.snapshot
    passages = kb.search(parsed, vector, 5)
    refs = candidate_sentences(snap, passages)
    question = question_form(snap, parsed, folder)
    without = feature_matrix(snap, question, vector, refs, folder)
    rest = kb.embed([kb.parse("毕业于哪所大学？")])[0]
    with_rest = feature_matrix(snap, question, vector, refs, folder, rest)
    cosine, rest_cosine = FEATURES.index("cosine"), FEATURES.index("rest_cosine")
    assert np.allclose(without[:, rest_cosine], without[:, cosine])  # no subject: the question stands in
    expected = [float(snap.document(r.doc_id).sentence_vectors[r.index] @ rest) for r in refs]
    assert np.allclose(with_rest[:, rest_cosine], expected)


ROWS_OF = """
import sys
from nekb.embed import HashEmbedder
from nekb.question_form import CharFolder, question_form
from nekb.sentence_features import candidate_sentences, feature_matrix
from nekb.steps import IndexSteps
kb = IndexSteps.load(sys.argv[1], model=HashEmbedder())
folder, parsed = CharFolder(), kb.parse(sys.argv[2])
vector = kb.embed([parsed])[0]
refs = candidate_sentences(kb.snapshot, kb.search(parsed, vector, 5))
rows = feature_matrix(kb.snapshot, question_form(kb.snapshot, parsed, folder), vector, refs, folder)
print(rows.tobytes().hex())
"""


def test_features_are_the_same_in_every_process(index_dir):
    """Python salts string hashes per process: features summed over a set in hash order differed in
    their last bit, and the ranks built on them broke ties differently from one run to the next."""
    question = "1990年李文涛毕业于哪所大学的中文系，获得过什么文学奖？"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", ROWS_OF, str(index_dir), question],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1


FIGURES = (
    "东北人口变动\n\n2024年吉林省人口减少22.1万人，产业转型是主因。\n吉林：自然减少11.3万人，净流出10.8万人\n"
)


@pytest.fixture(scope="module")
def figures_kb(tmp_path_factory) -> IndexSteps:
    root = tmp_path_factory.mktemp("fact-features")
    (root / "corpus").mkdir()
    (root / "corpus" / "东北人口变动.txt").write_text(FIGURES, encoding="utf-8")
    KnowledgeBase.build(root / "corpus", root / "index", model=HashEmbedder())
    return IndexSteps.load(root / "index", model=HashEmbedder())


def test_the_sentence_stating_the_asked_indicators_figure_matches_its_fact(figures_kb):
    texts, col = features_for(figures_kb, "吉林省2024年净流出的人口有多少？")
    outflow = next(i for i, t in enumerate(texts) if "净流出" in t)
    decrease = next(i for i, t in enumerate(texts) if "人口减少" in t)
    # Both hold a figure of 吉林 in 2024 (the list line's year comes from the line before it); only one
    # states the 净流出 asked about, which its fact row names as the indicator.
    assert col["figure_fact"][outflow] == col["figure_fact"][decrease] == 1.0
    assert col["fact_match"][outflow] > col["fact_match"][decrease] > 0.0
    _, col = features_for(figures_kb, "吉林省为什么净流出人口？")  # asks no figure
    assert not col["fact_match"].any()


def test_script_aligned_lowers_the_other_script_to_the_chinese_mean():
    cosines = np.array([0.80, 0.78, 0.85, 0.83, 0.76])
    han = np.array([True, True, False, False, True])
    aligned = script_aligned(cosines, han)
    assert np.array_equal(aligned[han], cosines[han])  # Chinese sentences keep theirs
    assert aligned[~han].mean() == pytest.approx(cosines[han].mean())
    assert aligned[2] - aligned[3] == pytest.approx(0.02)  # the order within a script stays
    # One script only, or English already lower: nothing to align.
    assert np.array_equal(script_aligned(cosines, np.ones(5, dtype=bool)), cosines)
    assert np.array_equal(script_aligned(cosines, np.zeros(5, dtype=bool)), cosines)
    low = np.array([0.80, 0.70])
    assert np.array_equal(script_aligned(low, np.array([True, False])), low)


ABSTRACT_PAPER = (
    "东北工业\n\n"
    "Abstract: The northeast region is an important industrial base of China.\n"
    "改革开放之前，东北地区工业总产值占全国的比重保持在17%以上。"
    "东北地区是我国重要的工业基地。"
)


def raw_cosines(kb: IndexSteps, question: str, texts: list[str]) -> np.ndarray:
    """Each candidate's plain cosine with the question, from its document's sentence vectors."""
    vector = kb.embed([kb.parse(question)])[0]
    doc = kb.snapshot.document(kb.snapshot.documents()[0].doc_id)
    starts = [start for start, _ in doc.sentences]
    return np.array([float(doc.sentence_vectors[starts.index(doc.text.index(t))] @ vector) for t in texts])


def test_an_english_questions_cosines_with_english_sentences_are_aligned(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "东北工业.txt").write_text(ABSTRACT_PAPER, encoding="utf-8")
    KnowledgeBase.build(tmp_path / "corpus", tmp_path / "index", model=HashEmbedder())
    kb = IndexSteps.load(tmp_path / "index", model=HashEmbedder())
    question = "What share of industrial output did the Northeast have?"
    texts, col = features_for(kb, question)
    han = np.array(["Abstract" not in t for t in texts])
    assert han.any() and not han.all()
    raw = raw_cosines(kb, question, texts)
    assert raw[~han].mean() > raw[han].mean()  # the same-language pair runs higher …
    assert np.allclose(col["cosine"], script_aligned(raw, han))  # … and is brought down to the Chinese
    # A Chinese question's cosines are the plain ones.
    question = "东北工业总产值占全国的比重是多少？"
    texts, col = features_for(kb, question)
    assert np.allclose(col["cosine"], raw_cosines(kb, question, texts))
