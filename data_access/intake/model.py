"""What an import plan is made of: issues (errors and warnings) and the cells it would write."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..scope import Scope

KIND_NAMES = {"new": "新增", "changed": "修改", "unchanged": "不变"}


@dataclass(frozen=True)
class Issue:
    """One problem (or warning) found in a file: where, the raw value, why (in Chinese)."""

    file: str
    row: int | None  # 1-based row number as the spreadsheet shows it; None for the whole file
    column: str  # "D 列（数值）", or "" for a whole row or file
    raw: str
    reason: str

    def __str__(self) -> str:
        where = "，".join(p for p in (f"第 {self.row} 行" if self.row else "", self.column) if p)
        raw = f"「{self.raw[:60]}」" if self.raw else ""
        return f"{self.file}{'：' + where if where else ''}{raw}：{self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "raw": self.raw,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Item:
    """One figure the file gives: what would be written and what the store holds now."""

    file: str
    row: int
    column: str
    region: str
    region_name: str
    indicator: str
    indicator_name: str
    unit: str
    period: str
    value: float
    status: str = "reported"  # reported|estimated (a changed value is stored as revised)
    old: float | None = None
    old_status: str | None = None
    kind: str = "new"  # new|changed|unchanged

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.indicator, self.region, self.period)


@dataclass
class FilePlan:
    """One file: its identity, layout, the figures it gives, its problems and warnings."""

    name: str
    size: int
    sha256: str
    fmt: str = ""
    layout: str = ""  # long|template
    task: str | None = None
    items: list[Item] = field(default_factory=list)
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # (task, period) -> units whose full row this file gives (their submission), with texts
    submissions: dict[tuple[str, str], dict[str, dict[str, str]]] = field(default_factory=dict)
    source: str = ""  # how the observations name their source

    @property
    def accepted(self) -> bool:
        return not self.problems

    def counts(self) -> Counter:
        return Counter(i.kind for i in self.items)

    def problem(self, row: int | None, column: str, raw: object, reason: str) -> None:
        self.problems.append(Issue(self.name, row, column, _raw(raw), reason))

    def warn(self, row: int | None, column: str, raw: object, reason: str) -> None:
        self.warnings.append(Issue(self.name, row, column, _raw(raw), reason))


@dataclass
class Plan:
    """Every file of one import and who imports them under which scope."""

    files: list[FilePlan]
    filer: str
    scope: Scope
    written: bool = False

    @property
    def accepted(self) -> bool:
        return all(f.accepted for f in self.files)

    @property
    def items(self) -> list[Item]:
        return [i for f in self.files for i in f.items]

    @property
    def problems(self) -> list[Issue]:
        return [p for f in self.files for p in f.problems]

    @property
    def warnings(self) -> list[Issue]:
        return [w for f in self.files for w in f.warnings]

    def counts(self) -> Counter:
        return Counter(i.kind for i in self.items)

    def submission_count(self) -> int:
        return sum(len(units) for f in self.files for units in f.submissions.values())


def _raw(value: object) -> str:
    from .cells import text_of

    return text_of(value)[:200]
