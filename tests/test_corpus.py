"""The corpus folder: which files are documents, and links that must not be followed."""

from nekb.corpus import corpus_files, outside_link


def test_links_leaving_the_corpus_or_broken_are_refused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "secret.txt").write_text("机密")
    (corpus / "real.txt").write_text("东北")
    (corpus / ".hidden.txt").write_text("隐藏")
    (corpus / "sources.toml").write_text("")
    (corpus / "inside.txt").symlink_to("real.txt")
    (corpus / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (corpus / "broken.txt").symlink_to(corpus / "gone.txt")
    files = {p.name: p for p in corpus_files(corpus)}
    assert sorted(files) == ["broken.txt", "inside.txt", "outside.txt", "real.txt"]
    assert outside_link(files["real.txt"], corpus) is None
    assert outside_link(files["inside.txt"], corpus) is None
    assert "outside the corpus" in outside_link(files["outside.txt"], corpus)
    assert "broken" in outside_link(files["broken.txt"], corpus)
