import numpy as np

from nekb.english import EnglishDictionary, read_readings, read_senses
from nekb.normalize import SearchNormalizer
from nekb.query import QueryAnalyzer
from nekb.segment import Segmenter, arabic_numerals

DICTIONARY_LINES = [
    "合作 合作 [he2 zuo4] /to cooperate/cooperation/",
    "考拉 考拉 [kao3 la1] /koala/",
    "巴西 巴西 [Ba1 xi1] /Brazil/",
    "東北 东北 [Dong1 bei3] /Northeast China/Manchuria/",
    "程序 程序 [cheng2 xu4] /program/procedure/",
]


def analyzer():
    return QueryAnalyzer(Segmenter(), SearchNormalizer())


def dictionary_analyzer(loads: list[int]) -> QueryAnalyzer:
    def load() -> EnglishDictionary:
        loads.append(1)
        return EnglishDictionary(read_senses(DICTIONARY_LINES))

    return QueryAnalyzer(Segmenter(), SearchNormalizer(), load_dictionary=load)


def collection_share(words):
    held = {"合作": 0.1, "巴西": 0.1, "东北": 0.3, "程序": 0.1}
    return np.array([held.get(w, 0.0) for w in words])


def test_counted_chinese_numerals_become_digits():
    assert arabic_numerals("十年间第七次人口普查") == "10年间第7次人口普查"
    assert arabic_numerals("十九大一带一路") == "十九大一带一路"
    # 一 after a determiner picks out, it does not count: which year, this year, every time
    assert arabic_numerals("哪一年？这一年一年里每一次，这三年") == "哪一年？这一年1年里每一次，这3年"


def test_segmenter_uses_user_dictionary_and_drops_stopwords():
    tokens = Segmenter().tokens("七台河市的户籍人口是多少？")
    assert "七台河" in tokens and "户籍人口" in tokens  # jieba alone: 户籍 / 人口
    assert "的" not in tokens and "多少" not in tokens and "？" not in tokens


def test_synonyms_expand_abbreviations():
    parsed = analyzer().parse("七普数据显示黑龙江流出多少", {})
    assert "普查" in parsed.tokens and "七普" in parsed.words and "普查" not in parsed.words


def test_english_words_translate_through_the_dictionary():
    loads: list[int] = []
    parsed = dictionary_analyzer(loads).parse(
        "Does cooperation with Brazil help Northeast China?", {}, collection_share
    )
    assert {"东北", "合作", "巴西"} <= set(parsed.words)
    assert "cooperation" not in parsed.words and "brazil" not in parsed.words
    assert parsed.guessed == {"合作"}  # a common word's sense is a guess; a name's translation is not


def test_words_that_only_make_an_english_question_are_not_searched():
    parsed = dictionary_analyzer([]).parse(
        "How long has the cooperation with Brazil been going on for you?", {}, collection_share
    )
    assert {"合作", "巴西"} <= set(parsed.words)
    assert not {"how", "long", "has", "the", "with", "been", "for", "you"} & set(parsed.words)
    assert "going" in parsed.words  # untranslated, but a content word
    # Also when the dictionary knows none of its words.
    parsed = dictionary_analyzer([]).parse("Has the xyzzy been found by you?", {}, collection_share)
    assert parsed.words == ("xyzzy", "found")


def test_a_possessive_translates_like_its_name():
    parsed = dictionary_analyzer([]).parse("How did Brazil's cooperation grow?", {}, collection_share)
    assert "巴西" in parsed.words and "brazil's" not in parsed.words and "巴西" not in parsed.guessed


def test_a_translation_the_collection_never_uses_is_no_guess():
    parsed = dictionary_analyzer([]).parse("Are there koalas?", {}, collection_share)
    assert "考拉" in parsed.words and parsed.guessed == frozenset()


def test_the_dictionary_is_read_once_and_only_for_english_questions():
    loads: list[int] = []
    analyzer = dictionary_analyzer(loads)
    assert "program" in analyzer.parse("What is the program?", {}).words  # no collection: no lookup
    assert (
        "program" in analyzer.parse("program是什么？", {}, collection_share).words
    )  # English in Chinese: a name
    assert loads == []
    analyzer.parse("What is the program?", {}, collection_share)
    analyzer.parse("Which program?", {}, collection_share)
    assert loads == [1]


def test_a_question_names_the_documents_whose_title_it_holds():
    titles = {"a": "锦地罗", "b": "杨昊 (足球运动员)", "c": "東北", "d": "水", "e": "别的文章"}
    assert analyzer().parse("锦地罗又被称之为什么？", titles).named == frozenset({"a"})
    assert analyzer().parse("杨昊现效力于哪里？", titles).named == frozenset({"b"})  # without its qualifier
    assert analyzer().parse("东北的人口有多少？", titles).named == frozenset({"c"})  # in either script
    assert analyzer().parse("水是什么？", titles).named == frozenset()  # a one-character title names nothing
    latin = {"art": "Art", "rw": "Real_world (album)", "mix": "卡拉OK Live"}
    assert analyzer().parse("When did the project start?", latin).named == frozenset()  # whole words only
    assert analyzer().parse("Who painted the art?", latin).named == frozenset({"art"})
    assert analyzer().parse("Real-world是谁的专辑？", latin).named == frozenset({"rw"})
    assert analyzer().parse("卡拉OK live台北的歌手是谁？", latin).named == frozenset({"mix"})


def test_an_english_question_names_a_document_by_its_titles_pinyin():
    readings = ["蔣 蒋 [Jiang3] /surname Jiang/", "巨 巨 [ju4] /huge/", "峰 峰 [feng1] /peak/"]

    def load() -> EnglishDictionary:
        return EnglishDictionary(read_senses(DICTIONARY_LINES), read_readings(readings))

    titles = {"a": "蒋巨峰", "b": "合作"}
    analyzer = QueryAnalyzer(Segmenter(), SearchNormalizer(), load_dictionary=load)
    asked = "Which university did Jiang Jufeng graduate from?"
    parsed = analyzer.parse(asked, titles, collection_share)
    assert parsed.named == frozenset({"a"})
    # The name is searched as the title it spells, not as English words no passage holds.
    assert "jiang" not in parsed.words and "jufeng" not in parsed.words
    assert set(Segmenter().tokens("蒋巨峰")) <= set(parsed.words)
    assert analyzer.parse("蒋巨峰 Jiang Jufeng 毕业于哪所大学？", {"b": "合作"}).named == frozenset()
    # Without the collection's words (no lookup), no dictionary is read and nothing is named by sound.
    fresh = QueryAnalyzer(Segmenter(), SearchNormalizer(), load_dictionary=load)
    assert fresh.parse(asked, titles).named == frozenset()


def test_quoted_title_scopes_and_leaves_the_rest_of_the_question():
    titles = {"a.txt": "以人口高质量发展推动东北全面振兴的对策研究", "b.txt": "别的文章"}
    parsed = analyzer().parse("《以人口高质量发展推动东北全面振兴的对策研究》的作者是谁", titles)
    assert parsed.scope == frozenset({"a.txt"})
    assert "作者" in parsed.tokens and "振兴" not in parsed.tokens
    assert "振兴" in parsed.title_words and "作者" not in parsed.title_words  # what the ranker still reads
    assert analyzer().parse("《不存在的书》的作者", titles).scope is None
