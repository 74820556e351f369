"""视频调度: one camera and cameras near a place, scoped (forged ids refused); the 查看视频 link."""

import pytest
from sqlalchemy import insert

from data_access import cameras, store
from data_access.errors import InvalidInput, NotFound
from data_access.regions import set_points
from data_access.schema import video_resource
from data_access.scope import Scope

CITY, A, B = "990100000000", "990101000000", "990102000000"
V1, V2, V4 = "990101001001", "990101002001", "990102001001"
# 0.01° of latitude ≈ 1.11 km
CAMS = [  # id, region, place, lon, lat, online, connected
    ("cam-a1", V1, "甲一社区文化广场", 110.000, 21.005, True, True),  # 0.56 km from V1's point
    ("cam-a2", V2, "甲二一村村口", 110.000, 21.020, False, True),  # 2.2 km
    ("cam-b1", V4, "乙一一村码头", 110.000, 21.001, True, False),  # 0.11 km, but in county B
    ("cam-far", V2, "甲二一村水库", 110.000, 21.200, True, True),  # 22 km
]


@pytest.fixture
def cam_store(tiny_store):
    with store.engine().begin() as conn:
        set_points(conn, {V1: (110.0, 21.0), V2: (110.0, 21.02), V4: (110.0, 21.001)})
        conn.execute(
            insert(video_resource),
            [dict(zip(("camera_id", "region_code", "location", "lon", "lat", "online", "connected"), c, strict=True))
             for c in CAMS],
        )  # fmt: skip
        store.bump_version(conn)
    return tiny_store


def test_cam001_one_camera_in_scope_and_forged_ids_refused(cam_store):
    cam = cameras.camera("cam-a1", Scope(A))
    assert (cam.location, cam.region_name, cam.online, cam.connected) == (
        "甲一社区文化广场",
        "甲一社区",
        True,
        True,
    )
    with pytest.raises(NotFound):
        cameras.camera("cam-b1", Scope(A))  # another county's camera
    with pytest.raises(NotFound):
        cameras.camera("no-such", Scope(CITY))
    with pytest.raises(InvalidInput):
        cameras.camera("x" * 40, Scope(CITY))


def test_cam002_cameras_near_a_village_nearest_first_within_the_scope(cam_store):
    near = cameras.cameras_near(V1, 3, Scope(A))
    assert [n.camera.camera_id for n in near] == ["cam-a1", "cam-a2"]  # cam-b1 is outside 甲区
    assert near[0].km == pytest.approx(0.556, abs=0.01) and near[1].km == pytest.approx(2.22, abs=0.02)
    city = cameras.cameras_near(V1, 1, Scope(CITY))
    assert [n.camera.camera_id for n in city] == ["cam-b1", "cam-a1"]
    assert cameras.cameras_near(V1, 50, Scope(A))[-1].camera.camera_id == "cam-far"
    with pytest.raises(InvalidInput):
        cameras.cameras_near(V1, 500, Scope(A))


def test_cam003_video_link_from_the_template():
    assert cameras.video_url("4408 01/2", "https://v.example/player?camera={camera_id}") == (
        "https://v.example/player?camera=4408%2001%2F2"
    )
    assert cameras.video_url("cam-a1", "") is None
    assert cameras.video_url("cam-a1", "https://v.example/no-placeholder") is None
