"""A descriptor's validation frame: written in source.toml (`frame`), or in a .sql file it names (`frame_file`)."""

import pytest

from pipelines.core.paths import PROJECT_ROOT
from pipelines.core.resources import DEFAULT_RAW_DIR
from pipelines.ingest.descriptors import SourceTable

DESCRIPTOR = """
description = "d"
origin = "o"
licence = "l"
required_columns = ["value"]

[validation]
"""


def folder_with(tmp_path, validation: str):
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "source.toml").write_text(DESCRIPTOR + validation, encoding="utf-8")
    return folder


def test_the_observations_frame_is_read_from_its_sql_file():
    source = SourceTable.from_folder(DEFAULT_RAW_DIR / "observations")

    assert source.frame_origin == "sql/frames/observations.sql"
    assert source.frame_sql == (PROJECT_ROOT / "sql" / "frames" / "observations.sql").read_text(encoding="utf-8")


def test_a_frame_written_in_the_descriptor_still_reads():
    source = SourceTable.from_folder(DEFAULT_RAW_DIR / "units")

    assert source.frame_sql.startswith("select *, try_cast(multiplier")
    assert source.frame_origin == "data/raw/units/source.toml"


def test_a_missing_frame_file_names_the_descriptor_and_the_path(tmp_path):
    folder = folder_with(tmp_path, 'frame_file = "sql/frames/nowhere.sql"\n')

    with pytest.raises(ValueError, match=r"figures/source.toml: \[validation\] frame_file = 'sql/frames/nowhere.sql'"):
        SourceTable.from_folder(folder)


def test_a_frame_in_both_places_is_refused(tmp_path):
    folder = folder_with(tmp_path, 'frame = "select 1"\nframe_file = "sql/frames/observations.sql"\n')

    with pytest.raises(ValueError, match="both frame and frame_file"):
        SourceTable.from_folder(folder)
