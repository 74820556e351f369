"""Users: password hashes, validation, sessions, API tokens, the ``cockpit user`` CLI, demo accounts."""

from __future__ import annotations

import dataclasses
import io
import logging

import pytest
from sqlalchemy import select

from data_access import audit, store, users
from data_access.errors import InvalidInput, NotFound
from data_access.schema import api_token, app_user, user_session
from data_access.scope import Scope
from tests.web.conftest import PASSWORD


def _rows(table) -> list[dict]:
    with store.engine().connect() as c:
        return [dict(r._mapping) for r in c.execute(select(table))]


def test_users001_password_stored_only_as_scrypt_hash(tiny_store):
    users.add_user("clerk", PASSWORD, "staff", "990101")
    (row,) = _rows(app_user)
    assert row["password_hash"].startswith("scrypt:")
    assert PASSWORD not in repr(row)
    assert row["region_code"] == "990101000000"
    assert row["active"] is True or row["active"] == 1


def test_users002_authenticate(tiny_store):
    users.add_user("Clerk", PASSWORD, "staff", "990101")
    assert users.authenticate("clerk", PASSWORD).username == "Clerk"  # names are case-insensitive
    assert users.authenticate("Clerk", PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None
    users.set_active("Clerk", False)
    assert users.authenticate("Clerk", PASSWORD) is None
    assert users.get_user("clerk").last_login_at is not None


@pytest.mark.parametrize(
    ("name", "password", "role", "region", "error"),
    [
        ("a b", PASSWORD, "staff", "990101", InvalidInput),
        ("x'; drop table app_user;--", PASSWORD, "staff", "990101", InvalidInput),
        ("clerk", PASSWORD, "root", "990101", InvalidInput),
        ("clerk", "short", "staff", "990101", InvalidInput),
        ("clerk", PASSWORD, "staff", "990109", NotFound),
        ("clerk", PASSWORD, "staff", "abc", InvalidInput),
    ],
)
def test_users003_add_user_refuses_bad_input(tiny_store, name, password, role, region, error):
    with pytest.raises(error):
        users.add_user(name, password, role, region)
    assert users.list_users() == []


def test_users004_duplicate_name_refused(tiny_store):
    users.add_user("clerk", PASSWORD, "staff", "990101")
    with pytest.raises(InvalidInput):
        users.add_user("CLERK", PASSWORD, "leader", "990100")


def test_users005_sessions_end_with_logout_password_change_and_disable(tiny_store):
    user = users.add_user("clerk", PASSWORD, "staff", "990101")
    first, second = users.start_session(user), users.start_session(user, "10.0.0.1")
    assert users.user_for_session(first) == users.user_for_session(second) == user
    assert users.live_sessions("clerk") == 2
    users.end_session(first)  # logout ends that session only
    assert users.user_for_session(first) is None and users.user_for_session(second) == user
    users.set_password("clerk", "another-password-1")  # a password change ends every session
    assert users.user_for_session(second) is None and users.live_sessions("clerk") == 0
    third = users.start_session(users.get_user("clerk"))
    assert users.user_for_session(third).username == "clerk"
    users.set_active("clerk", False)  # so does disabling
    assert users.user_for_session(third) is None
    with store.engine().connect() as conn:  # only hashes are stored
        stored = repr(conn.execute(select(user_session)).all())
    assert first not in stored and second not in stored and third not in stored
    for junk in ("", "x", "1:", "1:2:3", "abc:def", None, ["x" * 30]):
        assert users.user_for_session(junk) is None


def test_users005b_sessions_expire(tiny_store):
    from datetime import timedelta

    user = users.add_user("clerk", PASSWORD, "staff", "990101")
    assert users.user_for_session(users.start_session(user, lifetime=timedelta(seconds=-1))) is None


def test_users006_tokens_stored_hashed_and_revocable(tiny_store):
    users.add_user("robot", PASSWORD, "staff", "990102")
    token = users.issue_token("robot")
    assert token.startswith("bqw_") and len(token) > 40
    (row,) = _rows(api_token)
    assert token not in repr(row)
    assert row["token_hash"] == users.hash_token(token)
    assert users.user_for_token(token).scope == Scope("990102000000")
    assert users.user_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert users.user_for_token("not-a-token") is None
    assert users.revoke_tokens("robot") == 1
    assert users.user_for_token(token) is None


def test_users007_disabling_revokes_tokens(tiny_store):
    users.add_user("robot", PASSWORD, "staff", "990102")
    token = users.issue_token("robot")
    users.set_active("robot", False)
    assert users.user_for_token(token) is None
    users.set_active("robot", True)
    assert users.user_for_token(token) is None  # re-enabling does not bring revoked tokens back
    with pytest.raises(NotFound):
        users.issue_token("ghost")


def _cli(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str]:
    from data_access.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_users008_cli_add_list_disable_passwd_token(tiny_store, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    code, out = _cli(
        monkeypatch,
        capsys,
        "user",
        "add",
        "clerk",
        "--role",
        "staff",
        "--region",
        "990101",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and "clerk" in out
    assert users.authenticate("clerk", PASSWORD) is not None
    code, out = _cli(monkeypatch, capsys, "user", "list")
    assert "clerk" in out and "990101000000" in out and "启用" in out
    code, out = _cli(
        monkeypatch, capsys, "user", "passwd", "clerk", "--password-stdin", stdin="new-password-99\n"
    )
    assert code == 0 and users.authenticate("clerk", "new-password-99") is not None
    code, out = _cli(monkeypatch, capsys, "user", "token", "clerk")
    token = out.strip().splitlines()[-1]
    assert code == 0 and users.user_for_token(token).username == "clerk"
    code, out = _cli(monkeypatch, capsys, "user", "disable", "clerk")
    assert code == 0 and users.authenticate("clerk", "new-password-99") is None
    assert users.user_for_token(token) is None
    code, out = _cli(
        monkeypatch,
        capsys,
        "user",
        "add",
        "bad",
        "--role",
        "staff",
        "--region",
        "990101",
        "--password-stdin",
        stdin="short\n",
    )
    assert code == 2 and "密码至少" in out
    actions = [e.action for e in audit.recent()]
    assert actions == ["user_disable", "token_issue", "user_passwd", "user_add"]
    logged = caplog.text + repr(audit.recent())
    assert PASSWORD not in logged and "new-password-99" not in logged and token not in logged


def test_users009_demo_accounts_generated_password_printed_once(configured):
    from data_access.regions import load_regions

    with store.engine().begin() as conn:
        load_regions(conn, "440800")
        generated = users.ensure_demo_accounts(conn, "440800")
    assert generated
    assert {(u.username, u.role, u.region_code) for u in users.list_users()} == {
        ("leader", "leader", "440800000000"),
        ("admin", "admin", "440800000000"),
        ("leizhou", "staff", "440882000000"),
    }
    assert users.authenticate("leizhou", generated) is not None
    with store.engine().begin() as conn:
        assert users.ensure_demo_accounts(conn, "440800") is None  # nothing new, nothing printed


def test_users010_demo_accounts_take_the_setting(configured):
    from data_access.regions import load_regions

    store.configure(dataclasses.replace(configured, demo_password="demo-pass-2026"))
    with store.engine().begin() as conn:
        load_regions(conn, "440800")
        assert users.ensure_demo_accounts(conn, "440800") is None
    assert users.authenticate("leader", "demo-pass-2026").role == "leader"


def test_users012_audit_recent_respects_scope(tiny_store):
    audit.record("login", username="a", region_code="990101000000")
    audit.record("login", username="b", region_code="990102000000")
    audit.record("login", username="ghost", outcome="failed")
    assert [e.username for e in audit.recent(Scope("990101000000"))] == ["a"]
    # Scope 测试市 does not contain the configured root (湛江), so entries without a region stay hidden.
    assert {e.username for e in audit.recent(Scope("990100000000"))} == {"a", "b"}
    assert {e.username for e in audit.recent(Scope("440800000000"))} == {"ghost"}
