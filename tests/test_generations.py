"""The publish writes only what changed into the older of two published generations and links it in as
warehouse.duckdb: every table and view of the build is there, equal, after each kind of change."""

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.core.resources import Warehouse
from pipelines.publish.generations import INTERNAL_TABLES, generation_paths
from pipelines.publish.report import build_report
from tests.conftest import NOT_COPIED, GdpReader, copy_raw, refresh

SEED = "2024-02_newspaper_regional_page.csv"


def contents(path: Path) -> dict:
    """Every analyst-facing table's row count and checksum, and every view's row count."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() where not internal"
        ).fetchall()
        views = con.execute("select schema_name || '.' || view_name from duckdb_views() where not internal").fetchall()
        found = {
            t: con.execute(f"select count(*), bit_xor(hash(t)) from {t} as t").fetchone()
            for (t,) in tables
            if not t.startswith(INTERNAL_TABLES) and t != "audit.builds"
        }  # the publish's own record comes after
        found.update({v: con.execute(f"select count(*) from {v}").fetchone() for (v,) in views})
        return found


def report_is_as_built_afresh(warehouse: Warehouse) -> bool:
    """The page kept section by section equals a page built from nothing out of the published file."""
    page = (Path(warehouse.directory) / "report" / "index.html").read_text(encoding="utf-8")
    published_at = datetime.fromtimestamp(warehouse.published_path.stat().st_mtime, tz=timezone.utc)
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        afresh, _, _ = build_report(con, published_at, cache={})
    return page == afresh


def report_figures(result) -> dict:
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "report"]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def publish_metadata(result) -> dict:
    (event,) = [
        e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "published_warehouse"
    ]
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.mark.slow  # builds a warehouse of its own
def test_each_publish_writes_what_changed_into_the_older_generation(tmp_path):
    raw = copy_raw(tmp_path)
    warehouse = Warehouse(directory=str(tmp_path / "warehouse"), raw_dir=str(raw), data_docs=False)
    first, second = generation_paths(warehouse.published_path)

    assert refresh(warehouse).success
    assert warehouse.published_path.stat().st_ino == first.stat().st_ino  # a hard link, not a copy
    assert contents(warehouse.published_path) == contents(warehouse.build_path)
    assert len(contents(warehouse.published_path)) > 40

    # a changed figure: the second generation began as a copy of the first, and gets the changed file's rows
    seed = raw / "observations" / SEED
    seed.write_text(seed.read_text(encoding="utf-8").replace("34606.40", "34606.50"), encoding="utf-8")
    result = refresh(warehouse)
    assert result.success
    assert "main.fact_observation (1 _file)" in publish_metadata(result)["tables_written_by_key"]
    assert warehouse.published_path.stat().st_ino == second.stat().st_ino
    assert contents(warehouse.published_path) == contents(warehouse.build_path)

    # a new file: the first generation, two builds behind, gets the rows of the two changed files only
    added = raw / "observations" / "added.csv"
    added.write_text(
        "region_code,indicator_code,period,value,unit,source_code\n"
        "110101,gdp,2023,2211.7,亿元,2024-02_newspaper_regional_page\n",
        encoding="utf-8",
    )
    result = refresh(warehouse)
    assert result.success
    written = publish_metadata(result)
    assert "raw.observations (2 _file)" in written["tables_written_by_key"]
    assert "main.fact_observation (2 _file)" in written["tables_written_by_key"]
    assert written["tables_written_whole"] < 20
    assert warehouse.published_path.stat().st_ino == first.stat().st_ino
    assert contents(warehouse.published_path) == contents(warehouse.build_path)
    assert report_is_as_built_afresh(warehouse)
    assert report_figures(result)["sections_rebuilt"] == 1  # the new region's; the three others are kept

    # a removed file
    added.unlink()
    result = refresh(warehouse)
    assert result.success
    assert "main.fact_observation (1 _file)" in publish_metadata(result)["tables_written_by_key"]  # added, then removed
    assert warehouse.published_path.stat().st_ino == second.stat().st_ino
    assert contents(warehouse.published_path) == contents(warehouse.build_path)
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        assert (
            con.execute("select count(*) from fact_observation where _file = 'observations/added.csv'").fetchone()[0]
            == 0
        )
        assert (
            con.execute(
                "select value from v_observation where indicator_code = 'gdp' and period_code = '2023'"
            ).fetchone()[0]
            == 3.46065e12
        )
    assert report_is_as_built_afresh(warehouse)


def copy_linked(template: Path, destination: Path) -> Warehouse:
    """The session's template copied with its hard links kept (the published file is the generation the publish
    linked it to): the state a first refresh from nothing leaves, for the tests that need not watch it built."""
    copied: dict[int, str] = {}

    def copy(source: str, target: str) -> str:
        inode = os.stat(source).st_ino
        if inode in copied:
            os.link(copied[inode], target)
        else:
            copied[inode] = shutil.copy2(source, target)
        return target

    shutil.copytree(template / "raw", destination / "raw")
    shutil.copytree(template / "warehouse", destination / "warehouse", copy_function=copy, ignore=NOT_COPIED)
    return Warehouse(directory=str(destination / "warehouse"), raw_dir=str(destination / "raw"), data_docs=False)


def test_a_generation_held_by_a_reader_is_replaced_not_written(tmp_path, template):
    warehouse = copy_linked(template, tmp_path)
    raw = Path(warehouse.raw_dir)
    first, _ = generation_paths(warehouse.published_path)
    assert warehouse.published_path.stat().st_ino == first.stat().st_ino
    seed = raw / "observations" / SEED
    assert refresh(warehouse).success
    with GdpReader(warehouse.published_path) as reader:  # holds the first generation open, in another process
        assert reader.gdp() == 3.46064e12
        held = first.stat().st_ino
        for printed in ("34606.50", "34606.60"):  # the second publish comes back to the held generation
            text = seed.read_text(encoding="utf-8")
            seed.write_text(text.replace("34606.40", printed).replace("34606.50", printed), encoding="utf-8")
            assert refresh(warehouse).success
        assert first.stat().st_ino != held  # a new file under the generation's name
        assert warehouse.published_path.stat().st_ino == first.stat().st_ino
        assert contents(warehouse.published_path) == contents(warehouse.build_path)
        assert reader.gdp() == 3.46064e12  # the reader's file, untouched
    shutil.rmtree(tmp_path / "warehouse")
