"""Region hierarchy: counts from the committed source, short codes, scope."""

import pytest

from data_access import regions, store
from data_access.codes import normalize_code, short_code
from data_access.errors import InvalidInput, NotFound, OutOfScope
from data_access.scope import Scope, level_of


def test_reg001_source_counts_guangdong():
    rows = regions.read_source()
    by_level = {}
    for r in rows:
        by_level[int(r["level"])] = by_level.get(int(r["level"]), 0) + 1
    # 124 county-level units in the source; 东莞 and 中山 have none, their towns hang off the city.
    assert by_level == {1: 1, 2: 21, 3: 122, 4: 1757, 5: 26842}


def test_reg002_zhanjiang_counts_in_store(configured):
    with store.engine().begin() as conn:
        assert regions.load_regions(conn, "440800") == 1 + 1 + 9 + 125 + 1992
        store.bump_version(conn)
    with store.engine().begin() as conn:
        assert regions.load_regions(conn, "440800") == 0  # idempotent
    scope = Scope.of("440800")
    assert regions.count_by_level("440800", scope) == {3: 9, 4: 125, 5: 1992}
    kinds = {r.kind for r in regions.children("440882", scope)}
    assert "开发区" in kinds  # 湛江奋勇高新技术产业开发区 is a first-class town-level unit
    assert [r.name for r in regions.breadcrumb("440882100", scope)] == ["湛江市", "雷州市", "白沙镇"]


def test_reg003_scope_refuses_outside(configured):
    with store.engine().begin() as conn:
        regions.load_regions(conn, "440800")
        store.bump_version(conn)
    scope = Scope.of("440882")
    with pytest.raises(OutOfScope):
        regions.get_region("440881", scope)
    with pytest.raises(OutOfScope):
        regions.get_region("440800", scope)
    assert regions.get_region("440882100", scope).name == "白沙镇"
    with pytest.raises(NotFound):
        regions.get_region("440882999", scope)


@pytest.mark.parametrize(
    ("raw", "code12"),
    [
        ("440800", "440800000000"),
        ("440882100", "440882100000"),
        ("440882100000", "440882100000"),
        ("44", "440000000000"),
    ],
)
def test_reg004_short_codes(raw, code12):
    assert normalize_code(raw) == code12
    assert short_code(code12) == raw if len(raw) in (6, 9) else True


@pytest.mark.parametrize("raw", ["", "4408", "44a800", "4408820", "../etc", "1' OR 1=1"])
def test_reg005_bad_codes(raw):
    if raw == "4408":  # a 4-digit city prefix is accepted
        assert normalize_code(raw) == "440800000000"
        return
    with pytest.raises(InvalidInput):
        normalize_code(raw)


def test_reg006_levels_from_codes():
    assert [
        level_of(c) for c in ("440000000000", "441900000000", "440882000000", "441900101000", "440882100201")
    ] == [1, 2, 3, 4, 5]


def test_reg007_one_index_per_process_and_version(tiny_store):
    """The index is built once per data version and shared with values; a write elsewhere is seen."""
    from sqlalchemy import create_engine

    from data_access import values

    index = regions.region_index()
    assert regions.region_index() is index  # not rebuilt (or unpickled) per call
    assert values.local_region_index() is index
    assert index.countyless == frozenset()  # 测试市 has counties
    scope = Scope.of("99")
    assert [r.code for r in regions.children("990100", scope)] == ["990101000000", "990102000000"]
    # Another process writes through its own engine and bumps the version in the same transaction.
    other = create_engine(tiny_store.database_url)
    with other.begin() as conn:
        row = {"code": "990103000000", "name": "丙县", "level": "3", "parent": "990100000000", "kind": "县"}
        regions.insert_regions(conn, [row])
        store.bump_version(conn)
    other.dispose()
    fresh = regions.region_index()
    assert fresh is not index and values.local_region_index() is fresh
    assert regions.get_region("990103", scope).name == "丙县"
    assert [r.code for r in regions.children("990100", scope)][-1] == "990103000000"


def test_reg008_codes_carry_their_level():
    """Every source region's level is the one its code implies: rollups group units by code prefix."""
    assert [r["code"] for r in regions.read_source() if level_of(r["code"]) != int(r["level"])] == []
