"""Fixtures: the whole asset graph materialized into temporary directories."""

import fcntl
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster import DagsterEventType, deserialize_value, serialize_value

from pipelines.assets import all_assets, all_checks
from pipelines.core.paths import PROJECT_ROOT
from pipelines.core.resources import DEFAULT_RAW_DIR, Warehouse
from tests.timeline import ARTIFACTS

SLOW_MODULES = {
    "test_fuzz",
    "test_robustness",
    "test_browser",
    "test_explorer_browser",
}  # minutes each: the fuzz harness, the robustness matrix, chromium
# a test that takes one of these, directly or through function-scoped fixtures, refreshes a warehouse of its own
# (5-40 s each); the session's and a module's shared refreshes are paid once
OWN_REFRESH = {"template", "published_once"}


def module_name(item) -> str:
    return item.module.__name__.rsplit(".", 1)[-1]


def refreshes_its_own(item) -> bool:
    definitions = item._fixtureinfo.name2fixturedefs
    seen, todo = set(), list(item._fixtureinfo.argnames)
    while todo:
        name = todo.pop()
        if name in OWN_REFRESH:
            return True
        if name in seen or name not in definitions:
            continue
        seen.add(name)
        fixture = definitions[name][-1]
        if fixture.scope == "function":
            todo += fixture.argnames
    return False


LONGEST = "test_every_hostile_input_is_loaded_cleanly_or_refused_cleanly"  # the fuzz shards: 4-5 min each
# long tests that read no shared build (they refresh one of their own from nothing): a worker other than the first
# starts on one while the first builds the session's refresh, which its fuzz shards would otherwise wait for idle
MEANWHILE = ("test_a_refresh_reading_every_file_with_duckdb",)


def spread_longest(items: list, workers: int) -> None:
    """The fuzz shards at the heads of the workers' parts, round-robin: pytest-xdist's worksteal hands each of the
    workers one contiguous part of the list and steals from the ends of them, so the longest tests start first, one
    or two per worker, and the short ones fill in around them (the fuzz as one test of two processes of its own
    took 18 of make test's 22 minutes, beside the other worker). Workers after the first put a MEANWHILE test
    before their shards."""
    longest = [item for item in items if item.originalname == LONGEST]
    meanwhile = [item for item in items if item.originalname in MEANWHILE and workers > 1][: workers - 1]
    rest = iter([item for item in items if item.originalname != LONGEST and item not in meanwhile])
    if not longest:
        return
    ordered: list = []
    for k in range(workers):  # the parts as worksteal cuts them: len(pending) // workers remaining, in turn
        size = (len(items) - len(ordered)) // (workers - k)
        head = meanwhile[k - 1 : k] + longest[k::workers] if k else longest[k::workers]
        ordered += head + [item for _, item in zip(range(size - len(head)), rest)]
    items[:] = ordered + list(rest)


TIMELINE: list[dict] = []  # this process's tests: when each ran and the CPU it took (pytest_sessionfinish writes it)


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (fuzz workers, `regind` subprocesses)."""
    return sum(
        u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started, cpu = time.time(), cpu_seconds()
    yield
    TIMELINE.append({"test": item.nodeid, "start": started, "end": time.time(), "cpu": cpu_seconds() - cpu})


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the run's first process: the last run's timelines are not this one's
        for old in ARTIFACTS.glob("timeline-*.json"):
            old.unlink()


def pytest_sessionfinish(session):
    """tests/artifacts/timeline-<worker>.json: where make test's time and CPU went, test by test and worker by worker
    (which tests to make cheaper, and whether a worker sat idle)."""
    if TIMELINE:
        ARTIFACTS.mkdir(exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (ARTIFACTS / f"timeline-{worker}.json").write_text(json.dumps(TIMELINE, indent=0))


def pytest_collection_modifyitems(config, items):
    """Lanes: `slow` marks the fuzz, robustness and browser tests and every test that refreshes a warehouse of its
    own (a fixture above, or `@pytest.mark.slow`); `lake` every test that starts PostgreSQL (through the postgres or
    lake fixtures, or the ducklake target of `published`). `make check` runs the rest: unit tests and tests that read
    the session's refresh. The fuzz shards are spread out (spread_longest)."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)  # 1 outside pytest-xdist
    spread_longest(items, workers)
    for item in items:
        if module_name(item) in SLOW_MODULES or refreshes_its_own(item):
            item.add_marker(pytest.mark.slow)
        params = getattr(item, "callspec", None)
        if {"postgres", "lake", "warehouse_lake"} & set(item.fixturenames) or (
            params is not None and "ducklake" in params.params.values()
        ):
            item.add_marker(pytest.mark.lake)


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory):
    """The runs tests start (`regind refresh`, the jobs) are kept in an instance of the session's, not in the
    project's .dagster_home: the run history a developer reads in the UI stays theirs, and parallel pytest workers
    share no SQLite run storage."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_ROOT / "dagster-instance.yaml", home / "dagster.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        yield home


@pytest.fixture(scope="session", autouse=True)
def one_duckdb_thread():
    """Each DuckDB database the tests' refreshes open works on one thread (REGIND_DUCKDB_THREADS, which the fuzz
    harness's workers and `regind` subprocesses inherit): make test's parallelism is its pytest workers, and their
    DuckDB threads contending for the same two cores cost CPU (8 fuzz cases: 14% less CPU on one thread). The test
    that two refreshes give identical warehouses runs its second refresh on DuckDB's default threads."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REGIND_DUCKDB_THREADS", "1")
        yield


def refresh(warehouse: Warehouse) -> dg.ExecuteInProcessResult:
    """One full refresh, as the nightly job runs it, without raising on a failed step."""
    return dg.materialize([*all_assets, *all_checks], resources={"warehouse": warehouse}, raise_on_error=False)


def refresh_changed(
    warehouse: Warehouse, changed: list[str], instance: dg.DagsterInstance | None = None
) -> dg.ExecuteInProcessResult:
    """The run the raw-files sensor starts when these files of data/raw (<table>/<file>) change, added or removed
    (pipelines/sensors.py): their tables, the tables whose validation reads them, and everything downstream, publish
    included. The rest is unchanged: a full refresh would take twice the time to find so (the fuzz's cases and the
    corpus's files). instance: the Dagster instance that keeps the run (default: a new ephemeral one)."""
    from pipelines.assets import inputs, sources
    from pipelines.sensors import refreshed_by

    _, selection = refreshed_by(changed, sources, {name: i.source_tables for name, i in inputs.items()})
    return dg.materialize(
        [*all_assets, *all_checks],
        selection=selection,
        resources={"warehouse": warehouse},
        raise_on_error=False,
        instance=instance,
    )


class GdpReader:
    """Another process holding a published file open read-only, asked for Shenzhen's 2023 GDP on demand."""

    def __init__(self, path: Path):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                (
                    "import duckdb, sys\n"
                    "con = duckdb.connect(sys.argv[1], read_only=True)\n"
                    "query = \"select value from v_observation where indicator_code = 'gdp' "
                    "and period_code = '2023'\"\n"
                    "for _ in sys.stdin:\n    print(con.execute(query).fetchone()[0], flush=True)\n"
                ),
                str(path),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def gdp(self) -> float:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def __enter__(self) -> "GdpReader":
        return self

    def __exit__(self, *exc) -> None:
        self.process.kill()
        self.process.wait()


def copy_raw(destination: Path) -> Path:
    """A writable copy of the embedded data/raw, for tests that break or add files."""
    return Path(shutil.copytree(DEFAULT_RAW_DIR, destination / "raw"))


class RecordedRun:
    """A refresh's result as the tests read it (success, its materializations, its check evaluations), from its
    events as Dagster serialises them: so that another pytest worker can read the run it did not start."""

    def __init__(self, events: list):
        self.all_events = events
        self.success = any(e.event_type == DagsterEventType.RUN_SUCCESS for e in events)

    def get_asset_materialization_events(self) -> list:
        return [e for e in self.all_events if e.event_type == DagsterEventType.ASSET_MATERIALIZATION]

    def get_asset_check_evaluations(self) -> list:
        return [
            e.asset_check_evaluation_data
            for e in self.all_events
            if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        ]


def built_once(tmp_path_factory, worker_id: str, name: str, build) -> Path:
    """The directory <session temp>/<name>, made by build(directory) once for the whole session: pytest-xdist's
    workers share it, the first to ask builds it under a file lock and the others wait for it. A `built` marker
    means a worker that died halfway leaves nothing the others would use. Only for what the tests only read or
    copy."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # every worker's base temp sits in the session's one
    root = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or by the kernel if this worker dies
        if not (root / "built").exists():
            shutil.rmtree(root, ignore_errors=True)
            build(root)
            (root / "built").touch()
    return root


def refresh_from_nothing(root: Path) -> None:
    """publish_good_data with Data Docs, as in production; the run's events in root/events.json."""
    result = publish_good_data(root, data_docs=True)
    (root / "events.json").write_text(serialize_value(list(result.all_events)), encoding="utf-8")


@pytest.fixture(scope="session")
def first_refresh(tmp_path_factory, worker_id) -> tuple[Warehouse, RecordedRun]:
    """data/raw refreshed from nothing once for the whole session, with Data Docs as in production, and the run's
    result: shared by the tests that read the published warehouse, the tests that read what a full refresh
    reported, and (as the template) the tests that change or break the data. pytest-xdist's workers share it
    (built_once): each worker built its own, and the template a third time, 3 of make test's minutes of CPU."""
    root = built_once(tmp_path_factory, worker_id, "first_refresh", refresh_from_nothing)
    events = deserialize_value((root / "events.json").read_text(encoding="utf-8"), list)
    return Warehouse(raw_dir=str(root / "raw"), directory=str(root / "warehouse")), RecordedRun(events)


@pytest.fixture(scope="session")
def warehouse(first_refresh) -> Warehouse:
    return first_refresh[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish_good_data(root: Path, data_docs: bool = False) -> dg.ExecuteInProcessResult:
    """root/raw, a copy of data/raw, and root/warehouse, refreshed from nothing and published from it: what the
    session's template is (with Data Docs) and what the fuzz harness's cases start from outside pytest."""
    root.mkdir(parents=True, exist_ok=True)
    result = refresh(Warehouse(raw_dir=str(copy_raw(root)), directory=str(root / "warehouse"), data_docs=data_docs))
    if not result.success:
        raise RuntimeError(
            "the unchanged data/raw does not refresh: fix that before the tests that start from it: "
            + " | ".join(e.message or "" for e in result.all_events if e.is_failure)
        )
    return result


# what a copy of the template leaves behind: its Data Docs and their GX state (copies refresh without them)
NOT_COPIED = shutil.ignore_patterns("docs", "gx_state")


@pytest.fixture(scope="session")
def template(first_refresh) -> Path:
    """The session's refresh from nothing (root/raw and root/warehouse): tests that change or break the data start
    from a copy of it, so that their refresh does only the work their change needs (the region history alone takes
    seconds to build). Tests only copy or read it."""
    return Path(first_refresh[0].directory).parent


def copy_published(template: Path, destination: Path) -> Warehouse:
    """A warehouse published from the good data, with a writable copy of data/raw to change or break."""
    shutil.copytree(template / "raw", destination / "raw")
    shutil.copytree(template / "warehouse", destination / "warehouse", ignore=NOT_COPIED)
    return Warehouse(raw_dir=str(destination / "raw"), directory=str(destination / "warehouse"), data_docs=False)


@pytest.fixture()
def published_once(tmp_path, template) -> Warehouse:
    return copy_published(template, tmp_path)


@pytest.fixture(scope="session")
def warehouse_lake(warehouse, postgres, tmp_path_factory):
    """The session's published warehouse, published to a DuckLake as the publish_lake job does (its writers one
    after the other here)."""
    from pipelines.publish import lake as lk

    lake = lk.Lake(postgres.conninfo(postgres.create_database("published")), str(tmp_path_factory.mktemp("lake")))
    publish_to_lake(lake, warehouse.published_path, "5e55")
    return lake


def publish_to_lake(lake, source: Path, publish_id: str) -> int:
    """A warehouse file published to a lake as publish_lake does, its writers one after the other: the snapshot."""
    from pipelines.publish import lake as lk

    for schema in lk.PUBLISHED_SCHEMAS:
        lk.export_schema(lake, source, schema, publish_id)
    return lk.swap(lake, source, publish_id, {"fingerprint": publish_id})


@pytest.fixture(params=["duckdb_file", "ducklake"])
def published(request, warehouse):
    """The published warehouse on each target: the tests that query it run on both."""
    if request.param == "duckdb_file":
        with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
            yield con
    else:
        from pipelines.publish.lake import read_lake

        with read_lake(request.getfixturevalue("warehouse_lake")) as con:
            yield con


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server on loopback for the session (tests/postgres.py)."""
    from tests.postgres import Postgres

    server = Postgres()
    yield server
    server.stop()


@pytest.fixture
def lake(postgres, tmp_path):
    """An empty DuckLake: its catalog a new database on the test server, its data under tmp_path."""
    from pipelines.publish.lake import Lake

    return Lake(postgres.conninfo(postgres.create_database()), str(tmp_path / "lake"))


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, driven by Selenium through Debian's chromedriver (tests/install-debian.sh), one
    per test module that asks for it."""
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and chromedriver, (
        "Debian's chromium and chromedriver are missing: run tests/install-debian.sh (make test does)"
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1600,2400",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
