"""`make bench-explorer`: the explorer's latency on a bench warehouse (`make bench ROWS=N` publishes one in
data/bench/rows_N/warehouse/). Starts `regind serve` on it, asks the API what its pages ask, one request at a time
and then from 4 clients at once, and prints p50 / p95 / max per kind of request. The target (issue 28): series and
map requests at p95 <= 200 ms on the 10M-row warehouse. The last line printed is one JSON object.

    python bench/explorer.py --rows 10000000 [--requests 200]"""

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipelines.core.paths import PROJECT_ROOT  # noqa: E402

BENCH_DIR = PROJECT_ROOT / "data" / "bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def requests(published: Path, count: int, seed: int = 6) -> dict[str, list[str]]:
    """What the pages ask, drawn from the warehouse's own figures: series of a region and indicator, maps of an
    indicator's period at each level (within a province for prefectures and counties), searches, region pages,
    and pages of observations."""
    pick = random.Random(seed)
    with duckdb.connect(str(published), read_only=True) as con:
        series = con.execute(
            "select distinct region_code, indicator_code from v_observation using sample 20000 rows (reservoir, 6)"
        ).fetchall()
        maps = con.execute(
            "select distinct indicator_code, period_code, region_level, left(region_code, 2) || '0000' "
            "from v_observation where region_level <> 'country' using sample 20000 rows (reservoir, 6)"
        ).fetchall()
        names = [
            n for (n,) in con.execute("select name_zh from dim_region using sample 2000 rows (reservoir, 6)").fetchall()
        ]
    asked = {
        "series": [
            ("/api/series", {"region": r, "indicator": i}) for r, i in pick.sample(series, min(count, len(series)))
        ],
        "map": [
            ("/api/map", {"indicator": i, "period": p, "level": lv, **({"within": w} if lv != "province" else {})})
            for i, p, lv, w in pick.sample(maps, min(count, len(maps)))
        ],
        "search": [("/api/search", {"q": n[:2]}) for n in pick.sample(names, min(count, len(names)))],
        "region": [("/api/region", {"code": r}) for r, _ in pick.sample(series, min(count // 2, len(series)))],
        "observations": [
            ("/api/observations", {"indicator": i, "limit": 100, "offset": 100 * pick.randrange(20)})
            for _, i in pick.sample(series, min(count // 2, len(series)))
        ],
    }
    return {
        kind: [f"{path}?{urllib.parse.urlencode(params)}" for path, params in items] for kind, items in asked.items()
    }


def timed(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return (time.perf_counter() - started) * 1000, status


def summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=200, help="of each kind")
    parser.add_argument("--database", help="a published warehouse file instead of the bench's")
    args = parser.parse_args()
    published = Path(args.database or BENCH_DIR / f"rows_{args.rows}" / "warehouse" / "warehouse.duckdb")
    if not published.exists():
        raise SystemExit(f"{published} does not exist: run make bench ROWS={args.rows} first (it publishes one)")
    print(f"the explorer on {published} ({published.stat().st_size / 2**20:,.0f} MB)", flush=True)
    asked = requests(published, args.requests)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli.main", "serve", "--database", str(published), "--port", str(port)],
        cwd=PROJECT_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/openapi.json", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the explorer did not start: see its output above") from None
                time.sleep(0.2)
        result = {"rows": args.rows, "size_mb": round(published.stat().st_size / 2**20)}
        for kind, urls in asked.items():
            timed(base + urls[0])  # a first request of its kind warms DuckDB's caches
            alone = [timed(base + url) for url in urls]
            with ThreadPoolExecutor(max_workers=4) as pool:
                together = list(pool.map(lambda url: timed(base + url), urls))
            failed = [s for _, s in alone + together if s >= 500]
            result[kind] = {
                "one_at_a_time": summary([ms for ms, _ in alone]),
                "four_at_once": summary([ms for ms, _ in together]),
            }
            result[kind]["errors"] = len(failed)
            print(
                f"{kind:13} alone {result[kind]['one_at_a_time']}  4 clients {result[kind]['four_at_once']}", flush=True
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
