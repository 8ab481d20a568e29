"""The versioned index directory: which version is live, also when CURRENT is lost or dangling."""

import calendar
import time

import pytest

from nekb.store import (
    POINTER,
    candidate_versions,
    collect_garbage,
    complete_versions,
    current_version,
    version_name,
    version_time_ns,
)


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
    assert names[0].split("-")[-2] == "999999999Z" and names[1].split("-")[-2] == "000000000Z"


@pytest.fixture
def local_zone(monkeypatch):
    """Set the process's local time zone for one test (TZ and tzset), restored afterwards."""

    def set_zone(name):
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def utc_ns(*fields):
    return calendar.timegm((*fields, 0, 0, 0)) * 10**9


def test_versions_made_as_the_clocks_go_back_stay_in_time_order(tmp_path, local_zone):
    local_zone("America/New_York")  # 2026-11-01 02:00 EDT becomes 01:00 EST: 01:xx happens twice
    first = version(tmp_path, version_name(utc_ns(2026, 11, 1, 5, 30, 0), 1))  # 01:30 EDT
    second = version(tmp_path, version_name(utc_ns(2026, 11, 1, 6, 10, 0), 2))  # 01:10 EST, 40 min later
    # The zone took effect (a machine without tz data would read both in UTC and test nothing).
    assert [time.localtime(utc_ns(2026, 11, 1, h, m, 0) // 10**9)[3:5] for h, m in ((5, 30), (6, 10))] == [
        (1, 30),
        (1, 10),
    ]
    assert current_version(tmp_path) == second  # CURRENT lost: the newest complete version
    assert complete_versions(tmp_path) == [second, first]
    third = version(tmp_path, version_name(utc_ns(2026, 11, 1, 6, 20, 0), 3))
    (tmp_path / POINTER).write_text(third.name)
    collect_garbage(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.glob("v-*")) == sorted([second.name, third.name])


def test_names_of_older_nekb_in_local_time_sort_among_utc_names_by_time(tmp_path, local_zone):
    local_zone("Asia/Shanghai")  # UTC+8: an older local-time name reads eight hours ahead of UTC
    older = version(tmp_path, "v-20261202-100000-000000000-1")  # 10:00 in Shanghai, 02:00 UTC
    newer = version(tmp_path, version_name(utc_ns(2026, 12, 2, 3, 0, 0), 2))  # 03:00 UTC
    assert newer.name < older.name  # as text the new version would sort first
    assert version_time_ns(older.name) == utc_ns(2026, 12, 2, 2, 0, 0)
    assert complete_versions(tmp_path) == [newer, older]
    assert current_version(tmp_path) == newer


def test_a_name_that_is_no_versions_sorts_oldest():
    assert version_time_ns("v-gone") == -1
    assert version_time_ns(version_name(utc_ns(2026, 1, 1, 0, 0, 0), 7)) == utc_ns(2026, 1, 1, 0, 0, 0)
