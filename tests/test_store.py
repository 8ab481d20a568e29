"""The versioned index directory: which version is live, also when CURRENT is lost or dangling."""

from nekb.store import POINTER, candidate_versions, current_version, version_name


def version(index, name, complete=True):
    path = index / name
    path.mkdir(parents=True)
    if complete:
        (path / "manifest.json").write_text("{}")
    return path


def test_current_names_the_live_version(tmp_path):
    old = version(tmp_path, "v-20260101-000000-000000001-1")
    new = version(tmp_path, "v-20260102-000000-000000001-1")
    (tmp_path / POINTER).write_text(old.name)
    assert current_version(tmp_path) == old
    assert candidate_versions(tmp_path) == [old, new]


def test_a_lost_or_dangling_pointer_falls_back_to_the_newest_complete_version(tmp_path):
    assert current_version(tmp_path) is None
    old = version(tmp_path, "v-20260101-000000-000000001-1")
    new = version(tmp_path, "v-20260102-000000-000000001-1")
    version(tmp_path, "v-20260103-000000-000000001-1", complete=False)  # a build killed midway
    assert current_version(tmp_path) == new
    (tmp_path / POINTER).write_text("v-gone")
    assert current_version(tmp_path) == new
    (tmp_path / POINTER).write_text("../../etc")
    assert current_version(tmp_path) == new
    assert candidate_versions(tmp_path) == [new, old]


def test_version_names_sort_in_time_order_across_a_seconds_turn():
    second = 1_764_000_000 * 10**9
    times = [second - 1, second, second + 1, second + 10**9 - 1, second + 10**9]
    names = [version_name(t, 4242) for t in times]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert names[0].split("-")[-2] == "999999999" and names[1].split("-")[-2] == "000000000"
