"""Tests for nekb.tables: numbers in cells, header labels, rendering tables with grounded offsets."""

from __future__ import annotations

import pytest

from nekb.tables import Table, compose, parse_number, render_table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3029", (3029.0, "")),
        ("3,029.5", (3029.5, "")),
        ("－5.75", (-5.75, "")),
        ("１２.５%", (12.5, "%")),
        ("3.1‰", (3.1, "‰")),
        ("黑龙江", None),
        ("3029万人", None),
        ("", None),
    ],
)
def test_parse_number(text: str, expected) -> None:
    assert parse_number(text) == expected


def _table(rows, caption=()) -> Table:
    locations = tuple(tuple(f"R{r}C{c}" for c in range(len(row))) for r, row in enumerate(rows))
    return Table(rows=tuple(tuple(r) for r in rows), locations=locations, caption=tuple(caption))


def _cells(table: Table):
    text, cells = render_table(table, 0)
    return text, [(c.entity, c.indicator, c.period, c.value, c.unit, c.location) for c in cells]


def test_remarks_in_brackets_are_not_units() -> None:
    _, cells = _cells(
        _table([("地区", "人口（不含港澳台）", "面积（平方公里）"), ("全国", "140828", "9600000")])
    )
    assert cells == [
        ("全国", "人口(不含港澳台)", "", 140828, "", "R1C1"),
        ("全国", "面积", "", 9600000, "平方公里", "R1C2"),
    ]


def test_period_suffixes_and_ranges_in_headers() -> None:
    _, cells = _cells(
        _table([("城市", "2024年末", "2010-2020年"), ("沈阳", "920", "-3.1")], caption=["人口（万人）"])
    )
    assert cells == [
        ("沈阳", "人口", "2024", 920, "万人", "R1C1"),
        ("沈阳", "人口", "2010-2020", -3.1, "万人", "R1C2"),
    ]


def test_region_and_indicator_columns_with_years_across() -> None:
    rows = [("地区", "指标", "2023", "2024"), ("吉林", "常住人口（万人）", "2339", "2317")]
    _, cells = _cells(_table(rows))
    assert cells == [
        ("吉林", "常住人口", "2023", 2339, "万人", "R1C2"),
        ("吉林", "常住人口", "2024", 2317, "万人", "R1C3"),
    ]


def test_a_table_of_words_is_text_only() -> None:
    text, cells = _cells(_table([("出生", "1546年"), ("去世", "1618年")]))
    assert text == "出生：1546年\n去世：1618年"
    assert cells == []


def test_compose_offsets_point_at_values() -> None:
    table = _table([("地区", "人口（万人）"), ("黑龙江", "3029"), ("吉林", "—")])
    document = compose(["前言一段。", table, "后记。"])
    assert document.text == "前言一段。\n\n黑龙江，人口（万人）：3029\n吉林\n\n后记。"  # 吉林: no figure
    (cell,) = document.cells
    assert document.text[cell.start : cell.end] == "3029"
    assert (cell.entity, cell.indicator, cell.unit) == ("黑龙江", "人口", "万人")


def test_values_that_look_like_years_are_figures_in_the_body() -> None:
    _, cells = _cells(
        _table([("城市", "2023年", "2024年"), ("长春", "1906", "2010")], caption=["常住人口（万人）"])
    )
    assert [(c[0], c[2], c[3]) for c in cells] == [("长春", "2023", 1906), ("长春", "2024", 2010)]
