"""Settings: explicit argument > ``COCKPIT_*`` environment variable > default.

Every setting is declared once in :data:`SETTINGS` as (name, default, help); a test checks that
each one is documented in the README.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
INSTANCE_DIR = Path(os.environ.get("COCKPIT_INSTANCE_DIR", PROJECT_ROOT / "instance"))

# (environment variable, default, help). The default "" means "computed", see below.
SETTINGS: list[tuple[str, str, str]] = [
    ("COCKPIT_DATABASE_URL", "sqlite:///instance/cockpit.db", "SQLAlchemy URL of the indicator store"),
    ("COCKPIT_CACHE_URL", "", "empty: in-process cache; a directory: file cache; redis://…: Redis"),
    ("COCKPIT_CACHE_TIMEOUT", "600", "seconds a cached query result lives"),
    ("COCKPIT_ROOT_REGION", "440800", "region the cockpit is about (440800 湛江市, 440000 广东省)"),
    ("COCKPIT_SECRET_KEY", "", "Flask session key; empty: generated once into instance/secret_key"),
    ("COCKPIT_DEMO_PASSWORD", "", "password of the demo accounts; empty: generated and printed once"),
    ("COCKPIT_SECURE_COOKIES", "0", "1 when served over HTTPS: session cookie gets the Secure flag"),
    ("COCKPIT_INSTANCE_DIR", "instance", "folder for the SQLite store, secret key and file cache"),
    ("COCKPIT_PROXY_HOPS", "0", "reverse proxies in front of the app whose X-Forwarded-* headers to trust"),
    ("COCKPIT_VIDEO_URL_TEMPLATE", "", "a camera's live view on the video platform, {camera_id} filled in"),
    ("COCKPIT_IMPORT_MAX_MB", "20", "largest file `cockpit import` and the upload on /report accept, in MB"),
    ("COCKPIT_WORKERS", "", "gunicorn worker processes; empty: cores + 1, at most 8"),
    ("COCKPIT_THREADS", "4", "threads per gunicorn worker"),
    ("COCKPIT_MAX_REQUEST_MB", "16", "largest request body accepted (MB); larger ones get 413"),
    ("COCKPIT_ACCESS_LOG", "-", "gunicorn access log: - for standard output, a file path, or empty for none"),
    ("COCKPIT_CHROMIUM", "", "Chromium for images and briefings; empty: /usr/bin/chromium if installed"),
]

MAX_WORKERS = 8  # beyond this, SQLite's single writer and the host's memory gain nothing


@dataclass(frozen=True)
class Settings:
    database_url: str
    cache_url: str
    cache_timeout: int
    root_region: str
    secret_key: str
    demo_password: str
    secure_cookies: bool
    instance_dir: Path
    proxy_hops: int = 0
    video_url_template: str = ""
    import_max_mb: float = 20.0
    workers: int = 0  # 0: default_workers()
    threads: int = 4
    max_request_mb: int = 16
    access_log: str = "-"
    chromium: str = ""


def _default_database_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'cockpit.db'}"


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _proxy_hops(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError(f"COCKPIT_PROXY_HOPS must be a whole number of proxies (0, 1, 2 …), not {text!r}")
    return int(text)


def _whole(name: str, text: str, *, minimum: int, empty: int | None = None) -> int:
    """A whole number setting (``empty`` stands for a blank value, if allowed)."""
    text = text.strip()
    if not text and empty is not None:
        return empty
    if not text.isdigit() or int(text) < minimum:
        raise ValueError(f"COCKPIT_{name.upper()} must be a whole number of at least {minimum}, not {text!r}")
    return int(text)


def default_workers(cores: int | None = None) -> int:
    """cores + 1, capped at :data:`MAX_WORKERS` (README *Serving*: the callbacks are CPU-bound
    Python, so processes beyond the cores only contend and multiply each worker's warm-up and memory;
    the threads of each worker cover waits on the store and the cache)."""
    cores = cores or os.cpu_count() or 1
    return min(cores + 1, MAX_WORKERS)


def get_settings(**explicit: object) -> Settings:
    """Resolve every setting: explicit keyword > ``COCKPIT_<NAME>`` > default."""

    def pick(name: str, default: str) -> str:
        if explicit.get(name) is not None:
            return str(explicit[name])
        return os.environ.get(f"COCKPIT_{name.upper()}", default)

    instance = Path(pick("instance_dir", str(INSTANCE_DIR)))
    if not instance.is_absolute():
        instance = PROJECT_ROOT / instance
    values = {
        "database_url": pick("database_url", "") or _default_database_url(instance),
        "cache_url": pick("cache_url", ""),
        "cache_timeout": int(pick("cache_timeout", "600")),
        "root_region": pick("root_region", "440800"),
        "secret_key": pick("secret_key", ""),
        "demo_password": pick("demo_password", ""),
        "secure_cookies": pick("secure_cookies", "0").lower() in ("1", "true", "yes"),
        "instance_dir": instance,
        "proxy_hops": _proxy_hops(pick("proxy_hops", "0")),
        "video_url_template": pick("video_url_template", "").strip(),
        "import_max_mb": float(pick("import_max_mb", "20")),
        "workers": _whole("workers", pick("workers", ""), minimum=1, empty=0),
        "threads": _whole("threads", pick("threads", "4"), minimum=1),
        "max_request_mb": _whole("max_request_mb", pick("max_request_mb", "16"), minimum=1),
        "access_log": pick("access_log", "-"),
        "chromium": pick("chromium", ""),
    }
    unknown = set(explicit) - {f.name for f in fields(Settings)}
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    if not values["secret_key"]:
        values["secret_key"] = _secret_key(instance)
    return Settings(**values)
