"""One figure, many publications: release dates and kinds, status flags, the current figure, every release kept,
as-of queries, revisions as data, and the consistency rules on current figures.

Every figure written here is MADE UP for the tests (labelled so in the files), beside the seed page's real ones: a
yearbook revising Shenzhen's 2023 GDP, a district bulletin's preliminary GDP and the yearbook's final one, a portal
export whose note declares a census revision, two news pages of one day that disagree."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.core.paths import PROJECT_ROOT
from tests.conftest import copy_published, refresh

REGIND = [sys.executable, "-m", "pipelines.cli.main"]
SEED_SOURCE = "2024-02_newspaper_regional_page"

FILES = {
    # a yearbook of 2024-12-20 revising the seed page's Shenzhen GDP 2023 (34606.40亿元)
    "sz_yearbook_2024.csv": (
        "region_code,indicator_code,period,value,unit,note\n440300,gdp,2023,34802.00,亿元,MADE-UP revision\n"
    ),
    "sz_yearbook_2024.csv.toml": 'published_on = 2024-12-20\nrelease_kind = "yearbook"\n',
    # a district bulletin: 2023 preliminary (its note), 2022 final; then the yearbook's final 2023
    "jimo_bulletin_2024.csv": (
        "即墨区2023年统计公报主要指标（合成测试数据）\n注：2023年数据为初步核算数。\n"
        "region_code,indicator_code,period,value,unit\n370215,gdp,2023,1500.00,亿元\n370215,gdp,2022,1400.00,亿元\n"
    ),
    "jimo_bulletin_2024.csv.toml": "published_on = 2024-03-15\n",
    "jimo_yearbook_2024.csv": (
        "region_code,indicator_code,period,value,unit,note\n370215,gdp,2023,1512.30,亿元,MADE-UP\n"
    ),
    "jimo_yearbook_2024.csv.toml": 'published_on = 2024-11-30\nrelease_kind = "yearbook"\n',
    # two news pages of the same day that disagree: a conflict
    "news_a.csv": "region_code,indicator_code,period,value,unit,note\n370215,gdp,2021,1300.00,亿元,MADE-UP\n",
    "news_a.csv.toml": 'published_on = 2022-03-01\nrelease_kind = "news"\n',
    "news_b.csv": "region_code,indicator_code,period,value,unit,note\n370215,gdp,2021,1350.00,亿元,MADE-UP\n",
    "news_b.csv.toml": 'published_on = 2022-03-01\nrelease_kind = "news"\n',
    # first releases of the provinces' 2023 GDP, before the portal's census revision; the date in its title
    "provinces_bulletin.csv": (
        "各省2023年地区生产总值（合成测试数据，2024年2月28日发布）\n"
        "region_code,indicator_code,period,value,unit\n440000,gdp,2023,135673.16,亿元\n370000,gdp,2023,92069.00,亿元\n"
    ),
}

# the statistics bureau's portal export as downloaded (GBK, three lines above the header, newest year first, its
# note declaring a census revision of the series); the figures are MADE UP
PORTAL_EXPORT = (
    "数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：最近3年\n地区,2023年,2022年,2021年\n"
    "广东省,135673.16,129118.58,124369.67\n山东省,92068.70,87435.10,82875.17\n"
    "注：在第五次全国经济普查后，对1992年-2023年地区生产总值历史数据进行了系统修订。\n数据来源：国家统计局\n"
)


@pytest.fixture(scope="module")
def releases(template, tmp_path_factory):
    """The embedded data with the files above, refreshed and published: a connection to the published file."""
    warehouse = copy_published(template, tmp_path_factory.mktemp("releases"))
    folder = Path(warehouse.raw_dir) / "observations"
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "portal_gdp.csv").write_bytes(PORTAL_EXPORT.encode("gbk"))
    # sources.csv gives news page A a precedence over B's: of their one day, A's figure stands
    listed = Path(warehouse.raw_dir) / "sources" / "sources.csv"
    header, *rows = listed.read_text(encoding="utf-8").splitlines()
    listed.write_text(
        "\n".join(
            [
                header + ",release_kind,precedence",
                *(r + ",," for r in rows),
                "news_a,News page A (MADE-UP),a newspaper,2022-03-01,tests,tests,news,3",
                "news_b,News page B (MADE-UP),a newspaper,2022-03-01,tests,tests,,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = refresh(warehouse)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        assert con.execute("select count(*) from quarantine.observations").fetchone()[0] == 0
        yield con, warehouse


def gdp(con, region: str, period: str, view: str = "v_observation") -> list[tuple]:
    return con.execute(
        f"select value / 1e8, source_code from {view} where indicator_code = 'gdp' and region_code = ? "
        "and period_code = ? order by release_sequence",
        [region, period],
    ).fetchall()


def test_every_publication_has_a_release_date_and_a_kind(releases):
    con, _ = releases
    sources = {
        row[0]: row[1:]
        for row in con.execute(
            "select source_code, released_on::varchar, released_on_origin, release_kind, precedence from dim_source"
        ).fetchall()
    }
    assert sources[SEED_SOURCE] == ("2024-02-29", "sources.csv", "news", 1)  # 2024-02: the month's last day
    assert sources["sz_yearbook_2024"] == ("2024-12-20", "sidecar or column", "yearbook", 4)
    assert sources["jimo_bulletin_2024"][1:] == ("sidecar or column", "bulletin", 2)  # 公报 in its title
    assert sources["provinces_bulletin"][:2] == ("2024-02-28", "title or notes")  # 2024年2月28日发布
    # nothing says when the portal export came out: its first load; its note says a census revision
    first_loaded = con.execute(
        "select min(loaded_at)::date::varchar from fact_observation where _file like '%portal_gdp%'"
    ).fetchone()[0]
    assert sources["portal_gdp"] == (first_loaded, "first load", "census revision", 5)


def test_status_flags_come_from_the_page(releases):
    con, _ = releases
    status = dict(
        con.execute(
            "select _file || ':' || _line, obs_status from fact_observation "
            "where _file like '%jimo_bulletin%' or _file like '%portal_gdp%'"
        ).fetchall()
    )
    # 注：2023年数据为初步核算数: the 2023 figure provisional, 2022's not
    assert status["observations/jimo_bulletin_2024.csv:4"] == "provisional"
    assert status["observations/jimo_bulletin_2024.csv:5"] == "reported"
    # the portal's note revises 1992-2023: every figure of the table
    assert {v for k, v in status.items() if "portal_gdp" in k} == {"revised"}
    codes = dict(
        con.execute("select obs_status, sdmx_obs_status || '/' || eurostat_flag from dim_obs_status").fetchall()
    )
    assert codes["provisional"] == "P/p" and codes["revised"] == "A/r" and codes["target"] == "F/f"


def test_a_preliminary_figure_then_the_yearbooks_final_one(releases):
    con, _ = releases
    assert gdp(con, "370215", "2023", "v_observation_all") == [
        (1500.0, "jimo_bulletin_2024"),
        (1512.3, "jimo_yearbook_2024"),
    ]
    assert gdp(con, "370215", "2023") == [(1512.3, "jimo_yearbook_2024")]  # one current figure
    row = con.execute(
        "select is_revised, first_released_value / 1e8, releases, obs_status from v_observation "
        "where indicator_code = 'gdp' and region_code = '370215' and period_code = '2023'"
    ).fetchone()
    assert row == (True, 1500.0, 2, "reported")
    first, final = con.execute(
        "select observation_key, superseded_by, is_current from v_observation_all where indicator_code = "
        "'gdp' and region_code = '370215' and period_code = '2023' order by release_sequence"
    ).fetchall()
    assert first[1] == final[0] and not first[2] and final[1:] == (None, True)
    change = con.execute(
        "select change_type, round(change_from_first_pct, 2), obs_status from observation_revision "
        "where region_code = '370215' and period_code = '2023' order by release_sequence"
    ).fetchall()
    assert change == [("first release", 0.0, "provisional"), ("revision", 0.82, "reported")]
    # the seed page's Shenzhen GDP, revised by a yearbook
    assert gdp(con, "440300", "2023") == [(34802.0, "sz_yearbook_2024")]


def test_a_census_revision_loaded_after_first_releases(releases):
    con, _ = releases
    revisions = con.execute(
        "select region_code, source_code, change_type, is_current from observation_revision "
        "where indicator_code = 'gdp' and region_code in ('440000', '370000') order by region_code, release_sequence"
    ).fetchall()
    assert revisions == [
        ("370000", "provinces_bulletin", "first release", False),
        ("370000", "portal_gdp", "revision", True),
        ("440000", "provinces_bulletin", "first release", False),
        ("440000", "portal_gdp", "unchanged", True),
    ]
    # years the bulletin did not print are the portal's alone: current, one release, flagged revised as printed
    assert con.execute(
        "select releases, is_revised, obs_status from v_observation where indicator_code = 'gdp' "
        "and region_code = '370000' and period_code = '2021'"
    ).fetchone() == (1, True, "revised")


def test_two_publications_of_one_day_that_disagree_are_a_conflict(releases):
    con, _ = releases
    assert con.execute(
        "select change_type from observation_revision where region_code = '370215' and period_code = '2021' "
        "order by release_sequence"
    ).fetchall() == [("first release",), ("conflict",)]
    findings = con.execute(
        "select rule_code, explanation, places from consistency_finding where rule_type = 'conflict'"
    ).fetchall()
    assert findings == [
        ("release_conflict", "conflict", ["observations/news_a.csv, line 2", "observations/news_b.csv, line 2"])
    ]
    # of one day, the precedence sources.csv gives news page A decides (else the source code would: B)
    assert gdp(con, "370215", "2021") == [(1300.0, "news_a")]
    assert con.execute(
        "select source_code, precedence from dim_source where source_code like 'news_%' order by 1"
    ).fetchall() == [("news_a", 3), ("news_b", 1)]


def test_a_sum_over_regions_counts_each_figure_once(releases):
    con, _ = releases
    ((total, figures),) = con.execute(
        "select sum(value) / 1e8, count(*) from v_observation where indicator_code = 'gdp' "
        "and region_code in ('440000', '370000') and period_code = '2023'"
    ).fetchall()
    assert figures == 2 and total == pytest.approx(135673.16 + 92068.70)
    assert (
        con.execute(
            "select count(*) from v_observation_all where indicator_code = 'gdp' and region_code in ('440000', "
            "'370000') and period_code = '2023'"
        ).fetchone()[0]
        == 4
    )


def test_findings_are_not_duplicated_by_a_revision(releases):
    """The seed page's R&D intensity disagrees with its own R&D spending and GDP: one finding, on the seed page's own
    figures, not a second one against the yearbook's revised GDP."""
    con, _ = releases
    findings = con.execute(
        "select f.rule_code, list(distinct o.source_code) from consistency_finding as f, "
        "unnest(f.observation_keys) as k(key) join v_observation_all as o on o.observation_key = k.key "
        "where f.rule_code = 'rd_intensity' group by all"
    ).fetchall()
    assert findings == [("rd_intensity", [SEED_SOURCE])]
    assert con.execute("select count(*) from consistency_finding").fetchone()[0] == 2  # that one and the conflict


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2022-02-28", {}),
        ("2022-03-01", {("370215", "2021"): (1300.0, 2)}),
        (
            "2024-03-14",
            {("370215", "2021"): (1300.0, 2), ("370000", "2023"): (92069.0, 1), ("440300", "2023"): (34606.4, 1)},
        ),
        (
            "2024-03-15",
            {
                ("370215", "2021"): (1300.0, 2),
                ("370215", "2022"): (1400.0, 1),
                ("370215", "2023"): (1500.0, 1),
                ("370000", "2023"): (92069.0, 1),
                ("440300", "2023"): (34606.4, 1),
            },
        ),
        (
            "2024-11-30",
            {
                ("370215", "2021"): (1300.0, 2),
                ("370215", "2022"): (1400.0, 1),
                ("370215", "2023"): (1512.3, 2),
                ("370000", "2023"): (92069.0, 1),
                ("440300", "2023"): (34606.4, 1),
            },
        ),
        (
            "2024-12-20",
            {
                ("370215", "2021"): (1300.0, 2),
                ("370215", "2022"): (1400.0, 1),
                ("370215", "2023"): (1512.3, 2),
                ("370000", "2023"): (92069.0, 1),
                ("440300", "2023"): (34802.0, 2),
            },
        ),
    ],
)
def test_as_of_a_date_answers_with_what_was_known_then(releases, day, expected):
    con, _ = releases
    rows = con.execute(
        f"select region_code, period_code, value / 1e8, releases from observation_as_of(date '{day}') "
        "where indicator_code = 'gdp' and region_code in ('370215', '370000', '440300')"
    ).fetchall()
    assert {(r, p): (round(v, 2), n) for r, p, v, n in rows} == expected


@pytest.mark.parametrize(
    ("as_of", "values", "statuses", "released"),
    [
        (None, [1400.0, 1512.3], ["reported", "reported"], [["2024-03-15"], ["2024-03-15", "2024-11-30"]]),
        ("2024-06-30", [1400.0, 1500.0], ["reported", "provisional"], [["2024-03-15"], ["2024-03-15"]]),
    ],
)
def test_the_explorers_series_gives_each_points_releases_and_answers_as_of_a_day(
    releases, as_of, values, statuses, released
):
    """Jimo's GDP in the explorer (/api/series): the bulletin's preliminary 2023 figure, then the yearbook's."""
    from pipelines.explore.queries import series

    con, _ = releases
    items = series(con, "370215", "gdp", as_of)["items"]
    items = [i for i in items if i["period"] in ("2022", "2023")]
    assert [round(i["value"] / 1e8, 2) for i in items] == values
    assert [i["obs_status"] for i in items] == statuses
    assert [[str(r["released_on"]) for r in i["releases"]] for i in items] == released
    assert items[1]["is_revised"] == (as_of is None)
    assert items[1]["source"]["file"] == (
        "observations/jimo_yearbook_2024.csv" if as_of is None else "observations/jimo_bulletin_2024.csv"
    )


def test_regind_query_as_of(releases):
    _, warehouse = releases

    def regind(*args):
        done = subprocess.run(
            [*REGIND, "query", "--database", str(warehouse.published_path), "--format", "csv", *args],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
        )
        return done.returncode, done.stdout.splitlines()[1:] or done.stderr

    sql = (
        "select value / 1e8 as gdp from v_observation where indicator_code = 'gdp' and region_code = '440300' "
        "and period_code = '2023'"
    )
    assert regind("--as-of", "2024-06-30", sql) == (0, ["34606.4"])
    assert regind("--as-of", "2025-01-01", sql) == (0, ["34802"])
    assert regind(sql) == (0, ["34802"])
    # the views that read v_observation read it as of that day too
    assert regind("--as-of", "2022-01-01", "select count(*) as n from v_observation_current") == (0, ["0"])
    code, out = regind("--as-of", "30 June", sql)
    assert code == 2 and "write it as 2024-06-30" in out


def test_the_report_and_status_show_the_current_figure_and_the_revisions(releases):
    con, warehouse = releases
    page = (Path(warehouse.directory) / "report" / "index.html").read_text(encoding="utf-8")
    assert "first released as 3,460,640,000,000" in page  # the seed page's GDP, in the revised tag of the yearbook's
    assert "Figures published more than once (5)" in page
    done = subprocess.run(
        [*REGIND, "status", "--database", str(warehouse.published_path)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "4 figures revised by a later release, 1 conflicts" in " ".join(done.stdout.split())
