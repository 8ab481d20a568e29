"""Place names of China's administrative divisions as jieba words."""

import jieba

from nekb.places import add_place_names, division_names, division_table
from nekb.segment import SharingPOSTokenizer

TABLE = """adcode,name,longitude,latitude
210000000000,辽宁省,0,0
210200000000,大连市,0,0
222400000000,延边朝鲜族自治州,0,0
210201000000,市辖区,0,0
140202000000,城区,0,0
640303000000,红寺堡区,0,0
""".encode()


def test_provinces_and_prefectures_have_their_short_form_counties_do_not():
    names = division_names(TABLE)
    assert names == {
        "辽宁省": True,
        "辽宁": True,
        "大连市": True,
        "大连": True,
        "延边朝鲜族自治州": True,
        "延边": True,
        "城区": False,
        "红寺堡区": False,
    }


def test_the_packaged_table_holds_every_province():
    names = division_names(division_table())
    assert {"黑龙江", "广西", "宁夏", "新疆", "香港", "内蒙古"} <= {n for n, major in names.items() if major}
    assert len(names) > 3000


def tags(tokenizer: jieba.Tokenizer, text: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in SharingPOSTokenizer(tokenizer).cut(text)]


def test_a_prefecture_jieba_mistags_becomes_a_place_a_common_word_keeps_its_tag():
    tokenizer = jieba.Tokenizer()
    assert ("大连", "ns") not in tags(tokenizer, "大连8752亿元")  # jieba alone: an adverb
    add_place_names(tokenizer, division_names(TABLE))
    assert ("大连", "ns") in tags(tokenizer, "大连8752亿元")
    assert ("城区", "n") in tags(tokenizer, "城区人口")
    assert ("红寺堡区", "ns") in tags(tokenizer, "红寺堡区的移民")  # jieba alone: 红寺/堡区
