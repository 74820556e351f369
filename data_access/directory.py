"""指挥体系: the contact directory of the command structure, its search, masking and export.

Contacts are ordered region by region (the asked region first, then its subtree by level and
code) and within a region by the command structure: 总指挥 → 第一副总指挥 → 常务副总指挥 →
副总指挥 → 指挥办负责人 → 工作专班组长 …. Phone numbers are personal data: they leave this module
masked (138****1234) unless the caller says the user may see them in full.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from . import store
from .cache import versioned
from .errors import InvalidInput
from .exports import plain_csv_bytes, plain_xlsx_bytes
from .regions import children, get_region, region_index
from .schema import contact, region, region_closure
from .scope import Scope

# Ranks of the command structure; roles not listed come after, in their sort_order.
ROLE_ORDER = (
    "总指挥",
    "第一副总指挥",
    "常务副总指挥",
    "副总指挥",
    "指挥办负责人",
    "指挥办主任",
    "指挥办常务副主任",
    "指挥办副主任",
    "工作专班组长",
    "专班组长",
    "工作组组长",
    "工作专班副组长",
    "专班副组长",
    "工作组副组长",
    "联络员",
    # Towns and villages: party secretary first, then the head of government and the aid team.
    "书记",
    "村书记",
    "镇长",
    "驻镇帮镇扶村工作队",
)
_RANK = {role: i for i, role in enumerate(ROLE_ORDER)}
EXPORT_COLUMNS = ("地区", "职务", "姓名", "职位", "单位", "电话")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class Contact:
    """One person of the command structure; ``phone`` is masked unless revealed."""

    id: int
    region_code: str
    region_name: str
    level: int
    role: str
    name: str
    title: str
    organisation: str
    phone: str

    def export_row(self) -> tuple[str, ...]:
        return (self.region_name, self.role, self.name, self.title, self.organisation, self.phone)


def role_rank(role: str) -> int:
    """Position of a role in the command structure; unknown roles after the known ones.

    Leader roles not in the list are placed by their kind: a 组长 with the group leaders, a
    副组长 after them.
    """
    if role in _RANK:
        return _RANK[role]
    if "副组长" in role:
        return _RANK["工作专班副组长"]
    if "组长" in role:
        return _RANK["工作专班组长"]
    return len(ROLE_ORDER)


def mask_phone(phone: str) -> str:
    """Hide the middle of a phone number: 13812341234 → 138****1234.

    Mobile numbers keep their first three and last four digits; shorter numbers (landlines)
    keep only the last four; separators are dropped. Empty stays empty.
    """
    digits = "".join(_DIGITS.findall(phone or ""))
    if not digits:
        return ""
    if len(digits) == 13 and digits.startswith("86"):  # +86 country code
        digits = digits[2:]
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "****" + digits[-4:]
    return "****"


def best_contact(rows: Sequence[Sequence]) -> Sequence | None:
    """The first of (region_code, role, name, phone, sort_order) rows in command order."""
    return min(rows, key=lambda r: (role_rank(r[1]), r[4], r[2]), default=None)


@versioned
def _contacts(region12: str, subtree: bool) -> list[Contact]:
    c = contact.c
    stmt = select(c.id, c.region_code, c.role, c.name, c.title, c.organisation, c.phone, c.sort_order)
    if subtree:
        stmt = stmt.join(region_closure, region_closure.c.descendant == c.region_code).where(
            region_closure.c.ancestor == region12
        )
    else:
        stmt = stmt.where(c.region_code == region12)
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
    index = region_index()

    def key(r):
        reg = index.get(r.region_code)
        return (reg.level, reg.code, role_rank(r.role), r.sort_order, r.name, r.id)

    out = []
    for r in sorted(rows, key=key):
        reg = index.get(r.region_code)
        out.append(
            Contact(r.id, reg.code, reg.name, reg.level, r.role, r.name, r.title, r.organisation, r.phone)
        )
    return out


def contacts(
    region: str, scope: Scope, *, query: str = "", subtree: bool = False, reveal_phones: bool = False
) -> list[Contact]:
    """The command structure of a region (and, with ``subtree``, of every region below it).

    Args:
        region: region code in any accepted form; must be inside ``scope``.
        scope: what the caller may read.
        query: words that must all appear in the name, role, title, organisation or region name.
        subtree: include the regions below.
        reveal_phones: return full numbers (only for users allowed to see them).
    """
    target = get_region(region, scope)
    if len(query or "") > 64:
        raise InvalidInput("搜索词过长")
    words = (query or "").split()
    out = []
    for person in _contacts(target.code, subtree):
        text = " ".join((person.name, person.role, person.title, person.organisation, person.region_name))
        if all(w.lower() in text.lower() for w in words):
            out.append(person if reveal_phones else _masked(person))
    return out


def _masked(person: Contact) -> Contact:
    return Contact(**{**person.__dict__, "phone": mask_phone(person.phone)})


@dataclass(frozen=True)
class Leads:
    """The first two people of a region's command: its head (总指挥, 书记 …) and, where the region
    has one, its 指挥办负责人, else the next in rank (镇长 …). None where nobody is listed."""

    region_code: str
    region_name: str
    head: Contact | None
    office: Contact | None


OFFICE_ROLES = ("指挥办负责人", "指挥办主任")


@versioned
def _child_contacts(region12: str) -> list[Contact]:
    c = contact.c
    stmt = (
        select(c.id, c.region_code, c.role, c.name, c.title, c.organisation, c.phone, c.sort_order)
        .join(region, region.c.code == c.region_code)
        .where(region.c.parent_code == region12)
    )
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
    index = region_index()
    rows = sorted(rows, key=lambda r: (r.region_code, role_rank(r.role), r.sort_order, r.name, r.id))
    return [
        Contact(r.id, r.region_code, index.get(r.region_code).name, index.get(r.region_code).level,
                r.role, r.name, r.title, r.organisation, r.phone)
        for r in rows
    ]  # fmt: skip


def children_leads(region: str, scope: Scope, *, reveal_phones: bool = False) -> list[Leads]:
    """For every child of ``region`` (in code order, also those without contacts): its head and
    its 指挥办负责人 (or second in rank), phones masked unless revealed. One query per data version."""
    target = get_region(region, scope)
    people: dict[str, list[Contact]] = {}
    for person in _child_contacts(target.code):
        people.setdefault(person.region_code, []).append(person if reveal_phones else _masked(person))
    out = []
    for kid in children(target.code, scope):
        mine = people.get(kid.code, [])
        head = mine[0] if mine else None
        rest = mine[1:]
        office = next((p for p in rest if p.role in OFFICE_ROLES), rest[0] if rest else None)
        out.append(Leads(kid.code, kid.name, head, office))
    return out


# --- export --------------------------------------------------------------------------------------


def export_bytes(people: Sequence[Contact], fmt: str) -> bytes:
    """The list as ``csv`` (UTF-8 with BOM, opens in Excel) or ``xlsx`` bytes, phones as given.

    Every cell is text (phone numbers keep their digits) and neutralised against formula
    injection by ``data_access.exports``, the one helper every export uses.
    """
    rows = [EXPORT_COLUMNS, *(p.export_row() for p in people)]
    if fmt == "csv":
        return plain_csv_bytes(rows)
    if fmt == "xlsx":
        return plain_xlsx_bytes(rows, sheet="指挥体系通讯录")
    raise InvalidInput(f"不支持的导出格式：{str(fmt)[:10]!r}")
