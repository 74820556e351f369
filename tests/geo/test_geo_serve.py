"""``/geo/<code>.geojson``: status codes, scope, ETag and 304, gzip, the outline layer."""

from __future__ import annotations

import gzip

import orjson
import pytest
from flask import Flask

import geo.serve
from data_access import store
from data_access.cache import init_cache
from data_access.scope import Scope
from geo.serve import geojson_url, outline_url, overlay_url

from .conftest import LEIZHOU


@pytest.fixture
def client(zhanjiang_shared):
    server = Flask(__name__)
    init_cache(server, zhanjiang_shared)
    server.register_blueprint(geo.serve.bp)
    return server.test_client()


@pytest.mark.parametrize("code", ["440882", "440882000000", LEIZHOU])
def test_geo301_any_code_form_gives_the_children(client, code):
    response = client.get(f"/geo/{code}.geojson")
    assert response.status_code == 200
    assert response.content_type == "application/geo+json"
    data = orjson.loads(response.data)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 22
    assert {f["properties"]["code"][:6] for f in data["features"]} == {"440882"}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/geo/440800.geojson", 200),
        ("/geo/440882100.geojson", 200),  # a town: its villages
        ("/geo/440882.geojson?level=5", 200),  # a county: all its villages
        ("/geo/440882999.geojson", 404),  # unknown town
        ("/geo/4408821.geojson", 404),  # malformed
        ("/geo/abc.geojson", 404),
        ("/geo/440882100201.geojson", 404),  # a village has no children
        ("/geo/440882.geojson?level=3", 404),  # not below the county
        ("/geo/440000.geojson", 403),  # the province is outside 湛江's scope
        ("/geo/441900.geojson", 403),
        ("/geo/outline/440882.geojson", 200),
        ("/geo/outline/440000.geojson", 403),
    ],
)
def test_geo302_status_codes(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if status != 200:
        assert response.content_type.startswith("application/json")
        assert orjson.loads(response.data)["error"]


def test_geo303_etag_and_304(client):
    first = client.get("/geo/440800.geojson")
    etag = first.headers["ETag"]
    assert etag == f'"{store.data_version()}-440800000000-3"'
    assert "max-age=300" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    again = client.get("/geo/440800.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = client.get("/geo/440882.geojson", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another layer's tag does not match
    with store.engine().begin() as conn:
        store.bump_version(conn)  # any write: the old tag no longer validates
    assert client.get("/geo/440800.geojson", headers={"If-None-Match": etag}).status_code == 200


def test_geo304_gzip_when_accepted(client):
    plain = client.get("/geo/440882.geojson?level=5")
    packed = client.get("/geo/440882.geojson?level=5", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 4
    assert len(orjson.loads(plain.data)["features"]) == 485


def test_geo305_outline_is_the_parent(client):
    data = orjson.loads(client.get(outline_url(LEIZHOU)).data)
    assert [f["properties"]["code"] for f in data["features"]] == [LEIZHOU]
    assert data["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert geojson_url(LEIZHOU) == f"/geo/{LEIZHOU}.geojson"


def test_geo308_overlay_is_the_outline_and_label_points_and_glyphs_are_local(client):
    response = client.get(overlay_url(LEIZHOU))
    assert response.status_code == 200 and response.headers["ETag"].endswith('-overlay"')
    outline, *points = orjson.loads(response.data)["features"]
    assert outline == orjson.loads(client.get(outline_url(LEIZHOU)).data)["features"][0]
    assert len(points) == 22 and {f["geometry"]["type"] for f in points} == {"Point"}
    assert set(points[0]["properties"]) == {"code", "name"}
    glyphs = client.get("/geo/glyphs/Noto%20Sans%20Regular/0-255.pbf")
    assert glyphs.status_code == 200 and glyphs.data == b""
    assert client.get(overlay_url("440000")).status_code == 403


def test_geo306_scope_comes_from_the_server(client, monkeypatch):
    monkeypatch.setattr(geo.serve, "current_scope", lambda: Scope.of("440882"))
    assert client.get("/geo/440882.geojson").status_code == 200
    assert client.get("/geo/440800.geojson").status_code == 403
    assert client.get("/geo/440881.geojson").status_code == 403


def test_geo307_registered_in_the_app_behind_login(zhanjiang_shared):
    from app import create_app

    anonymous = create_app(zhanjiang_shared).server.test_client().get("/geo/440800.geojson")
    assert anonymous.status_code == 401  # the access guard covers /geo too
    response = (
        create_app(zhanjiang_shared, login_disabled=True).server.test_client().get("/geo/440800.geojson")
    )
    assert response.status_code == 200 and len(orjson.loads(response.data)["features"]) == 9


def test_geo309_a_layer_is_derived_once_and_shared_through_the_cache(client, monkeypatch):
    """Another worker (here: this process with its own layers forgotten) reads the derived layer
    from the shared cache instead of deriving it again; a new data version derives it anew."""
    import geo.prepare as prepare
    from data_access.cache import clear

    prepare._LAYERS.clear()
    clear()  # earlier tests derived and shared this layer already
    built = []
    build = prepare.build_layer
    monkeypatch.setattr(prepare, "build_layer", lambda *a, **k: built.append(a) or build(*a, **k))
    first = client.get(f"/geo/{LEIZHOU}.geojson")
    assert first.status_code == 200 and len(built) == 1
    prepare._LAYERS.clear()  # a fresh worker: nothing derived in this process
    again = client.get(f"/geo/{LEIZHOU}.geojson")
    assert again.status_code == 200 and again.data == first.data
    assert len(built) == 1  # read from the shared cache
    with store.engine().begin() as conn:
        store.bump_version(conn, observations_changed=False)
    prepare._LAYERS.clear()
    assert client.get(f"/geo/{LEIZHOU}.geojson").status_code == 200
    assert len(built) == 2  # a new data version: derived once more
