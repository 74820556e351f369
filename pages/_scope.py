"""The region scope of the current request, decided on the server.

Inside a request of an app built by ``create_app`` the scope is the logged-in user's (or the API
token's user's) region; a request without a user is refused (the guard in ``pages._auth`` stops
it earlier). Outside a request — the CLI, scripts — and in bare Flask apps without access control
it is the configured root region. Callers do not change.
"""

from __future__ import annotations

from flask import has_request_context

from data_access import store
from data_access.errors import OutOfScope
from data_access.scope import Scope


def current_scope() -> Scope:
    """The scope every query of this request must run under."""
    if has_request_context():
        from pages._auth import auth_enabled, current_account

        user = current_account()
        if user is not None:
            return user.scope
        if auth_enabled():
            raise OutOfScope("请先登录")
    return Scope.of(store.settings().root_region)
