"""Fixtures of the data_access tests: the tiny store with a few theme indicators (hand-made)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from data_access import store
from data_access.schema import indicator, observation, target
from tests.data_access.rows import indicator_row, observation_row

A, B = "990101000000", "990102000000"
VILLAGES = ["990101001001", "990101002001", "990101002002", "990102001001", "990102001002"]


@pytest.fixture
def theme_store(tiny_store):
    """t_flow (monthly flow, target for 甲区), t_q (quarterly cumulative), t_kiosk (village stock)."""
    gdp = {
        A: {"2025-01": 10, "2025-02": 10, "2026-01": 11, "2026-02": 12},
        B: {"2025-01": 5, "2025-02": 5, "2026-01": 5, "2026-02": 4},
    }
    rows = [observation_row("t_flow", r, p, v) for r, by in gdp.items() for p, v in by.items()]
    rows += [observation_row("t_q", A, "2025-Q1", 25), observation_row("t_q", A, "2026-Q1", 30)]
    rows += [
        observation_row("t_kiosk", v, "2026-02", x) for v, x in zip(VILLAGES[:4], (1, 0, 1, 1), strict=True)
    ]
    with store.engine().begin() as conn:
        conn.execute(
            insert(indicator),
            [
                indicator_row("t_flow", "测试产值", "亿元"),
                indicator_row("t_q", "测试季度累计", "亿元", frequency="quarter", value_type="cumulative"),
                indicator_row("t_kiosk", "测试布设", "个", value_type="stock", lowest_level=5),
            ],
        )
        conn.execute(insert(observation), rows)
        conn.execute(
            insert(target), [{"indicator_code": "t_flow", "region_code": A, "year": 2026, "value": 115}]
        )
        store.bump_version(conn)
    return tiny_store


@pytest.fixture
def forms_store(tiny_store):
    """The reporting rounds of test_reporting plus the task VIL's fields (test_forms.seed_forms)."""
    from tests.data_access.test_forms import seed_forms
    from tests.data_access.test_reporting import seed_reporting

    seed_reporting()
    seed_forms()
    return tiny_store
