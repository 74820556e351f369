"""Sizes of the map layers and the time to build every boundary. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_geo.py                 # 湛江 on a temporary SQLite store
    .venv/bin/python benchmarks/bench_geo.py --root 440000   # the whole province
    .venv/bin/python benchmarks/bench_geo.py --database-url postgresql+psycopg://…   # an empty store

Goals (issue 3): the city layer under 40 KB gzipped, any single parent's children under 150 KB,
all levels for 湛江 built in under 60 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask  # noqa: E402

from data_access import regions, store  # noqa: E402
from data_access.cache import init_cache  # noqa: E402
from data_access.settings import get_settings  # noqa: E402
from geo import serve  # noqa: E402
from geo.build import ensure_boundaries  # noqa: E402
from geo.prepare import get_layer  # noqa: E402


def kb(n: int) -> str:
    return f"{n / 1024:7.1f} KB"


def gz_size(client, url: str) -> tuple[int, int]:
    """(gzipped bytes, features) of one layer as the browser receives it."""
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, (url, response.status_code)
    return len(response.data), response.headers.get("Content-Encoding") == "gzip"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="440800")
    parser.add_argument("--database-url", help="an empty store to use (default: temporary SQLite)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_geo_"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    settings = store.configure(
        get_settings(database_url=url, instance_dir=str(tmp), root_region=args.root, cache_url="")
    )
    with store.engine().begin() as conn:
        regions.load_regions(conn, args.root)
        store.bump_version(conn)
    start = time.perf_counter()
    ensure_boundaries(args.root)
    built = time.perf_counter() - start
    index = regions.region_index()
    root = index.get(regions.normalize_code(args.root))
    counts = regions.count_by_level(root.code, regions.Scope.of(root.code))
    print(
        f"build all levels for {root.name}: {built:6.1f} s  (regions below by level: {counts}; goal < 60 s for 湛江)"
    )

    server = Flask(__name__)
    init_cache(server, settings)
    server.register_blueprint(serve.bp)
    client = server.test_client()

    parents = [
        r.code
        for r in index.by_code.values()
        if r.code.startswith(regions.prefix_of(root.code)) and index.children.get(r.code)
    ]
    start = time.perf_counter()
    sizes = {p: len(get_layer(p).body_gz) for p in parents}
    prepared = time.perf_counter() - start
    print(f"prepare {len(parents)} per-parent layers: {prepared:6.1f} s")

    towns = [
        r for r in index.by_code.values() if r.level == 4 and r.code.startswith(regions.prefix_of(root.code))
    ]
    largest = max(towns, key=lambda r: (len(index.children.get(r.code, [])), r.code))
    rows = [("city" if root.level == 2 else root.name, serve.geojson_url(root.code))]
    if "440882000000" in index.by_code and root.code.startswith("44"):
        rows += [
            ("雷州市 (22 towns)", serve.geojson_url("440882000000")),
            ("雷州市 all villages", serve.geojson_url("440882000000", 5)),
        ]
    rows.append(
        (
            f"largest town {largest.name} ({len(index.children[largest.code])} villages)",
            serve.geojson_url(largest.code),
        )
    )
    print("gzipped /geo layers (goal: city < 40 KB, any single parent < 150 KB):")
    for label, path in rows:
        size, gzipped = gz_size(client, path)
        print(f"  {label:<40} {kb(size)}  {path}{'' if gzipped else '  (not gzipped!)'}")
    start, n = time.perf_counter(), 200
    for _ in range(n):
        client.get(serve.geojson_url(root.code), headers={"Accept-Encoding": "gzip"})
    per_request = (time.perf_counter() - start) / n * 1000
    etag = client.get(serve.geojson_url(root.code)).headers["ETag"]
    revalidated = client.get(serve.geojson_url(root.code), headers={"If-None-Match": etag}).status_code
    print(
        f"  cached layer request: {per_request:.1f} ms each (test client); revalidation answers {revalidated}"
    )
    worst = max(sizes, key=sizes.get)
    print(f"  {'largest single parent layer':<40} {kb(sizes[worst])}  {index.get(worst).name} {worst}")
    print(f"  {'all parent layers together':<40} {kb(sum(sizes.values()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
