"""Helpers to forge Dash callback requests and to detect another county's data in a response.

Everything is derived from the running app (``app.callback_map``, ``dash.page_registry``,
``server.url_map``), so callbacks, pages and routes added later are covered without edits here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import dash

from data_access.regions import children, region_index
from data_access.scope import Scope

ROUTER_OUTPUT = "_pages_content.children"
# Flask rules that need no session (see web.auth.PUBLIC_PATHS) or serve Dash/static files.
PUBLIC_RULES = {
    "/healthz",
    "/readyz",
    "/login",
    "/logout",
    "/_favicon.ico",
    "/wall",
}  # /wall: the kiosk token page


def page_paths() -> list[str]:
    """Every registered Dash page with a fixed path (templates filled with a county code)."""
    paths = []
    for page in dash.page_registry.values():
        path = page.get("path") or "/"
        paths.append(re.sub(r"<[^>]+>", "440882", path))
    return sorted(set(paths))


def server_callbacks(app: dash.Dash) -> dict[str, dict]:
    """Server-side callbacks by output key (clientside ones never reach the server)."""
    return {key: spec for key, spec in app.callback_map.items() if "callback" in spec}


def _outputs(key: str) -> list[dict[str, str]] | dict[str, str]:
    def one(part: str) -> dict[str, Any]:
        ident, prop = part.rsplit(".", 1) if "@" not in part else part.split("@")[0].rsplit(".", 1)
        prop = prop if "@" not in part else prop + "@" + part.split("@", 1)[1]
        return {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}

    if key.startswith(".."):
        return [one(p) for p in key.strip(".").split("...")]
    return one(key)


def forged_value(prop: str, code: str, page: str) -> Any:
    """A value for an input or state that smuggles ``code`` in the way that property would carry it."""
    if prop == "search":
        return f"?region={code}&parent={code}&code={code}"
    if prop in ("href", "pathname"):
        return f"{page}?region={code}" if prop == "href" else page
    if prop == "clickData":
        return {"points": [{"location": code, "customdata": [code], "id": code, "text": code}]}
    if prop == "cellClicked":
        return {"rowId": code, "value": code, "colId": "name"}
    if prop == "data":
        return {"region": code, "code": code, "parent": code, "root": code}
    if prop == "n_clicks":
        return 1
    return code


def callback_payload(key: str, spec: dict, code: str, page: str = "/map") -> dict[str, Any]:
    """A ``/_dash-update-component`` body for one callback with ``code`` in every input and state."""

    def fill(items: list[dict]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if str(item["id"]).startswith("{"):  # pattern-matching: no matching components
                out.append([])
            else:
                out.append({**item, "value": forged_value(item["property"], code, page)})
        return out

    inputs = fill(spec["inputs"])
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": inputs,
        "state": fill(spec.get("state", [])),
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)],
    }


def router_payload(app: dash.Dash, pathname: str, search: str) -> dict[str, Any]:
    """The body Dash's page router gets when the browser opens ``pathname + search``."""
    key = next(k for k in app.callback_map if ROUTER_OUTPUT in k)
    values = {"pathname": pathname, "search": search}
    inputs = [{**i, "value": values.get(i["property"])} for i in app.callback_map[key]["inputs"]]
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": inputs,
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }


def component_ids(tree: Any) -> set[str]:
    """Every string component id in a layout as Dash sends it (JSON)."""
    found: set[str] = set()
    if isinstance(tree, dict):
        ident = tree.get("props", {}).get("id") if isinstance(tree.get("props"), dict) else None
        if isinstance(ident, str):
            found.add(ident)
        for value in tree.values():
            found |= component_ids(value)
    elif isinstance(tree, list):
        for value in tree:
            found |= component_ids(value)
    return found


def page_callbacks(app: dash.Dash, layout_ids: set[str], prop: str = "search") -> dict[str, dict]:
    """Server callbacks fed by the URL's ``prop`` whose outputs are on this page (not the shell)."""
    result = {}
    for key, spec in server_callbacks(app).items():
        if ROUTER_OUTPUT in key or not any(i["property"] == prop for i in spec["inputs"]):
            continue
        outputs = _outputs(key)
        ids = {
            o["id"] for o in (outputs if isinstance(outputs, list) else [outputs]) if isinstance(o["id"], str)
        }
        if ids & layout_ids:
            result[key] = spec
    return result


def text_of(resp) -> str:
    """The response as readable text (JSON re-dumped without \\u escapes)."""
    raw = resp.get_data(as_text=True)
    if resp.is_json:
        try:
            return json.dumps(resp.get_json(), ensure_ascii=False)
        except ValueError:
            return raw
    return raw


def foreign_names(inside: str, outside: str) -> set[str]:
    """Names under ``outside`` (itself and its towns) that do not occur anywhere under ``inside``.

    Finding one of them in a response for a user scoped to ``inside`` means data leaked.
    """
    everything = Scope.of("440000")
    own = {r.name for r in region_index().by_code.values() if Scope.of(inside).contains(r.code)}
    names = {region_index().by_code[Scope.of(outside).root].name}
    names |= {r.name for r in children(outside, everything)}
    return {n for n in names if n not in own and len(n) >= 2}


def leaked(text: str, names: set[str]) -> list[str]:
    return sorted(n for n in names if n in text)
