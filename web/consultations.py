"""一键会商 downloads: ``/command/consultations/<id>.ics``, the invitation as an iCalendar file.

Scoped like the directory: a consultation outside the user's scope answers 404 like a missing one.
Phones are not in the file; attendees are named with their region and role.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from data_access import consultations
from web.scope import current_scope

bp = Blueprint("consultations", __name__)


@bp.get("/command/consultations/<int:consultation_id>.ics")
def invitation(consultation_id: int) -> Response:
    """The .ics of one consultation (RFC 5545, UTF-8)."""
    item = consultations.get(consultation_id, current_scope())
    body = consultations.ics_bytes(item, host=request.host.split(":")[0] or "bqw-cockpit")
    name = quote(f"会商_{item.topic[:40]}.ics")
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Type": "text/calendar; charset=utf-8; method=PUBLISH",
            "Content-Disposition": f"attachment; filename=consultation-{item.id}.ics; filename*=UTF-8''{name}",
        },
    )
