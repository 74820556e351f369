"""Wall-screen playlists (轮播): parse, validate, store, and expand for a viewer's scope.

A playlist file reads::

    {"name": "周例会", "views": [
        {"url": "/map?region=440882", "seconds": 20},
        {"url": "/economy?region={county}", "seconds": 15, "for_each": "county"}]}

Each view is a cockpit-internal URL (one of :data:`PAGES`) with a dwell time; ``for_each`` with a
``{county}`` or ``{town}`` placeholder repeats the view for every unit of that level inside the
viewer's scope (a county-less city such as 东莞 counts as a county). A file with any bad view is
refused as a whole with a message naming the view. ``cockpit playlist import|list|remove``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy import delete, select

from . import store
from .codes import normalize_code
from .errors import InvalidInput, NotFound, ValidationError
from .schema import playlist
from .scope import Scope

# Pages a playlist may show, with the name a view is announced by (pages/*.py register the same).
PAGES = {
    "/": "总览",
    "/map": "地图",
    "/economy": "经济运行",
    "/services": "政务服务",
    "/reporting": "填表报数",
    "/governance": "基层治理",
    "/infrastructure": "数字底座",
    "/command": "指挥体系",
    "/indicators": "指标体系",
}
LEVELS = {"county": 3, "town": 4}  # for_each value → region level
MIN_SECONDS, MAX_SECONDS = 0.5, 3600
MAX_VIEWS = 500  # after expansion: 湛江 has ~120 towns; a province-wide town loop is cut here
MAX_NAME = 64
DEFAULT_NAME = "默认"
# Played when no playlist named DEFAULT_NAME is stored: the overview, the map, every county's map.
DEFAULT_VIEWS = (
    {"url": "/", "seconds": 30},
    {"url": "/map", "seconds": 20},
    {"url": "/map?region={county}", "seconds": 15, "for_each": "county"},
    {"url": "/economy", "seconds": 20},
    {"url": "/services", "seconds": 20},
    {"url": "/governance", "seconds": 20},
)


@dataclass(frozen=True)
class ViewSpec:
    """One entry of a playlist file, validated (``url`` may hold a placeholder)."""

    url: str
    seconds: float
    for_each: str | None = None
    title: str = ""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"url": self.url, "seconds": self.seconds}
        if self.for_each:
            out["for_each"] = self.for_each
        if self.title:
            out["title"] = self.title
        return out


@dataclass(frozen=True)
class Playlist:
    name: str
    views: tuple[ViewSpec, ...]

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "views": [v.as_dict() for v in self.views]}


@dataclass(frozen=True)
class View:
    """A view as the wall plays it: a concrete URL, seconds, and the name announced as 下一个."""

    url: str
    seconds: float
    title: str


def _fail(message: str, file: str | None, index: int | None = None, field: str | None = None):
    raise ValidationError(message, file=file, row=index, field=field)


def parse_playlist(source: str | bytes | dict, file: str | None = None) -> Playlist:
    """Validate a playlist (JSON text or the decoded object); raise ValidationError naming the view.

    The row of the error is the view's position in ``views`` (1-based).
    """
    data = source
    if isinstance(source, str | bytes):
        try:
            data = json.loads(source)
        except ValueError as exc:
            _fail(f"不是有效的 JSON：{exc}", file)
    if not isinstance(data, dict):
        _fail('应为一个对象：{"name": …, "views": [...]}', file)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME:
        _fail(f"轮播名称必须是 1–{MAX_NAME} 个字符的文字", file, field="name")
    views = data.get("views")
    if not isinstance(views, list) or not views:
        _fail("views 必须是非空列表", file, field="views")
    return Playlist(name.strip(), tuple(_view(v, i, file) for i, v in enumerate(views, start=1)))


def _view(raw: object, index: int, file: str | None) -> ViewSpec:
    if not isinstance(raw, dict):
        _fail(f"第 {index} 个视图应为对象", file, index, "views")
    url = raw.get("url")
    label = f"第 {index} 个视图（{url}）" if isinstance(url, str) else f"第 {index} 个视图"
    if not isinstance(url, str) or not url:
        _fail(f"{label}缺少 url", file, index, "url")
    _check_url(url, label, index, file)
    seconds = raw.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        _fail(f"{label}的 seconds 必须是数字", file, index, "seconds")
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        _fail(f"{label}的 seconds 应在 {MIN_SECONDS}–{MAX_SECONDS} 之间", file, index, "seconds")
    for_each = raw.get("for_each")
    if for_each is not None and for_each not in LEVELS:
        _fail(f"{label}的 for_each 只能是 county 或 town", file, index, "for_each")
    used = [level for level in LEVELS if "{" + level + "}" in url]
    if for_each and used != [for_each]:
        _fail(f"{label}写了 for_each={for_each}，url 中应有且只有 {{{for_each}}}", file, index, "url")
    if not for_each and used:
        _fail(f'{label}的 url 含 {{{used[0]}}}，需要 "for_each": "{used[0]}"', file, index, "for_each")
    title = raw.get("title", "")
    if not isinstance(title, str) or len(title) > MAX_NAME:
        _fail(f"{label}的 title 必须是不超过 {MAX_NAME} 字的文字", file, index, "title")
    unknown = set(raw) - {"url", "seconds", "for_each", "title"}
    if unknown:
        _fail(f"{label}有未知字段：{', '.join(sorted(unknown))}", file, index, ", ".join(sorted(unknown)))
    return ViewSpec(url, float(seconds), for_each, title.strip())


def _check_url(url: str, label: str, index: int, file: str | None) -> None:
    """Only a cockpit page, addressed by path: no scheme, host, fragment or other page."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//") or "\\" in url:
        _fail(f"{label}只能是驾驶舱内部地址（以 / 开头，不含主机名）", file, index, "url")
    if parts.fragment or any(ord(ch) < 32 for ch in url):
        _fail(f"{label}的 url 含不允许的字符", file, index, "url")
    if parts.path not in PAGES:
        _fail(f"{label}的页面不存在或不能轮播，可用：{'、'.join(PAGES)}", file, index, "url")
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "region" and value not in ("{county}", "{town}"):
            try:
                normalize_code(value)
            except InvalidInput:
                _fail(f"{label}的 region 不是有效的地区代码：{value}", file, index, "url")


def default_playlist() -> Playlist:
    """The playlist ``/screen`` plays when none named :data:`DEFAULT_NAME` is stored."""
    return parse_playlist({"name": DEFAULT_NAME, "views": list(DEFAULT_VIEWS)})


def expand(pl: Playlist, scope: Scope) -> list[View]:
    """The views a viewer with ``scope`` sees: placeholders expanded to the units in the scope.

    Views whose fixed region lies outside the scope are left out (a county's wall skips the
    city's views); so are placeholders with no unit in the scope.
    """
    from .regions import region_index

    index = region_index()
    out: list[View] = []
    for spec in pl.views:
        if spec.for_each:
            for unit in _units(index, LEVELS[spec.for_each], scope):
                url = spec.url.replace("{" + spec.for_each + "}", unit.code)
                out.append(View(url, spec.seconds, _title(spec, url, unit.name)))
        else:
            region = _region_of(spec.url)
            if region is None:
                out.append(View(spec.url, spec.seconds, _title(spec, spec.url, "")))
            elif scope.contains(region) and region in index.by_code:
                out.append(View(spec.url, spec.seconds, _title(spec, spec.url, index.by_code[region].name)))
    return out[:MAX_VIEWS]


def _units(index, level: int, scope: Scope) -> list:
    found = [
        r
        for r in index.by_code.values()
        if scope.contains(r.code) and (r.level == level or (level == 3 and r.code in index.countyless))
    ]
    return sorted(found, key=lambda r: r.code)


def _region_of(url: str) -> str | None:
    value = dict(parse_qsl(urlsplit(url).query)).get("region")
    return normalize_code(value) if value and value not in ("{county}", "{town}") else None


def _title(spec: ViewSpec, url: str, region_name: str) -> str:
    if spec.title:
        return f"{spec.title} · {region_name}" if spec.for_each and region_name else spec.title
    page = PAGES[urlsplit(url).path]
    return f"{page} · {region_name}" if region_name else page


def with_params(url: str, **params: str) -> str:
    """``url`` with query parameters set (used by the player for screen=wall)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return f"{parts.path}?{urlencode(query)}"


# --- store -------------------------------------------------------------------------------------


def save(pl: Playlist, actor: str) -> bool:
    """Insert or replace the playlist; True when it replaced one of the same name."""
    body = json.dumps(pl.as_dict(), ensure_ascii=False)
    now = datetime.now().replace(microsecond=0)
    with store.engine().begin() as conn:
        replaced = conn.execute(delete(playlist).where(playlist.c.name == pl.name)).rowcount > 0
        conn.execute(playlist.insert().values(name=pl.name, body=body, updated_at=now, updated_by=actor[:64]))
    return replaced


def names() -> list[tuple[str, int, datetime, str]]:
    """(name, number of views as written, updated at, by) of every stored playlist, by name."""
    with store.engine().connect() as conn:
        rows = conn.execute(select(playlist).order_by(playlist.c.name)).all()
    return [(r.name, len(json.loads(r.body)["views"]), r.updated_at, r.updated_by) for r in rows]


def load(name: str | None) -> Playlist:
    """The stored playlist; without a name the stored 默认, else the built-in default."""
    wanted = (name or "").strip() or DEFAULT_NAME
    with store.engine().connect() as conn:
        body = conn.execute(select(playlist.c.body).where(playlist.c.name == wanted)).scalar()
    if body is not None:
        return parse_playlist(body)
    if wanted == DEFAULT_NAME:
        return default_playlist()
    raise NotFound(f"没有该轮播：{wanted}")


def remove(name: str) -> None:
    with store.engine().begin() as conn:
        if conn.execute(delete(playlist).where(playlist.c.name == name)).rowcount == 0:
            raise NotFound(f"没有该轮播：{name}")


def check_scope(pl: Playlist, scope: Scope) -> None:
    """Refuse fixed regions outside the importer's scope (an admin stores only what it may see)."""
    for i, spec in enumerate(pl.views, start=1):
        region = _region_of(spec.url)
        if region is not None and not scope.contains(region):
            raise ValidationError(f"第 {i} 个视图（{spec.url}）的地区不在您的范围内", row=i, field="url")


def add_commands(sub) -> None:
    """Register ``cockpit playlist …`` (implemented in :mod:`data_access.playlists_cli`)."""
    from .playlists_cli import add_commands as _add

    _add(sub)
