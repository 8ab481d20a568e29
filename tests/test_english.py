import numpy as np

from nekb.english import EnglishDictionary, asking_words, english_names, english_words, read_senses

LINES = [
    "# CC-CEDICT comment line",
    "人口 人口 [ren2 kou3] /population/people/",
    "合作 合作 [he2 zuo4] /to cooperate/to collaborate/to work together/cooperation/CL:個|个[ge4]/",
    "協作 协作 [xie2 zuo4] /cooperation/coordination/",
    "依賴 依赖 [yi1 lai4] /to depend on/to be dependent on/",
    "吉林 吉林 [Ji2 lin2] /Jilin province (Kirin) in northeast China, abbr. 吉/",
    "東方文明 东方文明 [Dong1 fang1 wen2 ming2] /Eastern civilization/",
    "人均 人均 [ren2 jun1] /per capita/",
    "城市 城市 [cheng2 shi4] /city; town/CL:座[zuo4]/",
    "以 以 [yi3] /to use/by means of/",
    "使用 使用 [shi3 yong4] /to use/to employ/",
    "考拉 考拉 [kao3 la1] /koala/",
    "樹袋熊 树袋熊 [shu4 dai4 xiong2] /koala/",
    "大型 大型 [da4 xing2] /large/large-scale/",
    "女性 女性 [nu:3 xing4] /woman/the female sex/",
    "女人家 女人家 [nu:3 ren2 jia1] /women/",
    "葉子 叶子 [ye4 zi5] /foliage/leaf/",
    "商人 商人 [shang1 ren2] /businessman/merchant/",
]


def dictionary() -> EnglishDictionary:
    return EnglishDictionary(read_senses(LINES))


def share_of(held: dict[str, float]):
    return lambda words: np.array([held.get(w, 0.0) for w in words])


def test_senses_are_found_by_their_words_and_a_proper_nouns_leading_name():
    senses = read_senses(LINES)
    assert senses["population"] == [(0, "人口", True)]
    assert (3, "合作", True) in senses["cooperation"] and (0, "协作", True) in senses["cooperation"]
    assert senses["depend on"] == senses["depend"] == [(0, "依赖", True)]  # "to" dropped; the verb alone
    assert senses["jilin"] == [(0, "吉林", False)]  # the start of a name's gloss, not a whole sense
    assert ("city" in senses) and ("town" in senses)  # a sense is split at ;
    assert not any(key.startswith("cl ") for key in senses)  # measure-word notes are no senses
    assert all(
        word != "以" for entries in senses.values() for _, word, _ in entries
    )  # one character: skipped


def test_translation_is_the_collections_own_word_with_later_senses_discounted():
    words = ["cooperation"]
    # 合作 is sense 3, discounted 0.5**3, but a collection that says it 20 times more still gets it.
    assert dictionary().translate(words, share_of({"合作": 0.2, "协作": 0.01})) == [
        (("cooperation",), "合作", True)
    ]
    assert dictionary().translate(words, share_of({"合作": 0.02, "协作": 0.01})) == [
        (("cooperation",), "协作", True)
    ]


def test_a_concept_the_collection_never_names_keeps_its_first_sense_and_says_so():
    assert dictionary().translate(["koala"], share_of({})) == [(("koala",), "考拉", False)]


def test_a_names_start_translates_when_the_collection_holds_it_and_otherwise_tells_nothing():
    assert dictionary().translate(["jilin"], share_of({"吉林": 0.1})) == [(("jilin",), "吉林", True)]
    assert read_senses(LINES)["eastern"] == [(0, "东方文明", False)]
    assert dictionary().translate(["eastern"], share_of({})) == []  # says nothing of "eastern" alone


def test_longest_phrase_first_inflections_and_function_words():
    found = dictionary().translate(
        ["per", "capita", "cities", "depending", "the", "use"],
        share_of({"人均": 0.1, "城市": 0.1, "依赖": 0.1, "使用": 0.1}),
    )
    assert [(source, chinese) for source, chinese, _ in found] == [
        (("per", "capita"), "人均"),
        (("cities",), "城市"),
        (("depending",), "依赖"),
        (("use",), "使用"),
    ]


def test_irregular_plurals_find_their_singulars_senses():
    # CC-CEDICT glosses 女性 as "woman": "women" alone would reach only the rarer headwords glossed "women".
    share = share_of({"女性": 0.2, "女人家": 0.01})
    assert dictionary().translate(["women"], share) == [(("women",), "女性", True)]
    assert dictionary().translate(["leaves"], share_of({"叶子": 0.1})) == [(("leaves",), "叶子", True)]
    found = dictionary().translate(["businessmen"], share_of({"商人": 0.1}))
    assert found == [(("businessmen",), "商人", True)]
    assert dictionary().translate(["women"], share_of({"女人家": 0.1})) == [(("women",), "女人家", True)]


def test_the_word_after_how_asks_and_is_not_translated():
    # "How large was the population" asks for a figure (answer_type), not for anything 大型 (large-scale).
    share = share_of({"大型": 0.1, "人口": 0.1})
    found = dictionary().translate(["how", "large", "was", "the", "population"], share)
    assert [chinese for _, chinese, _ in found] == ["人口"]
    found = dictionary().translate(["a", "large", "population"], share)
    assert [chinese for _, chinese, _ in found] == ["大型", "人口"]


def test_names_are_the_capitalised_words_after_the_first():
    assert english_names("Who founded Harbin Institute of Technology?") == {
        "harbin",
        "institute",
        "technology",
    }
    assert english_names("Where is Liaoning's capital, and the Smiths' home?") == {"liaoning", "smiths"}


def test_words_drop_possessives_and_split_at_hyphens():
    assert english_words("Liaoning's per-capita GDP, the Smiths' home") == [
        "liaoning",
        "per",
        "capita",
        "gdp",
        "the",
        "smiths",
        "home",
    ]


def test_the_packaged_dictionary_loads():
    real = EnglishDictionary.load()
    assert (0, "人口", True) in real.senses["population"]
    assert any(word == "吉林" for _, word, _ in real.senses["jilin"])


def test_asking_words_are_function_words_and_the_word_after_how():
    words = english_words("How long has the Long River been known, and how large is it?")
    assert asking_words(words) == {"how", "long", "has", "the", "been", "and", "large", "is", "it"}
    assert "long" not in asking_words(english_words("Which long river is it?"))
