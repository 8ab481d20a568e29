"""What a document turns into before embedding: the title its sentences are embedded after."""

from dataclasses import replace

from nekb.normalize import SearchNormalizer
from nekb.pipeline import DocumentRecord, title_context
from nekb.types import DocumentInfo


def test_a_short_title_is_the_context_a_headline_is_not():
    assert title_context(DocumentInfo("a.txt", title="松平康忠")) == "松平康忠"
    headline = "东北三省人口流失：现状、原因、影响与应对"
    assert title_context(DocumentInfo("b.txt", title=headline)) == ""


def test_a_file_name_title_counts_without_extension_and_number():
    assert title_context(DocumentInfo("0002-松平康忠.txt", title="0002-松平康忠.txt")) == "松平康忠"
    assert title_context(DocumentInfo("docs/2023年报.pdf", title="2023年报.pdf")) == "2023年报"


def test_each_sentence_is_embedded_after_the_title_in_search_form():
    text = "他生於1543年。後來出家。"
    record = DocumentRecord(
        info=DocumentInfo("a.txt", title="松平康忠"),
        text=text,
        page_starts=(0,),
        sentences=((0, 7), (7, 12)),
        chunk_ranges=((0, 2),),
        sentence_tokens=((), ()),
        facts=(),
    )
    normalizer = SearchNormalizer()
    forms = record.sentence_forms(normalizer)
    assert record.embedding_texts(normalizer) == [f"松平康忠：{form}" for form in forms]
    untitled = replace(record, info=DocumentInfo("a.txt", title="一篇很长的标题" * 3))
    assert untitled.embedding_texts(normalizer) == forms
