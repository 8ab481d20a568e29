"""China's administrative divisions as jieba place words (part of speech ``ns``).

jieba's own dictionary splits or mis-tags many place names (大连 is an adverb there, 营口 a verbal
noun, 齐齐哈尔 a person), which costs entity and answer-type detection on any text about China.
The table is cpca's (MIT): every province, prefecture and county with its code. It is read as data,
without importing cpca (whose import builds an address matcher).
"""

from __future__ import annotations

import csv
import io
import re
from importlib import metadata

import jieba

PLACE_TAG = "ns"
_PLACEHOLDER = re.compile(r"辖|直管|行政区划")  # 市辖区, 省直辖县级行政区划: rows, not names


def division_table() -> bytes:
    """The bytes of cpca's division table (adcode, name, longitude, latitude)."""
    return _cpca_resource("adcodes.csv")


def nationalities() -> tuple[str, ...]:
    """China's 56 nationalities as cpca lists them (汉族, 蒙古族 …)."""
    return tuple(_cpca_resource("56_nations.csv").decode("utf-8").split())


def _cpca_resource(name: str) -> bytes:
    return metadata.distribution("cpca").locate_file(f"cpca/resources/{name}").read_bytes()


def _short_name(nations: tuple[str, ...]) -> re.Pattern[str]:
    """What a province's or a prefecture's name drops in everyday writing: 大连市 -> 大连,
    延边朝鲜族自治州 -> 延边, 新疆维吾尔自治区 -> 新疆 (a nationality may go without its 族)."""
    nationality = "|".join(sorted({n.removesuffix("族") for n in nations}, key=len, reverse=True))
    return re.compile(rf"(.{{2,}}?)(?:省|市|地区|盟|特别行政区|(?:(?:{nationality})族?)*自治[区州])")


def division_names(table: bytes, nations: tuple[str, ...] = ()) -> dict[str, bool]:
    """Place names of ``table``, each mapped to whether it names a province or a prefecture (whose
    short form is listed too: 大连 beside 大连市) rather than a county; ``nations`` are the
    nationalities an autonomous region's name may hold."""
    short_name = _short_name(nations or nationalities())
    names: dict[str, bool] = {}
    for row in csv.DictReader(io.StringIO(table.decode("utf-8"))):
        name, code = row["name"], row["adcode"]
        if _PLACEHOLDER.search(name) or len(name) < 2:
            continue
        major = code[4:6] == "00"  # a county's code ends in its own two digits
        names[name] = names.get(name, False) or major
        short = short_name.fullmatch(name)
        if major and short:
            names[short.group(1)] = True
    return names


def add_place_names(tokenizer: jieba.Tokenizer, names: dict[str, bool]) -> None:
    """Make every name a word of ``tokenizer`` tagged as a place.

    A province's or a prefecture's name is retagged even when jieba knows it as something else; a
    county's only when jieba does not know the word at all, since many are also common words (城区,
    郊区, 新区) whose reading we should not change.
    """
    for name, major in names.items():
        known = tokenizer.FREQ.get(name, 0)
        if known and not major:
            continue
        tokenizer.add_word(name, known or tokenizer.suggest_freq(name), PLACE_TAG)
