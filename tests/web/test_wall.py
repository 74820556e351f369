"""The wall display's login (token → session), /api/v1/version and /api/v1/playlist (tiny store)."""

from __future__ import annotations

import json

from data_access import audit, freshness, playlists, store, users
from tests.web.conftest import PASSWORD, login

A, B = "990101000000", "990102000000"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_wal001_wall_token_opens_a_session_of_that_account(tiny_users):
    users.issue_token("boss")  # the wall's token id is then not its account id
    wall = users.add_user("wall-a", PASSWORD, "wall", "990101")
    token = users.issue_token("wall-a")
    client = tiny_users.server.test_client()
    assert client.get("/api/v1/version").status_code == 401
    page = client.get("/wall")
    assert page.status_code == 200 and "/wall/static/wall-login.js" in page.get_data(as_text=True)
    script = client.get("/wall/static/wall-login.js")
    script.close()  # a file response: close it, or the file handle outlives the test
    assert script.status_code == 200
    assert client.post("/wall/session", headers=_bearer(token)).status_code == 204
    with client.session_transaction() as sess:
        session_user = users.user_for_session(sess["_user_id"])  # a server-side session of …
        assert session_user.id == wall.id and session_user.username == "wall-a"  # … the wall account
    assert client.get("/api/v1/version").status_code == 200
    assert audit.recent(limit=1)[0].action == "wall_login"


def test_wal002_only_wall_tokens_open_sessions(tiny_users):
    leader_token = users.issue_token("boss")
    client = tiny_users.server.test_client()
    for headers in (_bearer(leader_token), _bearer("bqw_nonsense"), {}):
        assert client.post("/wall/session", headers=headers).status_code == 401
        assert client.get("/api/v1/version").status_code == 401
    users.add_user("wall-b", PASSWORD, "wall", "990100")
    token = users.issue_token("wall-b")
    users.revoke_tokens("wall-b")
    assert client.post("/wall/session", headers=_bearer(token)).status_code == 401


def test_wal003_version_answers_the_stores_version_and_as_of(tiny_users):
    client = tiny_users.server.test_client()
    assert login(client, "boss").status_code == 302
    with store.engine().begin() as conn:
        store.set_meta(conn, "as_of_period", "2026-10")
        version = store.bump_version(conn)
    freshness.forget()
    body = client.get("/api/v1/version").get_json()
    assert body["data_version"] == version and body["as_of"] == "2026-10"
    assert body["as_of_label"] == "2026年10月" and body["updated_at"]
    with store.engine().begin() as conn:
        store.bump_version(conn)
    freshness.forget()
    assert client.get("/api/v1/version").get_json()["data_version"] == version + 1


def test_wal004_playlist_is_expanded_for_the_callers_scope(tiny_users):
    pl = playlists.parse_playlist(
        json.dumps(
            {
                "name": "周例会",
                "views": [{"url": "/economy?region={county}", "seconds": 15, "for_each": "county"}],
            }
        )
    )
    playlists.save(pl, "admin")
    boss, clerk = tiny_users.server.test_client(), tiny_users.server.test_client()
    assert login(boss, "boss").status_code == 302 and login(clerk, "clerk").status_code == 302
    url = "/api/v1/playlist?name=周例会"
    assert [v["url"] for v in boss.get(url).get_json()["views"]] == [
        f"/economy?region={A}",
        f"/economy?region={B}",
    ]
    assert [v["url"] for v in clerk.get(url).get_json()["views"]] == [f"/economy?region={A}"]
    assert boss.get("/api/v1/playlist").get_json()["name"] == "默认"
    missing = boss.get("/api/v1/playlist?name=nope")
    assert missing.status_code == 404 and "没有该轮播" in missing.get_json()["error"]
