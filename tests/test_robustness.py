"""Real processes against one warehouse: a reader holding the published file, refreshes killed with
SIGKILL at several points, two overlapping refreshes, a lock held for a moment, reruns on the same inputs."""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.core.resources import Warehouse
from tests.conftest import GdpReader, refresh, sha256

SEED = "observations/2024-02_newspaper_regional_page.csv"
TIMESTAMP_COLUMNS = {
    "_ingested_at",
    "loaded_at",
    "checked_at",
    "validated_at",
    "first_loaded_at",
    "last_loaded_at",
    "last_seen_at",
    "removed_at",
}


def change_gdp(warehouse: Warehouse, printed: str) -> None:
    path = Path(warehouse.raw_dir) / SEED
    path.write_text(path.read_text(encoding="utf-8").replace("34606.40", printed), encoding="utf-8")


def gdp(path: Path) -> float:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select value from v_observation where indicator_code = 'gdp' and period_code = '2023'"
        ).fetchone()[0]


def cli(warehouse: Warehouse, *args: str) -> subprocess.Popen:
    """`regind refresh` in its own process, on this warehouse, with an ephemeral Dagster instance."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(REGIND_RAW_DIR=warehouse.raw_dir, REGIND_WAREHOUSE_DIR=warehouse.directory, COLUMNS="200")
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli.main", "refresh", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=Path(__file__).parent.parent,
    )


def test_a_reader_holding_the_published_file_sees_the_old_warehouse_and_never_fails_a_refresh(published_once):
    with GdpReader(published_once.published_path) as reader:
        assert reader.gdp() == 3.46064e12  # the reader holds the file open
        change_gdp(published_once, "34606.50")

        assert refresh(published_once).success

        assert reader.gdp() == 3.46064e12  # its snapshot: the old warehouse, whole
        assert gdp(published_once.published_path) == 3.46065e12  # a new reader sees the new one


@pytest.mark.parametrize(
    "step", ["raw__observations", "validate_observations", "observations_models", "published_warehouse"]
)
def test_a_refresh_killed_at_any_point_leaves_the_published_warehouse_and_the_next_run_recovers(published_once, step):
    before = sha256(published_once.published_path)
    change_gdp(published_once, "34606.50")
    process = cli(published_once, "--log-level", "debug")
    for line in process.stdout:
        if f'Started execution of step "{step}"' in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"the refresh ended before step {step} started"

    if step == "published_warehouse":  # killed around the rename: the old file or the complete new one
        assert sha256(published_once.published_path) == before or gdp(published_once.published_path) == 3.46065e12
    else:
        assert sha256(published_once.published_path) == before
    assert gdp(published_once.published_path) in (3.46064e12, 3.46065e12)  # readable

    rerun = cli(published_once)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    assert gdp(published_once.published_path) == 3.46065e12
    assert not list(Path(published_once.directory).glob(".warehouse.duckdb.*.link"))


def test_two_overlapping_refreshes_queue_on_the_run_lock(published_once):
    change_gdp(published_once, "34606.50")
    first = cli(published_once, "--log-level", "debug")
    for line in first.stdout:
        if "Started execution of step" in line:  # the first run holds the run lock from here to its end
            first.send_signal(signal.SIGSTOP)  # and keeps it while the second one arrives
            break
    try:
        second = cli(published_once)
        lines: queue.Queue = queue.Queue()  # the second run's output, read on a thread so that waiting is bounded
        reader = threading.Thread(target=lambda: [lines.put(line) for line in second.stdout])
        reader.start()
        seen = []
        while reader.is_alive() or not lines.empty():  # until the second run says it waits, or ends without waiting
            seen.append(lines.get(timeout=300))
            if "this run waits for it to end" in seen[-1]:
                break
    finally:
        first.send_signal(signal.SIGCONT)
    first_output = first.communicate(timeout=300)[0]
    second.wait(timeout=300)
    reader.join(timeout=60)
    seen += list(lines.queue)
    second_output = "".join(seen)
    assert [first.returncode, second.returncode] == [0, 0], [first_output, second_output]
    assert "this run waits for it to end" in second_output, second_output
    assert gdp(published_once.published_path) == 3.46065e12


def test_a_lock_held_for_a_moment_is_retried(published_once):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(3)\n",
            str(published_once.build_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    change_gdp(published_once, "34606.50")

    result = refresh(published_once)

    holder.wait(timeout=30)
    assert result.success
    assert gdp(published_once.published_path) == 3.46065e12


def contents(path: Path) -> dict[str, list]:
    """Every table of the warehouse, ordered, without load timestamps."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema <> 'audit' order by all"
        ).fetchall()
        result = {}
        for schema, name in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, name],
                ).fetchall()
                if c not in TIMESTAMP_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            result[f"{schema}.{name}"] = con.execute(
                f'select {select} from "{schema}"."{name}" order by all'
            ).fetchall()
        return result


def test_two_refreshes_on_the_same_inputs_give_identical_warehouses(published_once, tmp_path, monkeypatch):
    first = contents(published_once.published_path)  # the session's refresh, on one DuckDB thread (conftest.py)
    assert refresh(published_once).success  # the same directory again
    again = contents(published_once.published_path)
    monkeypatch.delenv("REGIND_DUCKDB_THREADS")  # DuckDB's default: a thread per core, as outside the tests
    elsewhere = Warehouse(raw_dir=published_once.raw_dir, directory=str(tmp_path / "other"), data_docs=False)
    assert refresh(elsewhere).success  # and a fresh directory
    fresh = contents(elsewhere.published_path)
    assert len(first) >= 30
    assert first == again == fresh


def test_a_refresh_with_nothing_changed_rebuilds_and_republishes_nothing(published_once):
    before = sha256(published_once.published_path)

    result = refresh(published_once)

    assert result.success
    (publish,) = [
        e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "published_warehouse"
    ]
    assert publish.materialization.metadata["republished"].value is False
    assert sha256(published_once.published_path) == before
    change_gdp(published_once, "34606.50")
    assert refresh(published_once).success
    assert gdp(published_once.published_path) == 3.46065e12


def test_regind_refresh_with_nothing_changed_ends_without_starting_dagster(published_once):
    """The CLI's shortcut: after a refresh that published, a second one with the same inputs does nothing; a
    changed raw file, a removed published file or --force make it run again."""

    def run(*args: str) -> str:
        process = cli(published_once, *args)
        out, _ = process.communicate(timeout=600)
        assert process.returncode == 0, out
        return out

    assert "Nothing to refresh" not in run()  # the template was built in-process: the CLI has no record yet
    before = sha256(published_once.published_path)
    out = run()
    assert "Nothing to refresh" in out and "[1/" not in out  # no step started
    assert sha256(published_once.published_path) == before
    assert "Nothing to refresh" not in run("--force")
    change_gdp(published_once, "34606.50")
    assert "Nothing to refresh" not in run()
    assert gdp(published_once.published_path) == 3.46065e12
    assert "Nothing to refresh" in run()
    published_once.published_path.unlink()
    assert "Nothing to refresh" not in run()
    assert gdp(published_once.published_path) == 3.46065e12


READER = """
import json, os, sys, time
import duckdb
path, stop = sys.argv[1], sys.argv[2]
query = (
    "select (select value from v_observation where indicator_code = 'gdp' and period_code = '2023' "
    "and entity_name is null), "
    "(select count(*) from fact_observation), (select count(*) from dim_period)"
)
seen, errors, times, row = {}, [], [], None
while True:
    last = os.path.exists(stop)  # one more query after the refresh ended: it must see the new publish
    try:
        con = duckdb.connect(path, read_only=True)
        row = json.dumps(con.execute(query).fetchone())
        con.close()
        seen[row] = seen.get(row, 0) + 1
        times.append(time.time())
        if len(times) == 1:
            print("ready", flush=True)  # it has read the old publish once: the refresh may start
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
        if not times and len(errors) > 100:
            break  # it never read anything: the report says why
    if last:
        break
    time.sleep(0.1)  # hundreds of queries over the refresh still; at 20 ms the four took 100 CPU-s of two cores
print(json.dumps({"seen": seen, "errors": errors[:20], "last": row, "times": times}), flush=True)
"""


def test_readers_querying_in_a_loop_during_a_full_refresh_each_see_one_whole_publish(published_once, tmp_path):
    with duckdb.connect(str(published_once.published_path), read_only=True) as con:
        facts, periods = con.execute(
            "select (select count(*) from fact_observation), (select count(*) from dim_period)"
        ).fetchone()
    old, new = [3.46064e12, facts, periods], [3.46065e12, facts + 1, periods + 1]
    change_gdp(published_once, "34606.50")  # and a figure of a period not seen before: every table changes
    (Path(published_once.raw_dir) / "observations" / "zz_more.csv").write_text(
        "region_code,indicator_code,period,value,unit,source_code\n440300,gdp,2021,30664.85,亿元,2024-02_newspaper_regional_page\n",
        encoding="utf-8",
    )
    published_once.build_path.unlink()  # a full refresh: every table rebuilt from the raw files, then published
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(published_once.published_path), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    try:
        for r in readers:  # each has read the old publish before the refresh starts: an event, not a delay
            line = r.stdout.readline()
            assert line.strip() == "ready", (line, r.communicate(timeout=300))
        started = time.time()
        result = refresh(published_once)
        ended = time.time()
        stop.touch()
        outputs = [r.communicate(timeout=300) for r in readers]
    finally:
        for r in readers:
            r.kill()

    assert result.success
    for out, err in outputs:
        assert out, err  # a reader that crashed says why
        report = json.loads(out)
        assert report["errors"] == [], report["errors"]
        seen = {tuple(json.loads(row)) for row in report["seen"]}
        assert seen <= {tuple(old), tuple(new)}, seen  # never a mix of two publishes
        assert json.loads(report["last"]) == new
        # it was querying while the refresh ran, however slowly the machine let it
        assert any(started <= t <= ended for t in report["times"]), (started, ended, report["times"][-5:])
