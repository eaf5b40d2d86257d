"""Credentials stay secret: the lake's commands, run against a PostgreSQL role that needs a password, never show
or store it (stdout, stderr, publish_lake.log, Dagster's event log and run records, the lake's files and catalog);
libpq's own ways of giving a password reach the catalog; pipelines/core/redaction.py removes each form."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
import zlib
from pathlib import Path

import pytest

from pipelines.core.paths import PROJECT_ROOT
from pipelines.core.redaction import redact, redacted_error, secrets_kept
from pipelines.publish import lake as lk
from tests.conftest import copy_published, publish_to_lake

REGIND = str(Path(sys.executable).parent / "regind")


# --- where a secret could be kept -------------------------------------------------------------------------


def _texts_of_sqlite(path: Path):
    """Every value of every table of a SQLite file, zlib-compressed blobs inflated (Dagster compresses its job
    snapshots and some event bodies)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for (table,) in con.execute("select name from sqlite_master where type = 'table'").fetchall():
            for row in con.execute(f'select * from "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        yield value
                        try:
                            yield zlib.decompress(value)
                        except zlib.error:
                            pass
                    elif value is not None:
                        yield str(value).encode()
    finally:
        con.close()


def files_holding(secret: str, *roots: Path) -> list[str]:
    """The files under roots that hold the secret: as bytes anywhere, or inside a SQLite file's values."""
    needle, found = secret.encode(), []
    for root in roots:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            data = path.read_bytes()
            if needle in data or (
                data.startswith(b"SQLite format 3") and any(needle in v for v in _texts_of_sqlite(path))
            ):
                found.append(str(path))
    return found


def dagster_records_holding(secret: str, home: Path) -> list[str]:
    """What Dagster's instance keeps of every run that holds the secret: its config, tags, job snapshot, event log."""
    import dagster as dg
    from dagster._serdes import serialize_value

    found = []
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert runs, "no run recorded"
        for run in runs:
            parts = {
                "run_config": json.dumps(run.run_config),
                "tags": json.dumps(run.tags),
                "job_snapshot": serialize_value(instance.get_job_snapshot(run.job_snapshot_id)),
                "event_log": "\n".join(serialize_value(record) for record in instance.all_logs(run.run_id)),
            }
            found += [f"{run.job_name} {run.run_id}: {part}" for part, text in parts.items() if secret in text]
    return found


def catalog_rows_holding(secret: str, conninfo: str) -> list[str]:
    """The lake's catalog tables in PostgreSQL whose rows hold the secret."""
    import psycopg2

    con = psycopg2.connect(conninfo)
    try:
        with con.cursor() as cursor:
            cursor.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema not in ('pg_catalog', 'information_schema')"
            )
            tables = cursor.fetchall()
            assert any(t.startswith("ducklake_") for _, t in tables), tables
            found = []
            for schema, table in tables:
                cursor.execute(
                    f'select count(*) from "{schema}"."{table}" t where row_to_json(t)::text like %s', [f"%{secret}%"]
                )
                if cursor.fetchone()[0]:
                    found.append(f"{schema}.{table}")
            return found
    finally:
        con.close()


def test_the_scanners_find_a_secret_where_it_hides(tmp_path):
    secret = "Sc4nned-" + uuid.uuid4().hex
    con = sqlite3.connect(tmp_path / "runs.db")
    con.execute("create table snapshots (body blob)")
    con.execute("insert into snapshots values (?)", [zlib.compress(json.dumps({"default": secret}).encode())])
    con.commit()
    con.close()
    (tmp_path / "plain.log").write_text(f"catalog password={secret}\n")
    (tmp_path / "clean.log").write_text("nothing here\n")
    assert files_holding(secret, tmp_path) == [str(tmp_path / "plain.log"), str(tmp_path / "runs.db")]


# --- the lake's commands, with a password in the connection string ------------------------------------------


@pytest.fixture(scope="module")
def analyst(postgres):
    """A role that must give its password, with special characters in it."""
    name, password = f"analyst_{uuid.uuid4().hex[:8]}", f"Pw&{uuid.uuid4().hex[:12]}=%@x"
    postgres.add_role(name, password)
    return name, password


def test_no_lake_command_shows_or_stores_the_password(template, postgres, analyst, tmp_path):
    role, password = analyst
    warehouse = copy_published(template, tmp_path)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster-instance.yaml", home / "dagster.yaml")
    data_path = tmp_path / "lake"
    catalog = postgres.conninfo(postgres.create_database("secret", owner=role), role, password)
    environment = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "REGIND_TARGET": "ducklake",
        "REGIND_LAKE_CATALOG": catalog,
        "REGIND_LAKE_DATA_PATH": str(data_path),
        "REGIND_RAW_DIR": warehouse.raw_dir,
        "REGIND_WAREHOUSE_DIR": warehouse.directory,
        "COLUMNS": "200",
    }
    shown = []

    def regind(*args: str, expect: int = 0, **settings: str) -> str:
        done = subprocess.run(
            [REGIND, *args], env={**environment, **settings}, capture_output=True, text=True, timeout=900, cwd=tmp_path
        )
        shown.append((args, done.stdout, done.stderr))
        assert done.returncode == expect, (args, done.stdout[-2000:], done.stderr[-2000:])
        return done.stdout + done.stderr

    assert "Published to the lake" in regind("refresh")
    assert "Nothing to refresh" in regind("refresh")  # what it remembers of the lake (last_refresh.json) is read back
    assert "snapshot" in regind("publishes") and "password=***" in regind("publishes")
    assert "│ " in regind("query", "select count(*) as n from fact_observation")
    assert "observations" in regind("status")
    # a catalog that cannot be reached: DuckDB's error quotes the connection string three times
    unreachable = (
        postgres.conninfo("nowhere", role, password).replace(f"port={postgres.port}", "port=1") + " connect_timeout=3"
    )
    for command in (("publishes",), ("query", "select 1"), ("status",)):
        assert "cannot attach the DuckLake catalog" in regind(*command, expect=2, REGIND_LAKE_CATALOG=unreachable)
    # the lake publish failing inside Dagster: its steps' errors go to the event log
    failed = regind("refresh", "--force", expect=1, REGIND_LAKE_CATALOG=unreachable)
    assert "The lake publish failed" in failed
    # a lake not created yet
    empty = postgres.conninfo(postgres.create_database("empty", owner=role), role, password)
    for command in (("publishes",), ("status",)):
        assert "there is no lake at" in regind(*command, expect=2, REGIND_LAKE_CATALOG=empty)

    assert len(shown) == 12
    printed = [
        f"{' '.join(args)}: {stream}"
        for args, out, err in shown
        for stream, text in (("stdout", out), ("stderr", err))
        if password in text
    ]
    assert printed == []
    log = Path(warehouse.directory) / "publish_lake.log"
    assert log.stat().st_size > 0
    assert files_holding(password, tmp_path) == []  # Dagster's home, the warehouse, the lake's files, raw data
    assert list(data_path.rglob("*.parquet")) and list(
        home.rglob("*.db")
    )  # the scan did read the lake's files and Dagster's
    assert dagster_records_holding(password, home) == []
    assert catalog_rows_holding(password, catalog) == []
    # the redacted form is what the user saw
    assert "password=***" in failed or "password=***" in log.read_text()


# --- libpq's own ways of giving the password ----------------------------------------------------------------


def _passfile(path: Path, postgres, role: str, password: str) -> Path:
    path.write_text(f"127.0.0.1:{postgres.port}:*:{role}:{password}\n")
    path.chmod(0o600)  # libpq ignores a password file others can read
    return path


@pytest.mark.parametrize("way", ["PGPASSWORD", "PGPASSFILE", "~/.pgpass", "PGSERVICE"])
def test_libpq_gives_the_catalog_its_password(way, template, postgres, analyst, tmp_path, monkeypatch):
    """Each way the README documents, with no password in REGIND_LAKE_CATALOG: a publish and a read of the lake."""
    role, password = analyst
    database = postgres.create_database("libpq", owner=role)
    catalog = postgres.conninfo(database, role)
    for variable in ("PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.pgpass of the machine's
    with pytest.raises(ConnectionError, match="password"):  # the role does need one
        lk.Lake(catalog, str(tmp_path / "lake")).connect()
    if way == "PGPASSWORD":
        monkeypatch.setenv("PGPASSWORD", password)
    elif way == "PGPASSFILE":
        monkeypatch.setenv("PGPASSFILE", str(_passfile(tmp_path / "lake.pgpass", postgres, role, password)))
    elif way == "~/.pgpass":
        _passfile(tmp_path / ".pgpass", postgres, role, password)
    else:  # a service file names the server; the password file holds the password
        (tmp_path / "pg_service.conf").write_text(
            f"[regind_lake]\nhost=127.0.0.1\nport={postgres.port}\ndbname={database}\nuser={role}\n"
        )
        monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "pg_service.conf"))
        monkeypatch.setenv("PGSERVICE", "regind_lake")
        monkeypatch.delenv("REGIND_LAKE_CATALOG", raising=False)
        _passfile(tmp_path / ".pgpass", postgres, role, password)
        catalog = lk.Lake.from_env().catalog  # without REGIND_LAKE_CATALOG, the service
        assert catalog == "" and lk.Lake.from_env().shown == "service=regind_lake (PGSERVICE)"
    lake = lk.Lake(catalog, str(tmp_path / "lake"))
    publish_to_lake(lake, template / "warehouse" / "warehouse.duckdb", "11b")
    with lk.read_lake(lake) as con:
        assert con.execute("select count(*) from fact_observation").fetchone()[0] > 90
    assert password not in lake.shown


# --- the redaction itself -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dbname=lake host=db user=a password=s3cret port=5432", "dbname=lake host=db user=a password=*** port=5432"),
        ("dbname=lake password = 's3 cr\\'et' user=a", "dbname=lake password = *** user=a"),
        ("PASSWORD=s3cret", "PASSWORD=***"),
        ("postgresql+psycopg2://dagster:s3cr%40t@db:5432/dagster", "postgresql+psycopg2://dagster:***@db:5432/dagster"),
        ("postgres://u@db/x?sslmode=require&password=s3cret", "postgres://u@db/x?sslmode=require&password=***"),
        (
            'at "postgres:dbname=x password=s3cret"Unable to connect',
            'at "postgres:dbname=x password=***"Unable to connect',
        ),
        ("dbname=lake host=db user=a", "dbname=lake host=db user=a"),
        ("no connection here: passwords are kept elsewhere", "no connection here: passwords are kept elsewhere"),
    ],
)
def test_redact_removes_every_form_of_a_password(text, expected, monkeypatch):
    for variable in ("REGIND_LAKE_CATALOG", "PGPASSWORD", "DAGSTER_PG_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    assert redact(text) == expected


def test_redact_removes_configured_passwords_wherever_they_appear(monkeypatch):
    monkeypatch.setenv("REGIND_LAKE_CATALOG", "dbname=lake user=a password=ab\"cd'ef")
    monkeypatch.setenv("PGPASSWORD", "pg-env-secret")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", "xy")  # too short to mask anywhere: masked after password= only
    text = 'failed at "dbname=lake user=a password=ab"cd\'ef" (pg-env-secret) xy password=xy'
    assert redact(text) == 'failed at "dbname=lake user=a password=***" (***) xy password=***'
    # a connection passed in counts as well
    assert redact("echo: Hunter2Hunter2 ok", "host=db password=Hunter2Hunter2") == "echo: *** ok"


def test_an_error_leaves_without_the_password_in_its_message_or_causes():
    connection = "host=db user=a password=Hunter2Hunter2"

    def fail():
        try:
            raise OSError(f"cannot reach {connection}")
        except OSError as error:
            raise ConnectionError("the catalog failed") from error

    with pytest.raises(ConnectionError) as caught:
        with secrets_kept(connection):
            fail()
    assert "Hunter2" not in str(caught.value) and caught.value.__cause__ is None and caught.value.__suppress_context__
    assert "cannot reach host=db user=a password=***" in str(caught.value)
    assert redacted_error(ValueError("nothing secret"), connection) is None
    with pytest.raises(ValueError, match="nothing secret"):  # an error without a password leaves as it was
        with secrets_kept(connection):
            raise ValueError("nothing secret")


def test_a_password_in_the_lake_writers_run_config_is_refused(tmp_path, monkeypatch):
    """Dagster stores a run's config: a catalog given there must not carry a password (the environment may)."""
    import dagster as dg

    from pipelines.publish.publish_lake import LakeWriter

    catalog = "dbname=lake host=127.0.0.1 user=a password=Hunter2Hunter2"
    monkeypatch.delenv("REGIND_LAKE_CATALOG", raising=False)
    with pytest.raises(dg.DagsterResourceFunctionError) as refused:
        with dg.build_resources({"lake_writer": LakeWriter(directory=str(tmp_path), catalog=catalog)}):
            pass
    assert isinstance(refused.value.user_exception, dg.Failure)
    assert "run history" in str(refused.value.user_exception) and "Hunter2" not in str(refused.value.user_exception)
    monkeypatch.setenv("REGIND_LAKE_CATALOG", catalog)  # {env: REGIND_LAKE_CATALOG}: Dagster stores the name only
    with dg.build_resources(
        {"lake_writer": LakeWriter(directory=str(tmp_path), catalog=dg.EnvVar("REGIND_LAKE_CATALOG"))}
    ) as built:
        assert built.lake_writer.lake.shown == "dbname=lake host=127.0.0.1 user=a password=***"
