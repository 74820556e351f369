"""The region scope of the current request, decided on the server.

Inside a request of an app built by ``create_app`` the scope is the logged-in user's (or the API
token's user's) region. A request without a user (the guard in ``web.auth`` lets only the login
page and /healthz through) gets :data:`NOBODY`, a scope that contains no region, so anything
that still asks reads nothing — Dash evaluates the shell layout on whatever request comes first,
e.g. /login. Outside a request — the CLI, scripts — and in bare Flask apps without access control
it is the configured root region. Callers do not change.
"""

from __future__ import annotations

from flask import has_request_context

from data_access import store
from data_access.scope import Scope

NOBODY = Scope("000000000000")  # no region code starts with "00": every check fails


def current_scope() -> Scope:
    """The scope every query of this request must run under."""
    if has_request_context():
        from web.auth import auth_enabled, current_account

        user = current_account()
        if user is not None:
            return user.scope
        if auth_enabled():
            return NOBODY
    return Scope.of(store.settings().root_region)
