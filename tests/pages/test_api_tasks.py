"""JSON API /api/v1/tasks: reporting tasks with their fields (tiny store with the VIL task's fields)."""

from __future__ import annotations

import pytest

from tests.pages.test_api import _error, _get


@pytest.fixture
def tasks_client(tiny_client):
    from tests.data_access.test_forms import seed_forms
    from tests.data_access.test_reporting import seed_reporting

    seed_reporting()
    seed_forms()
    return tiny_client


def test_apt001_tasks_list_level_frequency_due_day_and_fields(tasks_client):
    body = _get(tasks_client, "/api/v1/tasks")
    assert [t["code"] for t in body] == ["CTY", "TOWN", "VIL"]  # by level, then code
    vil = body[2]
    assert {k: vil[k] for k in ("name", "level", "level_name", "frequency", "frequency_name", "due_day")} == {
        "name": "村级月报", "level": 5, "level_name": "村", "frequency": "month", "frequency_name": "月度",
        "due_day": 10,
    }  # fmt: skip
    assert [(f["position"], f["kind"], f["indicator"], f["name"]) for f in vil["fields"]] == [
        (1, "indicator", "f_kiosk", "自助机数"),
        (2, "indicator", "f_uses", "业务办理量"),
        (3, "indicator", "f_income", "集体收入"),
        (4, "text", None, "备注"),
    ]
    kiosk = vil["fields"][0]
    assert (kiosk["unit"], kiosk["decimals"], kiosk["min_value"], kiosk["max_value"], kiosk["required"]) == (
        "台", 0, 0, 20, True,
    )  # fmt: skip
    assert body[0]["fields"] == []


def test_apt002_one_task_and_unknown_codes(tasks_client):
    assert _get(tasks_client, "/api/v1/tasks/VIL")["fields"][3]["unit"] == ""
    assert "未知报表任务" in _error(tasks_client, "/api/v1/tasks/NOPE", 404)
    assert "格式错误" in _error(tasks_client, "/api/v1/tasks/%E6%9D%91", 400)
