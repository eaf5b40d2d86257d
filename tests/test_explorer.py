"""The explorer's API (`regind serve`), served by uvicorn on the session's published warehouse and asked over HTTP
as a notebook or a BI tool would: each endpoint, each kind of bad parameter, CSV against JSON."""

import csv
import io
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import pytest

from pipelines.core.paths import read_published
from pipelines.explore import queries
from pipelines.explore.api import ENDPOINTS
from pipelines.explore.app import Door, create_app
from pipelines.publish.generations import generation_paths, link_published


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(path: Path):
    """The explorer on the published file `path` in a thread of this process: (its address, a function that stops
    it)."""
    return serve_door(Door(read_published, path))


def serve_door(door: Door):
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(create_app(door), host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the explorer did not start"
        time.sleep(0.05)

    def stop():
        server.should_exit = True
        thread.join(timeout=30)

    return f"http://127.0.0.1:{server.config.port}", stop


@pytest.fixture(scope="module")
def explorer(warehouse):
    url, stop = serve(Path(warehouse.published_path))
    yield url
    stop()


def get(url: str, path: str, data: bytes | None = None, headers: dict | None = None, **params):
    """(status, body): JSON decoded, CSV as text."""
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(f"{url}{path}{query}", data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, kind, body = response.status, response.headers["content-type"], response.read()
    except urllib.error.HTTPError as error:
        status, kind, body = error.code, error.headers["content-type"], error.read()
    return status, json.loads(body) if kind.startswith("application/json") else body.decode("utf-8")


def test_search_finds_a_region_by_each_kind_of_name_and_an_indicator_by_its_synonyms(explorer):
    for text in ("深圳", "深圳市", "Shenzhen", "shenzhen", "440300"):
        status, found = get(explorer, "/api/search", q=text)
        assert status == 200
        assert found["regions"][0]["code"] == "440300", (text, found["regions"][:3])
    status, found = get(explorer, "/api/search", q="neimenggu")  # pinyin where the English name is another
    assert (found["regions"][0]["code"], found["regions"][0]["name_en"]) == (
        "150000",
        "Inner Mongolia Autonomous Region",
    )
    status, found = get(explorer, "/api/search", q="鄂西州")  # a former name of 恩施州, until 1993
    assert [(r["code"], r["matched"], str(r["matched_until"])) for r in found["regions"]] == [
        ("422800", "鄂西州", "1993-11-30")
    ]
    assert found["regions"][0]["name_zh"] == "恩施土家族苗族自治州"
    status, found = get(explorer, "/api/search", q="ＧＤＰ")  # full-width, as typed with a Chinese input method
    codes = [i["code"] for i in found["indicators"]]
    assert codes[0] == "gdp" and "gdp_growth_yoy" in codes


def test_a_region_has_its_parent_subdivisions_latest_figures_and_findings(explorer):
    status, region = get(explorer, "/api/region", code="440300")
    assert status == 200
    assert region["name_zh"] == "深圳市" and region["parent"]["code"] == "440000"
    assert {"440303", "440304"} <= {s["code"] for s in region["subdivisions"]}
    latest = {f["indicator_code"]: f for f in region["latest"]}
    assert latest["gdp"]["value"] == 3.46064e12 and latest["gdp"]["period"] == "2023"
    assert latest["software_it_services_va"]["qualifier"] == ">"  # printed as 超3000亿元: its flag comes along
    assert "rd_intensity" in {f["rule_code"] for f in region["findings"]}


def test_a_series_gives_each_point_with_its_source_line_and_releases_and_its_csv_says_the_same(explorer):
    status, series = get(explorer, "/api/series", region="440300", indicator="gdp")
    assert status == 200
    (point,) = series["items"]
    assert point["period"] == "2023" and point["value"] == 3.46064e12 and point["unit"] == "CNY"
    assert (point["published_value"], point["obs_status"], point["qualifier"]) == ("34606.40", "reported", "")
    assert point["source"]["file"] == "observations/2024-02_newspaper_regional_page.csv"
    assert point["source"]["line"] == 2
    assert [r["released_on"] for r in point["releases"]] == ["2024-02-29"]

    status, text = get(explorer, "/api/series", region="440300", indicator="gdp", format="csv")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert float(row["value"]) == point["value"] and row["period"] == point["period"]
    assert row["source_file"] == point["source"]["file"] and int(row["source_line"]) == point["source"]["line"]


def test_a_series_as_of_a_day_before_its_release_is_not_there_yet(explorer):
    status, body = get(explorer, "/api/series", region="440300", indicator="gdp", as_of="2024-01-31")
    assert status == 404 and "released by 2024-01-31" in body["error"]
    status, body = get(explorer, "/api/series", region="440300", indicator="gdp", as_of="2024-02-29")
    assert status == 200 and len(body["items"]) == 1


def test_a_figures_source_line_is_shown_from_its_raw_file(explorer):
    status, series = get(explorer, "/api/series", region="440300", indicator="gdp")
    source = series["items"][0]["source"]
    status, body = get(explorer, "/api/source", file=source["file"], line=source["line"])
    assert status == 200 and body["header"].startswith("region_code,indicator_code,period,value")
    (here,) = [line for line in body["lines"] if line["n"] == source["line"]]
    assert here["text"].startswith("440300,gdp,2023,34606.40,亿元")


def test_compare_gives_a_series_per_region(explorer):
    status, body = get(explorer, "/api/compare", regions="440300,370215", indicator="gdp")
    assert status == 404  # 即墨 has no GDP in the seed: the answer says which, not an empty chart
    assert "370215" in body["error"]
    status, body = get(explorer, "/api/compare", regions="440300", indicator="gdp_growth_yoy")
    assert status == 200 and body["series"][0]["name_zh"] == "深圳市" and body["series"][0]["items"][0]["value"] == 6.0


def test_the_map_ranks_a_levels_regions_within_a_province(explorer):
    status, body = get(explorer, "/api/map", indicator="gdp", period="2023", level="prefecture", within="440000")
    assert status == 200
    assert [(x["code"], x["rank"]) for x in body["items"]] == [("440300", 1)]
    status, body = get(explorer, "/api/map", indicator="gdp", period="2023", level="prefecture", within="370000")
    assert status == 200 and body["items"] == []


def test_observations_page_through_in_a_stable_order(explorer):
    status, whole = get(explorer, "/api/observations", region="440300", limit=1000)
    assert status == 200 and whole["total"] == len(whole["items"]) > 20
    pages, offset = [], 0
    while offset < whole["total"]:
        status, page = get(explorer, "/api/observations", region="440300", limit=7, offset=offset)
        assert page["total"] == whole["total"]
        pages += page["items"]
        offset += 7
    assert pages == whole["items"]
    status, body = get(
        explorer, "/api/observations", region="440300", indicator="gdp", period="2023", level="prefecture"
    )
    assert [(o["indicator_code"], o["value"]) for o in body["items"]] == [("gdp", 3.46064e12)]
    status, text = get(explorer, "/api/observations", region="440300", limit=1000, format="csv")
    assert [r["indicator_code"] for r in csv.DictReader(io.StringIO(text))] == [
        o["indicator_code"] for o in whole["items"]
    ]


def test_sql_reads_one_select_with_a_row_limit(explorer):
    status, body = get(explorer, "/api/sql", q="select count(*) as n from fact_observation")
    assert status == 200 and body["columns"] == ["n"] and body["rows"][0][0] > 90
    status, body = get(explorer, "/api/sql", q="select * from range(50) order by 1 desc;", limit=10)
    assert body["truncated"] and [r[0] for r in body["rows"]] == list(range(49, 39, -1))
    post = json.dumps({"q": "select region_code from dim_region where region_code = '440300'"}).encode()
    status, body = get(explorer, "/api/sql", data=post, headers={"content-type": "application/json"})
    assert status == 200 and body["rows"] == [["440300"]]
    status, body = get(explorer, "/api/sql", data="select '深圳'".encode("gbk"), headers={"content-type": "text/plain"})
    assert status == 400 and "not UTF-8" in body["error"]
    status, text = get(explorer, "/api/sql", q="select 1 as a, '深圳' as b", format="csv")
    assert text == "a,b\n1,深圳\n"


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("delete from dim_region", "DELETE is refused"),
        ("create table x as select 1", "CREATE is refused"),
        ("select 1; select 2", "one statement at a time"),
        ("select * from read_csv('/etc/passwd')", "file system operations are disabled"),
        ("attach '/tmp/x.duckdb'", "ATTACH is refused"),
        ("selec 1", "does not parse"),
    ],
)
def test_sql_refuses_what_is_not_one_read(explorer, sql, says):
    status, body = get(explorer, "/api/sql", q=sql)
    assert status == 400 and says in body["error"], body


def test_sql_that_runs_too_long_is_stopped():
    with pytest.raises(queries.BadRequest, match="ran over 0.5 s"):
        queries.run_sql(duckdb.connect(), "select count(*) from range(1000000000000) a, range(1000) b", seconds=0.5)


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/api/series", {"region": "440300"}, 400, "needs indicator="),
        ("/api/series", {"region": "440300", "indicatr": "gdp"}, 400, "takes no parameter indicatr"),
        ("/api/series", {"region": "440300", "indicator": "gdp", "format": "xml"}, 400, "json or csv"),
        ("/api/series", {"region": "440300", "indicator": "gdp", "as_of": "June"}, 400, "write it as 2024-06-30"),
        ("/api/series", {"region": "999999", "indicator": "gdp"}, 404, "no region '999999'"),
        ("/api/series", {"region": "440300", "indicator": "gpd"}, 404, "no indicator 'gpd'"),
        ("/api/region", {"code": "999999"}, 404, "/api/search?q=NAME"),
        ("/api/indicator", {"code": "nothing"}, 404, "no indicator 'nothing' in the catalog"),
        ("/api/search", {"q": "  "}, 400, "give q"),
        ("/api/search", {"q": "深圳", "limit": "many"}, 400, "give a whole number"),
        ("/api/map", {"indicator": "gdp", "period": "2023", "level": "city"}, 400, "province, prefecture, county"),
        ("/api/map", {"indicator": "gdp", "period": "2023", "within": "44"}, 400, "six-digit code"),
        ("/api/observations", {"limit": "0"}, 400, "give 1 to 1000"),
        ("/api/observations", {"offset": "-1"}, 400, "give 0 or more"),
        ("/api/observations", {"level": "town"}, 400, "country, province"),
        ("/api/compare", {"regions": ",", "indicator": "gdp"}, 400, "1 to 12 region codes"),
        ("/api/compare", {"regions": "440300", "indicator": "gdp", "format": "csv"}, 400, "takes no parameter format"),
        ("/api/sql", {"q": "select 1", "limit": "100000"}, 400, "give 1 to 10000"),
        ("/api/source", {"file": "../../../etc/passwd"}, 400, "a text file's path under data/raw"),
        ("/api/source", {"file": "observations/nothing.csv"}, 404, "no file observations/nothing.csv"),
        ("/api/source", {"file": "observations/2024-02_newspaper_regional_page.csv", "line": "9999"}, 400, "lines"),
    ],
)
def test_a_bad_parameter_gets_a_4xx_that_says_what_to_send(explorer, path, params, status, says):
    got, body = get(explorer, path, **params)
    assert got == status and says in body["error"], body


def test_every_endpoint_is_described_in_openapi_and_on_the_docs_page(explorer):
    status, spec = get(explorer, "/api/openapi.json")
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {e.path for e in ENDPOINTS}
    for endpoint in ENDPOINTS:
        described = {p["name"] for p in spec["paths"][endpoint.path]["get"]["parameters"]}
        assert described == {p.name for p in endpoint.params}
        example = {p.name: p.example for p in endpoint.params if p.required}
        got, _ = get(explorer, endpoint.path, **example)  # each documented example answers
        assert got in (200, 404), (endpoint.path, got)
    status, page = get(explorer, "/api/docs")
    assert all(e.path in page for e in ENDPOINTS)


def test_pages_answer_with_the_shell_the_script_fills(explorer):
    for path in ("/", "/search?q=深圳", "/region/440300", "/indicator/gdp", "/series/440300/gdp", "/compare"):
        status, page = get(explorer, urllib.parse.quote(path, safe="/?="))
        assert status == 200 and 'id="page"' in page and "/static/explorer.js" in page, path
    status, script = get(explorer, "/static/vendor/echarts.min.js")
    assert status == 200 and len(script) > 500_000  # served from here: the page needs no network


def test_a_new_publish_is_read_by_the_next_request_and_the_old_file_is_let_go(tmp_path):
    """As link_published swaps generations: the published name becomes a link of the other generation's file."""
    published = tmp_path / "warehouse.duckdb"
    a, b = generation_paths(published)
    for path, value in ((a, 1), (b, 2)):
        with duckdb.connect(str(path)) as con:
            con.execute(f"create table t as select {value} as v")
    os.link(a, published)
    door = Door(read_published, published)
    held = door.cursor()  # a request still reading while the publish links the new file in
    assert held.execute("select v from t").fetchone() == (1,)
    link_published(b, published)
    after = door.cursor()  # the next request
    assert after.execute("select v from t").fetchone() == (2,)
    assert held.execute("select v from t").fetchone() == (1,)  # the old publish, whole, to its end
    with pytest.raises(duckdb.Error, match="read-only"):
        after.execute("create table u as select 1")
    held.close()
    after.close()
    with duckdb.connect(str(a)) as writer:  # let go: the publish after next can write the old file in place
        writer.execute("insert into t values (3)")
    link_published(a, published)
    assert door.cursor().execute("select max(v) from t").fetchone() == (3,)


def test_the_watcher_lets_go_of_a_superseded_file_when_no_request_comes(tmp_path, monkeypatch):
    published = tmp_path / "warehouse.duckdb"
    a, b = generation_paths(published)
    for path in (a, b):
        with duckdb.connect(str(path)) as con:
            con.execute("create table t as select 1 as v")
    os.link(a, published)
    monkeypatch.setattr(Door, "WATCH", 0.05)
    door = Door(read_published, published)
    door.cursor().close()
    door.watch()
    link_published(b, published)
    deadline = time.monotonic() + 30
    while True:  # until the watcher lets go of a: then a writer can open it
        try:
            duckdb.connect(str(a)).close()
            break
        except duckdb.Error:  # held: a lock in another process, the same database open in this one
            assert time.monotonic() < deadline, "the superseded file is still held open"
            time.sleep(0.05)


def test_requests_at_the_same_moment_each_get_their_answer(explorer):
    """A page asks several endpoints at once: each request opens the file in a thread of its own."""
    from concurrent.futures import ThreadPoolExecutor

    asks = [("/api/series", {"region": "440300", "indicator": "gdp"}), ("/api/region", {"code": "440300"})] * 12
    with ThreadPoolExecutor(max_workers=len(asks)) as pool:
        answers = list(pool.map(lambda ask: get(explorer, ask[0], **ask[1]), asks))
    assert [status for status, _ in answers] == [200] * len(asks)


def test_regind_serve_says_what_to_do_without_a_warehouse_or_a_free_port(warehouse, tmp_path):
    import subprocess
    import sys

    def serve_command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli.main", "serve", *args], capture_output=True, text=True, timeout=120
        )

    missing = serve_command("--database", str(tmp_path / "nothing.duckdb"))
    assert missing.returncode == 2 and "does not exist yet: run `make run`" in missing.stderr, missing.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = serve_command("--database", str(warehouse.published_path), "--port", str(taken.getsockname()[1]))
    assert busy.returncode == 2 and "give --port" in busy.stderr, busy.stderr


def test_the_explorer_answers_the_same_on_the_lake(explorer, warehouse_lake):
    """REGIND_TARGET=ducklake: the pages read the lake as they read the file."""
    from pipelines.publish.lake import read_lake

    door = Door(lambda: read_lake(warehouse_lake), None)
    lake_url, stop = serve_door(door)
    try:
        for path, params in (
            ("/api/series", {"region": "440300", "indicator": "rd_expenditure"}),
            ("/api/region", {"code": "440300"}),
            ("/api/map", {"indicator": "gdp", "period": "2023", "level": "prefecture"}),
            ("/api/observations", {"region": "370215", "limit": 50}),
            ("/api/search", {"q": "即墨"}),
        ):
            assert get(lake_url, path, **params) == get(explorer, path, **params), path
    finally:
        stop()
