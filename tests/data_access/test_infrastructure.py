"""数字底座 data functions on the tiny store: cameras, data sharing, 政务外网 coverage."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from data_access import store
from data_access.catalogue import load_catalogue
from data_access.errors import InvalidInput, OutOfScope
from data_access.infrastructure import (
    camera_points,
    network_coverage,
    sharing_by_department,
    sharing_by_month,
    video_by_region,
)
from data_access.schema import data_sharing, observation, video_resource
from data_access.scope import Scope
from tests.data_access.rows import observation_row

CITY, A, B = "990100000000", "990101000000", "990102000000"
SCOPE = Scope(CITY)

CAMERAS = [
    # id, region, online, connected, lon, lat
    ("c1", "990101001001", True, True, 110.1, 21.1),
    ("c2", "990101002001", False, True, 110.2, 21.2),
    ("c3", "990101002000", True, False, None, None),  # on a town, no coordinates
    ("c4", "990102001002", True, True, 110.4, 21.4),
    ("c5", "990102001001", False, False, 110.5, 21.5),
]
SHARING = [
    ("财政局", A, "2026-09", 100, 10, 50),
    ("财政局", B, "2026-09", 40, 4, 20),
    ("财政局", A, "2026-10", 60, 6, 30),
    ("公安局", CITY, "2026-10", 500, 50, 300),
    ("公安局", B, "2026-08", 7, 0, 7),
]


@pytest.fixture
def infra_store(tiny_store):
    with store.engine().begin() as conn:
        conn.execute(
            insert(video_resource),
            [
                {
                    "camera_id": i,
                    "region_code": r,
                    "location": f"点位{i}",
                    "online": on,
                    "connected": c,
                    "lon": lon,
                    "lat": lat,
                }
                for i, r, on, c, lon, lat in CAMERAS
            ],
        )
        conn.execute(
            insert(data_sharing),
            [
                {"department": d, "region_code": r, "period": p, "collected": a, "returned": b, "shared": s}
                for d, r, p, a, b, s in SHARING
            ],
        )
        store.bump_version(conn)
    return tiny_store


def test_infra001_cameras_roll_up_by_county_with_recomputed_online_rate(infra_store):
    city, kids = video_by_region("990100", SCOPE)
    # City: 5 cameras, connected c1 c2 c4 = 3, online c1 c3 c4 = 3 → 60%.
    assert (city.cameras, city.connected, city.online) == (5, 3, 3)
    assert city.online_rate == pytest.approx(60.0)
    assert [k.code for k in kids] == [A, B]
    a, b = kids
    # 甲区: c1 c2 c3 → connected 2, online 2 → 66.67%; 乙县: c4 c5 → 1, 1 → 50%.
    assert (a.name, a.cameras, a.connected, a.online) == ("甲区", 3, 2, 2)
    assert a.online_rate == pytest.approx(200 / 3)
    assert a.connected_rate == pytest.approx(200 / 3)
    assert (b.cameras, b.connected, b.online) == (2, 1, 1)
    assert b.online_rate == pytest.approx(50.0)


def test_infra002_town_without_cameras_has_zero_and_no_rate(infra_store):
    town, villages = video_by_region("990102001", SCOPE)
    assert (town.cameras, town.online) == (2, 1)
    _, kids = video_by_region("990101001", SCOPE)
    assert [(k.cameras, k.online_rate) for k in kids] == [(1, 100.0)]
    village, none = video_by_region("990101001001", SCOPE)
    assert (village.cameras, none) == (1, [])
    assert [v.code for v in villages] == ["990102001001", "990102001002"]


def test_infra003_camera_points_skip_missing_coordinates(infra_store):
    points = camera_points("990101", SCOPE)
    assert [(p.camera_id, p.lon, p.lat, p.online, p.connected) for p in points] == [
        ("c1", 110.1, 21.1, True, True),
        ("c2", 110.2, 21.2, False, True),
    ]
    assert len(camera_points("990100", SCOPE)) == 4


def test_infra004_sharing_by_department_within_months(infra_store):
    rows = sharing_by_department("990100", SCOPE, "2026-09", "2026-10")
    # 公安局 500/50/300 (city row, October); 财政局 100+40+60 = 200, 10+4+6 = 20, 50+20+30 = 100.
    assert [(r.key, r.collected, r.returned, r.shared) for r in rows] == [
        ("公安局", 500, 50, 300),
        ("财政局", 200, 20, 100),
    ]
    county = sharing_by_department("990101", SCOPE)
    assert [(r.key, r.collected, r.returned, r.shared) for r in county] == [("财政局", 160, 16, 80)]


def test_infra005_sharing_by_month_oldest_first(infra_store):
    rows = sharing_by_month("990100", SCOPE)
    assert [(r.key, r.collected, r.returned, r.shared) for r in rows] == [
        ("2026-08", 7, 0, 7),
        ("2026-09", 140, 14, 70),
        ("2026-10", 560, 56, 330),
    ]
    assert [r.key for r in sharing_by_month("990102", SCOPE, end="2026-09")] == ["2026-08", "2026-09"]
    with pytest.raises(InvalidInput):
        sharing_by_month("990100", SCOPE, start="2026-13")


def test_infra006_regions_outside_the_scope_are_refused(infra_store):
    county_scope = Scope.of("990101")
    with pytest.raises(OutOfScope):
        video_by_region("990102", county_scope)
    with pytest.raises(OutOfScope):
        camera_points("990100", county_scope)
    with pytest.raises(OutOfScope):
        sharing_by_department("990102", county_scope)
    # Inside the scope the same scope works and sees only its subtree.
    own, _ = video_by_region("990101", county_scope)
    assert own.cameras == 3


def _obs(code, region, value):
    return observation_row(code, region, "2026-10", value)


@pytest.fixture
def govnet_store(tiny_store):
    villages = ["990101001001", "990101002001", "990101002002", "990102001001"]  # 乙一二村 missing
    rows = [_obs("govnet_city_units", CITY, 50), _obs("govnet_city_connected", CITY, 45)]
    rows += [_obs("govnet_county_units", A, 30), _obs("govnet_county_units", B, 20)]
    rows += [_obs("govnet_county_connected", A, 27), _obs("govnet_county_connected", B, 20)]
    rows += [_obs("govnet_towns", t, 1) for t in ("990101001000", "990101002000", "990102001000")]
    rows += [
        _obs("govnet_towns_connected", t, v)
        for t, v in (("990101001000", 1), ("990101002000", 0), ("990102001000", 1))
    ]
    rows += [_obs("govnet_villages", v, 1) for v in villages]
    rows += [_obs("govnet_villages_connected", v, c) for v, c in zip(villages, (1, 0, 1, 0), strict=True)]
    with store.engine().begin() as conn:
        load_catalogue(conn)
        conn.execute(insert(observation), rows)
        store.bump_version(conn)
    return tiny_store


def test_infra007_network_coverage_by_level_for_the_city(govnet_store):
    rows = network_coverage("990100", "2026-10", SCOPE)
    # 市直 45/50; 县直 27+20 of 30+20; towns 2 of 3; villages 2 of the 4 that reported (5 exist).
    assert [(r.label, r.connected, r.total) for r in rows] == [
        ("市直单位", 45, 50),
        ("县直单位", 47, 50),
        ("镇（街道）", 2, 3),
        ("村（社区）", 2, 4),
    ]
    assert [round(r.rate, 2) for r in rows] == [90.0, 94.0, 66.67, 50.0]
    assert (rows[3].reported, rows[3].expected) == (4, 5)


def test_infra008_network_coverage_of_a_county_starts_at_county_units(govnet_store):
    rows = network_coverage("990101", "2026-10", SCOPE)
    assert [(r.level, r.connected, r.total) for r in rows] == [(3, 27, 30), (4, 1, 2), (5, 2, 3)]
    assert rows[0].rate == pytest.approx(90.0)
    with pytest.raises(OutOfScope):
        network_coverage("990101", "2026-10", Scope.of("990102"))
