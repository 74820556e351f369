"""Flask-side routes and request context: login, the access guard, the JSON API, the request scope."""
