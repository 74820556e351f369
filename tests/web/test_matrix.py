"""Access matrix on the 湛江 demo store: every route family × every role × in scope / out of scope /
no session. Pages, callbacks and Flask routes are enumerated from the running app, so those added
later are checked too. Out-of-scope regions: 廉江市 for the 雷州市 staff, 广东省 (above the city) for
the city leader and admin.
"""

from __future__ import annotations

import pytest

from tests.web import forge
from tests.web.conftest import ACCOUNTS, IN_SCOPE, LIANJIANG, OUT_OF_SCOPE, ROLES

ROLE_OR_NONE = (None, *ROLES)
DENIED = "无权查看"
ACCOUNT_ROOTS = {role: region.ljust(12, "0") for role, (_name, region) in ACCOUNTS.items()}


@pytest.fixture
def lianjiang_names(zj_app):
    """Names that must never reach the 雷州市 staff member (廉江市 and its towns)."""
    return forge.foreign_names(IN_SCOPE, LIANJIANG)


def _check_no_leak(role, text: str, names: set[str], where: str, problems: list[str]) -> None:
    if role == "staff" and forge.leaked(text, names):
        problems.append(f"{where}: leaks {forge.leaked(text, names)[:5]}")
    if "Traceback" in text or 'File "' in text:
        problems.append(f"{where}: stack trace in the response")


@pytest.mark.parametrize("role", ROLE_OR_NONE)
def test_matrix001_page_urls(clients, role):
    """GET of every page: the Dash index for a session, a redirect to /login without one."""
    problems = []
    for path in forge.page_paths():
        resp = clients[role].get(f"{path}?region={IN_SCOPE}")
        if role is None:
            ok = resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")
        else:
            ok = resp.status_code == 200 and "_dash-config" in resp.get_data(as_text=True)
        if not ok:
            problems.append(f"{path}: {resp.status_code}")
    assert forge.page_paths() and not problems, problems


@pytest.mark.parametrize("where", ["in", "out"])
@pytest.mark.parametrize("role", ROLE_OR_NONE)
def test_matrix002_page_content(zj_app, clients, lianjiang_names, role, where):
    """Each page's content for ``?region=``: shown in scope; outside it either a 无权查看 message or
    the user's own region instead (never the other one); 401 without a session.

    The content is what Dash's router returns plus what the page's callbacks fed by the URL's
    search return (the map draws in a callback), as the browser would ask for them.
    """
    from data_access.regions import region_index

    code = IN_SCOPE if where == "in" or role is None else OUT_OF_SCOPE[role]
    names = region_index().by_code
    own_root = names[ACCOUNT_ROOTS.get(role, IN_SCOPE)].name
    problems: list[str] = []
    for path in forge.page_paths():
        resp = clients[role].post(
            "/_dash-update-component", json=forge.router_payload(zj_app, path, f"?region={code}")
        )
        if role is None:
            if resp.status_code != 401:
                problems.append(f"{path}: anonymous got {resp.status_code}")
            continue
        text = forge.text_of(resp)
        layout_ids = forge.component_ids(resp.get_json()) if resp.is_json else set()
        for key, spec in forge.page_callbacks(zj_app, layout_ids).items():
            forged = clients[role].post(
                "/_dash-update-component", json=forge.callback_payload(key, spec, code, path)
            )
            text += forge.text_of(forged) if forged.status_code == 200 else ""
        _check_no_leak(role, text, lianjiang_names, path, problems)
        if resp.status_code != 200:
            problems.append(f"{path}: {resp.status_code}")
        elif path == "/404":  # the not-found page shows no region
            continue
        elif path == "/admin":
            if (role == "admin") != ("admin-users" in text):
                problems.append(f"/admin shown={'admin-users' in text} to {role}")
        elif where == "out" and DENIED not in text and (names[code].name in text or own_root not in text):
            problems.append(f"{path}: neither refused nor back to {own_root} for {code}")
        elif where == "in" and DENIED in text:
            problems.append(f"{path}: refused in scope")
    assert not problems, problems


def _api_paths(code: str, indicator: str, period: str) -> list[str]:
    return [
        f"/api/v1/regions/{code}",
        f"/api/v1/values?indicator={indicator}&period={period}&parent={code}",
    ]


@pytest.fixture
def api_args(zj_app):
    from data_access import store
    from data_access.indicators import list_indicators

    ind = next(i for i in list_indicators() if i.frequency == "month" and i.lowest_level >= 4)
    return ind.code, store.get_meta("as_of_period")


@pytest.mark.parametrize("where", ["in", "out"])
@pytest.mark.parametrize("role", ROLE_OR_NONE)
def test_matrix003_api(clients, api_args, lianjiang_names, role, where):
    """API endpoints taking a region: 200 in scope, 403 outside (body only an error), 401 anonymous."""
    code = IN_SCOPE if where == "in" or role is None else OUT_OF_SCOPE[role]
    problems: list[str] = []
    for path in _api_paths(code, *api_args):
        resp = clients[role].get(path)
        expected = 401 if role is None else 200 if where == "in" else 403
        if resp.status_code != expected:
            problems.append(f"{path}: {resp.status_code} != {expected}")
        if expected != 200 and set(resp.get_json() or {}) != {"error"}:
            problems.append(f"{path}: body {forge.text_of(resp)[:80]}")
        _check_no_leak(role, forge.text_of(resp), lianjiang_names, path, problems)
    index = clients[role].get("/api/v1/indicators")
    if index.status_code != (401 if role is None else 200):
        problems.append(f"/api/v1/indicators: {index.status_code}")
    assert not problems, problems


@pytest.mark.parametrize("where", ["in", "out"])
@pytest.mark.parametrize("role", ROLE_OR_NONE)
def test_matrix004_geo(clients, lianjiang_names, role, where):
    """Map layers: 200 in scope, 403 outside, 401 anonymous."""
    code = IN_SCOPE if where == "in" or role is None else OUT_OF_SCOPE[role]
    problems: list[str] = []
    for path in (
        f"/geo/{code}.geojson",
        f"/geo/outline/{code}.geojson",
        f"/geo/overlay/{code}.geojson",
        f"/geo/{code}.geojson?level=5",
    ):
        resp = clients[role].get(path)
        expected = 401 if role is None else 200 if where == "in" else 403
        if resp.status_code != expected:
            problems.append(f"{path}: {resp.status_code} != {expected}")
        _check_no_leak(role, forge.text_of(resp), lianjiang_names, path, problems)
    assert not problems, problems


@pytest.mark.parametrize("role", ROLE_OR_NONE)
def test_matrix005_every_callback_forged_with_another_county(zj_app, clients, lianjiang_names, role):
    """Every server callback, with 廉江市 smuggled into each input and state: 401 without a session;
    for the 雷州市 staff nothing of 廉江市 comes back, and never a stack trace."""
    callbacks = forge.server_callbacks(zj_app)
    problems: list[str] = []
    for key, spec in callbacks.items():
        props = {i["property"] for i in spec["inputs"] + spec.get("state", []) if isinstance(i, dict)}
        pages = forge.page_paths() if props & {"pathname", "href"} else ["/map"]
        for page in pages:
            resp = clients[role].post(
                "/_dash-update-component", json=forge.callback_payload(key, spec, LIANJIANG, page)
            )
            if role is None and resp.status_code != 401:
                problems.append(f"{key}: anonymous got {resp.status_code}")
            if role is not None and resp.status_code not in (200, 204, 400, 403):
                problems.append(f"{key}: {resp.status_code}")
            _check_no_leak(role, forge.text_of(resp), lianjiang_names, f"{page} {key}", problems)
    assert len(callbacks) > 3 and not problems, problems


def test_matrix007_leak_detector_sees_leaks(zj_app, clients, lianjiang_names):
    """Control: the leader, for whom 廉江市 is in scope, does get its towns — the detector works."""
    resp = clients["leader"].get(f"/api/v1/regions/{LIANJIANG}")
    assert len(forge.leaked(forge.text_of(resp), lianjiang_names)) > 5
    staff = clients["staff"].get(f"/api/v1/regions/{IN_SCOPE}")
    assert staff.status_code == 200 and not forge.leaked(forge.text_of(staff), lianjiang_names)


def test_matrix006_every_route_needs_a_session(zj_app, clients):
    """Every Flask route (downloads and anything added later) refuses a request without a session."""
    problems: list[str] = []
    for rule in zj_app.server.url_map.iter_rules():
        if rule.rule in forge.PUBLIC_RULES or rule.rule.startswith(("/assets/", "/static/")):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<path:{arg}>", "440882").replace(f"<{arg}>", "440882")
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            resp = clients[None].open(path, method=method)
            if resp.status_code not in (302, 401) or (
                resp.status_code == 302 and "/login" not in resp.location
            ):
                problems.append(f"{method} {path}: {resp.status_code}")
    assert not problems, problems
