from nekb.library import copy_into_corpus, delete_from_corpus, sanitize_name, save_uploads


def test_names_lose_separators_dots_and_control_characters():
    assert sanitize_name("../../etc/passwd.txt") == "passwd.txt"
    assert sanitize_name("a\\b\\..\\c.TXT") == "c.txt"
    assert sanitize_name("报告\x00\x1f 2024.md") == "报告_ 2024.md"
    assert sanitize_name("东北 人口 报告.pdf") == "东北 人口 报告.pdf"
    assert sanitize_name("..") == "document"
    assert "/" not in sanitize_name("x/y/z.txt") and ".." not in sanitize_name("a..b.txt")


def test_copy_refuses_duplicates_and_unsupported_and_avoids_clashes(tmp_path):
    corpus = tmp_path / "corpus"
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("甲", encoding="utf-8")
    (src / "b.pptx").write_bytes(b"PK")
    (src / "sub").mkdir()
    (src / "sub" / "a.txt").write_text("乙", encoding="utf-8")
    added, errors = copy_into_corpus(
        [src / "a.txt", src / "b.pptx", src / "sub", src / "missing.txt"], corpus
    )
    assert added == ["a.txt", "a-2.txt"]
    assert any("b.pptx: unsupported format .pptx" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)
    again, errors = copy_into_corpus([src / "a.txt"], corpus)
    assert again == [] and errors == ["a.txt: duplicate of a.txt, not added"]


def test_delete_only_inside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("甲", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("乙", encoding="utf-8")
    removed, errors = delete_from_corpus(["a.txt", "../outside.txt", "nope.txt"], corpus)
    assert removed == ["a.txt"] and len(errors) == 2
    assert (tmp_path / "outside.txt").exists()


def test_save_uploads_keeps_names_inside_a_temporary_folder():
    uploads = [("../../etc/x.txt", b"a"), ("报告.md", b"b"), ("x.txt", b"c")]
    with save_uploads(uploads) as paths:
        assert [p.name for p in paths] == ["x.txt", "报告.md", "x.txt"]
        folder = paths[0].parent
        assert all(folder == p.parent or folder in p.parents for p in paths)
        assert [p.read_bytes() for p in paths] == [b"a", b"b", b"c"]
    assert not folder.exists()
