"""Building blocks of the demo generator: periods, the units of a root's subtree, bulk writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import repeat

import numpy as np
from sqlalchemy import Connection, Table

from ..catalogue import BY_CODE
from ..regions import read_regions
from ..schema import observation

CHUNK = 10_000
SOURCE, REPORTED_BY = "demo", "演示数据生成器"


def rng_for(seed: int, part: str) -> np.random.Generator:
    """An independent generator per part, so adding a part never shifts the others' numbers."""
    return np.random.default_rng([seed, *part.encode()])


@dataclass(frozen=True)
class Periods:
    """Every period of each frequency that ends within the generated months."""

    months: list[str]
    quarters: list[str]
    years: list[str]

    @classmethod
    def ending(cls, end: str, count: int) -> Periods:
        """The ``count`` months ending with ``end`` (YYYY-MM) and the quarters/years ending among them."""
        year, month = int(end[:4]), int(end[5:7])
        stamps = [(year * 12 + month - 1 - k) for k in range(count - 1, -1, -1)]
        ym = [(s // 12, s % 12 + 1) for s in stamps]
        months = [f"{y}-{m:02d}" for y, m in ym]
        quarters = [f"{y}-Q{m // 3}" for y, m in ym if m % 3 == 0]
        years = [str(y) for y, m in ym if m == 12]
        return cls(months, quarters, years)

    def of(self, frequency: str) -> list[str]:
        """The periods of one frequency (month, quarter or year)."""
        return {"month": self.months, "quarter": self.quarters, "year": self.years}[frequency]


def period_year(period: str) -> int:
    """Year of a period text (2026-07, 2026-Q3, 2026 → 2026)."""
    return int(period[:4])


def period_end_month(period: str) -> int:
    """Month (1–12) in which a period ends: 2026-07 → 7, 2026-Q3 → 9, 2025 → 12."""
    if len(period) == 4:
        return 12
    if period[5] == "Q":
        return int(period[6]) * 3
    return int(period[5:7])


def period_end(period: str) -> date:
    """Last day of the period."""
    y, m = period_year(period), period_end_month(period)
    first_next = date(y + (m == 12), m % 12 + 1, 1)
    return first_next - timedelta(days=1)


@dataclass
class Units:
    """Regions of a root's subtree by level (sorted by code), their names, kinds, parents and points."""

    root: str
    codes: dict[int, list[str]]
    names: dict[str, str]
    kinds: dict[str, str]
    parent: dict[str, str | None]
    points: dict[str, tuple[float | None, float | None]]

    @classmethod
    def load(cls, conn: Connection, root12: str) -> Units:
        """Read the subtree of ``root12`` (root included) from the region table."""
        rows = read_regions(conn, root12)
        codes: dict[int, list[str]] = {lv: [] for lv in range(1, 6)}
        for r in rows:
            codes[r.level].append(r.code)
        return cls(
            root12,
            codes,
            {r.code: r.name for r in rows},
            {r.code: r.kind for r in rows},
            {r.code: r.parent for r in rows},
            {r.code: (r.lon, r.lat) for r in rows},
        )

    @cached_property
    def counties(self) -> list[str]:
        """County-level units: counties, plus cities without counties (东莞, 中山) standing in."""
        with_county = {self.parent[c] for c in self.codes[3]}
        return sorted(self.codes[3] + [c for c in self.codes[2] if c not in with_county])

    def group(self, level: int, by: Sequence[str]) -> np.ndarray:
        """For each unit of ``level``, the index in ``by`` of the unit (among ``by``) containing it."""
        return self.group_codes(self.codes[level], by)

    def group_codes(self, codes: Sequence[str], by: Sequence[str]) -> np.ndarray:
        """For each code, the index in ``by`` of the unit containing it (itself included), or -1."""
        pos = {c: i for i, c in enumerate(by)}
        out = np.full(len(codes), -1, dtype=np.int64)
        for i, code in enumerate(codes):
            node: str | None = code
            while node is not None and node not in pos:
                node = self.parent.get(node)
            if node is not None:
                out[i] = pos[node]
        return out


class Writer:
    """Bulk inserts through the driver (COPY on PostgreSQL, executemany on SQLite) in one transaction."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def stamps(self, values: np.ndarray) -> list[object]:
        """``datetime64`` values (NaT for none) as the driver wants them."""
        values = values.astype("datetime64[us]")
        if self.pg:
            return values.tolist()
        text = np.datetime_as_string(values, unit="us")
        return [None if s == "NaT" else s.replace("T", " ") for s in text.tolist()]

    def stamp(self, value: datetime | date | None) -> object:
        """A datetime/date as the driver wants it (SQLite stores SQLAlchemy's ISO text)."""
        if value is None or self.pg:
            return value
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        return value.isoformat()

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert tuples (in ``columns`` order) in chunks; returns the number of rows."""
        raw = self.conn.connection.driver_connection
        cols = ", ".join(columns)
        n = 0
        if self.pg:
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            sql = f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join('?' * len(columns))})"
            cur = raw.cursor()  # type: ignore[union-attr]
            buf: list[tuple] = []
            for row in rows:
                buf.append(row)
                if len(buf) >= CHUNK:
                    cur.executemany(sql, buf)
                    n += len(buf)
                    buf.clear()
            if buf:
                cur.executemany(sql, buf)
                n += len(buf)
            cur.close()
        self.counts[table.name] = self.counts.get(table.name, 0) + n
        return n


OBS_COLUMNS = (
    "indicator_code",
    "region_code",
    "period",
    "value",
    "status",
    "source",
    "reported_at",
    "reported_by",
)


def reported_at(period: str) -> datetime:
    """When a demo figure was reported: a few days after a month, three weeks after a quarter/year."""
    lag = 3 if len(period) == 7 and period[5] != "Q" else 20
    return datetime.combine(period_end(period) + timedelta(days=lag), datetime.min.time()).replace(hour=10)


def write_series(
    writer: Writer, code: str, units: Sequence[str], periods: Sequence[str], values: np.ndarray
) -> int:
    """Write an (units × periods) array of one indicator, rounded and checked against its range."""
    ind = BY_CODE[code]
    assert not ind.derived, f"{code} is derived: it stores no observations"
    vals = np.round(np.asarray(values, dtype=float), ind.decimals)
    lo = ind.min_value if ind.min_value is not None else -np.inf
    hi = ind.max_value if ind.max_value is not None else np.inf
    vals = np.clip(vals, lo, hi)
    assert vals.shape == (len(units), len(periods)), (code, vals.shape)

    def rows() -> Iterable[tuple]:
        for j, period in enumerate(periods):
            yield from zip(
                repeat(code),
                units,
                repeat(period),
                vals[:, j].tolist(),
                repeat("reported"),
                repeat(SOURCE),
                repeat(writer.stamp(reported_at(period))),
                repeat(REPORTED_BY),
            )

    return writer.insert(observation, OBS_COLUMNS, rows())
