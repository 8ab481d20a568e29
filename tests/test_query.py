from nekb.normalize import SearchNormalizer
from nekb.query import QueryAnalyzer
from nekb.segment import Segmenter, arabic_numerals


def analyzer():
    return QueryAnalyzer(Segmenter(), SearchNormalizer())


def test_counted_chinese_numerals_become_digits():
    assert arabic_numerals("十年间第七次人口普查") == "10年间第7次人口普查"
    assert arabic_numerals("十九大一带一路") == "十九大一带一路"


def test_segmenter_uses_user_dictionary_and_drops_stopwords():
    tokens = Segmenter().tokens("七台河市的常住人口是多少？")
    assert "七台河" in tokens and "常住人口" in tokens
    assert "的" not in tokens and "多少" not in tokens and "？" not in tokens


def test_synonyms_expand_abbreviations():
    parsed = analyzer().parse("七普数据显示黑龙江流出多少", {})
    assert "普查" in parsed.tokens and "七普" in parsed.words and "普查" not in parsed.words


def test_english_words_translate_through_the_glossary():
    parsed = analyzer().parse("What is the birth rate in Heilongjiang?", {})
    assert {"黑龙江", "出生率"} <= set(parsed.words)
    assert "heilongjiang" not in parsed.words


def test_quoted_title_scopes_and_leaves_the_rest_of_the_question():
    titles = {"a.txt": "以人口高质量发展推动东北全面振兴的对策研究", "b.txt": "别的文章"}
    parsed = analyzer().parse("《以人口高质量发展推动东北全面振兴的对策研究》的作者是谁", titles)
    assert parsed.scope == frozenset({"a.txt"})
    assert "作者" in parsed.tokens and "振兴" not in parsed.tokens
    assert "振兴" in parsed.title_words and "作者" not in parsed.title_words  # what the ranker still reads
    assert analyzer().parse("《不存在的书》的作者", titles).scope is None
