"""Top-N of a long list on the wall screen (大屏), from the one rendering both themes share.

The theme is chosen in the browser (``?screen=wall`` sets ``.theme-wall`` on the shell), so a page
cannot render a shorter list for the wall. Instead it renders the whole list, marks the rows the
wall leaves out with ``wall-extra`` and adds a ``wall-count`` line ("前 5 / 共 22 个"); the wall's
CSS (``assets/wall-themes-a.css``) hides the marked rows and shows the count, the desk does the
opposite. Pure: components in, components out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dash import html

EXTRA = "wall-extra"  # a row the wall screen hides
COUNT = "wall-count"  # a line only the wall screen shows


def mark_extra(rows: Sequence[Any], keep: Iterable[int]) -> list[Any]:
    """``rows`` with every row whose position is not in ``keep`` marked ``wall-extra`` (in place)."""
    kept = set(keep)
    for i, row in enumerate(rows):
        if i not in kept:
            row.className = f"{getattr(row, 'className', None) or ''} {EXTRA}".strip()
    return list(rows)


def mark_beyond(rows: Sequence[Any], n: int) -> list[Any]:
    """``rows`` with every row after the first ``n`` marked ``wall-extra``."""
    return mark_extra(rows, range(n))


def wall_count(shown: int, total: int, unit: str, what: str = "前", element_id: str | None = None) -> Any:
    """The wall's "前 5 / 共 22 个" line, or None when the wall shows every row."""
    if total <= shown:
        return None
    return html.Div(
        f"{what} {shown:,} / 共 {total:,} {unit}",
        className=COUNT,
        **({"id": element_id} if element_id else {}),
    )
