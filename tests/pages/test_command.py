"""/command page on the tiny store: order, search, masking, drill links, export, forged regions."""

from __future__ import annotations

import base64
import csv
import io

import pytest

from tests.data_access.test_reporting import seed_reporting
from tests.pages.theme_util import by_id, text, walk

CITY, JIA = "990100000000", "990101000000"


@pytest.fixture
def command_app(tiny_client):
    seed_reporting()
    return tiny_client


@pytest.fixture
def page(command_app):
    import importlib

    return importlib.import_module("pages.command")


def rows_of(root) -> list[list[str]]:
    return [[text(td) for td in n.children] for n in walk(root) if getattr(n, "data-contact", None)]


def test_cmd101_command_order_and_full_phones_for_a_leader(command_app, page):
    with command_app.application.test_request_context("/command"):
        root = page.layout()
    rows = rows_of(by_id(root, page.LIST))
    assert [r[1:3] for r in rows] == [
        ["总指挥", "张三"],
        ["第一副总指挥", "王五"],
        ["常务副总指挥", "李四"],
        ["指挥办负责人", "吴九"],
        ["工作专班组长", "周八"],
        ["宣传专班组长", "郑十"],
    ]
    calls = [n.href for n in walk(root) if str(getattr(n, "href", "")).startswith("tel:")]
    assert calls[:2] == ["tel:13800000001", "tel:13800000003"]
    assert text(by_id(root, page.COUNT)) == "测试市本级共 6 人"
    kids = [n for n in walk(by_id(root, page.CHILDREN)) if getattr(n, "data-code", None)]
    assert [[c.href for c in walk(k) if getattr(c, "href", None)] for k in kids] == [
        [f"/command?region={JIA}", f"/map?region={JIA}"],
        ["/command?region=990102000000", "/map?region=990102000000"],
    ]


def test_cmd102_masked_without_permission(command_app, page):
    root = page.layout()  # no user: not allowed to see full numbers
    rows = rows_of(by_id(root, page.LIST))
    assert rows[0][5] == "138****0001"
    assert not [n for n in walk(root) if str(getattr(n, "href", "")).startswith("tel:")]
    assert "13800000001" not in str(root.to_plotly_json())


def test_cmd103_subtree_search_and_map_links(command_app, page):
    with command_app.application.test_request_context("/command"):
        root = page.layout(region="990101", sub="1")
        found = page.layout(q="村", sub="1")
        search = page._search(" 专班 ", {"region": JIA, "q": "", "sub": "1"})
    assert search == f"?region={JIA}&q=%E4%B8%93%E7%8F%AD&sub=1"
    toggle = by_id(root, page.SUBTREE)
    assert [(n.href, n.className) for n in toggle.children] == [
        (f"/command?region={JIA}", "button"),
        (f"/command?region={JIA}&sub=1", "button toggle-current"),
    ]
    rows = rows_of(by_id(root, page.LIST))
    assert [(r[0], r[2]) for r in rows] == [
        ("甲区", "陈一"),
        ("甲二镇", "钱七"),
        ("甲二二村", "赵六"),
        ("甲二二村", "王村长"),
    ]
    links = [n.href for n in walk(by_id(root, page.LIST)) if str(getattr(n, "href", "")).startswith("/map")]
    assert links[0] == f"/map?region={JIA}"
    # 村 matches the village people and 周八 (市农业农村局) — nobody else
    assert [r[2] for r in rows_of(found)] == ["周八", "赵六", "王村长"]
    assert text(by_id(found, page.COUNT)) == "测试市及下级地区共 3 人（搜索：村）"


def test_cmd104_bad_regions_give_a_message(command_app, page):
    with command_app.application.test_request_context("/command"):
        assert "未知地区代码" in text(page.layout(region="990199"))
        assert "无权查看" in text(page.layout(region="440800"))
        assert "搜索词过长" in text(page.layout(q="长" * 65))


def _export(client, button: str, region: str, query: str = "") -> object:
    body = {
        "output": "command-download.data",
        "outputs": {"id": "command-download", "property": "data"},
        "inputs": [
            {"id": "command-export-xlsx", "property": "n_clicks", "value": int(button == "xlsx")},
            {"id": "command-export-csv", "property": "n_clicks", "value": int(button == "csv")},
        ],
        "changedPropIds": [f"command-export-{button}.n_clicks"],
        "state": [
            {"id": "command-query", "property": "data", "value": {"region": region, "q": query, "sub": ""}}
        ],
    }
    client.get("/")  # Dash registers the pages' callbacks on the first request
    return client.post("/_dash-update-component", json=body)


def test_cmd105_export_through_the_callback(command_app, page):
    resp = _export(command_app, "csv", CITY, "专班")
    assert resp.status_code == 200
    data = resp.get_json()["response"]["command-download"]["data"]
    assert data["filename"] == "指挥体系通讯录_测试市.csv"
    content = base64.b64decode(data["content"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows == [
        ["地区", "职务", "姓名", "职位", "单位", "电话"],
        ["测试市", "工作专班组长", "周八", "农业农村局局长", "市农业农村局", "13800000005"],
        ["测试市", "宣传专班组长", "郑十", "宣传部部长", "市委宣传部", "13800000006"],
    ]
    xlsx = _export(command_app, "xlsx", CITY).get_json()["response"]["command-download"]["data"]
    assert xlsx["filename"].endswith(".xlsx") and base64.b64decode(xlsx["content"])[:2] == b"PK"


def test_cmd106_forged_export_is_refused(command_app, page):
    resp = _export(command_app, "csv", "440882000000")
    assert resp.status_code == 403
    assert "无权查看" in resp.get_json()["error"]
