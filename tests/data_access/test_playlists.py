"""Playlists (轮播): parsing, refusals naming the view, expansion in a scope, store, CLI, migration."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, select, text

from data_access import playlists, store
from data_access.errors import NotFound, ValidationError
from data_access.scope import Scope

CITY, A, B = "990100000000", "990101000000", "990102000000"
TOWNS_A = ["990101001000", "990101002000"]


def _file(*views: dict, name: str = "周例会") -> str:
    return json.dumps({"name": name, "views": list(views)}, ensure_ascii=False)


def test_pls001_parses_the_contract_example():
    pl = playlists.parse_playlist(
        _file(
            {"url": "/map?region=440882", "seconds": 20},
            {"url": "/economy?region={county}", "seconds": 15, "for_each": "county"},
        )
    )
    assert pl.name == "周例会"
    assert [(v.url, v.seconds, v.for_each) for v in pl.views] == [
        ("/map?region=440882", 20.0, None),
        ("/economy?region={county}", 15.0, "county"),
    ]


def test_pls001b_every_wall_page_can_rotate():
    """Every theme page that fits the wall can be a view, /governance (基层治理) included; the
    built-in default shows it; pages that are not for the wall (/report, /admin) are refused."""
    pl = playlists.parse_playlist(
        _file({"url": "/governance?region={county}", "seconds": 15, "for_each": "county"})
    )
    assert pl.views[0].url == "/governance?region={county}"
    assert "/governance" in [v.url for v in playlists.default_playlist().views]
    for page in ("/report", "/admin"):
        with pytest.raises(ValidationError, match="不能轮播"):
            playlists.parse_playlist(_file({"url": page, "seconds": 5}))


@pytest.mark.parametrize(
    ("view", "field", "says"),
    [
        ({"url": "https://example.com/map", "seconds": 5}, "url", "内部地址"),
        ({"url": "//evil.example/map", "seconds": 5}, "url", "内部地址"),
        ({"url": "/admin", "seconds": 5}, "url", "不能轮播"),
        ({"url": "/map?region=abc", "seconds": 5}, "url", "地区代码"),
        ({"url": "/map", "seconds": 0}, "seconds", "seconds"),
        ({"url": "/map", "seconds": "20"}, "seconds", "数字"),
        ({"url": "/map?region={county}", "seconds": 5}, "for_each", "for_each"),
        ({"url": "/map", "seconds": 5, "for_each": "county"}, "url", "{county}"),
        ({"url": "/map?region={town}", "seconds": 5, "for_each": "village"}, "for_each", "county 或 town"),
        ({"url": "/map", "seconds": 5, "colour": "red"}, "colour", "未知字段"),
    ],
)
def test_pls002_bad_view_is_refused_naming_the_view(view, field, says):
    with pytest.raises(ValidationError) as err:
        playlists.parse_playlist(_file({"url": "/", "seconds": 10}, view), file="wall.json")
    message = str(err.value)
    assert err.value.row == 2 and err.value.field == field
    assert "wall.json" in message and "第 2 个视图" in message and says in message


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("{not json", "JSON"),
        ("[]", "对象"),
        ('{"name": "", "views": []}', "名称"),
        ('{"name": "x"}', "views"),
    ],
)
def test_pls003_bad_file_is_refused(source, says):
    with pytest.raises(ValidationError, match=says):
        playlists.parse_playlist(source, file="x.json")


def test_pls004_placeholders_expand_to_units_in_the_viewers_scope(tiny_store):
    pl = playlists.parse_playlist(
        _file(
            {"url": "/", "seconds": 10},
            {"url": "/economy?region={county}", "seconds": 15, "for_each": "county"},
            {"url": "/map?region={town}&indicator=x", "seconds": 5, "for_each": "town", "title": "镇图"},
            {"url": f"/map?region={B}", "seconds": 7},
        )
    )
    city = playlists.expand(pl, Scope(CITY))
    assert [v.url for v in city] == [
        "/",
        f"/economy?region={A}",
        f"/economy?region={B}",
        *[f"/map?region={t}&indicator=x" for t in (*TOWNS_A, "990102001000")],
        f"/map?region={B}",
    ]
    assert [v.title for v in city[:3]] == ["总览", "经济运行 · 甲区", "经济运行 · 乙县"]
    assert city[3].title == "镇图 · 甲一街道" and city[-1].seconds == 7
    # 甲区's wall: its own county and towns only; 乙县's fixed view is outside and left out.
    county = playlists.expand(pl, Scope(A))
    assert [v.url for v in county] == [
        "/",
        f"/economy?region={A}",
        *[f"/map?region={t}&indicator=x" for t in TOWNS_A],
    ]


def test_pls005_store_replace_list_remove_and_default(tiny_store):
    assert playlists.load(None).name == playlists.DEFAULT_NAME  # built-in when nothing is stored
    assert playlists.load(None).views == playlists.default_playlist().views
    pl = playlists.parse_playlist(_file({"url": "/map", "seconds": 5}))
    assert playlists.save(pl, "admin") is False
    assert playlists.save(pl, "admin") is True  # same name: replaced, not duplicated
    assert [(n, count, by) for n, count, _at, by in playlists.names()] == [("周例会", 1, "admin")]
    assert playlists.load("周例会") == pl
    own_default = playlists.parse_playlist(_file({"url": "/services", "seconds": 9}, name="默认"))
    playlists.save(own_default, "admin")
    assert playlists.load("") == own_default  # a stored 默认 replaces the built-in one
    playlists.remove("周例会")
    with pytest.raises(NotFound):
        playlists.load("周例会")
    with pytest.raises(NotFound):
        playlists.remove("周例会")


def test_pls006_import_refuses_regions_outside_the_importers_scope(tiny_store):
    pl = playlists.parse_playlist(
        _file(
            {"url": "/map?region={town}", "seconds": 5, "for_each": "town"},
            {"url": f"/map?region={B}", "seconds": 5},
        )
    )
    playlists.check_scope(pl, Scope(CITY))
    with pytest.raises(ValidationError, match="不在您的范围内"):
        playlists.check_scope(pl, Scope(A))


def test_pls007_cli_import_list_remove_audited(tiny_store, tmp_path, capsys):
    from data_access import audit
    from data_access.cli import main

    good = tmp_path / "week.json"
    good.write_text(_file({"url": "/map?region=440882", "seconds": 20}), encoding="utf-8")
    assert main(["playlist", "import", str(good)]) == 0
    assert main(["playlist", "list"]) == 0
    assert "周例会\t1 个视图" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(_file({"url": "/map", "seconds": 5}, {"url": "http://x/", "seconds": 5}), encoding="utf-8")
    assert main(["playlist", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err and "第 2 个视图" in err
    assert [n for n, *_ in playlists.names()] == ["周例会"]  # the bad file changed nothing
    assert main(["playlist", "remove", "周例会"]) == 0
    assert playlists.names() == []
    actions = [e.action for e in audit.recent(limit=10)]
    assert actions[:2] == ["playlist_remove", "playlist_import"]


def test_pls008_wall_role_allowed_after_migration_and_others_refused(tiny_store):
    from sqlalchemy.exc import IntegrityError

    from data_access import users
    from data_access.schema import app_user

    wall = users.add_user("wall1", "long-enough-pw", "wall", A)
    assert wall.role == "wall" and not wall.can_see_phones and not wall.is_admin
    with pytest.raises(IntegrityError), store.engine().begin() as conn:
        conn.execute(
            insert(app_user).values(
                username="x1", display_name="", role="root", region_code=A, active=True,
                password_hash="x", auth_version=1, created_at=wall.created_at,
            )
        )  # fmt: skip


def test_pls009_migration_keeps_users_and_tokens(tmp_path):
    """Upgrading a 0004 store that has users and tokens rebuilds app_user without losing them."""
    from alembic import command

    from data_access import db

    engine = db.get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = db.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO app_user (id, username, display_name, role, region_code, active, password_hash,"
                " auth_version, created_at) VALUES (1, 'a', 'a', 'leader', '440800000000', 1, 'h', 1, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_token (user_id, token_hash, hint, created_at) VALUES (1, 'd', 'bqw_', '2026-01-01')"
            )
        )
    db.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM app_user")).scalars().all() == ["a"]
        assert conn.execute(text("SELECT user_id FROM api_token")).scalars().all() == [1]
        assert conn.execute(select(text("1")).select_from(text("playlist"))).all() == []
    engine.dispose()
