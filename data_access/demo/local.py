"""Demo figures collected in towns and villages: services, 粤智助, the programme, 政务外网."""

from __future__ import annotations

import numpy as np

from .base import Periods, Units, Writer, period_end_month, period_year, rng_for, write_series

TARGET_RATES = {  # (2025, 2026) goals for the root and every county
    "online_rate": (85.0, 90.0),
    "kiosk_coverage": (95.0, 100.0),
    "income_10w_share": (85.0, 95.0),
    "sanitary_toilet_rate": (97.0, 98.0),
    "sewage_treatment_rate": (60.0, 70.0),
    "govnet_village_rate": (85.0, 95.0),
    "camera_online_rate": (95.0, 95.0),
    "report_timeliness": (95.0, 95.0),
    "satisfaction": (99.0, 99.5),
}


def _t(periods: list[str]) -> np.ndarray:
    """Months elapsed since 2025-01 at the end of each period (trend variable)."""
    return np.array([(period_year(p) - 2025) * 12 + period_end_month(p) - 1 for p in periods], dtype=float)


def _adoption(rng: np.random.Generator, n: int, t: np.ndarray, start: float, end: float) -> np.ndarray:
    """0/1 flags (units × periods) that switch on once and stay on: share ``start`` → ``end``."""
    first = np.where(rng.random(n) < start, -1e9, 1e9)
    late = (first > 0) & (rng.random(n) < (end - start) / max(1 - start, 1e-9))
    first[late] = rng.uniform(t[0], t[-1] + 1, late.sum())
    return (t[None, :] >= first[:, None]).astype(float)


def generate_services(writer: Writer, units: Units, periods: Periods, seed: int) -> None:
    """政务服务 at towns (办件, 网办, 即办, 好差评) and 粤智助 kiosks at villages."""
    rng = rng_for(seed, "services")
    towns, months = units.codes[4], periods.months
    t = _t(months)
    n = len(towns)
    kind = np.array([{"街道": 1.8, "开发区": 0.7}.get(units.kinds[c], 1.0) for c in towns])
    season = np.array([1.1, 0.75, 1.05, 1.0, 1.0, 1.02, 0.98, 0.97, 1.0, 0.95, 1.03, 1.1])
    base = 1200 * kind * rng.lognormal(0, 0.45, n)
    handled = np.rint(
        np.outer(base, season[(t.astype(int)) % 12] * (1 + 0.004 * t)) * rng.lognormal(0, 0.05, (n, len(t)))
    )
    p_online = np.clip(rng.beta(16, 4, n)[:, None] + 0.004 * t[None, :], 0.3, 0.99)
    p_spot = np.clip(rng.normal(0.72, 0.08, n), 0.4, 0.95)[:, None] + 0 * t[None, :]
    online = rng.binomial(handled.astype(np.int64), p_online)
    spot = rng.binomial(handled.astype(np.int64), p_spot)
    rated = rng.binomial(handled.astype(np.int64), 0.62)
    p_good = np.clip(rng.normal(0.988, 0.006, n), 0.95, 0.999)[:, None] + 0 * t[None, :]
    good = rng.binomial(rated, p_good)
    for code, vals in (
        ("items_handled", handled),
        ("items_online", online),
        ("items_on_spot", spot),
        ("ratings_total", rated),
        ("ratings_good", good),
    ):
        write_series(writer, code, towns, months, vals)

    villages = units.codes[5]
    nv = len(villages)
    flag = _adoption(rng, nv, t, 0.86, 0.975)
    kiosks = flag * (1 + (rng.random(nv) < 0.12))[:, None]
    uses = rng.poisson(flag * (rng.lognormal(np.log(110), 0.5, nv)[:, None] * season[t.astype(int) % 12]))
    write_series(writer, "villages_total", villages, months, np.ones((nv, len(t))))
    write_series(writer, "kiosk_villages", villages, months, flag)
    write_series(writer, "kiosks", villages, months, kiosks)
    write_series(writer, "kiosk_uses", villages, months, uses)


def generate_programme(
    writer: Writer,
    units: Units,
    periods: Periods,
    seed: int,
    wealth: np.ndarray,
    targets: list[tuple[str, str, int, float]],
) -> None:
    """Village collective income, toilets and sewage; typical town/village projects at towns."""
    rng = rng_for(seed, "programme")
    villages, years, quarters = units.codes[5], periods.years, periods.quarters
    nv = len(villages)
    county_ix = units.group(5, units.counties)
    level = 20 * wealth[county_ix] ** 2 * rng.lognormal(0, 0.7, nv)
    growth = [(1.06 ** (int(y) - 2025)) * rng.lognormal(0, 0.12, nv) for y in years]
    income = np.column_stack([level * g for g in growth]) if years else np.zeros((nv, 0))
    income = np.minimum(income, 9e4)
    write_series(writer, "collective_income", villages, years, income)
    write_series(writer, "villages_income_10w", villages, years, (income >= 10).astype(float))
    write_series(writer, "villages_assessed", villages, years, np.ones((nv, len(years))))
    for year in (2025, 2026):
        goal = np.bincount(county_ix, weights=level * 1.06 ** (year - 2025), minlength=len(units.counties))
        goal *= 1 + rng.uniform(-0.06, 0.06, len(goal))
        targets.extend(
            ("collective_income", c, year, round(float(v), 2))
            for c, v in zip(units.counties, goal, strict=True)
        )
        targets.append(("collective_income", units.root, year, round(float(goal.sum()), 2)))

    tq = _t(quarters)
    households = np.maximum(30, np.rint(rng.lognormal(np.log(620), 0.5, nv)))
    hh = np.rint(households[:, None] * (1 - 0.002 * tq[None, :] / 3))
    p_toilet = np.clip(rng.normal(0.955, 0.03, nv)[:, None] + 0.0015 * tq[None, :], 0, 1)
    county_sewage = rng.uniform(0.42, 0.72, len(units.counties))
    p_sewage = np.clip(
        (county_sewage[county_ix] + rng.normal(0, 0.15, nv))[:, None] + 0.008 * tq[None, :], 0, 1
    )
    write_series(writer, "rural_households", villages, quarters, hh)
    write_series(writer, "sanitary_toilet_households", villages, quarters, np.floor(hh * p_toilet))
    write_series(writer, "sewage_treated_households", villages, quarters, np.floor(hh * p_sewage))
    _projects(writer, units, periods, rng, targets)


def _projects(
    writer: Writer,
    units: Units,
    periods: Periods,
    rng: np.random.Generator,
    targets: list[tuple[str, str, int, float]],
) -> None:
    """Typical projects per town: planned each year, completed and invested year-to-date."""
    towns, months = units.codes[4], periods.months
    n = len(towns)
    all_years = sorted({period_year(m) for m in months} | {2025, 2026})
    planned = {y: 1 + rng.poisson(4, n) for y in all_years}
    invest = {y: planned[y] * rng.lognormal(np.log(600), 0.5, n) for y in all_years}
    speed = {y: rng.uniform(0.7, 1.2, n) for y in all_years}
    cols_p, cols_c, cols_i = [], [], []
    for m in months:
        y, frac = period_year(m), period_end_month(m) / 12
        share = np.clip(frac**1.3 * speed[y], 0, 1)
        cols_p.append(planned[y])
        cols_c.append(np.floor(planned[y] * share))
        cols_i.append(invest[y] * np.clip(frac**1.1 * speed[y], 0, 1))
    for code, cols in (
        ("projects_planned", cols_p),
        ("projects_completed", cols_c),
        ("project_investment", cols_i),
    ):
        write_series(writer, code, towns, months, np.column_stack(cols))
    county_ix = units.group(4, units.counties)
    for year in (2025, 2026):
        for code, per_town in (("projects_completed", planned[year]), ("project_investment", invest[year])):
            targets.extend((code, c, year, round(float(v), 1)) for c, v in zip(towns, per_town, strict=True))
            sums = np.bincount(county_ix, weights=per_town, minlength=len(units.counties))
            targets.extend(
                (code, c, year, round(float(v), 1)) for c, v in zip(units.counties, sums, strict=True)
            )
            targets.append((code, units.root, year, round(float(per_town.sum()), 1)))


def generate_govnet(writer: Writer, units: Units, periods: Periods, seed: int) -> None:
    """政务外网: units connected out of all, at city, county, town and village level."""
    rng = rng_for(seed, "govnet")
    months = periods.months
    t = _t(months)
    frac = (t - t[0]) / max(t[-1] - t[0], 1)
    for level, (total_code, conn_code), (lo, hi) in (
        (2, ("govnet_city_units", "govnet_city_connected"), (90, 200)),
        (3, ("govnet_county_units", "govnet_county_connected"), (45, 110)),
    ):
        codes = units.codes[level]
        if not codes:
            continue
        total = rng.integers(lo, hi, len(codes)).astype(float)
        share = np.clip(rng.uniform(0.82, 0.95, len(codes))[:, None] + 0.08 * frac[None, :], 0, 1)
        write_series(writer, total_code, codes, months, np.repeat(total[:, None], len(t), axis=1))
        write_series(writer, conn_code, codes, months, np.floor(total[:, None] * share))
    for level, (total_code, conn_code), (start, end) in (
        (4, ("govnet_towns", "govnet_towns_connected"), (0.95, 1.0)),
        (5, ("govnet_villages", "govnet_villages_connected"), (0.72, 0.93)),
    ):
        codes = units.codes[level]
        write_series(writer, total_code, codes, months, np.ones((len(codes), len(t))))
        write_series(writer, conn_code, codes, months, _adoption(rng, len(codes), t, start, end))


def rate_targets(units: Units, targets: list[tuple[str, str, int, float]]) -> None:
    """Fixed goals for the headline rates, the same for the root and every county."""
    for code, goals in TARGET_RATES.items():
        for year, goal in zip((2025, 2026), goals, strict=True):
            targets.extend((code, c, year, goal) for c in [units.root, *units.counties])
