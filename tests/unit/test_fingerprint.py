"""A build fingerprint on an empty in-memory database and a landing zone of one source folder: the listing of the
definition files is kept between calls, yet a descriptor added, edited or removed changes the fingerprint."""

import os

import duckdb

from pipelines.core.ledger import _folder_times, build_fingerprint, ensure_audit, loaded_versions


def test_a_descriptor_added_edited_or_removed_changes_the_fingerprint(tmp_path):
    con = duckdb.connect()
    ensure_audit(con)
    (tmp_path / "gdp").mkdir()
    (tmp_path / "gdp" / "source.toml").write_text("name = 'gdp'\n")
    first = build_fingerprint(con, tmp_path)
    assert build_fingerprint(con, tmp_path) == first
    assert build_fingerprint(con, tmp_path, versions=loaded_versions(con)) == first

    (tmp_path / "trade").mkdir()  # a new source folder, its descriptor written after the folder
    (tmp_path / "trade" / "source.toml").write_text("name = 'trade'\n")
    added = build_fingerprint(con, tmp_path)
    (tmp_path / "gdp" / "source.toml").write_text("name = 'gdp'\nunit = '亿元'\n")
    edited = build_fingerprint(con, tmp_path)
    (tmp_path / "trade" / "source.toml").unlink()
    removed = build_fingerprint(con, tmp_path)

    assert len({first, added, edited, removed}) == 4


def test_a_file_added_in_a_nested_folder_changes_its_times(tmp_path):
    nested = tmp_path / "marts" / "regional"
    nested.mkdir(parents=True)
    before = _folder_times(tmp_path)
    os.utime(nested, ns=(1, 1))  # an old time: a file written now changes it, whatever the clock's resolution
    stale = _folder_times(tmp_path)
    (nested / "v_new.sql").write_text("select 1")

    assert _folder_times(tmp_path) != stale != before
