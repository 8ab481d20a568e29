"""pinyin_titles: an English question names a document by its title's pinyin."""

import re

from nekb.english import read_readings
from nekb.pinyin_titles import PinyinTitles, name_runs

LINES = [
    "蔣 蒋 [Jiang3] /surname Jiang/",
    "巨 巨 [ju4] /very large/huge/",
    "峰 峰 [feng1] /peak/summit/",
    "呂 吕 [Lu:3] /surname Lü/",
    "布 布 [bu4] /cloth/",
    "長 长 [chang2] /length/long/",
    "長 长 [zhang3] /chief/to grow/",
    "江 江 [jiang1] /river/",
    "巨峰 巨峰 [ju4 feng1] /a kind of grape/",  # not a character: no reading
]
TITLES = {"a": "蒋巨峰", "b": "吕布", "c": "长江", "d": "蒋巨峰 (政治人物)", "e": "巨"}


def key(title: str) -> str:
    return re.sub(r"\W", "", title)


def test_readings_are_toneless_syllables_of_single_characters() -> None:
    readings = read_readings(LINES)
    assert readings["蒋"] == frozenset({"jiang"})
    assert readings["长"] == frozenset({"chang", "zhang"})
    assert readings["吕"] == frozenset({"lu"})  # ü as English writes it
    assert "巨峰" not in readings


def test_a_run_of_capitalised_words_spells_a_title() -> None:
    titles = PinyinTitles(TITLES, key, read_readings(LINES))
    assert titles.named("Which university did Jiang Jufeng graduate from?") == {"a", "d"}
    assert titles.named("What did Lu Bu's army do?") == {"b"}
    assert titles.spelled("What did Lu Bu's army do?") == [("b", "吕布", ("lu", "bu"))]
    # Either reading of 长 spells it; a one-character title is too short to name by sound.
    assert titles.named("How long is the Changjiang?") == {"c"}
    assert titles.named("Is Zhang Jiang a river?") == {"c"}
    assert titles.named("What does Ju mean?") == frozenset()
    assert titles.named("Is Jiang Jufengs a name?") == frozenset()  # spelled exactly, nothing left over
    # The words must be capitalised names, and the syllables the title's, in order.
    assert titles.named("jiang jufeng") == frozenset()
    assert titles.named("Jufeng Jiang") == frozenset()


def test_names_are_runs_of_up_to_four_capitalised_words() -> None:
    assert name_runs("Yang Li-yin won") == [("yang",), ("yang", "li", "yin"), ("li", "yin")]
    assert name_runs("Han Sui's defeat") == [("han",), ("han", "sui"), ("sui",)]
    assert ("a", "b", "c", "d", "e") not in name_runs("A B C D E")
