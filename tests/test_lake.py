"""The DuckLake target against a real PostgreSQL (tests/postgres.py): the same build on both targets, parallel
writers, readers during swaps, conflicts and their retry, the SQL files within DuckLake's limits."""

import json
import multiprocessing
import time
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot.tokens import TokenType

from pipelines.core.paths import PROJECT_ROOT
from pipelines.publish import lake as lk
from tests.conftest import publish_to_lake as publish

# what DuckLake refuses (its documentation's list of unsupported features): none may appear in a SQL file
REFUSED = {
    "PRIMARY": "PRIMARY KEY",
    "UNIQUE": "UNIQUE",
    "CHECK": "CHECK",
    "SEQUENCE": "SEQUENCE",
    "NEXTVAL": "nextval",
    "INDEX": "INDEX",
    "ENUM": "ENUM",
}


def refused_features(sql: str) -> list[str]:
    """DuckLake's unsupported features in a SQL text, by token: not in comments, strings or quoted names."""
    return [
        REFUSED[t.text.split()[0].upper()]
        for t in sqlglot.tokenize(sql, read="duckdb")
        if t.token_type not in (TokenType.STRING, TokenType.IDENTIFIER)
        and t.text
        and t.text.split()[0].upper() in REFUSED
    ]


# sql/audit.sql runs on the build database only, a DuckDB file, never on a lake (export_schema copies its tables'
# rows); its primary keys are what its writers' `insert or replace` and `on conflict` need
BUILD_ONLY = {PROJECT_ROOT / "sql" / "audit.sql"}


def test_every_sql_file_stays_within_ducklake_limits():
    files = sorted(f for f in (PROJECT_ROOT / "sql").rglob("*.sql") if f not in BUILD_ONLY)
    assert len(files) > 20
    offending = {str(f.relative_to(PROJECT_ROOT)): refused_features(f.read_text(encoding="utf-8")) for f in files}
    assert {f: found for f, found in offending.items() if found} == {}
    # the scanner sees each feature (and not one named in a comment or a string)
    assert refused_features("create table t (a int primary key, b int unique check (b > 0))") == [
        "PRIMARY KEY",
        "UNIQUE",
        "CHECK",
    ]
    assert refused_features("create sequence s; create index i on t (a); create type m as enum ('a')") == [
        "SEQUENCE",
        "INDEX",
        "ENUM",
    ]
    assert refused_features("select 'primary key' as x -- unique index\n") == []


def make_build(path: Path, label: str, rows: int = 1000) -> Path:
    """A small warehouse file of one build: every table and the view carry its label."""
    with duckdb.connect(str(path)) as con:
        for table in ("t1", "t2", "t3"):
            con.execute(f"create table {table} as select '{label}' as build, range as n from range({rows})")
        con.execute("create view v as select build from t1 union all select build from t2")
        con.execute("create schema quarantine; create table quarantine.t1 as select 'x' as reason, ? as build", [label])
    return path


def test_a_publish_swaps_whole_and_earlier_ones_stay_readable(lake, tmp_path):
    first = publish(lake, make_build(tmp_path / "a.duckdb", "A"), "0a")
    publish(lake, make_build(tmp_path / "b.duckdb", "B"), "0b")
    with lk.read_lake(lake) as con:
        assert con.execute("select distinct build from v").fetchall() == [("B",)]
        assert con.execute("select build from quarantine.t1").fetchall() == [("B",)]
        # the stage of the earlier publish has left the current catalog
        assert [
            s
            for (s,) in con.execute(
                "select schema_name from duckdb_schemas() where database_name = 'warehouse' "
                "and schema_name like 'p0%' order by 1"
            ).fetchall()
        ] == ["p0b_main", "p0b_quarantine"]
        assert [p["publish_id"] for p in lk.publishes(con, "warehouse")] == ["0a", "0b"]
        with pytest.raises(duckdb.Error):  # read-only
            con.execute("create table t9 as select 1")
    with lk.read_lake(lake, snapshot=first) as con:  # time travel: the first publish, whole
        assert con.execute(
            "select distinct build from (select build from t1 union all select build from t3 union all "
            "select build from v)"
        ).fetchall() == [("A",)]
    with pytest.raises(LookupError, match="older than the lake's first publish"):
        lk.read_lake(lake, snapshot=first - 1)


def _reader(catalog: str, data_path: str, ready, stop, queue) -> None:
    """Reads all three tables and the view in one query, again and again, on its own connection, from when it says
    it is ready until it is told to stop."""
    lake = lk.Lake(catalog, data_path)
    con = lake.connect(alias="warehouse", read_only=True)
    ready.set()
    mixed, seen, reads = [], set(), 0
    while not stop.is_set():
        try:
            builds = con.execute(
                "select list(distinct build order by build) from (select build from t1 union all "
                "select build from t2 union all select build from t3 union all select build from v)"
            ).fetchone()[0]
        except duckdb.CatalogException:  # before the first publish
            continue
        reads += 1
        seen.update(builds)
        if len(builds) != 1:
            mixed.append(builds)
    queue.put((reads, sorted(seen), mixed))


def test_a_reader_never_sees_tables_of_two_builds(lake, tmp_path):
    files = [make_build(tmp_path / f"{label}.duckdb", label, rows=20_000) for label in ("A", "B")]
    publish(lake, files[0], "a0")
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    ready = [context.Event() for _ in range(2)]
    readers = [context.Process(target=_reader, args=(lake.catalog, lake.data_path, r, stop, queue)) for r in ready]
    for reader in readers:
        reader.start()
    # a spawned reader imports this module, and with it the project: seconds on a loaded machine
    assert all(r.wait(timeout=180) for r in ready), "a reader did not connect"
    publishes = 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline or publishes < 4:
        publish(lake, files[(publishes + 1) % 2], f"{publishes + 1:02x}")
        publishes += 1
    stop.set()
    results = [queue.get(timeout=120) for _ in readers]
    for reader in readers:
        reader.join(timeout=30)
    for reads, seen, mixed in results:
        assert mixed == []
        assert reads > 10 and seen == ["A", "B"], (reads, seen)  # they did read across the swaps


def _writer(catalog: str, data_path: str, source: str, schema: str, barrier, queue) -> None:
    barrier.wait()
    started = time.time()
    counts = lk.export_schema(lk.Lake(catalog, data_path), Path(source), schema, "3w")
    queue.put((schema, started, time.time(), counts))


def test_three_parallel_writers_succeed(lake, tmp_path):
    source = tmp_path / "three.duckdb"
    with duckdb.connect(str(source)) as con:
        for schema in ("main", "quarantine", "audit"):
            con.execute(f"create schema if not exists {schema}")
            for table in ("x", "y"):
                con.execute(f"create table {schema}.{table} as select '{schema}' as s, range as n from range(200000)")
    lake.initialize()
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(3), context.Queue()
    writers = [
        context.Process(target=_writer, args=(lake.catalog, lake.data_path, str(source), s, barrier, queue))
        for s in ("main", "quarantine", "audit")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=180)
    assert [w.exitcode for w in writers] == [0, 0, 0]
    results = {schema: (start, end, counts) for schema, start, end, counts in (queue.get(timeout=10) for _ in writers)}
    assert {s: r[2] for s, r in results.items()} == {
        s: {"x": 200000, "y": 200000} for s in ("main", "quarantine", "audit")
    }
    assert max(r[0] for r in results.values()) < min(r[1] for r in results.values())  # all three were writing at once
    lk.swap(lake, source, "3w", {"fingerprint": "3w"})
    with lk.read_lake(lake) as con:
        assert con.execute(
            "select count(*), count(distinct s) from (select s from main.x union all select s from "
            "quarantine.y union all select s from audit.x)"
        ).fetchone() == (600000, 3)


def test_a_conflicting_write_fails_cleanly_and_the_retry_recovers(lake, tmp_path):
    publish(lake, make_build(tmp_path / "a.duckdb", "A"), "0a")
    first, second = lake.connect(), lake.connect()
    first.execute("begin")
    first.execute("create or replace view lake.main.v as select 'first' as build")
    lk.with_retry(
        second, lambda con: con.execute("create or replace view lake.main.v as select 'second' as build"), "second"
    )
    with pytest.raises(duckdb.TransactionException, match="(?i)conflict"):
        first.execute("commit")
    with lk.read_lake(lake) as con:  # cleanly: the lake holds the write that won, nothing of the other
        assert con.execute("select build from v").fetchall() == [("second",)]
    # the retry: the first attempt loses to a competing commit, the second one commits
    attempts, logged = [], []

    def work(con):
        attempts.append(len(attempts) + 1)
        con.execute("create or replace view lake.main.v as select 'first, retried' as build")
        if len(attempts) == 1:
            lk.with_retry(
                second, lambda c: c.execute("create or replace view lake.main.v as select 'competing' as build"), "x"
            )

    lk.with_retry(first, work, "the first writer", log=logged.append)
    assert attempts == [1, 2] and len(logged) == 1 and "another writer committed first" in logged[0]
    with lk.read_lake(lake) as con:
        assert con.execute("select build from v").fetchall() == [("first, retried",)]
    # an error that is not a conflict is not retried
    with pytest.raises(duckdb.CatalogException):
        lk.with_retry(first, lambda con: con.execute("select * from no_such_table"), "bad")
    first.close()
    second.close()


def test_extensions_load_from_their_wheels_without_download():
    for name in lk.EXTENSIONS:
        path = lk.extension_file(name)
        assert path.is_file() and "site-packages" in str(path) and f"v{duckdb.__version__}" in str(path)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    lk.load_extensions(con)
    loaded = {n for (n,) in con.execute("select extension_name from duckdb_extensions() where loaded").fetchall()}
    assert {"ducklake", "postgres_scanner"} <= loaded


def test_an_unreachable_catalog_says_what_to_set(tmp_path):
    bad = lk.Lake("dbname=nowhere host=127.0.0.1 port=1 user=regind connect_timeout=2", str(tmp_path / "lake"))
    with pytest.raises(ConnectionError, match="REGIND_LAKE_CATALOG"):
        bad.connect(read_only=True)


def test_the_target_setting(monkeypatch):
    monkeypatch.delenv("REGIND_TARGET", raising=False)
    assert lk.target() == "duckdb_file"
    monkeypatch.setenv("REGIND_TARGET", "ducklake")
    assert lk.target() == "ducklake"
    monkeypatch.setenv("REGIND_TARGET", "lake")
    with pytest.raises(ValueError, match="duckdb_file or ducklake"):
        lk.target()


def test_regind_names_a_mistyped_target_in_one_line(monkeypatch, capsys):
    from pipelines.cli.main import main

    monkeypatch.setenv("REGIND_TARGET", "lake")
    assert main(["tables"]) == 2
    err = capsys.readouterr().err
    assert "REGIND_TARGET='lake' is not a warehouse target" in err and "Traceback" not in err


def test_the_same_build_gives_identical_tables_on_both_targets(template, lake):
    """The file published from the test data, published to the lake by the publish_lake job: its writers in
    parallel processes (the multiprocess executor). Every published table and view has the same rows on both."""
    import dagster as dg

    from pipelines.publish.publish_lake import run_publish_lake

    directory = template / "warehouse"
    config = {
        "resources": {
            "lake_writer": {
                "config": {"directory": str(directory), "catalog": lake.catalog, "data_path": lake.data_path}
            }
        },
        "loggers": {"console": {"config": {"log_level": "ERROR"}}},
    }
    with dg.DagsterInstance.local_temp() as instance:
        result = run_publish_lake(instance, config)
        assert result.success, [e.message for e in result.all_events if e.is_failure]
        records = instance.all_logs(result.run_id)
    spans = {}
    for record in records:
        event = record.dagster_event
        if event and event.step_key and event.event_type_value in ("STEP_START", "STEP_SUCCESS"):
            spans.setdefault(event.step_key, {})[event.event_type_value] = (record.timestamp, event.pid)
    writers = {k: v for k, v in spans.items() if k.startswith("lake__")}
    assert len(writers) == len(lk.PUBLISHED_SCHEMAS)
    assert len({v["STEP_START"][1] for v in writers.values()}) == len(writers)  # a process each
    overlapping = [
        (a, b)
        for a in writers
        for b in writers
        if a < b
        and writers[a]["STEP_START"][0] < writers[b]["STEP_SUCCESS"][0]
        and writers[b]["STEP_START"][0] < writers[a]["STEP_SUCCESS"][0]
    ]
    assert overlapping, spans  # some wrote at the same time

    file = duckdb.connect(str(directory / "warehouse.duckdb"), read_only=True)
    with lk.read_lake(lake) as con:
        for schema in lk.PUBLISHED_SCHEMAS:
            on_file, on_lake = (
                lk.tables_checksums(file, "warehouse", schema),
                lk.tables_checksums(con, "warehouse", schema),
            )
            assert on_file == on_lake, schema
        assert con.execute("select count(*) from v_observation").fetchone()[0] > 90
        (publish,) = lk.publishes(con, "warehouse")
    file.close()
    # a second run finds the lake up to date and swaps nothing
    with dg.DagsterInstance.local_temp() as instance:
        again = run_publish_lake(instance, config)
        assert again.success
        swapped = [m for m in again.asset_materializations_for_node("published_lake")]
        assert swapped[0].metadata["swapped"].value is False
    with lk.read_lake(lake) as con:
        assert lk.publishes(con, "warehouse") == [publish]


def _wait_for(instance, job: str, statuses: set, timeout: float):
    import dagster as dg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = instance.get_runs(filters=dg.RunsFilter(job_name=job))
        if runs and runs[0].status in statuses:
            return runs[0]
        time.sleep(1)
    raise AssertionError(
        f"no {job} run reached {statuses} in {timeout} s: "
        f"{[(r.run_id, r.status) for r in instance.get_runs(filters=dg.RunsFilter(job_name=job))]}"
    )


def test_a_postgres_backed_dagster_run_goes_from_queue_to_success(template, postgres, lake, tmp_path, monkeypatch):
    """The production profile (deploy/dagster-postgres.yaml): a refresh submitted to the queue waits there until the
    daemon starts it, succeeds, and the sensor follows it with publish_lake, whose writers run in parallel."""
    import os
    import shutil
    import subprocess
    import sys

    import dagster as dg

    from pipelines.assets import sources
    from pipelines.sensors import fingerprint
    from tests.conftest import copy_published

    warehouse = copy_published(template, tmp_path)
    (Path(warehouse.raw_dir) / "observations" / "extra.csv").write_text(  # something new for the refresh to build
        "region_code,indicator_code,period,value,unit\n440300,gdp,2019,26927.09,亿元\n", encoding="utf-8"
    )
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster-postgres.yaml", home / "dagster.yaml")
    settings = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": str(postgres.port),
        "DAGSTER_PG_USER": "regind",
        "DAGSTER_PG_PASSWORD": "unused (trust)",
        "DAGSTER_PG_DB": postgres.create_database("dagster"),
        "REGIND_TARGET": "ducklake",
        "REGIND_LAKE_CATALOG": lake.catalog,
        "REGIND_LAKE_DATA_PATH": lake.data_path,
        "REGIND_RAW_DIR": warehouse.raw_dir,
        "REGIND_WAREHOUSE_DIR": warehouse.directory,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    bin_dir = Path(sys.executable).parent
    workspace = ["-w", str(PROJECT_ROOT / "deploy" / "workspace.yaml")]
    # the raw-files sensor as a deployment's that has seen these files: its first look would otherwise ask for a
    # refresh of everything (one that finds nothing to do) and a publish after it, a minute of this test's time
    seen = json.dumps(fingerprint(sources, Path(warehouse.raw_dir)), sort_keys=True)
    commands = {
        "launch": ["job", "launch", *workspace, "-j", "refresh_warehouse"],
        "cursor": ["sensor", "cursor", *workspace, "raw_files_sensor", "--set", seen],
    }
    started = {  # side by side: each loads the code location
        name: subprocess.Popen(
            [str(bin_dir / "dagster"), *args],
            cwd=PROJECT_ROOT,
            env=os.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in commands.items()
    }
    try:
        for name, process in started.items():
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, (name, stderr[-3000:])
    finally:
        for process in started.values():
            process.kill()  # no-op for an ended one; none left running if the other failed or timed out
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        queued = _wait_for(instance, "refresh_warehouse", {dg.DagsterRunStatus.QUEUED}, 10)  # no daemon yet: it waits
        daemon = subprocess.Popen(
            [str(bin_dir / "dagster-daemon"), "run", *workspace],
            cwd=PROJECT_ROOT,
            env=os.environ,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "daemon.log", "w"),
            start_new_session=True,
        )
        try:
            done = _wait_for(
                instance, "refresh_warehouse", {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}, 600
            )
            assert (done.run_id, done.status) == (queued.run_id, dg.DagsterRunStatus.SUCCESS), (
                tmp_path / "daemon.log"
            ).read_text()[-3000:]
            published = _wait_for(
                instance, "publish_lake", {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}, 600
            )
            assert published.status == dg.DagsterRunStatus.SUCCESS
            assert published.tags.get("dagster/sensor_name") == "publish_lake_after_refresh"
            # the raw-files sensor, its cursor set, found nothing new: no run of its own
            assert not instance.get_runs(filters=dg.RunsFilter(tags={"dagster/sensor_name": "raw_files_sensor"}))
            lake_runs = {r.run_id for r in instance.get_runs(filters=dg.RunsFilter(job_name="publish_lake"))}
        finally:
            os.killpg(daemon.pid, 15)
            daemon.wait(timeout=60)
    with lk.read_lake(lake) as con:
        assert (
            con.execute(
                "select count(*) from v_observation where period_code = '2019' and region_code = '440300' "
                "and indicator_code = 'gdp'"
            ).fetchone()[0]
            == 1
        )
        assert lk.publishes(con, "warehouse")[-1]["run_id"] in lake_runs


def test_regind_reads_the_lake_and_its_earlier_publishes(template, lake, tmp_path, monkeypatch, capsys):
    """With REGIND_TARGET=ducklake, the analyst's commands read the lake: tables, status, query, publishes and a
    query pinned to an earlier publish."""
    from pipelines.cli.main import main

    source = template / "warehouse" / "warehouse.duckdb"
    first = publish(lake, source, "f1")
    changed = tmp_path / "changed.duckdb"  # a second build: one observation fewer
    import shutil

    shutil.copy(source, changed)
    with duckdb.connect(str(changed)) as con:
        con.execute(
            "delete from fact_observation where observation_key = (select min(observation_key) from fact_observation)"
        )
    publish(lake, changed, "f2")
    monkeypatch.setenv("REGIND_TARGET", "ducklake")
    monkeypatch.setenv("REGIND_LAKE_CATALOG", lake.catalog)
    monkeypatch.setenv("REGIND_LAKE_DATA_PATH", lake.data_path)

    def regind(*args: str) -> str:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    facts = duckdb.connect(str(source), read_only=True).execute("select count(*) from fact_observation").fetchone()[0]
    assert f"│ {facts - 1} " in regind("query", "select count(*) as n from fact_observation")
    assert f"│ {facts} " in regind("query", "--snapshot", str(first), "select count(*) as n from fact_observation")
    # as of a day, through the file's macro made for the connection (a lake holds no macros)
    assert "│ 0 " in regind("query", "--as-of", "2000-01-01", "select count(*) as n from v_observation")
    assert f"│ {facts - 1} " in regind("query", "--as-of", "2099-12-31", "select count(*) as n from v_observation")
    listed = regind("publishes")
    assert "f1" in listed and "f2" in listed and str(first) in listed
    tables = regind("tables")
    assert (
        "fact_observation" in tables
        and "quarantine.observations" in tables
        and "p0" not in tables
        and "pf" not in tables
    )
    assert "observations" in regind("status")
    assert "region_code" in regind("describe", "dim_region")
    assert main(["query", "--snapshot", str(first - 1), "select 1"]) == 2
    assert "older than the lake's first publish" in capsys.readouterr().err
    monkeypatch.setenv("REGIND_TARGET", "duckdb_file")
    assert main(["query", "--snapshot", "3", "select 1"]) == 2
    assert "REGIND_TARGET=ducklake" in capsys.readouterr().err
