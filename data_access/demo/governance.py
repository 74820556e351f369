"""Demo 矛盾纠纷·码上办 cases for every village, and the governance figures derived from them.

About 1.3 cases per village and month (some 30 000 a year for 湛江), more around the Spring
Festival and in the autumn harvest, labour disputes before the New Year; counties differ in how
many disputes arise and how many their villages settle themselves. Outcomes are judged at the
demo's as-of time, so recent cases are still open and a few old ones are stuck past their due date.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from ..governance import CHANNELS, DEFAULT_TYPES, STORED, Case, derive, load_types
from ..schema import dispute_case
from .base import Periods, Units, Writer, rng_for, write_series

# Relative case volume per calendar month (Jan … Dec): 春节 family and neighbour disputes, harvest.
SEASON = np.array([1.35, 1.3, 1.0, 0.95, 0.9, 0.85, 0.85, 0.9, 1.0, 1.05, 1.0, 1.15])
# Per type: share of cases, days allowed, median days to settle.
TYPE_SHARE = np.array([0.2, 0.2, 0.3, 0.1, 0.05, 0.15])
TYPE_LIMIT = np.array([30, 15, 15, 30, 60, 15])
TYPE_DAYS = np.array([9.0, 4.0, 3.0, 7.0, 20.0, 4.0])
CHANNEL_SHARE = np.array([0.45, 0.18, 0.12, 0.25])
LEVEL_NAMES = np.array(["村", "镇", "县", "市"], dtype=object)
PER_VILLAGE_MONTH = 1.3


def generate_governance(writer: Writer, units: Units, periods: Periods, seed: int, as_of: datetime) -> None:
    """Case types, cases received in the demo months, and the derived village observations."""
    load_types(writer.conn)
    rng = rng_for(seed, "governance")
    villages, months = units.codes[5], periods.months
    cases = _cases(rng, units, villages, months, as_of)
    writer.insert(
        dispute_case,
        (
            "case_id", "village_code", "type_code", "received_at", "channel", "due_date",
            "resolved_level", "resolved_at", "status", "satisfaction", "updated_at",
        ),
        (
            (
                c.case_id, c.village_code, c.type_code, writer.stamp(c.received_at), c.channel,
                writer.stamp(c.due_date), c.resolved_level, writer.stamp(c.resolved_at), c.status,
                c.satisfaction, writer.stamp(as_of),
            )
            for c in cases
        ),
    )  # fmt: skip
    figures = derive(cases, villages, months)
    for code in STORED:
        write_series(writer, code, villages, months, figures[code])


def _cases(
    rng: np.random.Generator, units: Units, villages: list[str], months: list[str], as_of: datetime
) -> list[Case]:
    nc, nv = len(units.counties), len(villages)
    county_ix = units.group_codes(villages, units.counties)
    volume = rng.lognormal(0, 0.3, nc)[county_ix] * rng.lognormal(0, 0.5, nv)
    volume *= PER_VILLAGE_MONTH / max(volume.mean(), 1e-9)
    village_share = np.clip(rng.normal(0.68, 0.08, nc), 0.4, 0.9)[county_ix]
    urban = np.array([units.kinds[v] == "居委会" for v in villages])
    calm = np.clip(rng.normal(0.9, 0.04, nc), 0.7, 0.99)[county_ix]  # county's share of satisfied ratings
    out: list[Case] = []
    for month in months:
        year, mo = int(month[:4]), int(month[5:7])
        counts = rng.poisson(volume * SEASON[mo - 1])
        where = np.repeat(np.arange(nv), counts)
        n = len(where)
        start = datetime(year, mo, 1)
        days_in = ((datetime(year + (mo == 12), mo % 12 + 1, 1)) - start).days
        received = rng.uniform(0, days_in * 86400, n)
        share = np.tile(TYPE_SHARE, (n, 1))
        share[urban[where], 3] *= 2.5  # more labour disputes in urban communities
        share[:, 3] *= 1.8 if mo in (12, 1) else 1.0  # wages before the New Year
        share /= share.sum(axis=1, keepdims=True)
        kind = (share.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
        channel = rng.choice(len(CHANNELS), n, p=CHANNEL_SHARE)
        p_village = village_share[where]
        draw = rng.random(n)
        level = np.select(
            [draw < p_village, draw < p_village + 0.8 * (1 - p_village), draw < 0.985], [0, 1, 2], 3
        )
        days = TYPE_DAYS[kind] * rng.lognormal(0, 0.6, n) * (1 + 0.8 * level)
        days[rng.random(n) < 0.015] *= 12  # a few cases get stuck
        failed = rng.random(n) < 0.03
        rated = rng.random(n) < 0.7
        rating = np.where(
            rng.random(n) < calm[where], rng.choice([4, 5], n, p=[0.35, 0.65]), rng.integers(1, 4, n)
        )
        for i in range(n):
            got = start + timedelta(seconds=float(received[i]))
            out.append(
                _outcome(
                    f"MSB{year}{mo:02d}{len(out) + 1:07d}",
                    villages[where[i]],
                    int(kind[i]),
                    got,
                    CHANNELS[channel[i]],
                    got + timedelta(days=float(days[i])),
                    int(level[i]),
                    bool(failed[i]),
                    int(rating[i]) if rated[i] else None,
                    as_of,
                )
            )
    return out


def _outcome(
    case_id: str,
    village: str,
    kind: int,
    received: datetime,
    channel: str,
    done: datetime,
    level: int,
    failed: bool,
    rating: int | None,
    as_of: datetime,
) -> Case:
    """The case as the system shows it at ``as_of``: closed once ``done`` has passed, else open."""
    due = (received + timedelta(days=int(TYPE_LIMIT[kind]))).date()
    base = dict(
        case_id=case_id,
        village_code=village,
        type_code=DEFAULT_TYPES[kind][0],
        received_at=received.replace(microsecond=0),
        channel=channel,
        due_date=due,
    )
    if done <= as_of:
        status = "未化解" if failed else "已化解"
        score = min(rating, 2) if (failed and rating) else rating
        return Case(
            **base,
            status=status,
            resolved_level=str(LEVEL_NAMES[level]),
            resolved_at=done.replace(microsecond=0),
            satisfaction=score,
        )
    status = "已上报" if level >= 2 else ("调处中" if as_of - received > timedelta(days=2) else "受理")
    return Case(**base, status=status)
