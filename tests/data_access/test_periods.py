"""Period parsing and arithmetic (no store needed)."""

import pytest

from data_access.errors import InvalidInput
from data_access.periods import Period, month_range, parse_period, period_for


@pytest.mark.parametrize(
    ("text", "year", "frequency", "index", "end_month"),
    [
        ("2026-10", 2026, "month", 10, 10),
        ("2026-Q3", 2026, "quarter", 3, 9),
        ("2026-q1", 2026, "quarter", 1, 3),
        ("2025", 2025, "year", 1, 12),
    ],
)
def test_per001_parse(text, year, frequency, index, end_month):
    p = parse_period(text)
    assert (p.year, p.frequency, p.index, p.end_month) == (year, frequency, index, end_month)
    assert p.text == text.replace("q", "Q")


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-00", "2026-1", "2026/10", "2026-Q5", "26", "abc", None, "2026-10 "]
)
def test_per002_malformed_names_text(text):
    if text == "2026-10 ":  # surrounding blanks are forgiven
        assert parse_period(text).text == "2026-10"
        return
    with pytest.raises(InvalidInput) as err:
        parse_period(text)
    assert "期间格式错误" in str(err.value)
    assert "YYYY-MM、YYYY-Qn 或 YYYY" in str(err.value)
    if text:
        assert text in str(err.value)


def test_per003_frequency_mismatch():
    with pytest.raises(InvalidInput) as err:
        parse_period("2026-10", "quarter")
    assert "2026-10" in str(err.value) and "季度" in str(err.value) and "YYYY-Qn" in str(err.value)
    assert parse_period("2026-Q2", "quarter").index == 2


def test_per004_prev_and_last_year_cross_year_boundary():
    assert parse_period("2026-01").prev().text == "2025-12"
    assert parse_period("2026-Q1").prev().text == "2025-Q4"
    assert parse_period("2026").prev().text == "2025"
    assert parse_period("2026-03").same_last_year().text == "2025-03"
    assert parse_period("2025-12").next().text == "2026-01"


def test_per005_ytd_periods_reset_in_january():
    assert [p.text for p in parse_period("2026-03").ytd_periods()] == ["2026-01", "2026-02", "2026-03"]
    assert [p.text for p in parse_period("2026-01").ytd_periods()] == ["2026-01"]
    assert [p.text for p in parse_period("2026-Q2").ytd_periods()] == ["2026-Q1", "2026-Q2"]


def test_per006_schedule():
    assert parse_period("2026-10").schedule() == pytest.approx(10 / 12)
    assert parse_period("2026-Q3").schedule() == 0.75
    assert parse_period("2026").schedule() == 1.0
    assert parse_period("2026-06").schedule() == 0.5


@pytest.mark.parametrize(
    ("frequency", "month", "expected"),
    [
        ("month", "2026-10", "2026-10"),
        ("quarter", "2026-10", "2026-Q3"),
        ("quarter", "2026-09", "2026-Q3"),
        ("quarter", "2026-02", "2025-Q4"),
        ("year", "2026-10", "2025"),
        ("year", "2026-12", "2026"),
    ],
)
def test_per007_period_for(frequency, month, expected):
    assert period_for(frequency, month) == expected


def test_per008_month_range_and_order():
    assert month_range("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert Period(2026, "month", 2) > Period(2025, "month", 12)
    with pytest.raises(InvalidInput):
        month_range("2026-Q1", 3)
