"""`make bench`: the full refresh on N synthetic rows against a bare DuckDB load of the same files.

Runs each refresh as its own process (`regind refresh`) in a fresh directory and reports wall time and the
refresh's peak RSS. `make bench TARGET=ducklake` publishes to a DuckLake too: its catalog in the PostgreSQL that
REGIND_LAKE_CATALOG names or, without it, in a throwaway server on loopback (tests/postgres.py), its data under
the bench directory. The figures are consistent (0.5% misprinted on purpose); `--random` (`make bench RANDOM=1`)
draws each on its own, as every benchmark before 2026-12-06 did (bench/synthetic.py). The last line printed is one
JSON object (see BENCHMARKS.md)."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.synthetic import make_raw_dir, stable_counties, write_observations  # noqa: E402
from pipelines.core.paths import PROJECT_ROOT  # noqa: E402
from pipelines.core.redaction import redact  # noqa: E402

BENCH_DIR = PROJECT_ROOT / "data" / "bench"


LAKE_PUBLISH = re.compile(r"Published to the lake in ([0-9.]+) s")


def timed_refresh(
    raw: Path, warehouse: Path, label: str, lake: dict | None = None
) -> tuple[float, float, float | None]:
    """Wall seconds and peak RSS (MB) of one `regind refresh` process (its lake writers are processes of their
    own: not in that figure), and the seconds of its lake publish."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(REGIND_RAW_DIR=str(raw), REGIND_WAREHOUSE_DIR=str(warehouse), COLUMNS="160", **(lake or {}))
    print(f"== {label}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli.main", "refresh"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    lake_s = None
    for line in process.stdout:
        print(line, end="", flush=True)
        if found := LAKE_PUBLISH.search(line):
            lake_s = float(found.group(1))
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{label}: the refresh failed (exit {os.waitstatus_to_exitcode(status)}); see its log above")
    return seconds, usage.ru_maxrss / 1024, lake_s


def lake_settings(workdir: Path):
    """REGIND_TARGET=ducklake: the lake's settings, and the throwaway server to stop afterwards (or None)."""
    if os.environ.get("REGIND_TARGET", "duckdb_file") != "ducklake":
        return None, None
    server = None
    catalog = os.environ.get("REGIND_LAKE_CATALOG")
    if not catalog:
        from tests.postgres import Postgres

        server = Postgres()
        catalog = server.conninfo(server.create_database("bench"))
        print(f"a throwaway PostgreSQL for the lake's catalog: {redact(catalog)}", flush=True)
    return {
        "REGIND_TARGET": "ducklake",
        "REGIND_LAKE_CATALOG": catalog,
        "REGIND_LAKE_DATA_PATH": str(workdir / "lake"),
    }, server


def bare_duckdb_load(raw: Path, workdir: Path) -> float:
    database = workdir / "bare.duckdb"
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(database)) as con:
        con.execute("set enable_progress_bar = false")
        con.execute(f"create table t as select * from read_csv('{raw}/observations/synthetic_*.csv')")
    return time.perf_counter() - started


def findings_by_rule_type(warehouse: Path) -> dict[str, int]:
    """The published warehouse's consistency findings, by rule type: a few thousand on consistent data at 1M rows,
    hundreds of thousands on random data."""
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        return dict(
            con.execute("select rule_type, count(*) from consistency_finding group by all order by 1").fetchall()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--random", action="store_true", help="random figures, as before 2026-12-06 (not consistent)")
    args = parser.parse_args()
    workdir = BENCH_DIR / f"rows_{args.rows}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    data = "random" if args.random else "consistent"
    print(f"generating {args.rows:,} SYNTHETIC rows of {data} figures in {workdir}", flush=True)
    started = time.perf_counter()
    raw = make_raw_dir(workdir, args.rows, random=args.random)
    generate_s = time.perf_counter() - started
    print(f"generated in {generate_s:.1f} s", flush=True)

    duckdb_load_s = bare_duckdb_load(raw, workdir)
    lake, server = lake_settings(workdir)
    try:
        pipeline_s, peak_rss_mb, lake_s = timed_refresh(raw, workdir / "warehouse", "full refresh", lake)
        findings = findings_by_rule_type(workdir / "warehouse")
        noop_s, _, _ = timed_refresh(raw, workdir / "warehouse", "refresh, nothing changed", lake)
        write_observations(
            raw / "observations",
            stable_counties(),
            100_000,
            start=args.rows,
            name="synthetic_increment",
            random=args.random,
        )
        incremental_s, _, lake_incremental_s = timed_refresh(
            raw, workdir / "warehouse", "refresh after one new 100,000-row file", lake
        )
    finally:
        if server:
            server.stop()

    result = {
        "target": "ducklake" if lake else "duckdb_file",
        "rows": args.rows,
        "data": data,
        "generate_s": round(generate_s, 2),
        "pipeline_s": round(pipeline_s, 2),
        "duckdb_load_s": round(duckdb_load_s, 2),
        "ratio": round(pipeline_s / duckdb_load_s, 2),
        "peak_rss_mb": round(peak_rss_mb),
        "noop_s": round(noop_s, 2),
        "incremental_s": round(incremental_s, 2),
        "findings": sum(findings.values()),  # consistency_finding after the full refresh
        "findings_by_rule_type": findings,
        **({"lake_publish_s": lake_s, "lake_publish_incremental_s": lake_incremental_s} if lake else {}),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
