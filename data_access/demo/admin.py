"""Demo operations: 填表报数 (tasks, due dates, submissions), cameras, 一网共享 and platform accounts."""

from __future__ import annotations

from datetime import datetime
from itertools import repeat

import numpy as np

from ..forms import due_date
from ..schema import data_sharing, reporting_period, reporting_task, submission, task_field, video_resource
from .base import (
    Periods,
    Units,
    Writer,
    period_end_month,
    period_year,
    rng_for,
    write_series,
)
from .fields import task_field_rows
from .people import generate_filers

COMMAND, STATS, AGRI = "百千万工程指挥部办公室", "统计局", "农业农村局"
# code, name, department, level of the reporting units, frequency, due day of the following month
TASKS = [
    ("village_monthly", "村级百千万工程工作月报", COMMAND, 5, "month", 5),
    ("town_monthly", "镇（街道）百千万工程进展月报", COMMAND, 4, "month", 8),
    ("county_monthly", "县域经济运行指标月报", STATS, 3, "month", 10),
    ("town_projects", "典型镇村建设项目季报", COMMAND, 4, "quarter", 15),
    ("city_quarterly", "市级工作专班季报", COMMAND, 2, "quarter", 15),
    ("village_income", "村集体经济收入年报", AGRI, 5, "year", 25),
]
DEPARTMENTS = [
    "公安局",
    "民政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "农业农村局",
    "卫生健康局",
    "市场监督管理局",
    "教育局",
    "医疗保障局",
]
TOWN_SPOTS = [
    "政府大门",
    "圩镇主街",
    "农贸市场",
    "中心路口",
    "汽车站",
    "卫生院",
    "中学门口",
    "派出所",
    "河堤",
    "码头",
]
VILLAGE_SPOTS = ["村委会", "村口", "文化广场", "祠堂", "主路口", "小学门口", "党群服务中心", "鱼塘", "桥头"]


def generate_reporting(writer: Writer, units: Units, periods: Periods, seed: int, as_of: datetime) -> None:
    """Tasks, their periods with due dates, one submission row per expected unit, and the counts."""
    rng = rng_for(seed, "reporting")
    filer_of = generate_filers(writer, units, rng, {lv for *_, lv, _, _ in TASKS})
    writer.insert(reporting_task, ("code", "name", "department", "level", "frequency", "due_day"), TASKS)
    writer.insert(
        task_field, ("task_code", "position", "kind", "indicator_code", "name", "required"), task_field_rows()
    )
    counts = np.zeros((3, len(units.counties), len(periods.months)))  # expected, submitted, on time
    for code, _, _, level, freq, due_day in TASKS:
        unit_codes, plist = units.codes[level], periods.of(freq)
        due = [due_date(p, due_day) for p in plist]
        writer.insert(
            reporting_period,
            ("task_code", "period", "due_date"),
            [(code, p, writer.stamp(d)) for p, d in zip(plist, due, strict=True)],
        )
        if unit_codes and plist:
            sub, on_time = _timings(
                rng, len(unit_codes), np.array(due, dtype="datetime64[s]"), np.datetime64(as_of, "s")
            )
            # Some recent forms were returned (退回) and not yet resubmitted; older ones were.
            recent = (np.datetime64(as_of, "s") - np.array(due, dtype="datetime64[s]")) < np.timedelta64(
                45 * 86400, "s"
            )
            returned = ~np.isnat(sub) & recent[None, :] & (rng.random(sub.shape) < 0.02)
            _write_submissions(
                writer, rng, code, unit_codes, plist, sub, returned, [filer_of[c] for c in unit_codes]
            )
            sub = np.where(returned, np.datetime64("NaT"), sub)  # a returned form counts as not reported
            _count_rounds(counts, units, periods, unit_codes, plist, sub, on_time & ~returned)
    for row, ind in enumerate(("reports_expected", "reports_submitted", "reports_on_time")):
        write_series(writer, ind, units.counties, periods.months, counts[row])
    write_series(writer, "reports_overdue", units.counties, periods.months, counts[0] - counts[2])


RETURN_REASONS = [
    "与上期相比变动较大，请核实并补充情况说明",
    "数据口径有误，请按填报说明重新填写",
    "缺少必填项，请补充后重新报送",
]


def _write_submissions(
    writer: Writer,
    rng: np.random.Generator,
    task: str,
    unit_codes: list[str],
    plist: list[str],
    sub: np.ndarray,
    returned: np.ndarray,
    names: list[str],
) -> None:
    """One row per unit and period (period-major), pending where nothing was submitted.

    A returned (退回) form keeps its return time, reviewer and reason; its ``submitted_at`` is empty
    until the unit submits again.
    """
    status = np.where(returned, "returned", np.where(np.isnat(sub), "pending", "submitted"))
    back = np.where(returned, sub + np.timedelta64(86400, "s"), np.datetime64("NaT"))
    reason = np.where(
        returned, np.array(RETURN_REASONS)[rng.integers(0, len(RETURN_REASONS), sub.shape)], None
    )
    k = len(plist)
    rows = zip(
        repeat(task),
        np.repeat(plist, len(unit_codes)).tolist(),
        unit_codes * k,
        writer.stamps(np.where(returned, np.datetime64("NaT"), sub).T.ravel()),
        status.T.ravel().tolist(),
        names * k,
        writer.stamps(back.T.ravel()),
        np.where(returned, "指挥办审核", None).T.ravel().tolist(),
        reason.T.ravel().tolist(),
    )
    columns = ("task_code", "period", "region_code", "submitted_at", "status", "filer")
    writer.insert(submission, (*columns, "returned_at", "returned_by", "return_reason"), rows)


def _count_rounds(
    counts: np.ndarray,
    units: Units,
    periods: Periods,
    unit_codes: list[str],
    plist: list[str],
    sub: np.ndarray,
    on_time: np.ndarray,
) -> None:
    """Add expected/submitted/on-time rounds per county-level unit to the month each period ends in."""
    months = {m: j for j, m in enumerate(periods.months)}
    county_ix = units.group_codes(unit_codes, units.counties)
    inside = county_ix >= 0
    for j, p in enumerate(plist):
        month = months.get(f"{period_year(p)}-{period_end_month(p):02d}")
        if month is None:
            continue
        for row, flags in enumerate((np.ones(len(unit_codes)), ~np.isnat(sub[:, j]), on_time[:, j])):
            counts[row, :, month] += np.bincount(
                county_ix[inside], weights=flags[inside].astype(float), minlength=len(units.counties)
            )


def _timings(
    rng: np.random.Generator, n: int, due: np.ndarray, now: np.datetime64
) -> tuple[np.ndarray, np.ndarray]:
    """Submission times (NaT = not submitted as of ``now``) and on-time flags, units × periods."""
    k = len(due)
    late_p = np.where(rng.random(n) < 0.06, rng.beta(3, 5, n), rng.beta(1.2, 16, n))
    late = rng.random((n, k)) < late_p[:, None]
    days = np.where(
        late, 1 + rng.exponential(4, (n, k)), -rng.uniform(0, 6, (n, k)) + 0.9 * rng.random((n, k))
    )
    sub = due[None, :] + (days * 86400).astype("timedelta64[s]")
    recent = (now - due[None, :]) < np.timedelta64(60 * 86400, "s")
    missing = (rng.random((n, k)) < np.where(recent, 0.03 + late_p[:, None], 0.002)) | (sub > now)
    sub = np.where(missing, np.datetime64("NaT"), sub)
    on_time = ~missing & (sub < due[None, :] + np.timedelta64(86400, "s"))
    return sub, on_time


def generate_cameras(writer: Writer, units: Units, periods: Periods, seed: int) -> None:
    """Cameras at towns and villages (points near the region's point) and the monthly camera counts."""
    rng = rng_for(seed, "cameras")
    towns, villages = units.codes[4], units.codes[5]
    per = np.concatenate([rng.poisson(6, len(towns)), rng.poisson(1.3, len(villages))])
    where = np.repeat(np.array(towns + villages, dtype=object), per)
    n = len(where)
    county_ix = units.group_codes(where.tolist(), units.counties)
    online_p = rng.uniform(0.92, 0.97, len(units.counties))[county_ix]
    online = rng.random(n) < online_p
    connected = rng.random(n) < rng.uniform(0.85, 0.96, len(units.counties))[county_ix]
    is_town = np.repeat(np.arange(len(per)) < len(towns), per)
    spot_ix = rng.integers(0, 90, n)
    jitter = rng.normal(0, 1, (n, 2)) * np.where(is_town, 0.008, 0.004)[:, None]
    rows = []
    for i, code in enumerate(where.tolist()):
        spots = TOWN_SPOTS if is_town[i] else VILLAGE_SPOTS
        lon, lat = units.points.get(code, (None, None))
        if lon is not None and lat is not None:
            lon, lat = round(lon + jitter[i, 0], 6), round(lat + jitter[i, 1], 6)
        rows.append(
            (
                f"{code[:8]}00132{i + 1:07d}",
                code,
                (units.names[code] + spots[spot_ix[i] % len(spots)])[:64],
                lon,
                lat,
                bool(online[i]),
                bool(connected[i]),
            )
        )
    writer.insert(
        video_resource, ("camera_id", "region_code", "location", "lon", "lat", "online", "connected"), rows
    )
    town_ix = units.group_codes(where.tolist(), towns)
    months = periods.months
    frac = np.linspace(0, 1, len(months))
    grow = 0.78 + 0.22 * frac**0.8
    final = [
        np.bincount(town_ix, weights=w.astype(float), minlength=len(towns))
        for w in (np.ones(n), online, connected)
    ]
    total = np.rint(final[0][:, None] * grow[None, :])
    share_on = np.divide(final[1], final[0], out=np.zeros(len(towns)), where=final[0] > 0)
    share_conn = np.divide(final[2], final[0], out=np.zeros(len(towns)), where=final[0] > 0)
    online_t = np.minimum(total, np.rint(total * share_on[:, None] * (1 + rng.normal(0, 0.01, total.shape))))
    conn_t = np.minimum(total, np.rint(total * share_conn[:, None] * (0.93 + 0.07 * frac[None, :])))
    for arr, last in ((total, final[0]), (online_t, final[1]), (conn_t, final[2])):
        arr[:, -1] = last  # the latest month matches video_resource exactly
    write_series(writer, "cameras_total", towns, months, total)
    write_series(writer, "cameras_online", towns, months, online_t)
    write_series(writer, "cameras_connected", towns, months, conn_t)


def generate_sharing(writer: Writer, units: Units, periods: Periods, seed: int, gdp: np.ndarray) -> None:
    """一网共享 records per department, county and month; their sums as indicators; platform accounts."""
    rng = rng_for(seed, "sharing")
    counties, months = units.counties, periods.months
    nc, nm, nd = len(counties), len(months), len(DEPARTMENTS)
    size = (gdp / gdp.mean()) ** 0.5
    dept = rng.lognormal(0, 0.6, nd)
    trend = 1 + 0.015 * np.arange(nm)
    collected = np.rint(
        2.5e4
        * size[:, None, None]
        * dept[None, :, None]
        * trend[None, None, :]
        * rng.lognormal(0, 0.15, (nc, nd, nm))
    )
    returned = np.floor(collected * rng.uniform(0.2, 0.5, (nc, nd, 1)))
    shared = np.floor(collected * rng.uniform(0.5, 0.9, (nc, nd, 1)))
    rows = (
        (
            DEPARTMENTS[d],
            counties[c],
            months[m],
            int(collected[c, d, m]),
            int(returned[c, d, m]),
            int(shared[c, d, m]),
        )
        for c in range(nc)
        for d in range(nd)
        for m in range(nm)
    )
    writer.insert(
        data_sharing, ("department", "region_code", "period", "collected", "returned", "shared"), rows
    )
    for code, arr in (("data_collected", collected), ("data_returned", returned), ("data_shared", shared)):
        write_series(writer, code, counties, months, arr.sum(axis=1) / 1e4)
    towns = np.bincount(units.group(4, counties), minlength=nc)
    villages = np.bincount(units.group(5, counties), minlength=nc)
    base = 20 + 3 * towns + villages
    frac = np.linspace(0, 1, nm)
    accounts = np.rint(
        base[:, None] * np.clip(0.55 + 0.45 * frac[None, :] ** 0.7 + rng.normal(0, 0.01, (nc, nm)), 0, 1)
    )
    write_series(writer, "platform_accounts", counties, months, np.maximum.accumulate(accounts, axis=1))
