"""Two app hosts behind nginx, on one machine: the README's province-wide layout, run for real.

Two ``cockpit serve`` instances (gunicorn, 2 workers each, own ports and instance folders) share
one store and one cache — PostgreSQL and Redis when ``COCKPIT_TEST_DATABASE_URL`` /
``COCKPIT_TEST_REDIS_URL`` are set (CI), else one SQLite file and one file-cache folder — and one
``COCKPIT_SECRET_KEY``. In front runs Debian's nginx with ``deploy/cockpit.conf`` (the file the
README shows), only the addresses, ports and the certificate put in; the instances' other settings
come from ``deploy/cockpit.env`` (``COCKPIT_PROXY_HOPS=1`` included).

Checked: a login on one host is valid on the other (and a logout on one ends it on both); a write
through one host is seen at once through the other; failed logins count across both hosts; behind
nginx the app records the client's own address, never a forged one; nginx spreads requests over
both hosts. nginx must be installed (``.ci/run`` installs it): without it the test fails, never skips.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, create_engine, text

from data_access.settings import PROJECT_ROOT
from tests.conftest import PG_URL, REDIS_URL, TINY_REGIONS, _pg_schema_url
from tests.pages.conftest import COCKPIT, cockpit_env

NGINX = "/usr/sbin/nginx"  # Debian's package
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")  # the package's main config, as on the nginx host
DEPLOY = PROJECT_ROOT / "deploy"
SITE_CONF = DEPLOY / "cockpit.conf"
ENV_FILE = DEPLOY / "cockpit.env"
UNIT_FILE = DEPLOY / "cockpit.service"
SHARED = ("COCKPIT_SECRET_KEY", "COCKPIT_DATABASE_URL", "COCKPIT_CACHE_URL", "COCKPIT_ROOT_REGION")
PASSWORD = "two-hosts-password-42"
ROOT = "990100"  # 测试市 of the tiny hierarchy
VILLAGE, TOWN = "990101001001", "990101001000"  # 甲一社区 in 甲一街道
COMMIT, FILE = "report-upload-commit", "report-upload-file"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SMALL = ("--workers", "2", "--threads", "2")  # two hosts × two workers on a 2-core machine
BOOT_SECONDS = 180  # generous: four workers import the app at once on a busy 2-core machine


# --- HTTP: one "browser" with its own cookies, sent to whichever host it talks to ---------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


@dataclass
class Browser:
    """Cookies ignore ports, as in a real browser: a cookie from one host is sent to the other."""

    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, target: tuple[str, int], method: str, path: str, body=None, headers=None) -> Answer:
        scheme, port = target
        if scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
            conn = http.client.HTTPSConnection(
                "127.0.0.1", port, timeout=60, context=context, source_address=(self.source, 0)
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(self.source, 0))
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            resp = conn.getresponse()
            answer = Answer(resp.status, resp.headers, resp.read())
        finally:
            conn.close()
        for line in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if not value or "1970" in rest:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def get(self, target, path: str, **kw) -> Answer:
        return self.request(target, "GET", path, **kw)

    def post_form(self, target, path: str, form: dict, headers=None) -> Answer:
        head = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request(target, "POST", path, body=urlencode(form), headers=head)

    def login(self, target, username: str, password: str = PASSWORD, headers=None) -> Answer:
        """The real form: GET /login for the CSRF token, then POST it (both to ``target``)."""
        page = self.get(target, "/login", headers=headers)
        token = _CSRF.search(page.text)
        assert token, f"no login form: {page.status} {page.text[:200]}"
        form = {"username": username, "password": password, "csrf_token": token.group(1), "next": "/"}
        return self.post_form(target, "/login", form, headers=headers)


# --- the cluster ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_file_settings() -> dict[str, str]:
    """``KEY=VALUE`` lines of deploy/cockpit.env (comments and blank lines skipped)."""
    pairs = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def render_site(upstreams: list[int], http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """deploy/cockpit.conf with the test's addresses put in; everything else as documented.

    Each substitution must match exactly as often as expected, so a changed file fails loudly here
    instead of being tested in some other shape.
    """
    conf = SITE_CONF.read_text(encoding="utf-8")
    servers = re.findall(r"^(\s*)server (\d+\.\d+\.\d+\.\d+:\d+)( .*;)$", conf, flags=re.M)
    assert len(servers) >= 2, "deploy/cockpit.conf: the upstream should list the app hosts"
    indent, _address, options = servers[0]
    lines = "\n".join(f"{indent}server 127.0.0.1:{port}{options}" for port in upstreams)
    conf, n = re.subn(r"^\s*server \d+\.\d+\.\d+\.\d+:\d+ .*;\n", "", conf, flags=re.M)
    assert n == len(servers)
    conf = conf.replace("upstream cockpit {\n", "upstream cockpit {\n" + lines + "\n", 1)
    replacements = [
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"ssl_certificate \S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};"),
    ]
    for pattern, replacement in replacements:
        conf, n = re.subn(pattern, replacement, conf)
        assert n == 1, f"deploy/cockpit.conf: expected one {pattern!r}"
    return conf


def nginx_main_conf(tmp: Path, site: Path, bare_port: int) -> str:
    """Debian's own /etc/nginx/nginx.conf with its pid, logs and temp paths in ``tmp`` and in the
    foreground, the site included as the README says (``conf.d``; ``sites-enabled`` left out).

    ``bare_port``: a test-only server passing requests on without X-Forwarded-For, to show what the
    app records when the proxy does not send it (nginx's own address).
    """
    temps = "".join(
        f"\t{kind}_temp_path {tmp / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    bare = f'\tserver {{ listen 127.0.0.1:{bare_port}; location / {{ proxy_pass http://cockpit; proxy_set_header X-Forwarded-For ""; }} }}\n'
    user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the temp paths in tmp
    conf = DEBIAN_NGINX_CONF.read_text(encoding="utf-8")
    replacements = [
        (r"^user \S+;$", user),
        (r"^pid \S+;$", f"pid {tmp / 'nginx.pid'};"),
        (r"^error_log \S+;$", f"error_log {tmp / 'nginx-error.log'} warn;"),
        (r"^\s*access_log \S+;$", f"\taccess_log {tmp / 'nginx-access.log'};"),
        (r"^\s*include /etc/nginx/conf\.d/\*\.conf;$", f"\tinclude {site};\n{temps}{bare}"),
        (r"^\s*include /etc/nginx/sites-enabled/\*;$", ""),
    ]
    for pattern, replacement in replacements:
        conf, n = re.subn(pattern, lambda _m, r=replacement: r, conf, flags=re.M)
        assert n == 1, f"{DEBIAN_NGINX_CONF} is not Debian's: expected one {pattern!r}"
    return "daemon off;\n" + conf


@dataclass
class Cluster:
    a: tuple[str, int]
    b: tuple[str, int]
    nginx: tuple[str, int]
    nginx_http: tuple[str, int]
    bare: tuple[str, int]
    database_url: str
    logs: dict[str, Path]
    backend: str
    store: Engine  # the test's own connection to the shared store (reads only)

    def log_of(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")


def _seed(database_url: str, cache_url: str, tmp: Path) -> None:
    """The tiny hierarchy, its reporting tasks and forms, and the test's accounts."""
    from data_access import store, users
    from data_access.regions import insert_regions
    from data_access.settings import get_settings
    from tests.data_access.intake.conftest import seed_intake

    settings = get_settings(
        database_url=database_url, instance_dir=str(tmp / "seed"), cache_url=cache_url, root_region=ROOT
    )
    store.configure(settings)
    try:
        rows = [
            dict(zip(("code", "name", "level", "parent", "kind"), map(str, r), strict=True))
            for r in TINY_REGIONS
        ]
        with store.engine().begin() as conn:
            insert_regions(conn, rows)
            store.bump_version(conn)
        seed_intake()
        users.add_user("boss", PASSWORD, "leader", ROOT)
        users.add_user("clerk", PASSWORD, "staff", "990101")
        users.add_user("target", PASSWORD, "staff", "990101")
    finally:
        store.engine().dispose()


def _wait_ready(name: str, target, procs: dict, logs: dict) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        for pname, proc in procs.items():
            if proc.poll() is not None:
                pytest.fail(
                    f"{pname} exited ({proc.returncode}):\n{logs[pname].read_text(errors='replace')[-3000:]}"
                )
        try:
            if Browser().get(target, "/readyz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{name} not ready after {BOOT_SECONDS} s:\n{logs[name].read_text(errors='replace')[-3000:]}")


def _stop(procs: dict) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group this test started
    for proc in procs.values():
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} not found: install Debian's nginx (apt-get install nginx; .ci/run does)")
    if not shutil.which("openssl"):
        pytest.fail(
            "openssl not found (it makes the test's certificate): apt-get install openssl; .ci/run does"
        )
    tmp = tmp_path_factory.mktemp("twohosts")
    schema = admin = None
    if PG_URL:
        database_url, schema, admin = _pg_schema_url(PG_URL)
    else:
        database_url = f"sqlite:///{tmp / 'store.db'}"
    cache_url = REDIS_URL or str(tmp / "cache")  # Redis keys carry the new store's id: no collision
    procs: dict[str, subprocess.Popen] = {}
    logs: dict[str, Path] = {}
    c = None
    try:
        _seed(database_url, cache_url, tmp)
        ports = {"a": _free_port(), "b": _free_port()}
        secret = base64.urlsafe_b64encode(os.urandom(36)).decode()
        documented = env_file_settings()
        assert set(SHARED) <= set(documented) and documented["COCKPIT_PROXY_HOPS"] == "1"
        for name, port in ports.items():
            env = cockpit_env(database_url, tmp / f"instance-{name}")
            env.update(documented)  # PROXY_HOPS, SECURE_COOKIES, MAX_REQUEST_MB as deployed
            env.update(
                COCKPIT_SECRET_KEY=secret,
                COCKPIT_DATABASE_URL=database_url,
                COCKPIT_CACHE_URL=cache_url,
                COCKPIT_ROOT_REGION=ROOT,
                COCKPIT_INSTANCE_DIR=str(tmp / f"instance-{name}"),
                COCKPIT_ACCESS_LOG=str(tmp / f"access-{name}.log"),
            )
            logs[name] = tmp / f"serve-{name}.log"
            logs[f"access-{name}"] = tmp / f"access-{name}.log"
            with open(logs[name], "wb") as out:
                procs[name] = subprocess.Popen(
                    [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(port), *SMALL],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        cert, key = tmp / "cockpit.crt", tmp / "cockpit.key"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        http_port, https_port, bare_port = _free_port(), _free_port(), _free_port()
        site = tmp / "cockpit.conf"
        site.write_text(render_site(list(ports.values()), http_port, https_port, cert, key), encoding="utf-8")
        main = tmp / "nginx.conf"
        main.write_text(nginx_main_conf(tmp, site, bare_port), encoding="utf-8")
        logs["nginx"] = tmp / "nginx-error.log"
        with open(tmp / "nginx-stderr.log", "wb") as out:
            procs["nginx"] = subprocess.Popen(
                [NGINX, "-p", str(tmp), "-c", str(main), "-e", str(logs["nginx"])],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        logs["nginx"].touch()
        c = Cluster(
            a=("http", ports["a"]),
            b=("http", ports["b"]),
            nginx=("https", https_port),
            nginx_http=("http", http_port),
            bare=("http", bare_port),
            database_url=database_url,
            logs=logs,
            backend="postgresql" if PG_URL else "sqlite",
            store=create_engine(database_url),
        )
        for name, target in (("a", c.a), ("b", c.b), ("nginx", c.nginx)):
            _wait_ready(name, target, procs, logs)
        yield c
    finally:
        _stop(procs)
        if c is not None:
            c.store.dispose()
        if admin is not None:
            from data_access import db

            db.get_engine.cache_clear()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    for name in ("a", "b"):
        assert "Traceback" not in logs[name].read_text(errors="replace"), logs[name].read_text()[-3000:]


# --- the checks ----------------------------------------------------------------------------------


def test_two001_a_login_on_one_host_is_valid_on_the_other_and_a_logout_ends_it_on_both(cluster):
    browser = Browser()
    assert browser.get(cluster.b, "/").status == 302  # nobody logged in: to /login
    answer = browser.login(cluster.a, "boss")
    assert answer.status == 302 and answer.headers["Location"] == "/"
    assert "bqw_session" in browser.cookies
    for host in (cluster.b, cluster.a, cluster.nginx):
        page = browser.get(host, "/")
        assert page.status == 200 and "百千万工程驾驶舱" in page.text
        api = browser.get(host, f"/api/v1/regions/{ROOT}")
        assert api.status == 200 and api.json()["name"] == "测试市"
    # A page drawn from one host sends its callbacks to any host: both know them by the same keys.
    deps = [browser.get(host, "/_dash-dependencies") for host in (cluster.a, cluster.b)]
    assert deps[0].status == 200 and deps[0].json() == deps[1].json() and len(deps[0].json()) > 20
    # 退出 on B (the header's form sends the session's CSRF token) ends the session for A too.
    stolen = dict(browser.cookies)
    token = _session_csrf(browser.cookies["bqw_session"])
    assert browser.post_form(cluster.b, "/logout", {"csrf_token": token}).status == 302
    copy = Browser(cookies=stolen)
    assert copy.get(cluster.a, f"/api/v1/regions/{ROOT}").status == 401
    assert copy.get(cluster.a, "/").status == 302


def _session_csrf(cookie: str) -> str:
    """The login CSRF token inside Flask's signed session cookie (the page's 退出 form carries it)."""
    payload = cookie.lstrip(".").split(".", 1)[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.startswith("."):  # compressed
        import zlib

        raw = zlib.decompress(raw)
    return json.loads(raw)["login_csrf"]


def _values(browser: Browser, host) -> dict[str, float | None]:
    answer = browser.get(host, f"/api/v1/values?indicator=f_kiosk&period=2026-10&parent={TOWN}")
    assert answer.status == 200, answer.text
    return {child["code"]: child["value"] for child in answer.json()["children"]}


def _upload_commit_payload(browser: Browser, host, csv_text: str) -> dict:
    """The body the browser posts when 确认写入 is clicked on /report with a file chosen.

    The callback's output key comes from ``/_dash-dependencies``, as the browser reads it.
    """
    from tests.web.forge import _outputs

    deps = browser.get(host, "/_dash-dependencies").json()
    spec = next(d for d in deps if {"id": COMMIT, "property": "n_clicks"} in d["inputs"])
    contents = "data:text/csv;base64," + base64.b64encode(csv_text.encode("utf-8")).decode()
    values = {"contents": [contents], "filename": ["two-hosts.csv"]}
    return {
        "output": spec["output"],
        "outputs": _outputs(spec["output"]),
        "inputs": [{"id": COMMIT, "property": "n_clicks", "value": 1}],
        "state": [{**s, "value": values[s["property"]]} for s in spec["state"]],
        "changedPropIds": [f"{COMMIT}.n_clicks"],
    }


def test_two002_a_write_through_one_host_is_seen_at_once_through_the_other(cluster):
    browser = Browser()
    assert browser.login(cluster.a, "clerk").status == 302
    for host in (cluster.a, cluster.b, cluster.nginx, cluster.nginx):  # cached everywhere first
        assert _values(browser, host)[VILLAGE] is None
    version = browser.get(cluster.b, "/api/v1/version").json()["data_version"]
    # The callback as the page loaded from host B knows it, answered by host A.
    csv_text = f"区划代码,指标,期别,数值\n{VILLAGE},f_kiosk,2026-10,7\n"
    body = json.dumps(_upload_commit_payload(browser, cluster.b, csv_text))
    answer = browser.request(cluster.a, "POST", "/_dash-update-component", body=body, headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status == 200 and "已写入" in answer.text, answer.text[:500]
    assert _values(browser, cluster.b)[VILLAGE] == 7  # at once: no second of grace
    assert [_values(browser, cluster.nginx)[VILLAGE] for _ in range(4)] == [7] * 4  # both hosts
    # /api/v1/version is memoized for one second per process (cheap polling); within it, it moves.
    deadline = time.monotonic() + 3
    while browser.get(cluster.b, "/api/v1/version").json()["data_version"] == version:
        assert time.monotonic() < deadline, "host B never saw the new data version"
        time.sleep(0.2)
    with cluster.store.connect() as conn:
        stored = conn.execute(
            text("SELECT value FROM observation WHERE indicator_code = 'f_kiosk' AND region_code = :r"),
            {"r": VILLAGE},
        ).scalar()
    assert stored == 7


def test_two003_failed_logins_count_across_both_hosts(cluster):
    from data_access.ratelimit import LIMITS

    browser = Browser()
    hosts = [cluster.a, cluster.b]
    for i in range(LIMITS["user"]):  # A, B, A, B, A: each host saw only some of them
        assert browser.login(hosts[i % 2], "target", "wrong-password").status == 401
    for host in (cluster.b, cluster.a):
        refused = browser.login(host, "target")  # the right password, but the limit is reached
        assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
        assert "登录失败次数过多" in refused.text


def _audit_addresses(cluster: Cluster, username: str) -> list[str]:
    with cluster.store.connect() as conn:
        rows = conn.execute(
            text("SELECT address FROM audit_log WHERE username = :u ORDER BY id"), {"u": username}
        ).all()
    return [r[0] for r in rows]


def test_two004_behind_nginx_the_app_records_the_clients_own_address(cluster):
    user = f"ghost-{uuid.uuid4().hex[:6]}"
    client = Browser(source="127.0.0.2")  # a client that is not nginx's own address
    assert client.login(cluster.nginx, user, "nope").status == 401
    # A forged X-Forwarded-For from the client is kept by nginx, but the app trusts one hop only.
    forged = {"X-Forwarded-For": "203.0.113.7"}
    assert client.login(cluster.nginx, user, "nope", headers=forged).status == 401
    assert _audit_addresses(cluster, user) == ["127.0.0.2", "127.0.0.2"]
    with cluster.store.connect() as conn:
        keys = {k for (k,) in conn.execute(text("SELECT key FROM login_attempt"))}
    assert "addr:127.0.0.2" in keys and "addr:203.0.113.7" not in keys
    # The access logs of the hosts name the client too, not nginx.
    lines = [
        line
        for name in ("access-a", "access-b")
        for line in cluster.log_of(name).splitlines()
        if '"POST /login ' in line
    ]
    assert any(line.startswith("127.0.0.2 ") for line in lines)
    # Without the header (a proxy that does not send it) every client looks like nginx itself.
    bare = f"bare-{uuid.uuid4().hex[:6]}"
    assert client.login(cluster.bare, bare, "nope").status == 401
    assert _audit_addresses(cluster, bare) == ["127.0.0.1"]


def test_two005_nginx_spreads_requests_over_both_hosts(cluster):
    marker = uuid.uuid4().hex[:8]
    browser = Browser()
    for i in range(20):
        assert browser.get(cluster.nginx, f"/healthz?spread={marker}-{i}").status == 200
    counts = [cluster.log_of(name).count(f"spread={marker}-") for name in ("access-a", "access-b")]
    assert sum(counts) == 20 and min(counts) >= 5, counts  # round robin: both hosts serve


def test_two006_nginx_redirects_http_and_refuses_bodies_over_the_limit(cluster):
    answer = Browser().get(cluster.nginx_http, "/map?region=990101")
    assert answer.status == 301 and answer.headers["Location"].startswith("https://")
    assert answer.headers["Location"].endswith("/map?region=990101")
    mb = int(env_file_settings()["COCKPIT_MAX_REQUEST_MB"])
    too_big = {"Content-Type": "text/plain", "Content-Length": str(mb * 1024 * 1024 + 1)}
    refused = Browser().request(cluster.nginx, "POST", "/login", headers=too_big)  # refused on the header
    assert refused.status == 413
    assert not re.search(r"nginx/\d", refused.text + refused.headers.get("Server", ""))  # server_tokens off


def test_two007_readme_shows_the_tested_files_in_full():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for path in (SITE_CONF, UNIT_FILE, ENV_FILE):
        assert path.read_text(encoding="utf-8").strip() in readme, f"README must show {path.name} in full"
    unit = UNIT_FILE.read_text(encoding="utf-8")
    assert (
        "ExecStart=/opt/cockpit/.venv/bin/cockpit serve " in unit
        and "EnvironmentFile=/etc/cockpit/cockpit.env" in unit
    )
