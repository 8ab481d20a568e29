"""Tests for nekb.normalize: search forms and the evaluation match form."""

from __future__ import annotations

from nekb.normalize import SearchNormalizer, normalize_for_match, to_search_form

# --- search and match forms --------------------------------------------------------------


def test_to_search_form() -> None:
    assert to_search_form("地區發展") == "地区发展"
    assert to_search_form("ＧＤＰ１２３") == "GDP123"  # NFKC folds full-width forms


def test_search_normalizer_is_reusable() -> None:
    normalizer = SearchNormalizer()
    assert normalizer.search_form("東北振興") == "东北振兴"
    assert to_search_form("產業", normalizer) == "产业"


def test_normalize_for_match() -> None:
    annotated = "東北地區(qū)人口 持續(xù)\n流出，發(fā)展 滯后"
    assert normalize_for_match(annotated) == "东北地区人口持续流出,发展滞后"  # NFKC folds "，"
    assert normalize_for_match("东北三省 GDP 由\n2003 年") == "东北三省GDP由2003年"
