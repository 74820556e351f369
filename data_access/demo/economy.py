"""Demo economy (经济运行): county-level GDP, monthly flows, incomes weighted by population, targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import regions
from .base import Periods, Units, Writer, period_end_month, period_year, rng_for, write_series

# 2025 GDP (亿元) and resident population (万人) of the 21 cities, rounded public orders of magnitude.
CITY_GDP = {
    "4401": 31500,
    "4402": 1650,
    "4403": 38000,
    "4404": 4500,
    "4405": 3300,
    "4406": 13800,
    "4407": 4150,
    "4408": 4000,
    "4409": 4150,
    "4412": 2950,
    "4413": 6100,
    "4414": 1450,
    "4415": 1450,
    "4416": 1400,
    "4417": 1650,
    "4418": 2200,
    "4419": 12700,
    "4420": 4000,
    "4451": 1400,
    "4452": 2550,
    "4453": 1250,
}
CITY_POP = {
    "4401": 1890,
    "4402": 285,
    "4403": 1780,
    "4404": 250,
    "4405": 555,
    "4406": 965,
    "4407": 485,
    "4408": 705,
    "4409": 620,
    "4412": 415,
    "4413": 610,
    "4414": 385,
    "4415": 268,
    "4416": 283,
    "4417": 260,
    "4418": 400,
    "4419": 1050,
    "4420": 450,
    "4451": 255,
    "4452": 560,
    "4453": 238,
}
# 湛江: urban districts 赤坎/霞山 and 廉江/雷州/遂溪 carry the most (GDP 亿元, population 万人).
ZHANJIANG = {
    "440802": (540, 46),
    "440803": (760, 68),
    "440804": (220, 36),
    "440811": (340, 50),
    "440823": (430, 88),
    "440825": (270, 72),
    "440881": (650, 140),
    "440882": (440, 138),
    "440883": (350, 95),
}
KIND_WEIGHT = {"区": 1.6, "县级市": 1.15, "县": 0.8, "地级市": 1.0}
URBAN_SHARE = {"区": 0.88, "县级市": 0.5, "县": 0.38, "地级市": 0.9}

SEASON = {
    "industry": [0.85, 0.7, 1.0, 0.98, 1.0, 1.05, 1.0, 1.0, 1.03, 1.02, 1.07, 1.3],
    "investment": [0.45, 0.45, 0.85, 0.9, 1.0, 1.15, 0.95, 0.95, 1.1, 1.0, 1.1, 2.1],
    "retail": [1.12, 1.0, 0.92, 0.92, 0.97, 0.98, 0.95, 0.96, 1.0, 1.06, 1.0, 1.12],
    "fiscal": [1.25, 0.9, 1.0, 1.15, 1.05, 0.95, 1.05, 0.8, 0.85, 1.05, 0.85, 1.1],
    "trade": [1.0, 0.7, 1.0, 0.98, 1.0, 1.02, 1.05, 1.05, 1.05, 1.02, 1.05, 1.08],
}
# code: (share of GDP, mean growth, growth sd between counties, monthly noise sd, season)
MONTHLY = {
    "industrial_va": (0.27, 0.05, 0.03, 0.02, "industry"),
    "fixed_asset_investment": (0.30, 0.005, 0.06, 0.04, "investment"),
    "retail_sales": (0.45, 0.045, 0.012, 0.012, "retail"),
    "budget_revenue": (0.036, 0.03, 0.035, 0.04, "fiscal"),
    "exports": (0.065, 0.05, 0.06, 0.05, "trade"),
    "imports": (0.085, 0.02, 0.07, 0.06, "trade"),
}
CUM_GDP = np.array([0.226, 0.47, 0.722, 1.0])
CUM_PRIMARY = np.array([0.19, 0.43, 0.70, 1.0])
CUM_INCOME = np.array([0.27, 0.51, 0.755, 1.0])


@dataclass
class Counties:
    """Per county-level unit (aligned with ``Units.counties``): 2025 GDP, population, kind, wealth."""

    codes: list[str]
    gdp: np.ndarray
    pop: np.ndarray
    urban: np.ndarray
    wealth: np.ndarray
    kinds: list[str]


def county_profile(units: Units, seed: int) -> Counties:
    """Split each city's GDP and population among its counties (湛江 by hand, elsewhere by kind/size)."""
    source = regions.read_source()
    villages: dict[str, int] = {}
    for r in source:
        if r["level"] == "5":
            villages[r["code"][:6]] = villages.get(r["code"][:6], 0) + 1
    siblings: dict[str, list[dict[str, str]]] = {}
    for r in source:
        if r["level"] == "3":
            siblings.setdefault(r["code"][:4], []).append(r)
    codes = units.counties
    gdp, pop, kinds = np.zeros(len(codes)), np.zeros(len(codes)), []
    for i, code in enumerate(codes):
        city, kind = code[:4], units.kinds[code]
        kinds.append(kind)
        if code[:6] in ZHANJIANG:
            gdp[i], pop[i] = ZHANJIANG[code[:6]]
            continue
        if code[4:6] == "00":  # a city standing in for its counties
            gdp[i], pop[i] = CITY_GDP[city], CITY_POP[city]
            continue

        def weight(r: dict[str, str]) -> tuple[float, float]:
            noise = rng_for(seed, "county" + r["code"]).lognormal(0, 0.3)
            size = (villages.get(r["code"][:6], 0) + 8) ** 0.5
            return KIND_WEIGHT[r["kind"]] * size * noise, size

        ws = [weight(r) for r in siblings[city]]
        own = weight({"code": code, "kind": kind})
        gdp[i] = CITY_GDP[city] * own[0] / sum(w for w, _ in ws)
        pop[i] = CITY_POP[city] * own[1] / sum(s for _, s in ws)
    rng = rng_for(seed, "county-wealth")
    gdp *= rng.lognormal(0, 0.03, len(codes))  # each seed its own economy, the same shape
    per_capita = gdp / pop / (4000 / 705)
    wealth = np.clip(per_capita, 0.3, 5) ** 0.4 * rng.lognormal(0, 0.05, len(codes))
    urban = np.array([URBAN_SHARE[k] for k in kinds]) * rng.uniform(0.9, 1.05, len(codes))
    return Counties(codes, gdp, pop, np.clip(urban, 0.1, 0.98), wealth, kinds)


def _annual(
    rng: np.random.Generator, base: np.ndarray, mu: float, sd: float, years: list[int]
) -> dict[int, np.ndarray]:
    """Expected annual level per county for each year around the 2025 base, drifting by growth."""
    out, level = {2025: base}, base
    for y in range(2024, min(years) - 1, -1):
        level = level / (1 + rng.normal(mu, sd, len(base)))
        out[y] = level
    level = base
    for y in range(2026, max(years) + 1):
        level = level * (1 + rng.normal(mu, sd, len(base)))
        out[y] = level
    return out


def _years(periods: Periods) -> list[int]:
    return sorted({period_year(p) for p in periods.months} | {2025, 2026})


def generate_economy(
    writer: Writer, units: Units, periods: Periods, seed: int, targets: list[tuple[str, str, int, float]]
) -> Counties:
    """Write the economy observations and append annual targets for counties and the root."""
    cp = county_profile(units, seed)
    years, n = _years(periods), len(cp.codes)
    rng = rng_for(seed, "economy")
    mix = rng.lognormal(0, 0.25, (len(MONTHLY), n))  # county-specific economic structure
    for k, (code, (share, mu, sd, noise, season)) in enumerate(MONTHLY.items()):
        annual = _annual(rng, cp.gdp * share * mix[k], mu, sd, years)
        weights = np.array(SEASON[season]) / sum(SEASON[season])
        months = periods.months
        vals = np.column_stack([annual[period_year(p)] * weights[period_end_month(p) - 1] for p in months])
        vals *= 1 + rng.normal(0, noise, vals.shape)
        write_series(writer, code, cp.codes, months, vals)
        _targets(rng, targets, units.root, code, cp, annual, (-0.05, 0.05))
    gdp_annual = _annual(rng, cp.gdp, 0.045, 0.015, years)
    primary = np.array([{"区": 0.05, "地级市": 0.02}.get(k, 0.25) for k in cp.kinds]) * rng.uniform(
        0.7, 1.3, n
    )
    primary_annual = _annual(rng, cp.gdp * primary, 0.04, 0.02, years)
    _cumulative(writer, rng, "gdp", cp.codes, periods.quarters, gdp_annual, CUM_GDP, 0.004)
    _cumulative(writer, rng, "gdp_primary", cp.codes, periods.quarters, primary_annual, CUM_PRIMARY, 0.01)
    _targets(rng, targets, units.root, "gdp", cp, gdp_annual, (-0.03, 0.03))
    _incomes(writer, rng, cp, periods, years, targets, units.root)
    return cp


def _cumulative(
    writer: Writer,
    rng: np.random.Generator,
    code: str,
    counties: list[str],
    quarters: list[str],
    annual: dict[int, np.ndarray],
    cum: np.ndarray,
    noise: float,
) -> None:
    vals = np.column_stack([annual[period_year(q)] * cum[period_end_month(q) // 3 - 1] for q in quarters])
    write_series(writer, code, counties, quarters, vals * (1 + rng.normal(0, noise, vals.shape)))


def _incomes(
    writer: Writer,
    rng: np.random.Generator,
    cp: Counties,
    periods: Periods,
    years: list[int],
    targets: list[tuple[str, str, int, float]],
    root: str,
) -> None:
    """Per-capita incomes (cumulative) and the populations that weight them."""
    n, quarters = len(cp.codes), periods.quarters
    t = np.array([(period_year(q) - 2025) + period_end_month(q) / 12 for q in quarters])
    urban_pop = np.outer(cp.pop * cp.urban, 1 + 0.012 * t) * (1 + rng.normal(0, 0.002, (n, len(t))))
    rural_pop = np.outer(cp.pop * (1 - cp.urban), 1 - 0.006 * t) * (1 + rng.normal(0, 0.002, (n, len(t))))
    write_series(writer, "urban_population", cp.codes, quarters, urban_pop)
    write_series(writer, "rural_population", cp.codes, quarters, rural_pop)
    for code, base, mu, pop in (
        ("urban_income", 41000, 0.045, urban_pop),
        ("rural_income", 22500, 0.058, rural_pop),
    ):
        level = base * cp.wealth * rng.lognormal(0, 0.06, n)
        annual = _annual(rng, level, mu, 0.01, years)
        _cumulative(writer, rng, code, cp.codes, quarters, annual, CUM_INCOME, 0.004)
        for year in (2025, 2026):
            goal = annual[year] * (1 + rng.uniform(-0.02, 0.02, n))
            targets.extend((code, c, year, round(float(v), 0)) for c, v in zip(cp.codes, goal, strict=True))
            weight = pop[:, -1]
            targets.append((code, root, year, round(float((goal * weight).sum() / weight.sum()), 0)))


def _targets(
    rng: np.random.Generator,
    targets: list[tuple[str, str, int, float]],
    root: str,
    code: str,
    cp: Counties,
    annual: dict[int, np.ndarray],
    spread: tuple[float, float],
) -> None:
    """Annual targets for 2025 and 2026: around the expected level, so some run ahead and some behind."""
    for year in (2025, 2026):
        goal = annual[year] * (1 + rng.uniform(*spread, len(cp.codes)))
        targets.extend((code, c, year, round(float(v), 2)) for c, v in zip(cp.codes, goal, strict=True))
        targets.append((code, root, year, round(float(goal.sum()), 2)))
