"""Demo people: generated Chinese names and clearly fake phone numbers for contacts and filers."""

from __future__ import annotations

import numpy as np

from ..schema import contact, filer
from .base import Units, Writer

# Surnames common in western Guangdong (repeats weight the frequent ones) and given-name characters.
SURNAMES = "陈陈陈李李黄黄林林梁梁吴吴张刘王郑何杨罗许谢邓冯蔡曾周苏朱叶庄钟彭赖卢潘庞莫揭温余廖方戴颜柯"
GIVEN = (
    "伟强军华明建国平志新文斌海燕芳丽红霞敏静婷玉兰秀英俊杰涛鹏飞宇晓东春辉锦荣标坚达成德永嘉铭颖珊淑彬雄耀光"
)
PREFIXES = (
    [f"13{d}" for d in range(10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + [f"18{d}" for d in range(10)]
)

# Command structure (指挥部) at province/city/county level: role and title pattern.
COMMAND_ROLES = [
    ("总指挥", "{p}委书记"),
    ("第一副总指挥", "{p}长"),
    ("常务副总指挥", "常务副{p}长"),
    ("指挥办负责人", "{p}百千万工程指挥部办公室主任"),
    ("工作专班组长", "{p}百千万工程工作专班组长"),
]
TOWN_ROLES = [("书记", "党（工）委书记"), ("镇长", "镇长"), ("驻镇帮镇扶村工作队", "驻镇帮镇扶村工作队队长")]


def names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` plausible names: a surname and one or two given-name characters."""
    s = rng.integers(0, len(SURNAMES), n).tolist()
    g1 = rng.integers(0, len(GIVEN), n).tolist()
    g2 = rng.integers(0, len(GIVEN), n).tolist()
    two = (rng.random(n) < 0.7).tolist()
    return [
        SURNAMES[a] + GIVEN[b] + (GIVEN[c] if t else "") for a, b, c, t in zip(s, g1, g2, two, strict=True)
    ]


def phones(rng: np.random.Generator, n: int) -> list[str]:
    """11-digit mobile numbers 13x/15x/18x with a 0000 middle block, so they read as fake."""
    p = rng.integers(0, len(PREFIXES), n).tolist()
    tail = rng.integers(0, 10000, n).tolist()
    return [f"{PREFIXES[a]}0000{b:04d}" for a, b in zip(p, tail, strict=True)]


def _level_word(units: Units, code: str, level: int) -> str:
    if level == 1:
        return "省"
    if level == 2:
        return "市"
    return {"区": "区", "县": "县"}.get(units.kinds[code], "市")


def generate_contacts(writer: Writer, units: Units, rng: np.random.Generator) -> None:
    """Command-structure contacts for every region of the subtree at every level."""
    rows: list[tuple] = []
    for level in range(1, 4):
        for code in units.codes[level]:
            word = _level_word(units, code, level)
            org = f"{units.names[code]}百县千镇万村高质量发展工程指挥部"
            for k, (role, title) in enumerate(COMMAND_ROLES):
                rows.append((code, role, title.format(p=word), org, k))
    for code in units.codes[4]:
        street = units.kinds[code] == "街道"
        for k, (role, title) in enumerate(TOWN_ROLES):
            title = "街道办事处主任" if street and role == "镇长" else title
            rows.append((code, role, f"{units.names[code]}{title}", units.names[code], k))
    for code in units.codes[5]:
        community = units.kinds[code] == "居委会"
        title = "社区党组织书记" if community else "村党组织书记"
        rows.append((code, "村书记", title, units.names[code], 0))
    who, tel = names(rng, len(rows)), phones(rng, len(rows))
    writer.insert(
        contact,
        ("region_code", "role", "name", "title", "organisation", "phone", "sort_order"),
        ((r[0], r[1], w, r[2], r[3][:64], p, r[4]) for r, w, p in zip(rows, who, tel, strict=True)),
    )


def generate_filers(
    writer: Writer, units: Units, rng: np.random.Generator, levels: set[int]
) -> dict[str, str]:
    """One filer per reporting unit, administrators from town level up; returns unit → filer name."""
    codes = [c for lv in sorted(levels) for c in units.codes[lv]]
    admins = [c for lv in (1, 2, 3, 4) for c in units.codes[lv] for _ in range(2 if lv <= 2 else 1)]
    former = [c for c in codes if rng.random() < 0.03]  # a few inactive former filers
    who = names(rng, len(codes) + len(admins) + len(former))
    rows = [(c, who[i], "filer", True) for i, c in enumerate(codes)]
    rows += [(c, who[len(codes) + i], "admin", True) for i, c in enumerate(admins)]
    rows += [(c, who[len(codes) + len(admins) + i], "filer", False) for i, c in enumerate(former)]
    writer.insert(filer, ("region_code", "name", "role", "active"), rows)
    return {c: who[i] for i, c in enumerate(codes)}
