"""Title naming: the per-version lookup names what a scan of every title names; old versions drop out."""

import random
import re

from nekb.normalize import SearchNormalizer
from nekb.query import QueryAnalyzer
from nekb.segment import Segmenter
from nekb.title_names import QUALIFIER, TitleNames


def _key(text: str) -> str:
    return re.sub(r"\W", "", text).lower()


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _scan(question: str, titles: dict[str, str]) -> frozenset[str]:
    """Brute force: every title, bare of its qualifier, tested against the question one by one."""
    found = set()
    for doc_id, title in titles.items():
        bare = QUALIFIER.sub("", title)
        if len(_key(bare)) < 2:
            continue
        if _key(bare).isascii():
            if re.search(rf"(?<![a-z0-9]){re.escape(_words(bare))}(?![a-z0-9])", _words(question)):
                found.add(doc_id)
        elif _key(bare) in _key(question):
            found.add(doc_id)
    return frozenset(found)


def test_the_lookup_names_what_a_scan_of_every_title_names():
    rng = random.Random(7)
    alphabet = "长春吉林辽宁人口东北振兴水Art live"
    titles = {f"d{i}": "".join(rng.choices(alphabet, k=rng.randint(1, 5))) for i in range(300)}
    titles |= {"q1": "杨昊 (足球运动员)", "q2": "卡塞雷斯_(西班牙)", "l1": "Art", "m1": "卡拉OK live台北"}
    lookup = TitleNames(titles, _key, _words)
    questions = ["".join(rng.choices(alphabet + "的是？", k=rng.randint(2, 30))) for _ in range(500)]
    questions += ["杨昊现效力于哪里？", "卡塞雷斯在哪？", "Who painted the art?", "When did it start?"]
    for question in questions:
        assert lookup.named(question) == _scan(question, titles), question
    assert lookup.named("杨昊现效力于哪里？") >= {"q1"}
    assert "l1" not in lookup.named("When did it start?")


def test_quoted_titles_scope_to_the_titles_that_hold_them_or_are_held():
    titles = {"a": "宇宙奇兵", "b": "宇宙奇兵 (电视剧)", "c": "奇兵", "d": "长春"}
    lookup = TitleNames(titles, _key, _words)
    for quotes in (["宇宙奇兵"], ["奇兵"], ["宇宙奇兵(电视剧)第二季"], ["长春", "奇兵"], ["？"], ["沈阳"]):
        wanted = [_key(q) for q in quotes if _key(q)]
        expected = {d for d, t in titles.items() if any(q in _key(t) or _key(t) in q for q in wanted)}
        assert lookup.quoted(quotes) == expected, quotes
    assert lookup.quoted(["奇兵"]) == {"a", "b", "c"}


def test_the_analyzer_keeps_the_lookups_of_a_few_versions_only():
    analyzer = QueryAnalyzer(Segmenter(), SearchNormalizer())
    versions = [{"a": f"标题{i}号"} for i in range(10)]
    for i, titles in enumerate(versions):
        assert analyzer.parse(f"标题{i}号是什么？", titles).named == frozenset({"a"})
    assert len(analyzer._title_names) < len(versions)
    assert analyzer._title_names[0][0] is versions[-1]
