"""components.walltop: the rows a wall-screen list leaves out, and its 前 N / 共 M line."""

from __future__ import annotations

from dash import html

from components.walltop import COUNT, EXTRA, mark_beyond, mark_extra, wall_count


def classes(rows: list) -> list[str | None]:
    return [getattr(r, "className", None) for r in rows]


def test_wtp001_rows_after_the_first_n_are_marked_and_keep_their_class():
    rows = [html.Li(str(i), className="ranking-row") for i in range(4)] + [html.Li("4")]
    marked = mark_beyond(rows, 2)
    assert marked == rows
    assert classes(rows) == [
        "ranking-row",
        "ranking-row",
        f"ranking-row {EXTRA}",
        f"ranking-row {EXTRA}",
        EXTRA,
    ]


def test_wtp002_only_the_kept_positions_stay_unmarked():
    rows = [html.Tr(html.Td(str(i))) for i in range(5)]
    mark_extra(rows, [3, 0])
    assert classes(rows) == [None, EXTRA, EXTRA, None, EXTRA]
    assert mark_beyond(rows[:1], 5) and classes(rows[:1]) == [None]  # fewer rows than n: none marked


def test_wtp003_the_count_line_only_when_the_wall_leaves_rows_out():
    line = wall_count(5, 1234, "件", what="逾期最久的前", element_id="x-count")
    assert line.children == "逾期最久的前 5 / 共 1,234 件"
    assert line.className == COUNT and line.id == "x-count"
    assert wall_count(10, 22, "个").children == "前 10 / 共 22 个"
    assert wall_count(10, 10, "个") is None and wall_count(10, 3, "个") is None
