"""Review before facts: candidates from documents land in review tables; only accepted ones become observations,
with the document as source and the quote's offsets as lineage; decisions from the CLI and from the UI's job."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.core.resources import Warehouse
from pipelines.prose.review import Decision, append_decisions, review_candidates
from tests.conftest import refresh

GOLD = Path(__file__).parent / "gold" / "documents"
SEED_GDP = (
    "深圳市2024年政府工作报告\n\n2023年，深圳市地区生产总值34606.40亿元，同比增长6%。全年城镇新增就业12.5万人。\n"
)


def published(warehouse: Warehouse, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def regind(warehouse: Warehouse, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(REGIND_RAW_DIR=warehouse.raw_dir, REGIND_WAREHOUSE_DIR=warehouse.directory, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )


def test_candidates_wait_for_review_and_only_accepted_ones_become_observations(published_once):
    documents = Path(published_once.raw_dir) / "documents"
    for name in ("jiaxing_2025_bulletin.md", "jiaxing_2025_bulletin.md.toml"):
        shutil.copy(GOLD / name, documents / name)
    facts_before = published(published_once, "select count(*) from fact_observation")[0][0]
    assert refresh(published_once).success

    proposed = dict(
        published(
            published_once,
            "select indicator_code, candidate_id from v_candidate_review where review_status = 'proposed'",
        )
    )
    assert len(proposed) > 40
    assert (
        published(published_once, "select count(*) from fact_observation")[0][0] == facts_before
    )  # nothing without acceptance

    listed = regind(published_once, "review", "--document", "jiaxing", "--format", "csv")
    assert listed.returncode == 0 and proposed["gdp"] in listed.stdout
    accepted = regind(
        published_once, "review", "accept", proposed["gdp"], proposed["gdp_growth_yoy"], "--note", "checked"
    )
    rejected = regind(published_once, "review", "reject", proposed["retail_sales"])
    assert accepted.returncode == 0 and rejected.returncode == 0, accepted.stderr + rejected.stderr
    unknown = regind(published_once, "review", "accept", "0123456789ab")
    assert unknown.returncode == 2 and "no candidate has the id(s) 0123456789ab" in unknown.stderr
    assert refresh(published_once).success

    rows = published(
        published_once,
        """
        select v.indicator_code, v.region_code, v.period_code, v.value, f._file, f._quote_start, f._quote_end,
            s.source_code
        from fact_observation as f join v_observation as v using (observation_key)
        join dim_source as s on s.source_key = f.source_key
        where f._candidate_id is not null order by 1""",
    )
    assert [r[:4] for r in rows] == [("gdp", "330400", "2025", 7865.32e8), ("gdp_growth_yoy", "330400", "2025", 5.8)]
    text = (documents / "jiaxing_2025_bulletin.md").read_text(encoding="utf-8")
    for _, _, _, _, file, start, end, source in rows:
        assert file == "documents/jiaxing_2025_bulletin.md" and source == "document:documents/jiaxing_2025_bulletin.md"
        assert "7865.32亿元" in text[start:end]
    statuses = dict(
        published(
            published_once,
            "select indicator_code, review_status from v_candidate_review "
            "where indicator_code in ('gdp', 'retail_sales', 'tax_revenue')",
        )
    )
    assert statuses == {"gdp": "accepted", "retail_sales": "rejected", "tax_revenue": "proposed"}


def test_a_candidate_the_text_leaves_without_region_is_accepted_with_one_and_a_known_figure_is_linked(published_once):
    documents = Path(published_once.raw_dir) / "documents"
    (documents / "report.txt").write_text(SEED_GDP, encoding="utf-8")
    (documents / "no_region.txt").write_text("全年地区生产总值1368.5亿元，增长6.4%。\n", encoding="utf-8")
    (documents / "no_region.txt.toml").write_text("year = 2025\n", encoding="utf-8")
    (documents / "broken.txt").write_text("全年增长5%。\n", encoding="utf-8")
    (documents / "broken.txt.toml").write_text("published_on = 'soon'\n", encoding="utf-8")
    assert refresh(published_once).success

    linked = published(
        published_once, "select same_as from v_candidate_review where indicator_code = 'gdp' and region_code = '440300'"
    )
    assert linked and "observations/2024-02_newspaper_regional_page.csv:2" in linked[0][0]
    errors = published(published_once, "select document, error from review.documents where error is not null")
    assert errors == [("documents/broken.txt", errors[0][1])] and "published_on = 'soon' is not a date" in errors[0][1]

    unsettled = published(
        published_once,
        "select candidate_id from v_candidate_review where document = 'documents/no_region.txt' "
        "and indicator_code = 'gdp'",
    )[0][0]
    append_decisions(Path(published_once.raw_dir), [unsettled], Decision("accept"))
    assert refresh(published_once).success
    assert published(
        published_once, "select review_status from v_candidate_review where candidate_id = ?", [unsettled]
    ) == [("accepted, waiting for a region or period",)]
    append_decisions(Path(published_once.raw_dir), [unsettled], Decision("accept", region_code="330483"))
    assert refresh(published_once).success
    assert published(
        published_once,
        "select v.region_code, v.value from fact_observation as f join v_observation as v "
        "using (observation_key) where f._candidate_id = ?",
        [unsettled],
    ) == [("330483", 1368.5e8)]


def test_decisions_from_the_ui_job(published_once):
    documents = Path(published_once.raw_dir) / "documents"
    (documents / "report.txt").write_text(SEED_GDP, encoding="utf-8")
    assert refresh(published_once).success
    jobs = published(
        published_once, "select candidate_id from v_candidate_review where indicator_code = 'urban_new_jobs'"
    )[0][0]
    resources = {"warehouse": published_once}
    done = review_candidates.execute_in_process(
        run_config={"ops": {"record_decisions": {"config": {"candidate_ids": [jobs], "decision": "accept"}}}},
        resources=resources,
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert done.success
    assert f"{jobs},accept" in (Path(published_once.raw_dir) / "reviews" / "decisions.csv").read_text(encoding="utf-8")
    failed = review_candidates.execute_in_process(
        run_config={"ops": {"record_decisions": {"config": {"candidate_ids": ["ffffffffffff"], "decision": "accept"}}}},
        resources=resources,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not failed.success


def test_an_uncatalogued_figure_is_proposed_with_its_name_and_accepting_it_registers_the_indicator(published_once):
    documents = Path(published_once.raw_dir) / "documents"
    (documents / "tea.txt").write_text(
        "桐乡市2025年统计公报\n\n全年莲藕产量1.25万吨，比上年增长4.2%。全年地区生产总值1368.5亿元。\n", encoding="utf-8"
    )
    (documents / "tea.txt.toml").write_text("year = 2025\n", encoding="utf-8")
    assert refresh(published_once).success
    proposed = published(
        published_once,
        "select label, registered_code, candidate_id, review_status, measure_type from v_candidate_review "
        "where document = 'documents/tea.txt' and indicator_code is null order by label",
    )
    assert [r[0] for r in proposed] == ["莲藕产量", "莲藕产量增长"] and {r[3] for r in proposed} == {"proposed"}
    with duckdb.connect() as con:  # the code a table printing 莲藕产量(万吨) gets from the validation frame
        assert proposed[0][1] == con.execute("select 'reg_' || substr(md5('莲藕产量|ton'), 1, 10)").fetchone()[0]
    listed = regind(published_once, "review", "--document", "tea", "--format", "csv")
    assert "uncatalogued: no catalog indicator is named '莲藕产量'" in listed.stdout

    assert regind(published_once, "review", "accept", *(r[2] for r in proposed)).returncode == 0
    assert refresh(published_once).success
    registered = published(
        published_once,
        """
        select i.name_zh, i.measure_type, i.indicator_origin, i.registered_from, v.value
        from fact_observation as f join v_observation as v using (observation_key)
        join dim_indicator as i using (indicator_key)
        where f._candidate_id is not null order by 1""",
    )
    assert registered == [
        ("莲藕产量", "level", "registered from file", "documents/tea.txt", 12500.0),
        ("莲藕产量增长", "growth_yoy", "registered from file", "documents/tea.txt", 4.2),
    ]

    wrong = regind(published_once, "review", "map", proposed[0][2], "no_such_indicator")
    assert wrong.returncode == 2 and "is not an indicator of the catalog" in wrong.stderr
    mapped = regind(published_once, "review", "map", proposed[1][2], "grain_output")
    assert mapped.returncode == 0, mapped.stderr
    assert "莲藕产量,grain_output" in (Path(published_once.raw_dir) / "indicator_mappings" / "mappings.csv").read_text(
        encoding="utf-8"
    )
