"""Typed errors that the web layer maps to HTTP statuses (404, 400/422, 403)."""

from __future__ import annotations


class CockpitError(Exception):
    """Base class for errors the cockpit reports to a user."""

    status = 400


class NotFound(CockpitError):
    """An unknown region, indicator, period or object."""

    status = 404


class InvalidInput(CockpitError):
    """A malformed parameter: a code, a period, a number."""

    status = 400


class OutOfScope(CockpitError):
    """The caller may not read this region."""

    status = 403


class SettingsError(CockpitError):
    """A setting that cannot work (bad database URL, unreachable cache, weak secret key …)."""

    status = 500


class ValidationError(CockpitError):
    """Bad data in an import; names where it was found. Nothing was written."""

    status = 422

    def __init__(
        self, message: str, *, file: str | None = None, row: int | None = None, field: str | None = None
    ):
        self.file, self.row, self.field = file, row, field
        where = ", ".join(
            part
            for part in (
                f"文件 {file}" if file else "",
                f"第 {row} 行" if row is not None else "",
                f"字段 {field}" if field else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
