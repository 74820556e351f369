"""Helpers for the theme page tests: render a page's layout in a request and search the tree."""

from __future__ import annotations

import importlib
from collections.abc import Iterator


def render(app, module: str, path: str, **query):
    """The layout of ``pages.<module>`` for ``query``, built inside a request to ``path``."""
    page = importlib.import_module(f"pages.{module}")
    with app.test_request_context(path):
        return page.layout(**query)


def walk(node) -> Iterator:
    """Every component below ``node`` (depth first), including itself."""
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from walk(child)
    elif children is not None and not isinstance(children, (str, int, float)):
        yield from walk(children)


def text(node) -> str:
    """All text below a component, concatenated."""
    if isinstance(node, (str, int, float)):
        return str(node)
    children = getattr(node, "children", None)
    if children is None:
        return ""
    if isinstance(children, (list, tuple)):
        return "".join(text(c) for c in children)
    return text(children)


def by_id(root, element_id):
    return next(n for n in walk(root) if getattr(n, "id", None) == element_id)


def with_attr(root, name: str, value: str):
    """The first component whose attribute ``name`` (e.g. ``data-indicator``) equals ``value``."""
    return next(n for n in walk(root) if getattr(n, name, None) == value)


def by_class(root, class_name: str) -> list:
    return [n for n in walk(root) if class_name in (getattr(n, "className", None) or "").split()]


def kpi_number(root, code: str) -> str:
    """The big number of the KPI card of an indicator."""
    card = with_attr(root, "data-indicator", code)
    return text(by_class(card, "kpi-number")[0])


def links(root) -> list[str]:
    return [n.href for n in walk(root) if getattr(n, "href", None)]
