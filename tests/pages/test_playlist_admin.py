"""The playlists part of /admin: save (validated, scoped, audited), refuse, remove (tiny store)."""

from __future__ import annotations

import json

from data_access import audit, playlists, users
from pages import _playlist_admin as pa


def test_pla001_save_refuse_and_remove_are_audited(tiny_store):
    admin = users.add_user("adm", "long-enough-pw", "admin", "990101")
    good = json.dumps({"name": "周例会", "views": [{"url": "/map?region=990101", "seconds": 20}]})
    message, changed = pa.apply_change(admin, "save", good, None)
    assert changed and "已保存轮播 周例会" in message
    assert [name for name, *_ in playlists.names()] == ["周例会"]
    outside = json.dumps({"name": "乙", "views": [{"url": "/map?region=990102", "seconds": 20}]})
    message, changed = pa.apply_change(admin, "save", outside, None)
    assert not changed and "不在您的范围内" in message
    bad = json.dumps({"name": "丙", "views": [{"url": "/", "seconds": 5}, {"url": "/nowhere", "seconds": 5}]})
    message, changed = pa.apply_change(admin, "save", bad, None)
    assert not changed and "第 2 个视图" in message and "编辑框" in message
    message, changed = pa.apply_change(admin, "remove", None, "周例会")
    assert changed and playlists.names() == []
    assert [e.action for e in audit.recent(limit=5)][:2] == ["playlist_remove", "playlist_import"]
    assert pa.apply_change(admin, "remove", None, "周例会")[1] is False


def test_pla002_panel_lists_stored_playlists(tiny_store):
    assert "尚无轮播" in json.dumps(pa.playlists_table().to_plotly_json(), default=str, ensure_ascii=False)
    playlists.save(playlists.parse_playlist(pa.EXAMPLE), "adm")
    text = json.dumps(pa.playlist_panel().to_plotly_json(), default=str, ensure_ascii=False)
    assert "周例会" in text and "2 个视图" in text
