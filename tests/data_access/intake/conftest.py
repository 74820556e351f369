"""The tiny hierarchy with the reporting tasks of test_reporting and the fields of test_forms, plus a
ratio, a percentage and a quarterly town indicator for the refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from data_access import store
from data_access.schema import indicator
from tests.data_access.rows import indicator_row
from tests.data_access.test_forms import seed_forms
from tests.data_access.test_reporting import seed_reporting


@pytest.fixture
def intake_store(tiny_store):
    """The tiny store seeded by :func:`seed_intake`."""
    seed_intake()
    return tiny_store


def seed_intake() -> None:
    """Task VIL (village, monthly): 自助机数 f_kiosk (台, 0–20, required), 业务办理量 f_uses (笔),
    集体收入 f_income (万元), 备注 (text); plus f_rate (ratio of f_uses/f_kiosk), f_cover (%,
    village, 0–100) and f_q (quarterly, town)."""
    seed_reporting()
    seed_forms()
    rows = [
        indicator_row("f_rate", "人均办理量", "%", lowest_level=5, aggregation="ratio", numerator="f_uses", denominator="f_kiosk"),
        indicator_row("f_cover", "覆盖率", "%", lowest_level=5, aggregation="max", min_value=0, max_value=100),
        indicator_row("f_q", "季度项目数", "个", lowest_level=4, frequency="quarter", min_value=0),
    ]  # fmt: skip
    with store.engine().begin() as conn:
        for row in rows:  # one by one: the rows name different optional columns
            conn.execute(insert(indicator), row)
        store.bump_version(conn)
