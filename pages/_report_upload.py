"""The file upload of ``/report`` (owned by the file-import work; a placeholder until it lands)."""

from __future__ import annotations

from dash import html

from data_access.scope import Scope


def upload_section(scope: Scope, account: object) -> html.Div:
    """The upload block for this account and scope (empty for now)."""
    del scope, account
    return html.Div(id="report-upload")
