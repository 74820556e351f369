"""指挥体系 directory: command order, search, subtree, masking, scope and export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from data_access import directory
from data_access.directory import Contact, mask_phone
from data_access.errors import InvalidInput, OutOfScope
from data_access.scope import Scope
from tests.data_access.test_reporting import seed_reporting

SCOPE = Scope.of("990100")


@pytest.fixture
def directory_store(tiny_store):
    seed_reporting()
    return tiny_store


def test_dir001_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("138-1234-1234") == "138****1234"
    assert mask_phone("+86 138 1234 1234") == "138****1234"
    assert mask_phone("2345678") == "****5678"
    assert mask_phone("123") == "****"
    assert mask_phone("") == ""


def test_dir002_role_rank_orders_the_command_structure():
    roles = [
        "工作专班组长",
        "指挥办负责人",
        "常务副总指挥",
        "第一副总指挥",
        "总指挥",
        "宣传专班组长",
        "联络员",
    ]
    ranked = sorted(roles, key=directory.role_rank)
    assert ranked == [
        "总指挥",
        "第一副总指挥",
        "常务副总指挥",
        "指挥办负责人",
        "工作专班组长",
        "宣传专班组长",
        "联络员",
    ]
    assert directory.role_rank("秘书") == len(directory.ROLE_ORDER)


def test_dir003_region_contacts_in_command_order_masked(directory_store):
    people = directory.contacts("990100", SCOPE)
    assert [(p.role, p.name) for p in people] == [
        ("总指挥", "张三"),
        ("第一副总指挥", "王五"),
        ("常务副总指挥", "李四"),
        ("指挥办负责人", "吴九"),
        ("工作专班组长", "周八"),  # both group leaders: sort_order 0 before 1
        ("宣传专班组长", "郑十"),
    ]
    assert people[0].phone == "138****0001"
    assert all("****" in p.phone for p in people)
    full = directory.contacts("990100", SCOPE, reveal_phones=True)
    assert full[0].phone == "13800000001"


def test_dir004_subtree_search_and_scope(directory_store):
    everyone = directory.contacts("990100", SCOPE, subtree=True)
    # the city's six, then 甲区 (level 3), then 甲二镇 (level 4), then 甲二二村's two (level 5)
    assert [p.name for p in everyone[6:]] == ["陈一", "钱七", "赵六", "王村长"]
    assert [p.region_name for p in everyone[6:]] == ["甲区", "甲二镇", "甲二二村", "甲二二村"]
    assert [p.name for p in directory.contacts("990100", SCOPE, query="专班")] == ["周八", "郑十"]
    assert [p.name for p in directory.contacts("990100", SCOPE, query="市委 书记")] == ["张三", "李四"]
    assert [p.name for p in directory.contacts("990100", SCOPE, query="村 甲二二", subtree=True)] == [
        "赵六",
        "王村长",
    ]
    assert directory.contacts("990100", SCOPE, query="不存在") == []
    assert [p.name for p in directory.contacts("990101", SCOPE, subtree=True)] == [
        "陈一",
        "钱七",
        "赵六",
        "王村长",
    ]
    with pytest.raises(OutOfScope):
        directory.contacts("990101", Scope.of("990102"))
    with pytest.raises(InvalidInput):
        directory.contacts("990100", SCOPE, query="长" * 65)


def test_dir007_children_leads_head_and_office_of_every_child(directory_store):
    def names(leads):
        return [
            (x.region_name, x.head.name if x.head else None, x.office.name if x.office else None)
            for x in leads
        ]

    # every child, also those without contacts; 甲区 has only its 总指挥
    assert names(directory.children_leads("990100", SCOPE)) == [("甲区", "陈一", None), ("乙县", None, None)]
    # the village's second is its 工作专班组长 (no 指挥办负责人 there); phones masked unless revealed
    leads = directory.children_leads("990101002000", SCOPE)
    assert names(leads) == [("甲二一村", None, None), ("甲二二村", "赵六", "王村长")]
    assert (leads[1].head.role, leads[1].head.phone) == ("总指挥", "139****1111")
    full = directory.children_leads("990101002000", SCOPE, reveal_phones=True)
    assert full[1].head.phone == "13900001111"
    # the city under the province: its 指挥办负责人 is chosen over the higher-ranked 副总指挥
    province = directory.children_leads("990000", Scope.of("990000"))
    assert names(province) == [("测试市", "张三", "吴九")]
    assert province[0].office.role == "指挥办负责人"
    with pytest.raises(OutOfScope):
        directory.children_leads("990101", Scope.of("990102"))


def _people() -> list[Contact]:
    return [
        Contact(1, "990100000000", "测试市", 2, "总指挥", "张三", "市委书记", "市委", "138****0001"),
        Contact(
            2, "990100000000", "测试市", 2, "工作专班组长", "=HYPERLINK(1)", "局长", "A&B<局>", "138****0005"
        ),
    ]


def test_dir005_export_csv():
    data = directory.export_bytes(_people(), "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["地区", "职务", "姓名", "职位", "单位", "电话"]
    assert rows[1] == ["测试市", "总指挥", "张三", "市委书记", "市委", "138****0001"]
    assert rows[2][2] == "'=HYPERLINK(1)"  # would run as a formula in Excel otherwise
    with pytest.raises(InvalidInput):
        directory.export_bytes(_people(), "pdf")


def test_dir006_export_xlsx_cells():
    data = directory.export_bytes(_people(), "xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["指挥体系通讯录"]
    sheet = book["指挥体系通讯录"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["地区", "职务", "姓名", "职位", "单位", "电话"]
    # Neutralised as in the CSV (data_access.exports, one rule for every export), and stored as text.
    assert rows[2] == ["测试市", "工作专班组长", "'=HYPERLINK(1)", "局长", "A&B<局>", "138****0005"]
    assert sheet["C3"].data_type == "s"
