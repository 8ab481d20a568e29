"""fileio: the one atomic writer (and copier) and the one JSON-lines reader."""

import json
import threading

import pytest

from nekb.errors import InputError
from nekb.fileio import copy_atomic, json_lines, write_atomic


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "out.csv"
    write_atomic(path, "旧\n")
    write_atomic(path, "甲,乙\r\n", encoding="utf-8-sig")
    assert path.read_bytes() == "\ufeff甲,乙\r\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.txt"
    write_atomic(path, "old")
    with pytest.raises(TypeError):
        write_atomic(path, 12345)  # not text or bytes
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_copy_atomic_never_overwrites_unless_asked(tmp_path):
    source, target = tmp_path / "a.txt", tmp_path / "b.txt"
    source.write_text("new")
    target.write_text("kept")
    with pytest.raises(FileExistsError):
        copy_atomic(source, target)
    assert target.read_text() == "kept"
    copy_atomic(source, target, overwrite=True)
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_concurrent_copies_to_one_name_give_one_whole_file(tmp_path):
    sources = []
    for n in range(8):
        path = tmp_path / f"s{n}.bin"
        path.write_bytes(bytes([n]) * 200_000)
        sources.append(path)
    target = tmp_path / "same.bin"
    outcomes = []

    def copy(source):
        try:
            copy_atomic(source, target)
            outcomes.append(source)
        except FileExistsError:
            outcomes.append(None)

    threads = [threading.Thread(target=copy, args=(s,)) for s in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [s for s in outcomes if s is not None]
    assert len(winners) == 1 and target.read_bytes() == winners[0].read_bytes()
    assert not list(tmp_path.glob(".*"))


def test_json_lines_splits_at_newlines_only_and_names_a_bad_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"q": "甲\u2028乙"}) + "\n\n" + '{"q": "丙"}\r\n', encoding="utf-8")
    assert list(json_lines(path)) == [(1, {"q": "甲\u2028乙"}), (3, {"q": "丙"})]
    path.write_text('{"q": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"rows\.jsonl:2: not valid JSON"):
        list(json_lines(path))


def test_json_lines_can_skip_bad_lines_and_say_which(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n\n{oops\n[2]\n', encoding="utf-8")
    skipped: list[str] = []
    assert list(json_lines(path, skipped=skipped)) == [(1, {"a": 1}), (4, [2])]
    assert skipped[0] == "rows.jsonl:2: empty line"
    assert skipped[1].startswith("rows.jsonl:3: not valid JSON (")


def test_json_lines_on_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes('{"q": "黑龙江"}'.encode("gbk"))
    with pytest.raises(InputError, match=r"rows\.jsonl: not UTF-8 text"):
        list(json_lines(path))
